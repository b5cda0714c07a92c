// build/build_site.h — the publishing half of a build (build.h), run after the checks passed:
// theme → view models → pages rendered in parallel → search index → archived versions → output
// folder swapped in.
#pragma once

#include <chrono>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/diagnostics.h"
#include "history/history.h"
#include "history/versions.h"
#include "model/model.h"
#include "render/render.h"
#include "site/site.h"

namespace samplan::build {

// What a build tells while it runs: the cli shows it on standard error (cli/progress.h). Each
// method does nothing unless overridden.
class Reporter {
public:
    virtual ~Reporter() = default;
    // Ends the running stage, if any, and starts `name`, with `total` steps when they are known.
    virtual void stage(const std::string& /*name*/, size_t /*total*/ = 0) {}
    // The running stage's true number of steps, once known (its start gave an estimate).
    virtual void settle_total(size_t /*total*/) {}
    // One or more steps of the running stage done. Called from several threads at once.
    virtual void advance(size_t /*steps*/ = 1) {}
    // A detail of the running stage (counts, files written).
    virtual void detail(const std::string& /*text*/) {}
    // A line for the user (`even_when_quiet`: one that --quiet shows too).
    virtual void note(const std::string& /*text*/, bool /*even_when_quiet*/ = false) {}
    // Ends the running stage.
    virtual void finish() {}
};

struct BuildSettings {
    std::string content;
    std::string output;
    std::string themes;  // --themes; empty: themes/ in the working folder, else the built-in theme
    Date today;
    bool quiet = false;
    bool drafts = false;                   // publish drafts too, marked as such
    std::vector<std::string> draft_paths;  // the drafts left out (sorted)
    // `samplan serve`: every page loads the live-reload script from these server addresses.
    std::string live_script_href = {};  // empty: no script (a published site never has one)
    std::string live_status_href = {};
    // `samplan serve`'s rebuilds: keep the previous site's search index instead of running
    // Pagefind again (seconds); it is rebuilt when serve starts.
    bool reuse_search = false;
    // Beside the output: what the output's search index was made from (publish::SearchOptions).
    std::string search_stamp = {};
    std::chrono::seconds search_time_limit{600};  // Pagefind is stopped after it (0: never)
    // Whether the history's index is kept once the pages are made (serve hands it on to the
    // editor); otherwise it is let go of before Pagefind runs.
    bool keep_history = false;
    // Incremental builds: the file where the keys of the pages written are kept (beside the
    // stamp), and the output folder's state before this build (output_state in up_to_date.h).
    // A page whose inputs did not change since the last build is kept as that build wrote it,
    // not made again, but only while the output folder is exactly as that build left it.
    // Empty: every page is made.
    std::string page_keys_file = {};
    std::uint64_t output_before = 0;
    // site_files_digest() taken before the content was loaded. The page keys name the content
    // outside groups/ and the theme by their bytes as read after the load (and the theme's); when
    // the files differ by then (saved meanwhile), the pages may have been made from the older
    // text: this build's page keys are not kept, and the next build makes every page.
    std::string site_files_before = {};
    // Where the previous site is kept for the next build (publish::Spare), beside the output;
    // empty: it is removed after the swap.
    std::string spare = {};
};

// Wall time per named stage of a build, in the order they ran (`--timings`); each stage is also
// told to the attached Reporter, if any.
class Timings {
public:
    // Ends the running stage (if any) and starts `name`, of `total` steps when known.
    void start(const std::string& name, size_t total = 0);
    void stop();
    // Adds a stage of `ms` that showed no progress of its own (a wait for work begun earlier).
    void waited(const std::string& name, double ms) { stages_.emplace_back(name, ms); }
    // Adds time spent within a stage (e.g. summed over threads); shown apart, not in the total.
    void detail(const std::string& name, double ms);
    [[nodiscard]] std::string report() const;
    void attach(Reporter* progress) { progress_ = progress; }
    [[nodiscard]] Reporter* progress() const { return progress_; }

private:
    Reporter* progress_ = nullptr;
    std::vector<std::pair<std::string, double>> stages_;
    std::vector<std::pair<std::string, double>> details_;
    std::string current_;
    std::chrono::steady_clock::time_point began_;
};

struct BuildReport {
    size_t pages = 0;
    size_t files = 0;
    std::uint64_t output_state = 0;  // the output folder as written (build/up_to_date.h); 0 if unknown
    bool search_failed = false;      // Pagefind failed or took too long: the next build tries again
    bool swapped_then_stopped = false;  // a stop came after the new site was swapped in
    bool up_to_date = false;            // nothing changed since the last build: nothing was built (build.h)
    Timings timings;
};

// The folder that holds the themes: `option` (--themes), else ./themes when there is one, else
// empty: the theme built into samplan (render::kBuiltinTheme).
std::string themes_folder(const std::string& option);

// A digest of the bytes of the site's files that the page keys name as a whole (inputs_key):
// every content file outside groups/ (and the output folder, should it be inside) and every
// file of the themes folder (settings.themes; none for the built-in theme).
std::string site_files_digest(const BuildSettings& settings);

// Where the theme `name` is read from, given themes_folder()'s answer; nullopt with `problem` set
// when it is not there.
std::optional<render::ThemeFolder> theme_source(const std::string& themes, const std::string& name, std::string& problem);

// The theme's UI strings in the site's language (for text the terminal shows in that language).
site::Strings load_strings(const model::Site& site, const std::string& themes);

// Returns an exit code: 0 on success, 2 when the theme or the output folder fails, 128 + the
// signal's number when a stop signal came before the new site was swapped in (core/stop.h):
// the staging folder is then removed and the output folder left as it was. A stop that comes
// after the swap lets the build finish (report.swapped_then_stopped). Once the pages are made it
// lets go of `site` (left empty) and, unless settings.keep_history, of the history's index
// (history::History::release_index), so that their memory is free while the search index is made.
// `versions_read`: versions the check read already (Loaded::versions_read), taken over by the site.
int publish_site(model::Site& site, history::History& history, const Diagnostics& checks,
                 const BuildSettings& settings, BuildReport& report, std::ostream& err,
                 history::VersionsRead* versions_read = nullptr);

}  // namespace samplan::build
