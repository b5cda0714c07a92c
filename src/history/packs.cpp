#include "history/packs.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace samplan::history {
namespace {

namespace fs = std::filesystem;

constexpr size_t kLargestObject = static_cast<size_t>(64) << 20;  // larger ones are left to libgit2

std::uint32_t be32(const unsigned char* p) {
    return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
           static_cast<std::uint32_t>(p[2]) << 8 | static_cast<std::uint32_t>(p[3]);
}

// A file mapped into memory, read-only (the pack index: its ids and offsets are looked up).
struct Mapped {
    const unsigned char* data = nullptr;
    size_t size = 0;
    Mapped() = default;
    explicit Mapped(int fd) {
        struct stat st {};
        if (fstat(fd, &st) != 0 || st.st_size <= 0) return;
        void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) return;
        data = static_cast<const unsigned char*>(p);
        size = static_cast<size_t>(st.st_size);
    }
    ~Mapped() {
        if (data) munmap(const_cast<unsigned char*>(data), size);
    }
    Mapped(const Mapped&) = delete;
    Mapped& operator=(const Mapped&) = delete;
};

// One pack: its index (version 2) mapped, the pack file read with pread (only the objects read
// are in memory, not the file).
struct Pack {
    std::unique_ptr<Mapped> idx;
    int fd = -1;
    std::uint64_t size = 0;  // of the pack file
    std::uint32_t count = 0;
    const unsigned char* fanout = nullptr;
    const unsigned char* ids = nullptr;
    const unsigned char* offsets32 = nullptr;
    const unsigned char* offsets64 = nullptr;
    size_t large_offsets = 0;

    ~Pack() {
        if (fd >= 0) close(fd);
    }

