// content/content.h — reads the content layout into records: each file's TOML (or front
// matter) as a Value tree with positions, and its Markdown body. Reports every file that
// cannot be read or parsed; never stops at the first problem.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "content/source.h"
#include "content/value.h"
#include "core/diagnostics.h"

namespace samplan::content {

enum class RecordKind { Site, RegionalPlan, Process, Page, Group, GroupEvaluation, Plan, Activity };

struct Record {
    RecordKind kind = RecordKind::Site;
    std::string path;   // relative to the content folder
    std::string id;     // file or folder name without extension ("" for site and regional plan)
    std::string group;  // owning group id (groups, plans, activities, evaluations)
    std::string plan;   // owning plan id (plans, activities)
    Value data;         // the TOML document or front matter
    std::string body;   // Markdown after the front matter (.md records)
    int body_line = 0;  // line of the body's first line in the file
    // The id git gives the bytes this record was parsed from (core/blob_id.h), taken from those
    // very bytes: what the page keys name the record's text by. Empty when the file was not read
    // whole.
    std::string blob;
    // False when the file is missing, unreadable or does not parse (already reported): later
    // stages then know the record exists but must not report what follows from its absence.
    bool readable = true;

    // A record of the same file (kind, path, id, group, plan), with nothing read yet.
    [[nodiscard]] Record same_file() const {
        Record r;
        r.kind = kind;
        r.path = path;
        r.id = id;
        r.group = group;
        r.plan = plan;
        return r;
    }
};

class RecordCache;

struct LoadOptions {
    size_t max_record_bytes = 1024 * 1024;  // larger files are refused with a diagnostic
    // Parsed records kept between loads (record_cache.h): a file whose identity did not change is
    // not read again, and the cache is saved with this load's records. Null: every file is parsed.
    RecordCache* cache = nullptr;
    // Called with each record that was read and parsed (or restored from the cache) without
    // error, and its index in the records returned, on the thread that loaded it and as soon as it
    // is loaded: a caller can take what it needs while the record is fresh in that core's cache,
    // and may then let go of the record's data and body (kind, path and ids must stay).
    std::function<void(std::size_t, Record&)> loaded;
};

// Reads every record of the layout in a fixed order. Records that could not be read are
// returned too, with `readable` false.
// (site, regional plan, processes, pages,
// groups in id order with their plans, activities and evaluations).
std::vector<Record> load_records(const Source& source, Diagnostics& diagnostics,
                                 const LoadOptions& options = {});

// Whether records of `kind` are Markdown files with front matter (.md).
bool is_markdown(RecordKind kind);

// Reads and parses again one record that load_records found (its kind, ids and path stay), as
// load_records would; for a reader that keeps the records and sees that one file changed.
// Returns whether the record is readable.
bool reload_record(const Source& source, Record& record, Diagnostics& diagnostics, const LoadOptions& options = {});

// Splits a `.md` record into front matter and body. Exposed for tests and fuzzing.
struct FrontMatter {
    std::string_view toml;
    std::string_view body;
    int body_line = 0;
};
// On failure returns false and sets `error_pos`/`error`.
bool split_front_matter(std::string_view text, FrontMatter& out, SourcePos& error_pos, std::string& error);

// Parses one file's text into a record's data and body; reports problems under `path`.
bool parse_record_text(const std::string& path, std::string_view text, bool markdown, Record& record,
                       Diagnostics& diagnostics);

}  // namespace samplan::content
