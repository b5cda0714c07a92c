#include "site/data.h"

namespace samplan::site {

Data& Data::set(const std::string& key, Data value) {
    kind_ = Kind::Map;
    const std::uint32_t hash = key_hash(key);
    if (const size_t i = position(key, hash); i < entries_.size()) {
        entries_[i].second = std::move(value);
        return *this;
    }
    if (entries_.empty()) {  // page maps hold tens of entries: fewer moves as they grow
        entries_.reserve(8);
        hashes_.reserve(8);
    }
    entries_.emplace_back(key, std::move(value));
    hashes_.push_back(hash);
    index_last();
    return *this;
}

void Data::index_last() {
    const size_t n = entries_.size();
    if (n < kIndexFrom) return;
    if (index_.size() < 2 * n) {  // (re)build at a quarter full
        size_t size = 16;
        while (size < 4 * n) size *= 2;
        index_.assign(size, 0);
    } else {
        const size_t mask = index_.size() - 1;
        for (size_t slot = hashes_[n - 1] & mask;; slot = (slot + 1) & mask)
            if (index_[slot] == 0) {
                index_[slot] = static_cast<std::uint32_t>(n);
                return;
            }
    }
    const size_t mask = index_.size() - 1;
    for (size_t i = 0; i < n; ++i)
        for (size_t slot = hashes_[i] & mask;; slot = (slot + 1) & mask)
            if (index_[slot] == 0) {
                index_[slot] = static_cast<std::uint32_t>(i + 1);
                break;
            }
}

size_t Data::position(std::string_view key, std::uint32_t hash) const {
    const size_t n = entries_.size();
    if (!index_.empty()) {
        const size_t mask = index_.size() - 1;
        for (size_t slot = hash & mask; index_[slot] != 0; slot = (slot + 1) & mask) {
            const size_t i = index_[slot] - 1;
            if (hashes_[i] == hash && entries_[i].first == key) return i;
        }
        return n;
    }
    const std::uint32_t* hashes = hashes_.data();
    for (size_t i = 0; i < n; ++i)
        if (hashes[i] == hash && entries_[i].first == key) return i;
    return n;
}

const Data* Data::get(std::string_view key, std::uint32_t hash) const {
    // Templates look most names up in several maps before one has it (and the UI strings are a
    // map of hundreds): hashes rule out nearly every entry without comparing text.
    for (const Data* map = this; map; map = map->base_.get())
        if (const size_t i = map->position(key, hash); i < map->entries_.size()) return &map->entries_[i].second;
    return nullptr;
}

Data& Data::push(Data value) {
    kind_ = Kind::List;
    if (items_.empty()) items_.reserve(4);
    items_.push_back(std::move(value));
    return items_.back();
}

}  // namespace samplan::site
