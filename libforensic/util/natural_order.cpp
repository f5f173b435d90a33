#include "libforensic/util/natural_order.hpp"

#include <algorithm>

namespace forensic {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

} // namespace

bool natural_less(std::string_view a, std::string_view b)
{
    std::size_t i = 0, j = 0;
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

std::unordered_map<std::string_view, std::size_t> natural_ranks(const std::vector<std::string_view>& strings)
{
    std::unordered_map<std::string_view, std::size_t> rank;
    for (auto s : strings) rank.emplace(s, 0);
    std::vector<std::string_view> distinct;
    distinct.reserve(rank.size());
    for (const auto& [s, _] : rank) distinct.push_back(s);
    std::sort(distinct.begin(), distinct.end(), natural_less);
    for (std::size_t i = 0; i < distinct.size(); ++i) rank[distinct[i]] = i;
    return rank;
}

} // namespace forensic
