// publish/run_guarded.cpp — see run_guarded.h.
#include "publish/run_guarded.h"

#include "core/stop.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

extern char** environ;

namespace samplan::publish {
namespace {

// A descriptor that becomes readable when the process `pid`, a child not reaped yet, ends (so its
// id cannot be another's); -1 where the system has no pidfd_open (Linux before 5.3): the caller
// then looks every few milliseconds. A system call, so also between fork() and exec.
int end_of(pid_t pid) {
#ifdef SYS_pidfd_open
    return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
    (void)pid;
    return -1;
#endif
}

}  // namespace

void wait_for_own_children() {
    static std::once_flag once;
    std::call_once(once, [] { ::signal(SIGCHLD, SIG_DFL); });
}

RunEnd run_guarded(std::vector<std::string> args, std::chrono::steady_clock::time_point deadline,
                   const std::atomic<bool>* cancel) {
    // Everything the children need is made before fork(): between fork() and exec only
    // async-signal-safe calls are allowed in a copy of a process with threads.
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int alive[2];
    if (::pipe2(alive, O_CLOEXEC) != 0) return RunEnd::CannotStart;
    sigset_t none;
    sigemptyset(&none);
    wait_for_own_children();
    const pid_t guard = ::fork();
    if (guard < 0) {
        ::close(alive[0]);
        ::close(alive[1]);
        return RunEnd::CannotStart;
    }
    if (guard == 0) {
        ::close(alive[1]);
        // Only the pipe from samplan stays open here, as descriptor 3: the guard is forked from a
        // samplan with other parts' Pagefind starting at once, and holding another guard's pipe
        // would keep that guard from seeing samplan end (and its Pagefind from being killed).
        if (::dup2(alive[0], 3) != 3) ::_exit(127);
#ifdef SYS_close_range
        if (::syscall(SYS_close_range, 4U, ~0U, 0U) != 0)
#endif
            for (int fd = 4; fd < 65536; ++fd) ::close(fd);
        ::setpgid(0, 0);
        const pid_t self = ::getpid();
        const pid_t program = ::_Fork();  // fork() is not async-signal-safe; _Fork() is
        if (program == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != self) ::_exit(127);  // the guard is already gone
            ::close(3);
            const int null = ::open("/dev/null", O_RDWR);
            if (null >= 0) {
                ::dup2(null, 0);
                ::dup2(null, 1);
            }
            // samplan's blocked signals (core/stop_signals.cpp) and ignored ones would carry over.
            for (const int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP}) ::signal(sig, SIG_DFL);
            ::sigprocmask(SIG_SETMASK, &none, nullptr);
            ::execve(argv[0], argv.data(), environ);
            ::_exit(127);
        }
        if (program < 0) ::_exit(127);
        // Woken by either end, samplan's or the program's (without pidfd_open, every 10 ms).
        const int ended = end_of(program);
        for (;;) {
            struct pollfd p[2] = {{3, POLLIN, 0}, {ended, POLLIN, 0}};
            if (::poll(p, ended >= 0 ? 2 : 1, ended >= 0 ? -1 : 10) > 0 && p[0].revents != 0)
                ::kill(0, SIGKILL);  // samplan is gone: so is the group, this guard with it
            int status = 0;
            if (::waitpid(program, &status, WNOHANG) == program)
                ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
    }
    ::close(alive[0]);
    ::setpgid(guard, guard);  // also here: a kill must reach the group even before the guard made it
    // The guard's end wakes this loop at once; it looks for a stop or the deadline every 20 ms.
    const int guard_ended = end_of(guard);
    bool stopped = false, timed_out = false, cancelled = false;
    for (;;) {
        siginfo_t info {};
        // Not reaped yet, so that its id (the group's) cannot be taken by another process meanwhile.
        const int waited = ::waitid(P_PID, static_cast<id_t>(guard), &info, WEXITED | WNOHANG | WNOWAIT);
        if ((waited == 0 && info.si_pid == guard) || (waited != 0 && errno != EINTR)) break;
        if (!stopped && !timed_out && !cancelled) {
            stopped = stop_requested();
            timed_out = std::chrono::steady_clock::now() >= deadline;
            cancelled = cancel && cancel->load();
            if (stopped || timed_out || cancelled) ::kill(-guard, SIGKILL);
        }
        struct pollfd p {guard_ended, POLLIN, 0};
        ::poll(guard_ended >= 0 ? &p : nullptr, guard_ended >= 0 ? 1 : 0, 20);
    }
    if (guard_ended >= 0) ::close(guard_ended);
    ::kill(-guard, SIGKILL);  // whatever the program left behind in its group
    int status = 0;
    while (::waitpid(guard, &status, 0) < 0 && errno == EINTR) {
    }
    ::close(alive[1]);
    if (stopped) throw Stopped();
    if (timed_out) return RunEnd::TimedOut;
    if (cancelled) return RunEnd::Cancelled;
    if (!WIFEXITED(status)) return RunEnd::Failed;
    if (WEXITSTATUS(status) == 127) return RunEnd::CannotStart;
    return WEXITSTATUS(status) == 0 ? RunEnd::Ok : RunEnd::Failed;
}
}  // namespace samplan::publish
