#include "content/record_cache.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "core/bytes.h"
#include "core/files.h"

namespace samplan::content {
namespace {

// The first line: the format and the program that wrote it (another samplan may parse differently).
std::string header() { return "samplan records 1 " + program_identity() + "\n"; }

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

RecordCache::RecordCache(std::string file) : file_(std::move(file)) {
    if (file_.empty()) return;
    std::string error;
    if (read_regular_file(file_, static_cast<std::size_t>(1) << 31, text_, error) != FileRead::Ok) {
        text_.clear();
        return;
    }
    const std::string head = header();
    if (text_.compare(0, head.size(), head) != 0) {
        text_.clear();
        return;
    }
    CacheReader r(std::string_view(text_).substr(head.size()));
    const auto n = r.raw<std::uint64_t>();
    for (std::uint64_t i = 0; i < n && r.ok; ++i) {
        const std::string_view path = r.text();
        Entry e;
        e.identity = r.text();
        e.markdown = r.raw<std::uint8_t>() != 0;
        e.max_bytes = r.raw<std::uint64_t>();
        e.payload = r.text();
        if (r.ok) entries_[path] = e;
    }
    if (!r.ok || !r.at_end()) {  // cut short or damaged: trust none of it
        entries_.clear();
        text_.clear();
    }
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
    std::size_t kept = 0;
    bool changed = false;
    for (const auto& o : outcomes) {
        if (o.identity.empty()) continue;
        ++kept;
        changed = changed || !o.restored;
    }
    if (!changed && kept == entries_.size()) return false;
    std::string out = header();
    out.reserve(text_.size() + 4096);
    Writer w(out);
    w.raw(static_cast<std::uint64_t>(kept));
    for (const auto& o : outcomes) {
        if (o.identity.empty()) continue;
        w.text(o.path);
        w.text(o.identity);
        w.raw(static_cast<std::uint8_t>(o.markdown));
        w.raw(static_cast<std::uint64_t>(max_bytes));
        w.text(o.restored ? entries_.at(o.path).payload : std::string_view(o.payload));
    }
    return replace_file(file_, out);
}

}  // namespace samplan::content
