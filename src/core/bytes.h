// core/bytes.h — the binary format of samplan's caches (records.bin, the differences cache):
// fixed-size values as their bytes in this machine's order, texts as a 32-bit length and their
// bytes. A cache is read only by the program that wrote it (its header names the program), so
// the byte order never crosses machines.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace samplan {

// Appends values and texts to `out`.
class ByteWriter {
public:
    explicit ByteWriter(std::string& out) : out_(out) {}
    template <typename T>
    void raw(T v) {
        char bytes[sizeof v];
        std::memcpy(bytes, &v, sizeof v);
        out_.append(bytes, sizeof v);
    }
    void text(std::string_view s) {
        raw(static_cast<std::uint32_t>(s.size()));
        out_.append(s);
    }

private:
    std::string& out_;
};

// Reads what ByteWriter wrote; every read is bounds-checked, and any failure leaves `ok` false
// (and gives a zero value or an empty text from then on).
class ByteReader {
public:
    explicit ByteReader(std::string_view in) : in_(in) {}
    bool ok = true;
    [[nodiscard]] bool at_end() const { return in_.empty(); }
    [[nodiscard]] std::string_view rest() const { return in_; }
    template <typename T>
    T raw() {
        T v{};
        if (in_.size() < sizeof v) {
            ok = false;
            return v;
        }
        std::memcpy(&v, in_.data(), sizeof v);
        in_.remove_prefix(sizeof v);
        return v;
    }
    std::string_view text() {
        const auto n = raw<std::uint32_t>();
        if (!ok || in_.size() < n) {
            ok = false;
            return {};
        }
        const std::string_view s = in_.substr(0, n);
        in_.remove_prefix(n);
        return s;
    }
    // A count of items that each take at least `least` bytes: more than the rest holds is damage.
    std::uint32_t count(std::size_t least) {
        const auto n = raw<std::uint32_t>();
        if (!ok || n > in_.size() / least) {
            ok = false;
            return 0;
        }
        return n;
    }

private:
    std::string_view in_;
};

}  // namespace samplan
