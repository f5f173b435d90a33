#include "libforensic/render/escape.hpp"

#include <algorithm>
#include <cstdio>

namespace forensic::render {
namespace {

// The code point of the UTF-8 sequence at text[i] and its length; length 0
// when the sequence is invalid (overlong, a surrogate, cut short, ...).
std::pair<char32_t, std::size_t> decode(std::string_view text, std::size_t i)
{
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char c = byte(i);
    std::size_t length = 0;
    char32_t code = 0, min = 0;
    if ((c & 0xE0) == 0xC0) {
        length = 2, code = c & 0x1Fu, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        length = 3, code = c & 0x0Fu, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        length = 4, code = c & 0x07u, min = 0x10000;
    } else {
        return {0, 0};
    }
    if (i + length > text.size()) return {0, 0};
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return {0, 0};
        code = (code << 6) | (byte(i + k) & 0x3Fu);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return {0, 0};
    return {code, length};
}

// Code points a terminal acts on instead of showing: C1 controls (U+009B is
// CSI, as ESC [ is) and the bidirectional controls that reorder a line.
bool is_hidden_control(char32_t code)
{
    return (code >= 0x80 && code <= 0x9F) || code == 0x061C || code == 0x200E || code == 0x200F ||
           (code >= 0x202A && code <= 0x202E) || (code >= 0x2066 && code <= 0x2069);
}

bool needs_no_escape(std::string_view text)
{
    // Printable ASCII is 0x20-0x7E: c - 0x20 below 0x5F. Without an early
    // exit the loop vectorizes; most text is short, and nearly all of it plain.
    unsigned char outside = 0;
    for (char ch : text) outside |= static_cast<unsigned char>(static_cast<unsigned char>(ch - 0x20) >= 0x5F);
    return outside == 0;
}

void append_hex(std::string& out, const char* format, unsigned value)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, format, value);
    out += buf;
}

std::string longest_backtick_fence(std::string_view text)
{
    std::size_t longest = 0, run = 0;
    for (char c : text) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    return std::string(longest + 1, '`');
}

std::string code_span(std::string_view text, bool in_table_cell)
{
    auto visible = escape_terminal(text);
    if (visible.empty()) return "` `";
    std::string body;
    for (char c : visible) {
        if (c == '|' && in_table_cell) body += '\\';
        body += c;
    }
    auto fence = longest_backtick_fence(visible);
    // CommonMark strips one space from each end when both have one.
    bool pad = visible.front() == '`' || visible.back() == '`' || (visible.front() == ' ' && visible.back() == ' ');
    return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

} // namespace

std::string escape_terminal(std::string_view text)
{
    // Most text is plain ASCII: copied whole.
    if (needs_no_escape(text)) return std::string(text);
    std::string out;
    out.reserve(text.size() + 8);
    for (std::size_t i = 0; i < text.size();) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7F) {
            out += text[i++];
        } else if (c < 0x80) {
            if (c == '\n')
                out += "\\n";
            else if (c == '\r')
                out += "\\r";
            else if (c == '\t')
                out += "\\t";
            else
                append_hex(out, "\\x%02x", c);
            ++i;
        } else if (auto [code, length] = decode(text, i); length == 0) {
            append_hex(out, "\\x%02x", c);
            ++i;
        } else {
            if (is_hidden_control(code))
                append_hex(out, "\\u%04x", static_cast<unsigned>(code));
            else
                out.append(text.substr(i, length));
            i += length;
        }
    }
    return out;
}

std::string_view escape_terminal_view(std::string_view text, std::string& storage)
{
    if (needs_no_escape(text)) return text;
    storage = escape_terminal(text);
    return storage;
}

std::string escape_markdown(std::string_view text)
{
    // What can open a construct mid-line: emphasis, code, links and images,
    // raw HTML and entities, cell boundaries, strikethrough, math, mentions.
    static constexpr std::string_view special = "\\`*_[]<>&|~$@";
    auto visible = escape_terminal(text);
    std::string out;
    out.reserve(visible.size() + 8);
    for (char c : visible) {
        if (special.find(c) != std::string_view::npos) out += '\\';
        out += c;
    }
    return out;
}

std::string escape_markdown_code(std::string_view text)
{
    return code_span(text, false);
}

std::string escape_markdown_code_cell(std::string_view text)
{
    return code_span(text, true);
}

namespace {

std::string html_references(std::string_view text, bool apostrophe)
{
    auto visible = escape_terminal(text);
    std::string out;
    out.reserve(visible.size() + 8);
    for (char c : visible) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'':
            if (apostrophe) {
                out += "&#39;";
                break;
            }
            [[fallthrough]];
        default: out += c;
        }
    }
    return out;
}

} // namespace

std::string escape_html(std::string_view text)
{
    // An apostrophe means nothing in text content (and the pages' own
    // attributes are double-quoted), so "discourse's" reads as written.
    return html_references(text, false);
}

std::string escape_html_attribute(std::string_view text)
{
    return html_references(text, true);
}

} // namespace forensic::render
