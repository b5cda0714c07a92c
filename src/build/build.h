// build/build.h — the build stage: the one sequence every command runs. content → model →
// history → check (load_and_check: `check`, `history`, `import values`, `new`, and each archived
// version), and for a whole site → up-to-date check → pages → render → publish → archived
// versions (make_site: `build` and `serve`; the publishing half is build_site.h). The stage
// prints no progress of its own: it tells a Reporter, which the cli shows as a progress bar, and
// hands what the user reads (diagnostics, the previous build's report) to the caller's hooks.
#pragma once

#include <cstddef>
#include <functional>
#include <future>
#include <iosfwd>
#include <string>
#include <vector>

#include "build/build_site.h"
#include "content/content.h"
#include "content/source.h"
#include "core/date.h"
#include "core/diagnostics.h"
#include "history/history.h"
#include "history/versions.h"
#include "model/model.h"

namespace samplan::build {

// The exit codes of every command, defined here only; a stop signal gives 128 + its number
// (stopped_exit_code() in core/stop.h).
constexpr int kOk = 0;
constexpr int kContentErrors = 1;
constexpr int kFailed = 2;  // usage, I/O, the theme or the output folder

struct LoadOptions {
    Date today;                 // the date the time-based rules are checked as of
    bool check = true;          // run the rules (`samplan new` needs only the model)
    bool history = true;        // read the git history of content_dir (its problems join the diagnostics)
    std::string content_dir;    // for the history
    std::string history_cache;  // the history cache file (history.h); empty: none
    bool keep_records = false;  // keep the records in Loaded::kept (import edits them); else they are let go
    bool keep_versions = false; // keep the versions the check read in Loaded::versions_read (for the site)
    std::string records_cache = {};  // the parsed records kept between builds (content/record_cache.h); empty: none
};

// What load_and_check read.
struct Loaded {
    Diagnostics diagnostics;  // sorted
    size_t records = 0;       // readable records
    size_t restored = 0;      // records taken from the records cache (LoadOptions::records_cache), not parsed
    std::vector<content::Record> kept;  // the records, with LoadOptions::keep_records only
    model::Site site;
    history::History history;  // empty without LoadOptions::history
    // The versions the check's history rules read, with LoadOptions::keep_versions: the site takes
    // them over (publish_site), so that they are read once.
    history::VersionsRead versions_read;
    // The records, let go on another thread once the model is built (freeing tens of thousands of
    // small values takes a while): done by the time this is destroyed.
    std::future<void> records_freed;
};

// Starts reading the git history of `content_dir` on another thread.
std::future<history::History> read_history_later(const std::string& content_dir, const std::string& cache_file);

// content → model → history → check, each a stage of `timings` (when given). The history is read
// from git while the files load; `started`: the history, when the caller already began reading it.
void load_and_check(const content::Source& source, const LoadOptions& options, Loaded& loaded,
                    Timings* timings = nullptr, std::future<history::History> started = {});

// A whole site, as `samplan build` and `samplan serve` make it.
struct SiteRequest {
    BuildSettings settings;     // content, output, theme, date, drafts, …; output_before is filled in
    std::string history_cache;  // the history cache file; empty: none
    // The up-to-date check (up_to_date.h): the stamp file and the options recorded in it. Empty
    // stamp_file: no check, no stamp.
    std::string stamp_file;
    std::string stamp_options;
};

// What make_site hands its caller on the way; each may be left empty.
struct SiteHooks {
    // Nothing changed since the last build: its report (its diagnostics' text, as it was). The
    // build ends there, successfully.
    std::function<void(const std::string& previous)> up_to_date;
    // The content is loaded and checked. Returns the text the stamp records as this build's report
    // (the diagnostics as printed). With errors, the build ends there (kContentErrors).
    std::function<std::string(const Loaded&)> checked;
    // The pages are about to be written: from here on there is a staging folder to remove.
    std::function<void()> publishing;
    // The build is over (the site published, or the content had errors): the git history it read,
    // for a caller that keeps it (serve hands it to its editor's checks).
    std::function<void(history::History&&)> history_read;
};

// Checks, then publishes the site; returns kOk, kContentErrors, kFailed or stopped_exit_code(),
// as publish_site. `report.up_to_date` tells a build that was skipped.
int make_site(SiteRequest request, const SiteHooks& hooks, BuildReport& report, std::ostream& err);

}  // namespace samplan::build
