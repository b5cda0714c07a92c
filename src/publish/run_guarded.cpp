// publish/run_guarded.cpp — see run_guarded.h.
#include "publish/run_guarded.h"

#include "core/stop.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <mutex>

extern char** environ;

namespace samplan::publish {

void wait_for_own_children() {
    static std::once_flag once;
    std::call_once(once, [] { ::signal(SIGCHLD, SIG_DFL); });
}

RunEnd run_guarded(std::vector<std::string> args, std::chrono::steady_clock::time_point deadline) {
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
        ::setpgid(0, 0);
        const pid_t self = ::getpid();
        const pid_t program = ::_Fork();  // fork() is not async-signal-safe; _Fork() is
        if (program == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != self) ::_exit(127);  // the guard is already gone
            ::close(alive[0]);
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
        for (;;) {
            struct pollfd p {alive[0], POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) ::kill(0, SIGKILL);  // samplan is gone: so is the group, this guard with it
            int status = 0;
            if (::waitpid(program, &status, WNOHANG) == program)
                ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
    }
    ::close(alive[0]);
    ::setpgid(guard, guard);  // also here: a kill must reach the group even before the guard made it
    bool stopped = false, timed_out = false;
    for (;;) {
        siginfo_t info {};
        // Not reaped yet, so that its id (the group's) cannot be taken by another process meanwhile.
        const int waited = ::waitid(P_PID, static_cast<id_t>(guard), &info, WEXITED | WNOHANG | WNOWAIT);
        if ((waited == 0 && info.si_pid == guard) || (waited != 0 && errno != EINTR)) break;
        if (!stopped && !timed_out) {
            stopped = stop_requested();
            timed_out = std::chrono::steady_clock::now() >= deadline;
            if (stopped || timed_out) ::kill(-guard, SIGKILL);
        }
        ::poll(nullptr, 0, 20);
    }
    ::kill(-guard, SIGKILL);  // whatever the program left behind in its group
    int status = 0;
    while (::waitpid(guard, &status, 0) < 0 && errno == EINTR) {
    }
    ::close(alive[1]);
    if (stopped) throw Stopped();
    if (timed_out) return RunEnd::TimedOut;
    if (!WIFEXITED(status)) return RunEnd::Failed;
    if (WEXITSTATUS(status) == 127) return RunEnd::CannotStart;
    return WEXITSTATUS(status) == 0 ? RunEnd::Ok : RunEnd::Failed;
}
}  // namespace samplan::publish
