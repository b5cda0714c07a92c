// content/record_cache.h — the records a build parsed, kept in a file between builds by each
// file's identity (Source::identity: device, inode, size and times on disk), so that a rebuild
// reads and parses again only the record files that changed. A record comes back exactly as
// parsing it gave it: its data with every source position, its body, the blob id of the bytes it
// was parsed from (Record::blob: the page keys' name for its text), and the diagnostics its parse
// reported. Only files read whole are kept (not one refused as too large, nor one that
// could not be read). The file names the samplan binary that wrote it; one from another binary,
// in another format, or damaged is not used (every record is parsed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "content/content.h"

namespace samplan::content {

class RecordCache {
public:
    // Reads `file` (empty: no file, an empty cache).
    explicit RecordCache(std::string file);

    // The record at `record.path` as it was parsed from a file of this identity with these
    // options: fills `record` (data, body, body_line, blob) and `diagnostics` and `ok`. False when not
    // kept (or the kept bytes do not read back). Thread-safe (reads only).
    bool restore(const std::string& identity, bool markdown, std::size_t max_bytes, Record& record,
                 Diagnostics& diagnostics, bool& ok) const;

    // One record's outcome in this load, for save().
    struct Outcome {
        std::string_view path;
        std::string identity;  // empty: not kept
        bool markdown = false;
        bool restored = false;  // from this cache (its bytes are taken over), else:
        std::string payload;    // encode()'s bytes of the fresh parse
    };
    // Writes the file again with exactly these records' outcomes, when that changes it (a record
    // parsed anew, or one gone). Returns whether it wrote.
    bool save(const std::vector<Outcome>& outcomes, std::size_t max_bytes);

    // How many records the file held when read, and how many the last save() took from it.
    [[nodiscard]] std::size_t size() const { return entries_.size(); }
    [[nodiscard]] std::size_t restored() const { return restored_; }

    // The serialised form of a parsed record (exposed for the unit tests' round trip).
    static std::string encode(const Record& record, const Diagnostics& diagnostics, bool ok);
    static bool decode(std::string_view bytes, Record& record, Diagnostics& diagnostics, bool& ok);

    struct Entry {
        std::string_view identity;
        bool markdown = false;
        std::size_t max_bytes = 0;
        std::string_view payload;  // encode()'s bytes
        std::string_view bytes;    // the whole entry as the file has it
    };

private:
    // Appends the outcomes' new entries to the file as it was read; false when it could not.
    bool append(const std::vector<Outcome>& outcomes, std::size_t max_bytes);
    struct Mapping {
        void* data = nullptr;
        std::size_t size = 0;
        Mapping() = default;
        Mapping(const Mapping&) = delete;
        Mapping& operator=(const Mapping&) = delete;
        ~Mapping();
    };
    std::string file_;
    Mapping map_;  // the file as read (mapped); the entries point into it
    struct {
        std::uint64_t device = 0, inode = 0;
        std::size_t size = 0;  // 0: no usable file was read
    } identity_;
    std::unordered_map<std::string_view, Entry> entries_;  // by record path
    std::size_t restored_ = 0;
};

}  // namespace samplan::content
