// core/stop_signals.h — what SIGTERM, SIGINT and SIGHUP do to `samplan build` and `samplan serve`.
// A thread of its own waits for them. While the work has nothing to undo (reading and checking
// the content), a signal ends the process at once, saying so. Once a build writes its staging
// folder, a signal only records the stop (core/stop.h): the build stops at its next step, ends
// Pagefind, removes its staging folder, says so and exits with 128 + the signal's number. A
// second signal ends the process at once: the next build removes what it left.
#pragma once

#include <string>
#include <vector>

namespace samplan {

// Starts handling the stop signals. Call it before any other thread is started: the signals are
// blocked in the calling thread and in every thread started after it.
void handle_stop_signals();

// While one lives, a stop signal removes the files `leftovers` (written by work in flight),
// prints `message` on standard error and ends the process with 128 + the signal's number.
class StopAtOnce {
public:
    explicit StopAtOnce(std::string message, std::vector<std::string> leftovers = {});
    ~StopAtOnce();
    StopAtOnce(const StopAtOnce&) = delete;
    StopAtOnce& operator=(const StopAtOnce&) = delete;

private:
    bool was_at_once_;
    std::string previous_message_;
    std::vector<std::string> previous_leftovers_;
};

}  // namespace samplan