    bool open(const std::string& idx_path, const std::string& pack_path) {
        const int ifd = ::open(idx_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (ifd < 0) return false;
        idx = std::make_unique<Mapped>(ifd);
        close(ifd);
        const unsigned char* d = idx->data;
        if (!d || idx->size < 8 + 1024 + 40 || std::memcmp(d, "\377tOc", 4) != 0 || be32(d + 4) != 2) return false;
        fanout = d + 8;
        count = be32(fanout + 255 * 4);
        const size_t tables = 8 + 1024 + static_cast<size_t>(count) * (20 + 4 + 4);
        if (tables + 40 > idx->size) return false;
        ids = fanout + 1024;
        offsets32 = ids + static_cast<size_t>(count) * 24;  // after the ids and their CRCs
        offsets64 = offsets32 + static_cast<size_t>(count) * 4;
        large_offsets = (idx->size - 40 - tables) / 8;
        fd = ::open(pack_path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st {};
        if (fd < 0 || fstat(fd, &st) != 0 || st.st_size < 12 + 20) return false;
        size = static_cast<std::uint64_t>(st.st_size);
        unsigned char header[12];
        if (pread(fd, header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) || std::memcmp(header, "PACK", 4) != 0 ||
            (be32(header + 4) != 2 && be32(header + 4) != 3) || be32(header + 8) != count)
            return false;
        return true;
    }

    // Where the object `id` starts in the pack, if it holds it.
    std::optional<std::uint64_t> find(const unsigned char* id) const {
        size_t lo = id[0] == 0 ? 0 : be32(fanout + (id[0] - 1) * 4), hi = be32(fanout + id[0] * 4);
        if (hi > count || lo > hi) return std::nullopt;
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            const int c = std::memcmp(ids + mid * 20, id, 20);
            if (c == 0) {
                const std::uint32_t o = be32(offsets32 + mid * 4);
                if (!(o & 0x80000000u)) return o;
                const size_t k = o & 0x7fffffffu;
                if (k >= large_offsets) return std::nullopt;
                return static_cast<std::uint64_t>(be32(offsets64 + k * 8)) << 32 | be32(offsets64 + k * 8 + 4);
            }
            if (c < 0) lo = mid + 1;
            else hi = mid;
        }
        return std::nullopt;
    }
};

// An object's entry in a pack: its type (1–4 an object, 6 a delta on an earlier offset, 7 a
// delta on an object named by id), the size unpacked, where its compressed data starts, and the
// base of a delta.
struct Entry {
    int type = 0;
    size_t size = 0;
    std::uint64_t data = 0;
    std::uint64_t base = 0;
};

bool read_entry(const Pack& pack, std::uint64_t offset, Entry& e) {
    const std::uint64_t end = pack.size - 20;  // the pack's checksum follows its objects
    if (offset < 12 || offset >= end) return false;
    unsigned char buf[64];
    const size_t want = static_cast<size_t>(std::min<std::uint64_t>(sizeof buf, end - offset));
    if (pread(pack.fd, buf, want, static_cast<off_t>(offset)) != static_cast<ssize_t>(want)) return false;
    size_t pos = 0;
    unsigned c = buf[pos++];
    e.type = static_cast<int>((c >> 4) & 7);
    std::uint64_t size = c & 15;
    int shift = 4;
    while (c & 0x80) {
        if (pos >= want || shift > 57) return false;
        c = buf[pos++];
        size |= static_cast<std::uint64_t>(c & 0x7f) << shift;
        shift += 7;
    }
    if (size > kLargestObject) return false;
    e.size = static_cast<size_t>(size);
    if (e.type == 6) {
        if (pos >= want) return false;
        c = buf[pos++];
        std::uint64_t back = c & 127;
        while (c & 128) {
            if (pos >= want || back >= (static_cast<std::uint64_t>(1) << 56)) return false;
            c = buf[pos++];
            back = ((back + 1) << 7) | (c & 127);
        }
        if (back == 0 || back > offset) return false;
        e.base = offset - back;
    } else if (e.type == 7) {
        if (pos + 20 > want) return false;
        const auto base = pack.find(buf + pos);
        if (!base) return false;
        e.base = *base;
        pos += 20;
    } else if (e.type < 1 || e.type > 4) {
        return false;
    }
    e.data = offset + pos;
    return true;
}

// Inflates the entry's data into `out` (e.size bytes).

bool inflate_entry(const Pack& pack, const Entry& e, std::string& out) {
    thread_local std::vector<unsigned char> in;
    const std::uint64_t end = pack.size - 20;
    // At most what deflate makes of e.size bytes (zlib's compressBound), and what is left.
    const std::uint64_t bound = e.size + (e.size >> 12) + (e.size >> 14) + (e.size >> 25) + 13 + 64;
    const size_t want = static_cast<size_t>(std::min<std::uint64_t>(bound, end - e.data));
    in.resize(want);
    if (pread(pack.fd, in.data(), want, static_cast<off_t>(e.data)) != static_cast<ssize_t>(want)) return false;
    out.resize(e.size + 1);  // one byte more, so that a stream longer than said is caught
    z_stream z{};
    if (inflateInit(&z) != Z_OK) return false;
    z.next_in = in.data();
    z.avail_in = static_cast<uInt>(std::min<size_t>(want, UINT_MAX));
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    const int result = inflate(&z, Z_FINISH);
    const bool ok = result == Z_STREAM_END && z.total_out == e.size;
    inflateEnd(&z);
    out.resize(e.size);
    return ok;
}

// A full cache compresses the objects it keeps (raw deflate at its fastest level, about 2.5 times
// smaller on content files): a long history's objects are read in the order of the pages, not of
// the pack, so the cache must hold most of them to spare their chains (at 10,000 commits some 46
// MiB of them, unpacked, are still to be used again at once; no order of eviction does with less).
// Inflating one object is far cheaper than unpacking the chain under it again. Every object is
// compressed with the first one stored as its preset dictionary: the versions of records are much
// alike, and on the deep corpora that halves what the cache holds (about 5 times smaller than the
// objects instead of 2.5), for a little more work per object stored.
bool deflate_into(const std::string& in, std::string& out, const std::string& dictionary) {
    struct Deflater {
        z_stream z{};
        bool ok = deflateInit2(&z, 1, Z_DEFLATED, -15, 6, Z_DEFAULT_STRATEGY) == Z_OK;
        ~Deflater() {
            if (ok) deflateEnd(&z);
        }
    };
    thread_local Deflater d;
    if (!d.ok || deflateReset(&d.z) != Z_OK || in.size() > UINT_MAX / 2) return false;
    if (!dictionary.empty() && deflateSetDictionary(&d.z, reinterpret_cast<const Bytef*>(dictionary.data()),
                                                    static_cast<uInt>(dictionary.size())) != Z_OK)
        return false;
    out.resize(deflateBound(&d.z, static_cast<uLong>(in.size())));
    d.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    d.z.avail_in = static_cast<uInt>(in.size());
    d.z.next_out = reinterpret_cast<Bytef*>(out.data());
    d.z.avail_out = static_cast<uInt>(out.size());
    if (deflate(&d.z, Z_FINISH) != Z_STREAM_END) return false;
    out.resize(d.z.total_out);
    out.shrink_to_fit();
    return true;
}

bool inflate_into(const std::string& in, size_t size, std::string& out, const std::string& dictionary) {
    struct Inflater {
        z_stream z{};
        bool ok = inflateInit2(&z, -15) == Z_OK;
        ~Inflater() {
            if (ok) inflateEnd(&z);
        }
    };
    thread_local Inflater i;
    if (!i.ok || inflateReset(&i.z) != Z_OK) return false;
    if (!dictionary.empty() && inflateSetDictionary(&i.z, reinterpret_cast<const Bytef*>(dictionary.data()),
                                                    static_cast<uInt>(dictionary.size())) != Z_OK)
        return false;
    out.resize(size + 1);  // one byte more, so that a stream longer than said is caught
    i.z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    i.z.avail_in = static_cast<uInt>(in.size());
    i.z.next_out = reinterpret_cast<Bytef*>(out.data());
    i.z.avail_out = static_cast<uInt>(out.size());
    const bool ok = inflate(&i.z, Z_FINISH) == Z_STREAM_END && i.z.total_out == size;
    out.resize(size);
    return ok;
}

}  // namespace

