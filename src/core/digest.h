// core/digest.h — a 64-bit FNV-1a digest of a sequence of texts and numbers: a change detector
// (did any input of this page change since the last build?), not a defence against crafted
// collisions (whoever can craft content can also simply publish it).
#pragma once

#include <cstdint>
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
