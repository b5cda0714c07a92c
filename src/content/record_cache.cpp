#include "content/record_cache.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/bytes.h"
#include "core/digest.h"
#include "core/files.h"

namespace samplan::content {
namespace {

// The first line: the format and the program that wrote it (another samplan may parse differently).
// (Format 3: each record with the blob id of the bytes it was parsed from, Record::blob.)
std::string header() { return "samplan records 3 " + program_identity() + "\n"; }

// Deeper than any parse gives (toml_nesting.cpp limits nesting far below): a damaged file.
constexpr int kMaxDepth = 1000;

class Writer : public ByteWriter {
public:
    using ByteWriter::ByteWriter;
    void pos(SourcePos p) {
        raw(static_cast<std::int32_t>(p.line));
        raw(static_cast<std::int32_t>(p.column));
    }
    void value(const Value& v) {
        // Which fields differ from a new Value's: only those are written (the parser may use a
        // field of another type for its own marks; they come back as they were).
        const Value none;
        std::uint16_t fields = 0;
        if (!v.string.empty()) fields |= 1;
        if (v.integer != 0) fields |= 2;
        if (std::memcmp(&v.floating, &none.floating, sizeof v.floating) != 0) fields |= 4;
        if (v.boolean) fields |= 8;
        if (v.date.year || v.date.month || v.date.day) fields |= 16;
        if (v.time != TimeOfDay{}) fields |= 32;
        if (v.has_offset || v.offset_minutes) fields |= 64;
        if (!v.entries.empty()) fields |= 128;
        if (!v.items.empty()) fields |= 256;
        raw(static_cast<std::uint8_t>(v.type));
        pos(v.pos);
        raw(fields);
        if (fields & 1) text(v.string);
        if (fields & 2) raw(v.integer);
        if (fields & 4) raw(v.floating);
        if (fields & 16) {
            raw(static_cast<std::int32_t>(v.date.year));
            raw(static_cast<std::int32_t>(v.date.month));
            raw(static_cast<std::int32_t>(v.date.day));
        }
        if (fields & 32) {
            raw(static_cast<std::int32_t>(v.time.hour));
            raw(static_cast<std::int32_t>(v.time.minute));
            raw(static_cast<std::int32_t>(v.time.second));
            raw(v.time.nanosecond);
        }
        if (fields & 64) {
            raw(static_cast<std::uint8_t>(v.has_offset));
            raw(static_cast<std::int32_t>(v.offset_minutes));
        }
        if (fields & 128) {
            raw(static_cast<std::uint32_t>(v.entries.size()));
            for (const auto& e : v.entries) {
                text(e.key);
                pos(e.key_pos);
                raw(static_cast<std::uint32_t>(e.value.size()));
                for (const auto& x : e.value) value(x);
            }
        }
        if (fields & 256) {
            raw(static_cast<std::uint32_t>(v.items.size()));
            for (const auto& x : v.items) value(x);
        }
    }
};

// Reads what Writer wrote; every read is bounds-checked, and any failure leaves `ok` false.
class CacheReader : public ByteReader {
public:
    using ByteReader::ByteReader;
    SourcePos pos() {
        const auto line = raw<std::int32_t>();
        const auto column = raw<std::int32_t>();
        return {line, column};
    }
    void value(Value& v, int depth = 0) {
        const auto type = raw<std::uint8_t>();
        if (type > static_cast<std::uint8_t>(Value::Type::DateTime) || depth > kMaxDepth) ok = false;
        v.type = static_cast<Value::Type>(type);
        v.pos = pos();
        const auto fields = raw<std::uint16_t>();
        if (!ok) return;
        if (fields & 1) v.string = text();
        if (fields & 2) v.integer = raw<std::int64_t>();
        if (fields & 4) v.floating = raw<double>();
        v.boolean = (fields & 8) != 0;
        if (fields & 16) {
            v.date.year = raw<std::int32_t>();
            v.date.month = raw<std::int32_t>();
            v.date.day = raw<std::int32_t>();
        }
        if (fields & 32) {
            v.time.hour = raw<std::int32_t>();
            v.time.minute = raw<std::int32_t>();
            v.time.second = raw<std::int32_t>();
            v.time.nanosecond = raw<std::uint32_t>();
        }
        if (fields & 64) {
            v.has_offset = raw<std::uint8_t>() != 0;
            v.offset_minutes = raw<std::int32_t>();
        }
        if (fields & 128) {
            v.entries.resize(count(12));
            for (auto& e : v.entries) {
                if (!ok) return;
                e.key = text();
                e.key_pos = pos();
                e.value.resize(count(11));
                for (auto& x : e.value) {
                    if (!ok) return;
                    value(x, depth + 1);
                }
            }
        }
        if (fields & 256) {
            v.items.resize(count(11));
            for (auto& x : v.items) {
                if (!ok) return;
                value(x, depth + 1);
            }
        }
    }
};

}  // namespace

std::string RecordCache::encode(const Record& record, const Diagnostics& diagnostics, bool ok) {
    std::string out;
    Writer w(out);
    w.raw(static_cast<std::uint8_t>(ok));
    w.text(record.blob);
    w.raw(static_cast<std::int32_t>(record.body_line));
    w.text(record.body);
    w.value(record.data);
    w.raw(static_cast<std::uint32_t>(diagnostics.all().size()));
    for (const auto& d : diagnostics.all()) {
        w.text(d.path);
        w.pos(d.pos);
        w.raw(static_cast<std::uint8_t>(d.severity));
        w.text(d.message);
        w.text(d.rule);
        w.raw(static_cast<std::uint32_t>(d.args.size()));
        for (const auto& a : d.args) w.text(a);
        w.text(d.suggestion);
        w.text(d.form);
    }
    return out;
}

bool RecordCache::decode(std::string_view bytes, Record& record, Diagnostics& diagnostics, bool& ok) {
    CacheReader r(bytes);
    Record out = record.same_file();
    const bool parsed = r.raw<std::uint8_t>() != 0;
    out.blob = r.text();
    out.body_line = r.raw<std::int32_t>();
    out.body = r.text();
    r.value(out.data);
    Diagnostics found;
    const auto n = r.count(8);
    for (std::uint32_t i = 0; i < n && r.ok; ++i) {
        Diagnostic d;
        d.path = r.text();
        d.pos = r.pos();
        const auto severity = r.raw<std::uint8_t>();
        if (severity > static_cast<std::uint8_t>(Severity::Error)) r.ok = false;
        d.severity = static_cast<Severity>(severity);
        d.message = r.text();
        d.rule = r.text();
        d.args.resize(r.count(4));
        for (auto& a : d.args) a = r.text();
        d.suggestion = r.text();
        d.form = r.text();
        found.add(std::move(d));
    }
    if (!r.ok || !r.at_end()) return false;
    record = std::move(out);
    diagnostics.merge(std::move(found));
    ok = parsed;
    return true;
}

namespace {

// After the header line, batches of entries (an entry: path, identity, markdown, max_bytes,
// payload): the first, written whole through a rename, as "count, entries"; each appended since
// as "length, digest, count, entries", the length and the digest of the bytes from its count on,
// so that an append cut short or never flushed shows. A later batch's entry for a path replaces
// an earlier one's.
std::uint64_t batch_digest(std::string_view bytes) {
    Digest d;
    d.add_words(bytes);
    return d.value();
}

// Reads a batch's count and entries from `r` into `entries`; false when they do not read.
bool read_entries(CacheReader& r, std::unordered_map<std::string_view, RecordCache::Entry>& entries) {
    const auto n = r.raw<std::uint64_t>();
    for (std::uint64_t i = 0; i < n && r.ok; ++i) {
        const char* const begins = r.rest().data();
        const std::string_view path = r.text();
        RecordCache::Entry e;
        e.identity = r.text();
        e.markdown = r.raw<std::uint8_t>() != 0;
        e.max_bytes = r.raw<std::uint64_t>();
        e.payload = r.text();
        if (!r.ok) break;
        e.bytes = std::string_view(begins, static_cast<std::size_t>(r.rest().data() - begins));
        entries[path] = e;
    }
    return r.ok;
}

void write_entry(ByteWriter& w, std::string_view path, std::string_view identity, bool markdown, std::size_t max_bytes,
                 std::string_view payload) {
    w.text(path);
    w.text(identity);
    w.raw(static_cast<std::uint8_t>(markdown));
    w.raw(static_cast<std::uint64_t>(max_bytes));
    w.text(payload);
}

}  // namespace

RecordCache::Mapping::~Mapping() {
    if (data) ::munmap(data, size);
}

RecordCache::RecordCache(std::string file) : file_(std::move(file)) {
    if (file_.empty()) return;
    // Mapped, not read: the file holds every record of the site (tens of MB on a large one), and
    // a rebuild looks at all of it; only the records decoded are copied out of it. (The file is
    // never changed in place but by appending: a build that writes it anew renames a new file
    // over it.)
    const int fd = ::open(file_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        static_cast<std::uint64_t>(st.st_size) > (static_cast<std::uint64_t>(1) << 31)) {
        ::close(fd);
        return;
    }
    void* at = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    ::close(fd);
    if (at == MAP_FAILED) return;
    map_.data = at;
    map_.size = static_cast<std::size_t>(st.st_size);
    const std::string_view text(static_cast<const char*>(at), map_.size);
    const std::string head = header();
    if (text.compare(0, head.size(), head) != 0) return;
    CacheReader r(text.substr(head.size()));
    bool ok = read_entries(r, entries_);
    while (ok && !r.at_end()) {
        const auto length = r.raw<std::uint64_t>();
        const auto digest = r.raw<std::uint64_t>();
        const std::string_view rest = r.rest();
        if (!r.ok || length > rest.size() || batch_digest(rest.substr(0, length)) != digest) {
            ok = false;
            break;
        }
        CacheReader batch(rest.substr(0, length));
        ok = read_entries(batch, entries_) && batch.at_end();
        r = CacheReader(rest.substr(length));
    }
    if (!ok) {  // cut short or damaged: trust none of it
        entries_.clear();
        return;
    }
    identity_ = {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino), map_.size};
}

