// cli/progress.h — what a build tells on standard error while it runs. On a terminal: one line,
// redrawn, with the stage and its count ("[pages] 1234/3000 ▕████░░░░▏"), cleared at
// the end. Elsewhere (a CI log, a file): one plain line when a stage starts and one when it ends,
// never one per page. --verbose adds each stage's details and time; --quiet prints nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <mutex>
#include <string>

#include "build/build_site.h"

namespace samplan::cli {

enum class Verbosity { Quiet, Normal, Verbose };

class Progress final : public build::Reporter {
public:
    // `terminal`: whether `err` is an interactive terminal (see stderr_is_terminal()).
    Progress(std::ostream& err, Verbosity verbosity, bool terminal);
    ~Progress() override;
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // Ends the running stage, if any, and starts `name`, with `total` steps when they are known.
    void stage(const std::string& name, size_t total = 0) override;
    // The running stage's true number of steps, once known (its start gave an estimate).
    void settle_total(size_t total) override { total_ = total; }
    // One or more steps of the running stage done. Thread-safe: pages are written in parallel.
    void advance(size_t steps = 1) override;
    // A detail of the running stage, printed with --verbose only.
    void detail(const std::string& text) override;
    // A line that is printed in every mode but --quiet (or in that too), without tearing the bar.
    void note(const std::string& text, bool even_when_quiet = false) override;
    // Ends the running stage and clears the bar.
    void finish() override;

private:
    void draw(size_t done, bool force);  // with mutex_ held
    void clear_bar();                     // with mutex_ held
    void end_stage();                     // with mutex_ held

    std::ostream& err_;
    Verbosity verbosity_;
    bool terminal_;
    std::mutex mutex_;
    std::string stage_;
    std::atomic<size_t> done_{0};
    std::atomic<size_t> total_{0};
    std::chrono::steady_clock::time_point began_;
    std::chrono::steady_clock::time_point drawn_at_;
    size_t drawn_ = 0;
    bool bar_shown_ = false;
};

// Whether standard error is an interactive terminal that can redraw a line (not TERM=dumb).
bool stderr_is_terminal();

}  // namespace samplan::cli
