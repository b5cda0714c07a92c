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
#include <deque>
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
    out.resize(d.z.total_out);  // (its caller copies it: `out` keeps its room for the next)
    return true;
}

bool inflate_into(std::string_view in, size_t size, std::string& out, const std::string& dictionary) {
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
    //
    // A full cache holds some 30,000 objects (10,000 commits): each is a slot in one table, with
    // its places in the two orders of use as slot numbers and a small open-addressed index from
    // key to slot, rather than a node in a map and in two lists and a string apart from its
    // bytes (about 120 bytes less per object, and three allocations fewer).
    static constexpr std::uint32_t kNone = UINT32_MAX;
    struct Slot {
        std::uint64_t key = 0;
        std::shared_ptr<const std::string> plain;  // the object, while kept as it is
        std::shared_ptr<const char[]> packed;      // else compressed: packed_size bytes
        std::uint32_t size = 0, packed_size = 0;   // unpacked, compressed
        std::uint32_t prev = kNone, next = kNone;  // in `order`
        std::uint32_t plain_prev = kNone, plain_next = kNone;  // in `plain`
        std::uint8_t type = 0;
        bool in_plain = false;
        [[nodiscard]] size_t bytes() const { return packed ? packed_size : size; }
    };
    // A list of slots through their prev/next members, the most recently used first.
    struct List {
        std::uint32_t head = kNone, tail = kNone;
        std::uint32_t Slot::*prev;
        std::uint32_t Slot::*next;
        [[nodiscard]] bool empty() const { return head == kNone; }
    };
    std::mutex mutex;
    std::once_flag dictionary_once;
    std::string dictionary;  // the start of the first object stored (set once, before any object is stored)
    std::deque<Slot> slots;
    std::vector<std::uint32_t> free_slots;
    std::vector<std::uint32_t> index;  // by the key's hash, open addressing: slot + 1, 0 when empty
    size_t indexed = 0;
    List order{kNone, kNone, &Slot::prev, &Slot::next};
    List plain{kNone, kNone, &Slot::plain_prev, &Slot::plain_next};  // the objects kept unpacked
    size_t used = 0, budget = 0;
    size_t plain_used = 0;  // the unpacked size of the objects in `plain`
    static constexpr size_t kPlainBytes = 8 << 20;

    static constexpr size_t kDictionaryBytes = 8 * 1024;
    static std::uint64_t key(size_t pack, std::uint64_t offset) { return static_cast<std::uint64_t>(pack) << 48 | offset; }

    void link_front(List& list, std::uint32_t i) {
        Slot& slot = slots[i];
        slot.*list.prev = kNone;
        slot.*list.next = list.head;
        if (list.head != kNone) slots[list.head].*list.prev = i;
        list.head = i;
        if (list.tail == kNone) list.tail = i;
    }
    void unlink(List& list, std::uint32_t i) {
        Slot& slot = slots[i];
        const std::uint32_t before = slot.*list.prev, after = slot.*list.next;
        if (before != kNone) slots[before].*list.next = after;
        else list.head = after;
        if (after != kNone) slots[after].*list.prev = before;
        else list.tail = before;
        slot.*list.prev = slot.*list.next = kNone;
    }
    void to_front(List& list, std::uint32_t i) {
        if (list.head == i) return;
        unlink(list, i);
        link_front(list, i);
    }

    [[nodiscard]] size_t home(std::uint64_t k) const {
        return static_cast<size_t>((k * 0x9E3779B97F4A7C15ull) >> 32) & (index.size() - 1);
    }
    [[nodiscard]] std::uint32_t find(std::uint64_t k) const {
        if (index.empty()) return kNone;
        for (size_t at = home(k);; at = (at + 1) & (index.size() - 1)) {
            const std::uint32_t entry = index[at];
            if (entry == 0) return kNone;
            if (slots[entry - 1].key == k) return entry - 1;
        }
    }
    void index_add(std::uint32_t i) {
        if (2 * (indexed + 1) > index.size()) {  // at most half full
            std::vector<std::uint32_t> old(std::max<size_t>(1024, 2 * index.size()), 0);
            old.swap(index);
            for (const std::uint32_t entry : old)
                if (entry != 0) place(entry);
        }
        place(i + 1);
        ++indexed;
    }
    void place(std::uint32_t entry) {
        size_t at = home(slots[entry - 1].key);
        while (index[at] != 0) at = (at + 1) & (index.size() - 1);
        index[at] = entry;
    }
    void index_remove(std::uint64_t k) {
        const size_t mask = index.size() - 1;
        size_t at = home(k);
        while (index[at] != 0 && slots[index[at] - 1].key != k) at = (at + 1) & mask;
        if (index[at] == 0) return;
        // Linear probing's deletion: the entries after it that would be unreachable move back.
        for (size_t next = (at + 1) & mask; index[next] != 0; next = (next + 1) & mask) {
            const size_t want = home(slots[index[next] - 1].key);
            // `next` may move to `at` when its home is not in (at, next], cyclically.
            if ((next > at && (want <= at || want > next)) || (next < at && want <= at && want > next)) {
                index[at] = index[next];
                at = next;
            }
        }
        index[at] = 0;
        --indexed;
    }
    // Lets go of slot i (in `order`; in `plain` when in_plain).
    void drop(std::uint32_t i) {
        Slot& slot = slots[i];
        used -= slot.bytes();
        if (slot.in_plain) {
            unlink(plain, i);
            plain_used -= slot.size;
        }
        unlink(order, i);
        index_remove(slot.key);
        slot = Slot{};
        free_slots.push_back(i);
    }

    std::optional<Cached> get(std::uint64_t k) {
        std::shared_ptr<const std::string> data;
        std::shared_ptr<const char[]> packed;
        std::uint32_t size = 0, packed_size = 0;
        int type = 0;
        {
            std::lock_guard lock(mutex);
            const std::uint32_t i = find(k);
            if (i == kNone) return std::nullopt;
            to_front(order, i);
            const Slot& slot = slots[i];
            if (slot.in_plain) to_front(plain, i);
            data = slot.plain;
            packed = slot.packed;
            size = slot.size;
            packed_size = slot.packed_size;
            type = slot.type;
        }
        if (!packed) return Cached{std::move(data), type};
        std::string unpacked;
        if (!inflate_into(std::string_view(packed.get(), packed_size), size, unpacked, dictionary)) return std::nullopt;
        return Cached{std::make_shared<const std::string>(std::move(unpacked)), type};
    }
    void put(std::uint64_t k, const Cached& c) {
        // Every object is compressed with the start of the first one stored as preset dictionary
        // (records' versions are much alike): set once, before any object is stored.
        std::call_once(dictionary_once, [&] { dictionary = c.data->substr(0, kDictionaryBytes); });
        if (c.data->size() > UINT32_MAX) return;
        std::unique_lock lock(mutex);
        if (find(k) != kNone) return;
        std::uint32_t i;
        if (!free_slots.empty()) {
            i = free_slots.back();
            free_slots.pop_back();
        } else {
            if (slots.size() >= kNone - 1) return;
            i = static_cast<std::uint32_t>(slots.size());
            slots.emplace_back();
        }
        Slot& slot = slots[i];
        slot.key = k;
        slot.plain = c.data;
        slot.size = static_cast<std::uint32_t>(c.data->size());
        slot.type = static_cast<std::uint8_t>(c.type);
        slot.in_plain = true;
        link_front(order, i);
        link_front(plain, i);
        index_add(i);
        used += slot.size;
        plain_used += slot.size;
        while ((used > budget || plain_used > kPlainBytes) && !order.empty()) {
            if (plain.empty()) {  // every object is compressed: the least recently used goes
                if (used <= budget) break;
                drop(order.tail);
                continue;
            }
            // The least recently used of those unpacked is compressed, without the lock (other
            // threads read meanwhile); it counts as unpacked until it is put back.
            const std::uint32_t victim = plain.tail;
            Slot& stored = slots[victim];
            unlink(plain, victim);
            stored.in_plain = false;
            plain_used -= stored.size;
            const std::uint64_t victim_key = stored.key;
            const std::shared_ptr<const std::string> data = stored.plain;
            lock.unlock();
            thread_local std::string deflated;
            std::shared_ptr<char[]> packed;
            if (deflate_into(*data, deflated, dictionary)) {
                packed = std::make_shared_for_overwrite<char[]>(deflated.size());
                std::memcpy(packed.get(), deflated.data(), deflated.size());
            }
            lock.lock();
            const std::uint32_t now = find(victim_key);
            if (now == kNone || slots[now].packed || slots[now].plain != data) continue;  // gone meanwhile
            if (!packed) {
                drop(now);
                continue;
            }
            Slot& kept = slots[now];
            used -= kept.size;
            kept.packed_size = static_cast<std::uint32_t>(deflated.size());
            kept.packed = std::move(packed);
            kept.plain.reset();
            used += kept.packed_size;
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
    std::deque<Impl::Slot>().swap(impl_->slots);
    std::vector<std::uint32_t>().swap(impl_->free_slots);
    std::vector<std::uint32_t>().swap(impl_->index);
    impl_->indexed = 0;
    impl_->order.head = impl_->order.tail = Impl::kNone;
    impl_->plain.head = impl_->plain.tail = Impl::kNone;
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