bool RecordCache::restore(const std::string& identity, bool markdown, std::size_t max_bytes, Record& record,
                          Diagnostics& diagnostics, bool& ok) const {
    const auto it = entries_.find(record.path);
    if (it == entries_.end() || it->second.identity != identity || it->second.markdown != markdown ||
        it->second.max_bytes != max_bytes)
        return false;
    return decode(it->second.payload, record, diagnostics, ok);
}

bool RecordCache::save(const std::vector<Outcome>& outcomes, std::size_t max_bytes) {
    restored_ = static_cast<std::size_t>(
        std::count_if(outcomes.begin(), outcomes.end(), [](const Outcome& o) { return o.restored; }));
    if (file_.empty()) return false;
    // The bytes of the entries that stay as they are in the file (restored), and of the new ones.
    std::size_t live = 0, fresh = 0, kept = 0, known = 0;
    for (const auto& o : outcomes) {
        known += entries_.count(o.path);
        if (o.identity.empty()) continue;
        ++kept;
        if (o.restored) live += entries_.at(o.path).bytes.size();
        else fresh += o.path.size() + o.identity.size() + o.payload.size() + 21;
    }
    // A record gone from the content: the file is written anew without it (a path in the file
    // is one the content has, so that the file does not grow with records long gone).
    const bool gone = known < entries_.size();
    if (fresh == 0 && !gone) return false;
    // Appended: the new entries alone, while the file holds less than as much again of entries
    // replaced since it was written whole.
    if (!gone && identity_.size > 0 && identity_.size + fresh + 16 < 2 * (live + fresh) + 4096 && append(outcomes, max_bytes))
        return true;
    return replace_file(file_, [&](std::ostream& out) {
        std::string head = header();
        {
            ByteWriter w(head);
            w.raw(static_cast<std::uint64_t>(kept));
        }
        out.write(head.data(), static_cast<std::streamsize>(head.size()));
        std::string entry;
        for (const auto& o : outcomes) {
            if (o.identity.empty()) continue;
            if (o.restored) {  // its bytes as the file has them
                const std::string_view bytes = entries_.at(o.path).bytes;
                out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
                continue;
            }
            entry.clear();
            ByteWriter w(entry);
            write_entry(w, o.path, o.identity, o.markdown, max_bytes, o.payload);
            out.write(entry.data(), static_cast<std::streamsize>(entry.size()));
        }
    });
}

