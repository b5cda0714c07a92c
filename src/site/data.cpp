#include "site/data.h"

namespace samplan::site {

Data& Data::set(const std::string& key, Data value) {
    kind_ = Kind::Map;
    for (auto& e : entries_)
        if (e.first == key) {
            e.second = std::move(value);
            return *this;
        }
    if (entries_.empty()) entries_.reserve(8);  // page maps hold tens of entries: fewer moves as they grow
    entries_.emplace_back(key, std::move(value));
    return *this;
}

const Data* Data::get(const std::string& key) const {
    // Templates look most names up in several maps before one has it: the length and the first
    // letter rule out nearly every entry without a call to compare.
    const size_t size = key.size();
    const char first = size ? key[0] : '\0';
    for (const Data* map = this; map; map = map->base_.get())
        for (const auto& e : map->entries_)
            if (e.first.size() == size && (size == 0 || (e.first[0] == first && e.first == key))) return &e.second;
    return nullptr;
}

Data& Data::push(Data value) {
    kind_ = Kind::List;
    if (items_.empty()) items_.reserve(4);
    items_.push_back(std::move(value));
    return items_.back();
}

}  // namespace samplan::site
