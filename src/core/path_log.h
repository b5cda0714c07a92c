// core/path_log.h — a list of paths, each with a few bytes beside it, that is only added to and
// read in order, kept small. A build notes every file it writes (tens of thousands of paths on a
// long history) in lists held to its end: a std::string per path cost about twice the path's bytes
// and an allocation each, long-lived ones among the pages' short-lived ones (which keeps the
// allocator from giving their memory back). Here each path is stored as the length it shares with
// the path before it and the rest (pages are written folder after folder, so most of a path is
// shared), in a few large blocks.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace samplan {

class PathLog {
public:
    // Adds `path`, with `extra` (any bytes) beside it.
    void add(std::string_view path, std::string_view extra = {}) {
        size_t shared = 0;
        const size_t most = std::min(path.size(), last_.size());
        while (shared < most && path[shared] == last_[shared]) ++shared;
        const std::string_view rest = path.substr(shared);
        char* out = room(3 * kMaxVarint + rest.size() + extra.size());
        out = put(out, shared);
        out = put(out, rest.size());
        std::memcpy(out, rest.data(), rest.size());
        out += rest.size();
        out = put(out, extra.size());
        if (!extra.empty()) std::memcpy(out, extra.data(), extra.size());
        out += extra.size();
        blocks_.back().used = static_cast<size_t>(out - blocks_.back().data.get());
        last_.resize(shared);
        last_.append(rest);
        ++count_;
    }
    [[nodiscard]] size_t size() const { return count_; }
    [[nodiscard]] bool empty() const { return count_ == 0; }
    // Calls fn(path, extra) for every entry in the order they were added (both views last until
    // fn returns).
    template <class Fn>
    void for_each(Fn&& fn) const {
        std::string path;
        for (const auto& block : blocks_) {
            const char* at = block.data.get();
            const char* const end = at + block.used;
            while (at < end) {
                const size_t shared = get(at), rest = get(at);
                path.resize(shared);
                path.append(at, rest);
                at += rest;
                const size_t extra = get(at);
                fn(std::string_view(path), std::string_view(at, extra));
                at += extra;
            }
        }
    }
    // Empties the list and lets go of its memory.
    void clear() {
        std::vector<Block>().swap(blocks_);
        std::string().swap(last_);
        count_ = 0;
    }

private:
    static constexpr size_t kMaxVarint = 10;
    struct Block {
        std::unique_ptr<char[]> data;
        size_t used = 0, size = 0;
    };
    std::vector<Block> blocks_;
    std::string last_;  // the path added last
    size_t count_ = 0;

    // Where `bytes` more can be written: the last block, or a new one (each twice the one before,
    // 4 KiB to 256 KiB, or as large as one entry needs).
    char* room(size_t bytes) {
        if (blocks_.empty() || blocks_.back().size - blocks_.back().used < bytes) {
            const size_t previous = blocks_.empty() ? 0 : blocks_.back().size;
            Block block;
            block.size = std::max(bytes, std::clamp<size_t>(2 * previous, 4096, 256 * 1024));
            block.data = std::make_unique_for_overwrite<char[]>(block.size);
            blocks_.push_back(std::move(block));
        }
        return blocks_.back().data.get() + blocks_.back().used;
    }
    static char* put(char* out, size_t n) {
        while (n >= 0x80) {
            *out++ = static_cast<char>((n & 0x7f) | 0x80);
            n >>= 7;
        }
        *out++ = static_cast<char>(n);
        return out;
    }
    static size_t get(const char*& at) {
        size_t n = 0;
        for (int shift = 0;; shift += 7) {
            const auto c = static_cast<unsigned char>(*at++);
            n |= static_cast<size_t>(c & 0x7f) << shift;
            if (!(c & 0x80)) return n;
        }
    }
};

}  // namespace samplan
