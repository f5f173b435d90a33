#include "libforensic/util/utf8.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace forensic {
namespace {

// Length of the valid UTF-8 sequence at text[i], or 0 when invalid.
std::size_t sequence_length(std::string_view text, std::size_t i)
{
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) return 1;
    std::size_t length = 0;
    unsigned int min = 0, code = 0;
    if ((c & 0xE0) == 0xC0) {
        length = 2;
        min = 0x80;
        code = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
        length = 3;
        min = 0x800;
        code = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
        length = 4;
        min = 0x10000;
        code = c & 0x07u;
    } else {
        return 0;
    }
    if (i + length > text.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        code = (code << 6) | (byte(i + k) & 0x3Fu);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return 0;
    return length;
}

std::string hex_escape(unsigned char c, std::string_view backslash = "\\")
{
    char buf[8];
    std::snprintf(buf, sizeof buf, "x%02x", c);
    return std::string(backslash) + buf;
}

} // namespace

bool is_valid_utf8(std::string_view text)
{
    for (std::size_t i = 0; i < text.size();) {
        // ASCII, the common case, eight bytes at a time without decoding.
        if (i + 8 <= text.size()) {
            std::uint64_t word;
            std::memcpy(&word, text.data() + i, 8);
            if (!(word & 0x8080808080808080ULL)) {
                i += 8;
                continue;
            }
        }
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        auto n = sequence_length(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string to_valid_utf8(std::string_view text, std::string_view backslash, std::vector<std::size_t>* escaped_at)
{
    if (is_valid_utf8(text)) return std::string(text);
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        auto n = sequence_length(text, i);
        if (n == 0) {
            out += hex_escape(static_cast<unsigned char>(text[i]), backslash);
            if (escaped_at) escaped_at->push_back(i);
            ++i;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::size_t code_points(std::string_view text)
{
    std::size_t n = 0;
    for (unsigned char c : text) n += (c & 0xC0) != 0x80;
    return n;
}

std::string first_code_points(std::string_view text, std::size_t n)
{
    std::size_t seen = 0, i = 0;
    for (; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) != 0x80 && seen++ == n) break;
    }
    return std::string(text.substr(0, i));
}

} // namespace forensic
