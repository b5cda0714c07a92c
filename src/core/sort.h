// core/sort.h — sorting large elements: std::stable_sort's order, each element moved once.
#pragma once

#include <algorithm>
#include <cstddef>
#include <numeric>
#include <utility>
#include <vector>

namespace samplan {

// Sorts `items` as std::stable_sort would, the order found on indices and each element then moved
// once (a merge sort moves each element at every step: slow for an activity or a diagnostic);
// nothing moved when they are in order already.
template <typename T, typename Less>
void stable_sort_moving_once(std::vector<T>& items, Less less) {
    if (std::is_sorted(items.begin(), items.end(), less)) return;
    std::vector<size_t> order(items.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return less(items[a], items[b]); });
    std::vector<T> sorted;
    sorted.reserve(items.size());
    for (const size_t i : order) sorted.push_back(std::move(items[i]));
    items = std::move(sorted);
}

}  // namespace samplan
