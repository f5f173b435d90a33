// Follows libgit2 1.5's config_parse.c step by step (names, quoting, comments,
// backslash continuations, a variable after a header on the same line), so
// that what it finds is what libgit2 would act on. Where libgit2 reads C
// strings, a NUL ends the line here too.
#include "libforensic/git/config_scan.hpp"

#include "libforensic/util/error.hpp"

#include <cctype>

namespace forensic::git {
namespace {

bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool is_keychar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
}

char lower(char c)
{
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

class Scanner {
public:
    Scanner(std::string_view text, const std::string& origin) : text_(text), origin_(origin)
    {
        if (text_.starts_with("\xEF\xBB\xBF")) text_.remove_prefix(3);
    }

    std::vector<ConfigVariable> scan()
    {
        while (next_line()) {
            std::string_view rest = line_;
            for (;;) {
                auto first = rest.find_first_not_of(" \t\n\r\v\f");
                if (first == std::string_view::npos || rest[first] == ';' || rest[first] == '#') break;
                rest.remove_prefix(first);
                if (rest.front() != '[') {
                    variable(std::string(rest));
                    break;
                }
                rest.remove_prefix(header(rest)); // a variable may follow on the same line
            }
        }
        return std::move(out_);
    }

private:
    [[noreturn]] void fail(const std::string& what) const
    {
        throw GitError("failed to parse config file: " + what + " (in " + origin_ + ":" + std::to_string(line_number_) +
                       "); libgit2 would not open this repository");
    }

    bool next_line()
    {
        if (pos_ >= text_.size()) return false;
        auto end = text_.find('\n', pos_);
        auto line = text_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
        pos_ = end == std::string_view::npos ? text_.size() : end + 1;
        ++line_number_;
        line_ = std::string(line.substr(0, line.find('\0')));
        return true;
    }

    static char at(std::string_view s, std::size_t i) { return i < s.size() ? s[i] : '\0'; }

    // Cuts an unquoted ';' or '#' comment and trailing space; returns the
    // quotes counted (starting from `in_quotes`).
    static int strip_comments(std::string& line, int in_quotes)
    {
        int quotes = in_quotes, backslashes = 0;
        std::size_t i = 0;
        for (; i < line.size(); ++i) {
            if (line[i] == '"' && (i == 0 || line[i - 1] != '\\')) ++quotes;
            if ((line[i] == ';' || line[i] == '#') && quotes % 2 == 0 && backslashes % 2 == 0) break;
            backslashes = line[i] == '\\' ? backslashes + 1 : 0;
        }
        line.resize(i);
        while (!line.empty() && is_space(line.back())) line.pop_back();
        return quotes;
    }

    // '\"' → '"' etc.; quotes dropped; a trailing backslash continues the value.
    std::string unescape(std::string_view s, bool& multiline, int* quotes) const
    {
        static constexpr std::string_view escapes = "ntb\"\\", escaped = "\n\t\b\"\\";
        multiline = false;
        std::string out;
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] == '"') {
                if (quotes) ++*quotes;
            } else if (s[i] != '\\') {
                out += s[i];
            } else if (++i == s.size()) {
                multiline = true;
                break;
            } else if (auto k = escapes.find(s[i]); k != std::string_view::npos) {
                out += escaped[k];
            } else {
                fail("invalid escape");
            }
        }
        return out;
    }

    // Returns how much of `line` (from its '[') the header took.
    std::size_t header(std::string_view line)
    {
        if (line.rfind(']') == std::string_view::npos) fail("missing ']' in section header");
        std::string name;
        std::size_t pos = 1;
        char c = at(line, pos++);
        do {
            if (is_space(c)) return subsection(line, pos, name);
            if (!is_keychar(c) && c != '.') fail("unexpected character in header");
            name += lower(c);
        } while ((c = at(line, pos++)) != ']');
        section_ = name;
        return pos;
    }

    // [section "subsection"]: the subsection as written, backslashes escaping.
    std::size_t subsection(std::string_view line, std::size_t pos, const std::string& base)
    {
        while (is_space(at(line, pos))) ++pos;
        if (at(line, pos) != '"') fail("missing quotation marks in section header");
        auto first = pos;
        auto last = line.rfind('"');
        if (last == first) fail("missing closing quotation mark in section header");
        std::string name = base + ".";
        std::size_t r = first + 1;
        for (;; ++r) {
            char c = at(line, r);
            if (c == '\0') fail("unexpected end-of-line in section header");
            if (c == '"') break;
            if (c == '\\' && (c = at(line, ++r)) == '\0') fail("unexpected end-of-line in section header");
            name += c;
            if (r + 1 >= last) {
                ++r;
                break;
            }
        }
        if (at(line, r) != '"' || at(line, r + 1) != ']') fail("unexpected text after closing quotes");
        section_ = name;
        return r + 2;
    }

    void variable(std::string line)
    {
        int quotes = strip_comments(line, 0);
        std::size_t end = 0;
        while (end < line.size() && is_keychar(line[end])) ++end;
        if (end == 0) fail("invalid configuration key");
        std::string name = section_.empty() ? "" : section_ + ".";
        for (std::size_t i = 0; i < end; ++i) name += lower(line[i]);
        auto start = end;
        while (start < line.size() && is_space(line[start])) ++start;
        ConfigVariable variable{std::move(name), std::nullopt};
        if (start < line.size()) {
            if (line[start] != '=') fail("invalid configuration key");
            ++start;
            while (start < line.size() && is_space(line[start])) ++start;
            bool multiline = false;
            auto value = unescape(std::string_view(line).substr(start), multiline, nullptr);
            int in_quotes = quotes % 2;
            while (multiline && next_line()) {
                std::string more = line_;
                int counted = strip_comments(more, in_quotes);
                if (!more.empty()) value += unescape(more, multiline, &in_quotes);
                in_quotes = counted;
            }
            variable.value = std::move(value);
        }
        out_.push_back(std::move(variable));
    }

    std::string_view text_;
    const std::string& origin_;
    std::size_t pos_ = 0;
    std::size_t line_number_ = 0;
    std::string line_;
    std::string section_;
    std::vector<ConfigVariable> out_;
};

} // namespace

std::vector<ConfigVariable> scan_config(std::string_view text, const std::string& origin)
{
    return Scanner(text, origin).scan();
}

bool is_include(const ConfigVariable& variable)
{
    const auto& name = variable.name;
    return name == "include.path" || (name.starts_with("includeif.") && name.ends_with(".path"));
}

bool names_a_file(const ConfigVariable& variable)
{
    return is_include(variable) || variable.name == "core.excludesfile" || variable.name == "core.attributesfile";
}

} // namespace forensic::git
