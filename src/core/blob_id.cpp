#include "core/blob_id.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

namespace samplan {
namespace {

// SHA-1 (FIPS 180-4), as git names objects with it. (Not a defence against crafted collisions:
// git's own ids are checked for them, these only tell one text from another, as the page keys'
// digests do.)
class Sha1 {
public:
    void add(std::string_view bytes) {
        length_ += bytes.size();
        const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
        size_t n = bytes.size();
        if (used_ > 0) {
            const size_t take = std::min(n, sizeof block_ - used_);
            std::memcpy(block_ + used_, p, take);
            used_ += take;
            p += take;
            n -= take;
            if (used_ < sizeof block_) return;
            compress(block_);
            used_ = 0;
        }
        for (; n >= 64; p += 64, n -= 64) compress(p);
        std::memcpy(block_, p, n);
        used_ = n;
    }
    std::string hex() {
        const std::uint64_t bits = length_ * 8;
        const unsigned char pad = 0x80;
        add(std::string_view(reinterpret_cast<const char*>(&pad), 1));
        const unsigned char zero[64] = {};
        add(std::string_view(reinterpret_cast<const char*>(zero), (used_ <= 56 ? 56 - used_ : 120 - used_)));
        unsigned char end[8];
        for (int i = 0; i < 8; ++i) end[i] = static_cast<unsigned char>(bits >> (56 - 8 * i));
        add(std::string_view(reinterpret_cast<const char*>(end), 8));
        static const char digits[] = "0123456789abcdef";
        std::string out;
        out.reserve(40);
        for (const std::uint32_t word : h_)
            for (int shift = 28; shift >= 0; shift -= 4) out.push_back(digits[(word >> shift) & 0xf]);
        return out;
    }

private:
    static std::uint32_t rotl(std::uint32_t x, int n) { return x << n | x >> (32 - n); }
    // One 64-byte block, its 80 rounds written out (the schedule kept in 16 words): a loop over
    // the rounds with a branch for each round's function took three times the instructions.
    void compress(const unsigned char* p) {
        std::uint32_t w[16];
        for (int i = 0; i < 16; ++i)
            w[i] = static_cast<std::uint32_t>(p[4 * i]) << 24 | static_cast<std::uint32_t>(p[4 * i + 1]) << 16 |
                   static_cast<std::uint32_t>(p[4 * i + 2]) << 8 | p[4 * i + 3];
        std::uint32_t a = h_[0], b = h_[1], c = h_[2], d = h_[3], e = h_[4];
        rounds<0>(w, a, b, c, d, e);
        h_[0] += a;
        h_[1] += b;
        h_[2] += c;
        h_[3] += d;
        h_[4] += e;
    }
    // Round I and the ones after it; the five working words turn one place a round (no copies).
    template <int I>
    static inline __attribute__((always_inline)) void rounds(std::uint32_t* w, std::uint32_t& a, std::uint32_t& b,
                                                             std::uint32_t& c, std::uint32_t& d, std::uint32_t& e) {
        if constexpr (I < 80) {
            std::uint32_t x;
            if constexpr (I < 16) {
                x = w[I];
            } else {
                x = rotl(w[(I + 13) & 15] ^ w[(I + 8) & 15] ^ w[(I + 2) & 15] ^ w[I & 15], 1);
                w[I & 15] = x;
            }
            std::uint32_t f, k;
            if constexpr (I < 20) f = d ^ (b & (c ^ d)), k = 0x5a827999;
            else if constexpr (I < 40) f = b ^ c ^ d, k = 0x6ed9eba1;
            else if constexpr (I < 60) f = (b & c) | (d & (b | c)), k = 0x8f1bbcdc;
            else f = b ^ c ^ d, k = 0xca62c1d6;
            e += rotl(a, 5) + f + k + x;
            b = rotl(b, 30);
            rounds<I + 1>(w, e, a, b, c, d);
        }
    }
    std::array<std::uint32_t, 5> h_ = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
    unsigned char block_[64] = {};
    size_t used_ = 0;
    std::uint64_t length_ = 0;
};

}  // namespace

std::string git_blob_id(std::string_view bytes) {
    Sha1 sha;
    const std::string head = "blob " + std::to_string(bytes.size());
    sha.add(std::string_view(head.c_str(), head.size() + 1));  // with its NUL
    sha.add(bytes);
    return sha.hex();
}

}  // namespace samplan
