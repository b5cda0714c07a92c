// cli/build_site.h — the publishing half of `samplan build`, run after the checks passed:
// theme → view models → pages rendered in parallel → output folder swapped in.
#pragma once

#include <chrono>
#include <iosfwd>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/diagnostics.h"
#include "history/history.h"
#include "model/model.h"
#include "site/site.h"

namespace samplan::cli {

struct BuildSettings {
    std::string content;
    std::string output;
    std::string themes;  // empty: themes/ in the working folder, else beside the executable
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
};

// Wall time per named stage of a build, in the order they ran (`--timings`).
class Timings {
public:
    // Ends the running stage (if any) and starts `name`.
    void start(const std::string& name);
    void stop();
    [[nodiscard]] std::string report() const;

private:
    std::vector<std::pair<std::string, double>> stages_;
    std::string current_;
    std::chrono::steady_clock::time_point began_;
};

struct BuildReport {
    size_t pages = 0;
    size_t files = 0;
    Timings timings;
};

// The folder that holds the themes: `themes` when given, else ./themes, else beside the binary.
std::string themes_folder(const std::string& themes);

// The theme's UI strings in the site's language (for text the terminal shows in that language).
site::Strings load_strings(const model::Site& site, const std::string& themes);

// Returns an exit code: 0 on success, 2 when the theme or the output folder fails.
int publish_site(const model::Site& site, const history::History& history, const Diagnostics& checks,
                 const BuildSettings& settings, BuildReport& report, std::ostream& err);

}  // namespace samplan::cli
