#include "libforensic/util/natural_order.hpp"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

namespace forensic {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Token by token from `start`, where both strings are at a token boundary.
bool natural_less_from(std::string_view a, std::string_view b, std::size_t start)
{
    std::size_t i = start, j = start;
    while (i < a.size() && j < b.size()) {
        if (is_digit(a[i]) && is_digit(b[j])) {
            std::size_t ie = i, je = j;
            while (ie < a.size() && is_digit(a[ie])) ++ie;
            while (je < b.size() && is_digit(b[je])) ++je;
            // Compare digit runs by value: strip leading zeros, then length, then text.
            std::size_t iz = i, jz = j;
            while (iz + 1 < ie && a[iz] == '0') ++iz;
            while (jz + 1 < je && b[jz] == '0') ++jz;
            if (ie - iz != je - jz) return ie - iz < je - jz;
            auto x = a.substr(iz, ie - iz), y = b.substr(jz, je - jz);
            if (x != y) return x < y;
            if (ie - i != je - j) return ie - i < je - j;
            i = ie;
            j = je;
            continue;
        }
        if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j;
}

} // namespace

bool natural_less(std::string_view a, std::string_view b)
{
    // Sorted subjects share long prefixes ("run/run-0096..."): the common
    // prefix is skipped bytewise, then the comparison starts over at the digit
    // run that prefix ends inside, where both strings are at one boundary.
    auto common = std::min(a.size(), b.size());
    std::size_t p = 0;
    while (p < common && a[p] == b[p]) ++p;
    while (p > 0 && is_digit(a[p - 1])) --p;
    return natural_less_from(a, b, p);
}

std::string natural_sort_key(std::string_view text)
{
    // A digit run becomes '0' (every digit compares alike against any other
    // byte, and no other byte lies among the digits), the length of its value
    // without leading zeros, that value, and its length as written: the order
    // natural_less gives, by value, then fewer leading zeros first. Lengths
    // are four bytes, big-endian, so that they compare as numbers.
    auto append_length = [](std::string& out, std::size_t n) {
        auto v = static_cast<std::uint32_t>(std::min<std::size_t>(n, 0xffffffffu));
        for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
    };
    std::string key;
    key.reserve(text.size() + 16);
    for (std::size_t i = 0; i < text.size();) {
        if (!is_digit(text[i])) { // the text up to the next digit, as it is
            auto end = i;
            while (end < text.size() && !is_digit(text[end])) ++end;
            key.append(text.substr(i, end - i));
            i = end;
            continue;
        }
        auto end = i;
        while (end < text.size() && is_digit(text[end])) ++end;
        auto significant = i;
        while (significant + 1 < end && text[significant] == '0') ++significant;
        key += '0';
        append_length(key, end - significant);
        key.append(text.substr(significant, end - significant));
        append_length(key, end - i);
        i = end;
    }
    return key;
}

std::vector<std::size_t> natural_ranks(const std::vector<std::string_view>& strings)
{
    std::unordered_map<std::string_view, std::size_t> slot; // value -> its index in `distinct`
    std::vector<std::string_view> distinct;
    std::vector<std::size_t> of(strings.size()); // element -> its value's index in `distinct`
    for (std::size_t i = 0; i < strings.size(); ++i) {
        auto [found, added] = slot.try_emplace(strings[i], distinct.size());
        if (added) distinct.push_back(strings[i]);
        of[i] = found->second;
    }
    // Sorted by their keys: a comparison is then one memcmp, where
    // natural_less walks both strings (a year's diff sorts 24,000 keys).
    std::vector<std::string> keys;
    keys.reserve(distinct.size());
    for (auto s : distinct) keys.push_back(natural_sort_key(s));
    std::vector<std::size_t> order(distinct.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
    std::vector<std::size_t> rank(distinct.size());
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = i;
    for (auto& r : of) r = rank[r];
    return of;
}

} // namespace forensic