std::optional<std::string> apply_git_delta(const std::string& base, const unsigned char* delta, size_t size) {
    size_t i = 0;
    auto varint = [&](std::uint64_t& v) {
        v = 0;
        int shift = 0;
        unsigned char c = 0;
        do {
            if (i >= size || shift > 63) return false;
            c = delta[i++];
            v |= static_cast<std::uint64_t>(c & 0x7f) << shift;
            shift += 7;
        } while (c & 0x80);
        return true;
    };
    std::uint64_t source = 0, target = 0;
    if (!varint(source) || !varint(target) || source != base.size() || target > kLargestObject) return std::nullopt;
    std::string out;
    out.reserve(static_cast<size_t>(target));
    while (i < size) {
        const unsigned char c = delta[i++];
        if (c & 0x80) {  // copy from the base
            std::uint64_t offset = 0, length = 0;
            for (int k = 0; k < 4; ++k)
                if (c & (1 << k)) {
                    if (i >= size) return std::nullopt;
                    offset |= static_cast<std::uint64_t>(delta[i++]) << (8 * k);
                }
            for (int k = 0; k < 3; ++k)
                if (c & (0x10 << k)) {
                    if (i >= size) return std::nullopt;
                    length |= static_cast<std::uint64_t>(delta[i++]) << (8 * k);
                }
            if (length == 0) length = 0x10000;
            if (offset + length > base.size() || out.size() + length > target) return std::nullopt;
            out.append(base, static_cast<size_t>(offset), static_cast<size_t>(length));
        } else if (c != 0) {  // insert the next c bytes
            if (i + c > size || out.size() + c > target) return std::nullopt;
            out.append(reinterpret_cast<const char*>(delta + i), c);
            i += c;
        } else {
            return std::nullopt;  // reserved
        }
    }
    if (out.size() != target) return std::nullopt;
    return out;
}

