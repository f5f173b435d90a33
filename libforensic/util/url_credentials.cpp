#include "libforensic/util/url_credentials.hpp"

#include "libforensic/util/secrets.hpp"

#include <cctype>
#include <vector>

namespace forensic {
namespace {

bool is_scheme_char(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

bool ends_authority(char c)
{
    return c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || c == '<' || c == '>' ||
           std::isspace(static_cast<unsigned char>(c));
}

// [begin, end) of the user-info (without '@') of the URL whose "://" is at
// `sep`; begin == end when there is none.
std::pair<std::size_t, std::size_t> user_info(std::string_view text, std::size_t sep)
{
    auto start = sep + 3;
    auto end = start;
    while (end < text.size() && !ends_authority(text[end])) ++end;
    auto at = text.substr(start, end - start).rfind('@');
    if (at == std::string_view::npos) return {start, start};
    return {start, start + at};
}

// [begin, end) of the query ("?a=b&c=d", up to a '#' or the URL's end) of
// the URL whose "://" is at `sep`; begin == end when there is none.
std::pair<std::size_t, std::size_t> query_of(std::string_view text, std::size_t sep)
{
    auto end = sep + 3;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) && text[end] != '"' &&
           text[end] != '\'' && text[end] != '<' && text[end] != '>')
        ++end;
    auto query = text.substr(0, end).find('?', sep + 3);
    if (query == std::string_view::npos) return {end, end};
    auto fragment = text.substr(0, end).find('#', query);
    return {query, fragment == std::string_view::npos ? end : fragment};
}

std::string percent_decode(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
            out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += text[i];
        }
    }
    return out;
}

void replace_all(std::string& text, const std::string& secret)
{
    if (secret.empty()) return;
    for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3))
        text.replace(pos, secret.size(), "***");
}

} // namespace

std::string strip_url_credentials(std::string_view text)
{
    std::string out;
    std::size_t copied = 0;
    for (auto sep = text.find("://"); sep != std::string_view::npos; sep = text.find("://", sep + 3)) {
        if (sep == 0 || !is_scheme_char(text[sep - 1])) continue;
        auto [begin, end] = user_info(text, sep);
        auto [query, url_end] = query_of(text, sep);
        if (begin == end && query == url_end) continue;
        out.append(text.substr(copied, begin - copied));
        auto rest = begin == end ? begin : end + 1; // drop the '@' too
        out.append(text.substr(rest, query - rest));
        out += scrub_secret_assignments(text.substr(query, url_end - query));
        copied = url_end;
    }
    if (copied == 0) return std::string(text);
    out.append(text.substr(copied));
    return out;
}

std::string scrub_credentials(std::string_view text, std::string_view url)
{
    std::string out(text);
    auto sep = url.find("://");
    if (sep != std::string_view::npos) {
        auto [begin, end] = user_info(url, sep);
        auto info = url.substr(begin, end - begin);
        std::vector<std::string> secrets{std::string(info), percent_decode(info)};
        if (auto colon = info.find(':'); colon != std::string_view::npos) {
            secrets.emplace_back(info.substr(colon + 1));
            secrets.push_back(percent_decode(info.substr(colon + 1)));
        }
        // The values of secret-named query parameters, as written and decoded.
        auto [query, query_end] = query_of(url, sep);
        auto params = url.substr(query, query_end - query);
        for (std::size_t pos = 1; pos < params.size();) {
            auto amp = params.find_first_of("&;", pos);
            auto param = params.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
            pos = amp == std::string_view::npos ? params.size() : amp + 1;
            auto eq = param.find('=');
            if (eq == std::string_view::npos || eq + 1 == param.size()) continue;
            if (!is_secret_name(percent_decode(param.substr(0, eq)))) continue;
            secrets.emplace_back(param.substr(eq + 1));
            secrets.push_back(percent_decode(param.substr(eq + 1)));
        }
        for (const auto& secret : secrets) replace_all(out, secret);
    }
    return strip_url_credentials(out);
}

} // namespace forensic
