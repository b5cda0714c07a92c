// core/stop.h — a stop asked for by SIGTERM, SIGINT or SIGHUP (what `timeout`, systemd and CI
// runners send to cancel a job). The cli catches the signals and records them here; long work
// looks at the flag between steps (pages, archived versions, waiting for Pagefind) and unwinds by
// throwing Stopped, undoing what it did on the way out.
#pragma once

#include <stdexcept>

namespace samplan {

// Records that `signal` asked the process to stop (the first one counts). Thread-safe.
void request_stop(int signal);
// The signal that asked for a stop, or 0.
int stop_signal();
inline bool stop_requested() { return stop_signal() != 0; }
// The exit code of a command that `signal` ended: 128 + the signal's number, as shells report it
// (the other exit codes are in build/build.h).
constexpr int signal_exit_code(int signal) { return 128 + signal; }
// The exit code of a command that a stop signal ended.
inline int stopped_exit_code() { return signal_exit_code(stop_signal()); }

struct Stopped : std::runtime_error {
    Stopped() : std::runtime_error("stopped by a signal") {}
};
// Throws Stopped once a stop was asked for.
void throw_if_stopped();

}  // namespace samplan
