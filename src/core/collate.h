// core/collate.h — sorting names the way a Swedish reader expects (Å, Ä, Ö after Z), with ICU.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace samplan {

// Byte strings whose order is the language's collation order ("sv" or "en").
std::vector<std::string> collation_keys(const std::vector<std::string>& texts, const std::string& language);

// Sorts `items` by `text(item)` in the language's order; stable for equal texts.
template <typename T, typename TextOf>
void collate_sort(std::vector<T>& items, const std::string& language, TextOf text);

}  // namespace samplan

#include <algorithm>
#include <numeric>

namespace samplan {

template <typename T, typename TextOf>
void collate_sort(std::vector<T>& items, const std::string& language, TextOf text) {
    std::vector<std::string> texts;
    texts.reserve(items.size());
    for (const auto& item : items) texts.emplace_back(text(item));
    const auto keys = collation_keys(texts, language);
    std::vector<size_t> order(items.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    std::vector<T> sorted;
    sorted.reserve(items.size());
    for (size_t i : order) sorted.push_back(std::move(items[i]));
    items = std::move(sorted);
}

}  // namespace samplan
