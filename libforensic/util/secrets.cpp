#include "libforensic/util/secrets.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace forensic {
namespace {

bool is_alnum(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Lower-cased words: split at non-alphanumerics and at a lower-to-upper hump.
std::vector<std::string> words_of(std::string_view name)
{
    std::vector<std::string> words;
    std::string word;
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        bool hump = i > 0 && std::isupper(static_cast<unsigned char>(c)) && std::islower(static_cast<unsigned char>(name[i - 1]));
        if (!is_alnum(c) || hump) {
            if (!word.empty()) words.push_back(std::move(word));
            word.clear();
            if (!is_alnum(c)) continue;
        }
        word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!word.empty()) words.push_back(std::move(word));
    return words;
}

constexpr std::array<std::string_view, 23> secret_words = {
    "password", "passwd", "pass", "pwd", "passphrase", "secret", "secrets", "token", "tokens", "credential",
    "credentials", "creds", "auth", "authorization", "basicauth", "apikey", "privatekey", "cookie", "jwt",
    "bearer", "otp", "sig", "signature"};
constexpr std::array<std::string_view, 6> secret_parts = {"password", "passwd", "secret", "token", "credential",
                                                          "apikey"};
constexpr std::array<std::string_view, 7> key_qualifiers = {"api", "private", "access", "secret",
                                                            "ssh", "signing", "encryption"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& list, std::string_view word)
{
    return std::find(list.begin(), list.end(), word) != list.end();
}

bool ends_value(char c)
{
    return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == '&' || c == ';' || c == ',';
}

bool is_name_char(char c)
{
    return is_alnum(c) || c == '_' || c == '-' || c == '.';
}

} // namespace

std::string withheld(std::string_view why)
{
    return "(withheld: " + std::string(why) + ")";
}

bool is_secret_name(std::string_view name)
{
    auto words = words_of(name);
    if (words.size() == 1 && words.front() == "key") return true;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const auto& word = words[i];
        if (contains(secret_words, word)) return true;
        for (auto part : secret_parts)
            if (word.find(part) != std::string::npos) return true;
        if (word == "key" && i > 0 && contains(key_qualifiers, words[i - 1])) return true;
    }
    return false;
}

std::string scrub_secret_assignments(std::string_view text)
{
    std::string out;
    std::size_t copied = 0;
    for (auto eq = text.find('='); eq != std::string_view::npos; eq = text.find('=', eq + 1)) {
        auto start = eq;
        while (start > 0 && is_name_char(text[start - 1])) --start;
        if (start == eq || !is_secret_name(text.substr(start, eq - start))) continue;
        auto begin = eq + 1, end = begin;
        if (begin < text.size() && (text[begin] == '"' || text[begin] == '\'')) {
            // A quoted value, to its closing quote.
            auto quote = text[begin++];
            end = text.find(quote, begin);
            if (end == std::string_view::npos) end = text.size();
        } else {
            while (end < text.size() && !ends_value(text[end])) ++end;
        }
        if (end == begin || text.substr(begin, end - begin) == "***") continue;
        out.append(text.substr(copied, begin - copied));
        out += "***";
        copied = end;
        eq = end == text.size() ? end - 1 : end;
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

} // namespace forensic
