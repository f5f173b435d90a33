// Orders "generation/9" before "generation/10", as people read them.
#pragma once

#include <cstddef>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace forensic {

bool natural_less(std::string_view a, std::string_view b);

// Each distinct string's place in natural order. Sorting many records by a
// field that repeats (a subject) compares it ~n log n times: two ranks are one
// integer comparison where natural_less walks both strings.
std::unordered_map<std::string_view, std::size_t> natural_ranks(const std::vector<std::string_view>& strings);

// Puts `items` in the order `order` gives (a permutation of their indices),
// moving each item once: sorting indices costs no moves of large records.
template <typename T>
void apply_order(std::vector<T>& items, const std::vector<std::size_t>& order)
{
    std::vector<T> sorted;
    sorted.reserve(items.size());
    for (auto i : order) sorted.push_back(std::move(items[i]));
    items = std::move(sorted);
}

} // namespace forensic