bool RecordCache::append(const std::vector<Outcome>& outcomes, std::size_t max_bytes) {
    std::string body;
    ByteWriter w(body);
    std::uint64_t n = 0;
    w.raw(n);
    for (const auto& o : outcomes) {
        if (o.identity.empty() || o.restored) continue;
        write_entry(w, o.path, o.identity, o.markdown, max_bytes, o.payload);
        ++n;
    }
    std::memcpy(body.data(), &n, sizeof n);
    std::string batch;
    ByteWriter b(batch);
    b.raw(static_cast<std::uint64_t>(body.size()));
    b.raw(batch_digest(body));
    batch += body;
    // Only onto the file as it was read (another build may have written it anew since), in one
    // write: two builds appending at once each append a whole batch.
    const int fd = ::open(file_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    bool done = false;
    if (::fstat(fd, &st) == 0 && static_cast<std::uint64_t>(st.st_dev) == identity_.device &&
        static_cast<std::uint64_t>(st.st_ino) == identity_.inode && static_cast<std::size_t>(st.st_size) == identity_.size) {
        const ssize_t wrote = ::write(fd, batch.data(), batch.size());
        done = wrote == static_cast<ssize_t>(batch.size());
        // A part written (a full disk) stays: the next build finds the batch damaged and parses
        // every record. It is not cut off again: a build that mapped the file meanwhile, with
        // that part, would then read past its end (SIGBUS).
    }
    ::close(fd);
    return done;
}

}  // namespace samplan::content
