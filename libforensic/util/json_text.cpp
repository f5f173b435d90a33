#include "libforensic/util/json_text.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/file_bytes.hpp"
#include "libforensic/util/utf8.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <vector>

namespace forensic {

std::string read_text_file(const std::filesystem::path& real_path, const std::string& shown)
{
    auto bytes = read_file_bytes(real_path);
    if (!bytes) throw InputError(shown + ": cannot be read: " + std::strerror(errno));
    return std::move(*bytes);
}

namespace {

// Deeper than this is not evidence, and nlohmann prints (and copies) values
// recursively: a file of a million '[' would overflow the stack.
constexpr std::size_t max_depth = 512;

// Where the text opens its (max_depth + 1)th nested level, if it does.
std::optional<std::size_t> too_deep_at(std::string_view text)
{
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth) return i;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        }
    }
    return std::nullopt;
}

// "line L, column C (byte N)": `end` bytes read, as nlohmann counts them
// (from 1, pointing at the last byte read).
std::string position(std::string_view text, std::size_t end)
{
    std::size_t line = 1, column = 0;
    for (std::size_t i = 0; i < end && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 0;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(std::max<std::size_t>(column, 1)) +
           " (byte " + std::to_string(end) + ")";
}

// `end` in the text as parsed, in the original text: each byte escaped as
// \\xNN before it made the parsed text 4 bytes longer.
std::size_t original_end(std::size_t end, const std::vector<std::size_t>& escaped)
{
    for (std::size_t k = 0; k < escaped.size(); ++k) {
        auto start = escaped[k] + 4 * k; // where its escape begins in the parsed text
        if (start >= end) return end - 4 * k;
        if (start + 5 > end) return escaped[k] + 1; // the error is at that byte
    }
    return end - 4 * escaped.size();
}

} // namespace

nlohmann::json parse_json_text(std::string_view text, const std::string& origin,
                               const nlohmann::json::parser_callback_t& callback)
{
    if (auto at = too_deep_at(text))
        throw InputError(origin + ": nested deeper than " + std::to_string(max_depth) + " levels at " +
                         position(text, *at + 1));
    // Bytes that are not UTF-8 (a hostile label, a corrupt file) become \xNN
    // in the strings that hold them, as everywhere in the store, rather than
    // losing the whole file; outside strings they are still a syntax error.
    std::vector<std::size_t> escaped;
    std::string valid;
    std::string_view parsed = text;
    if (!is_valid_utf8(text)) {
        valid = to_valid_utf8(text, "\\\\", &escaped);
        parsed = valid;
    }
    try {
        return nlohmann::json::parse(parsed.begin(), parsed.end(), callback);
    } catch (const nlohmann::json::parse_error& e) {
        throw InputError(origin + ": malformed JSON at " +
                         position(text, original_end(std::min<std::size_t>(e.byte, parsed.size() + 1), escaped)));
    } catch (const nlohmann::json::out_of_range&) {
        // nlohmann says neither where nor, without quoting it, which number.
        throw InputError(origin + ": malformed JSON: a number too large to read");
    }
}

std::string json_value_text(const nlohmann::json& value)
{
    return value.is_string() ? value.get<std::string>() : value.dump();
}

} // namespace forensic
