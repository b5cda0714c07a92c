// core/digest.h — a 64-bit FNV-1a digest of a sequence of texts and numbers: a change detector
// (did any input of this page change since the last build?), not a defence against crafted
// collisions (whoever can craft content can also simply publish it).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace samplan {

class Digest {
public:
    void add(std::string_view text) {
        for (const unsigned char c : text) hash_ = (hash_ ^ c) * 0x100000001b3ULL;
        hash_ = (hash_ ^ 0xff) * 0x100000001b3ULL;  // a separator, so that "ab"+"c" ≠ "a"+"bc"
    }
    void add(std::int64_t number) { add(std::to_string(number)); }
    void add(std::uint64_t number) { add(std::to_string(number)); }
    // A number as its eight bytes rather than its decimal text: cheaper, for a digest of many
    // numbers (the output folder's sizes, inodes and times). Not interchangeable with add(number).
    void add_bits(std::uint64_t number) {
        for (int i = 0; i < 8; ++i) hash_ = (hash_ ^ ((number >> (8 * i)) & 0xff)) * 0x100000001b3ULL;
        hash_ = (hash_ ^ 0xff) * 0x100000001b3ULL;
    }
    // Cheaper still, for the many texts and marks of a page's data or the open data: a word of
    // eight bytes at a time (a mark: a kind, a count), and a text as its words then its length.
    // Not interchangeable with add() nor add_bits().
    void add_word(std::uint64_t word) {
        hash_ = (hash_ ^ word) * 0x100000001b3ULL;
        hash_ ^= hash_ >> 29;
    }
    void add_words(std::string_view text) {
        size_t i = 0;
        for (; i + 8 <= text.size(); i += 8) {
            std::uint64_t word = 0;
            std::memcpy(&word, text.data() + i, 8);
            add_word(word);
        }
        // The last 0 to 7 bytes: as two 4-byte words that may overlap, or as the first, middle and
        // last byte (which, with the length, tell those bytes).
        const size_t n = text.size() - i;
        const auto* rest = reinterpret_cast<const unsigned char*>(text.data() + i);
        std::uint64_t last = 0;
        if (n >= 4) {
            std::uint32_t first = 0, end = 0;
            std::memcpy(&first, rest, 4);
            std::memcpy(&end, rest + n - 4, 4);
            last = static_cast<std::uint64_t>(first) << 32 | end;
        } else if (n > 0) {
            last = static_cast<std::uint64_t>(rest[0]) << 16 | static_cast<std::uint64_t>(rest[n / 2]) << 8 | rest[n - 1];
        }
        add_word(last);
        add_word(text.size());
    }
    [[nodiscard]] std::uint64_t value() const { return hash_; }
    // The value as 16 hex digits.
    [[nodiscard]] std::string hex() const {
        static const char digits[] = "0123456789abcdef";
        std::string out(16, '0');
        for (int i = 0; i < 16; ++i) out[static_cast<size_t>(15 - i)] = digits[(hash_ >> (4 * i)) & 0xf];
        return out;
    }

private:
    std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

}  // namespace samplan
