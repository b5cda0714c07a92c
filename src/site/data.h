// site/data.h — the view model's data: a tree of text, flags, lists and maps that templates read.
// Text is escaped by the renderer; Markdown nodes are rendered (safely) by the renderer.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace samplan::site {

struct DataEntry;

class Data {
public:
    enum class Kind { Null, Text, Markdown, Bool, List, Map };

    Data() = default;
    Data(const char* text) : kind_(Kind::Text), text_(text) {}
    Data(std::string text) : kind_(Kind::Text), text_(std::move(text)) {}
    Data(bool flag) : kind_(Kind::Bool), flag_(flag) {}
    Data(int number) : kind_(Kind::Text), text_(std::to_string(number)) {}
    Data(long number) : kind_(Kind::Text), text_(std::to_string(number)) {}
    Data(size_t number) : kind_(Kind::Text), text_(std::to_string(number)) {}

    static Data markdown(std::string source) {
        Data d;
        d.kind_ = Kind::Markdown;
        d.text_ = std::move(source);
        return d;
    }
    static Data list() {
        Data d;
        d.kind_ = Kind::List;
        return d;
    }
    static Data map() {
        Data d;
        d.kind_ = Kind::Map;
        return d;
    }
    // A map of the entries given, which are moved, not copied, into it.
    static Data map(std::initializer_list<DataEntry> entries);

    // Map: sets `key` (replacing an earlier value); returns *this for chaining.
    Data& set(const std::string& key, Data value);
    // Map: the value at `key` (in this map, else in its base), or nullptr.
    [[nodiscard]] const Data* get(std::string_view key) const { return get(key, key_hash(key)); }
    // The same with `hash` = key_hash(key), which a template computes once per name.
    [[nodiscard]] const Data* get(std::string_view key, std::uint32_t hash) const;
    // The hash that maps index their keys by (FNV-1a).
    static constexpr std::uint32_t key_hash(std::string_view key) {
        std::uint32_t h = 2166136261u;
        for (const char c : key) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
        return h;
    }
    // Map: keys this map does not set are looked up in `base`, which many maps may share (the
    // parts every page at the same depth shows alike).
    void inherit(std::shared_ptr<const Data> base) {
        kind_ = Kind::Map;
        base_ = std::move(base);
    }
    // List: appends; returns the new element.
    Data& push(Data value);

    [[nodiscard]] Kind kind() const { return kind_; }
    [[nodiscard]] const std::string& text() const { return text_; }
    [[nodiscard]] bool flag() const { return flag_; }
    [[nodiscard]] const std::vector<Data>& items() const { return items_; }
    // Map: the entries set in this map itself (not those of its base).
    [[nodiscard]] const std::vector<std::pair<std::string, Data>>& entries() const { return entries_; }
    [[nodiscard]] bool empty_list() const { return kind_ == Kind::List && items_.empty(); }

private:
    Kind kind_ = Kind::Null;
    std::string text_;
    bool flag_ = false;
    std::vector<Data> items_;
    std::vector<std::pair<std::string, Data>> entries_;
    std::vector<std::uint32_t> hashes_;  // key_hash of each entry's key: lookups compare these first
    // Maps of many entries (a page's, the UI strings) are also indexed: an open-addressing table
    // of entry positions + 1 (0: an empty slot), at most half full.
    std::vector<std::uint32_t> index_;
    static constexpr size_t kIndexFrom = 12;
    void index_last();
    // The entry of `key` in this map itself; entries_.size() when there is none.
    [[nodiscard]] size_t position(std::string_view key, std::uint32_t hash) const;
    std::shared_ptr<const Data> base_;
};

// An entry of Data::map({{"key", value}, …}). The value is mutable so that map() can move it out
// of the initializer list (whose elements are const) instead of copying the whole tree.
struct DataEntry {
    std::string key;
    mutable Data value;
};

inline Data Data::map(std::initializer_list<DataEntry> entries) {
    Data d = map();
    d.entries_.reserve(entries.size());
    d.hashes_.reserve(entries.size());
    for (const auto& e : entries) {
        d.entries_.emplace_back(e.key, std::move(e.value));
        d.hashes_.push_back(key_hash(e.key));
        d.index_last();
    }
    return d;
}

}  // namespace samplan::site
