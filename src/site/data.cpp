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
    for (const auto& e : entries_)
        if (e.first == key) return &e.second;
    return base_ ? base_->get(key) : nullptr;
}

Data& Data::push(Data value) {
    kind_ = Kind::List;
    if (items_.empty()) items_.reserve(4);
    items_.push_back(std::move(value));
    return items_.back();
}

}  // namespace samplan::site
