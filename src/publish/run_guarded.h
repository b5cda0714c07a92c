// publish/run_guarded.h — the programs the publish stage starts (publish stage, internal):
// Pagefind, under a time limit, ended with samplan however samplan ends; and the set-up every
// child that samplan waits for needs (the `rm` that removes a previous site among them).
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

namespace samplan::publish {

// Children that samplan waits for: a SIGCHLD ignored by whoever started samplan would have them
// collected by the system, and their ends unseen. Sets SIGCHLD to its default once, whichever
// thread comes first; called before each child is started.
void wait_for_own_children();

enum class RunEnd {
    Ok,           // the program ended with status 0
    Failed,       // it ended with another status, or by a signal
    CannotStart,  // it could not be started (or exited with 127, as a shell does for that)
    TimedOut,     // `deadline` came first: it was killed
    Cancelled,    // `cancel` was set first: it was killed
};

// Runs `args` (args[0] the program, a path: PATH is not searched) in a process group of its own,
// led by a guard process that samplan forks: the guard starts the program and waits for it, and
// when samplan ends without ending it (SIGKILL) the guard sees the pipe from samplan close and
// kills the whole group, the program and whatever it started (npm's wrapper starts the real
// Pagefind) among it; the program also has PR_SET_PDEATHSIG for the guard. Standard input and
// output are /dev/null; standard error is samplan's; the program starts with the default action
// for SIGPIPE, SIGTERM, SIGINT and SIGHUP and no signal blocked. Neither the guard nor the program
// holds any other descriptor of samplan's (another run's pipe held by a guard would hide samplan's
// end from that run's guard). The group is killed at `deadline` or when a stop is asked for
// (core/stop.h; then Stopped is thrown once it is gone), and when `cancel` (if given) is set: it
// is looked at as often as a stop is, every 20 ms. It returns as soon as the program ended (the
// guard and samplan are woken by a pidfd, not a timer).
//
// `single_process`: the caller knows that the program starts no process of its own (Pagefind's
// binary). It is then started without a guard, by a child that shares samplan's memory until it
// execs (clone with CLONE_VFORK, as posix_spawn does) rather than by fork(): forking samplan,
// whose memory holds the site, copied its page tables twice (the guard, then the program) and left
// the guard holding a copy-on-write image of it while the program ran (10-35 ms of a rebuild's
// wall time per run, 2-6 ms more to end the guard). The program leads its process group, has
// PR_SET_PDEATHSIG (SIGKILL) from the thread that started it, which waits for it here, so it ends
// with samplan however samplan ends, and holds no descriptor of samplan's but its standard ones.
RunEnd run_guarded(std::vector<std::string> args, std::chrono::steady_clock::time_point deadline,
                   const std::atomic<bool>* cancel = nullptr, bool single_process = false);

}  // namespace samplan::publish