struct PackReader::Impl {
    std::vector<std::unique_ptr<Pack>> packs;

    // An object unpacked.
    struct Cached {
        std::shared_ptr<const std::string> data;
        int type = 0;
    };
    // The objects unpacked, by pack and offset, the most recently used first. An object is kept
    // as it is until the cache is over its budget or those kept so hold kPlainBytes; then the least
    // recently used of them is compressed (deflate_into), and only when none is left to compress
    // is the least recently used object let go. A build that reads few versions (a rebuild after
    // an edit) so compresses nothing, one that reads them all holds most compressed (memory), and
    // the cache never holds more than its budget.
    struct Stored {
        std::shared_ptr<const std::string> data;  // compressed when `packed`
        size_t size = 0;                          // unpacked
        int type = 0;
        bool packed = false;
        std::list<std::uint64_t>::iterator plain;  // its place in `plain` (when not packed)
    };
    std::mutex mutex;
    std::once_flag dictionary_once;
    std::string dictionary;  // the start of the first object stored (set once, before any object is stored)
    std::list<std::uint64_t> order;
    std::list<std::uint64_t> plain;  // the objects kept unpacked, the most recently used first
    std::unordered_map<std::uint64_t, std::pair<Stored, std::list<std::uint64_t>::iterator>> cache;
    size_t used = 0, budget = 0;
    size_t plain_used = 0;  // the unpacked size of the objects in `plain`
    static constexpr size_t kPlainBytes = 8 << 20;

    static constexpr size_t kDictionaryBytes = 8 * 1024;
    static std::uint64_t key(size_t pack, std::uint64_t offset) { return static_cast<std::uint64_t>(pack) << 48 | offset; }

    std::optional<Cached> get(std::uint64_t k) {
        Stored s;
        {
            std::lock_guard lock(mutex);
            const auto it = cache.find(k);
            if (it == cache.end()) return std::nullopt;
            order.splice(order.begin(), order, it->second.second);
            s = it->second.first;
            if (!s.packed && s.plain != plain.end()) plain.splice(plain.begin(), plain, s.plain);
        }
        if (!s.packed) return Cached{s.data, s.type};
        std::string data;
        if (!inflate_into(*s.data, s.size, data, dictionary)) return std::nullopt;
        return Cached{std::make_shared<const std::string>(std::move(data)), s.type};
    }
    void put(std::uint64_t k, const Cached& c) {
        // Every object is compressed with the start of the first one stored as preset dictionary
        // (records' versions are much alike): set once, before any object is stored.
        std::call_once(dictionary_once, [&] { dictionary = c.data->substr(0, kDictionaryBytes); });
        std::unique_lock lock(mutex);
        if (cache.count(k)) return;
        order.push_front(k);
        plain.push_front(k);
        used += c.data->size();
        plain_used += c.data->size();
        cache.emplace(k, std::make_pair(Stored{c.data, c.data->size(), c.type, false, plain.begin()}, order.begin()));
        while ((used > budget || plain_used > kPlainBytes) && !order.empty()) {
            if (plain.empty()) {  // every object is compressed: the least recently used goes
                if (used <= budget) break;
                const auto last = cache.find(order.back());
                used -= last->second.first.data->size();
                if (!last->second.first.packed && last->second.first.plain != plain.end()) {
                    plain.erase(last->second.first.plain);
                    plain_used -= last->second.first.size;
                }
                cache.erase(last);
                order.pop_back();
                continue;
            }
            // The least recently used of those unpacked is compressed, without the lock (other
            // threads read meanwhile); it counts as unpacked until it is put back.
            const std::uint64_t victim = plain.back();
            plain.pop_back();
            auto& stored = cache.find(victim)->second.first;
            stored.plain = plain.end();
            plain_used -= stored.size;
            const std::shared_ptr<const std::string> data = stored.data;
            lock.unlock();
            auto packed = std::make_shared<std::string>();
            const bool ok = deflate_into(*data, *packed, dictionary);
            lock.lock();
            const auto it = cache.find(victim);
            if (it == cache.end() || it->second.first.packed || it->second.first.data != data) continue;  // gone meanwhile
            Stored& now = it->second.first;
            used -= data->size();
            if (!ok) {
                order.erase(it->second.second);
                cache.erase(it);
                continue;
            }
            used += packed->size();
            now.data = std::move(packed);
            now.packed = true;
            now.plain = plain.end();
        }
    }

    // The object at `offset` of pack `p`, its deltas applied.
    std::optional<Cached> unpack(size_t p, std::uint64_t offset) {
        const Pack& pack = *packs[p];
        struct Step {
            std::uint64_t offset;
            Entry entry;
        };
        std::vector<Step> deltas;  // from the object asked for down to the first base found
        Cached found;
        for (std::uint64_t at = offset;;) {
            if (auto c = get(key(p, at))) {
                found = std::move(*c);
                break;
            }
            Entry e;
            if (!read_entry(pack, at, e)) return std::nullopt;
            if (e.type == 6 || e.type == 7) {
                // git writes chains of at most 4,095 deltas (pack.depth's limit): a longer one is a cycle
                // of deltas named by id, or a pack made to cost time; libgit2 reads it instead.
                if (deltas.size() > 4095) return std::nullopt;
                deltas.push_back({at, e});
                at = e.base;
                continue;
            }
            std::string data;
            if (!inflate_entry(pack, e, data)) return std::nullopt;
            found = {std::make_shared<const std::string>(std::move(data)), e.type};
            put(key(p, at), found);
            break;
        }
        std::string delta;
        for (auto it = deltas.rbegin(); it != deltas.rend(); ++it) {
            if (!inflate_entry(pack, it->entry, delta)) return std::nullopt;
            auto applied = apply_git_delta(*found.data, reinterpret_cast<const unsigned char*>(delta.data()), delta.size());
            if (!applied) return std::nullopt;
            found.data = std::make_shared<const std::string>(std::move(*applied));
            put(key(p, it->offset), found);
        }
        return found;
    }
};

PackReader::PackReader(const std::string& pack_dir, size_t max_cache_bytes) : impl_(std::make_unique<Impl>()) {
    std::error_code ec;
    std::vector<std::string> indexes;
    for (fs::directory_iterator it(pack_dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".idx") indexes.push_back(it->path().string());
    std::sort(indexes.begin(), indexes.end());
    for (const auto& idx : indexes) {
        auto pack = std::make_unique<Pack>();
        if (pack->open(idx, idx.substr(0, idx.size() - 4) + ".pack")) impl_->packs.push_back(std::move(pack));
    }
    // The chains that nearby reads share grow with the history: the cache may hold as much as the
    // packs (compressed, as the cache holds its objects), within 8 MiB and `max_cache_bytes`.
    std::uint64_t packed = 0;
    for (const auto& pack : impl_->packs) packed += pack->size;
    impl_->budget = static_cast<size_t>(std::clamp<std::uint64_t>(packed, std::min<size_t>(8 << 20, max_cache_bytes), max_cache_bytes));
}

PackReader::~PackReader() = default;

void PackReader::release_cache() {
    std::lock_guard lock(impl_->mutex);
    impl_->cache.clear();
    impl_->order.clear();
    impl_->plain.clear();
    impl_->used = 0;
    impl_->plain_used = 0;
}

std::optional<std::string> PackReader::read_blob(const unsigned char* id, size_t max_bytes) {
    for (size_t p = 0; p < impl_->packs.size(); ++p) {
        const auto offset = impl_->packs[p]->find(id);
        if (!offset) continue;
        const auto object = impl_->unpack(p, *offset);
        if (!object || object->type != 3 || object->data->size() > max_bytes) return std::nullopt;
        return *object->data;
    }
    return std::nullopt;
}

}  // namespace samplan::history
