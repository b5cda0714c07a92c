// publish/run_guarded.cpp — see run_guarded.h.
#include "publish/run_guarded.h"

#include "core/stop.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
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

RunEnd wait_for_group(pid_t guard, std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel, int alive);

// What the child of start_single() is given: everything made before it is started.
struct Single {
    char** argv = nullptr;
    pid_t parent = 0;
    sigset_t none;
};

// The child of start_single(): on its own stack, in samplan's memory (the thread that started it
// waits until it execs or exits), so only system calls, none of which changes anything but its own
// process (no lock, no allocation). Not instrumented by AddressSanitizer: it would mark this stack's
// variables in the shadow memory that samplan shares, and the stack is unmapped with the marks
// left (the function never returns to clear them), so a later mapping at that address would be
// taken for a bad access.
#if defined(__clang__) || defined(__GNUC__)
__attribute__((no_sanitize_address))
#endif
int single_child(void* arg) {
    const Single& s = *static_cast<const Single*>(arg);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != s.parent) ::_exit(127);  // samplan is already gone
    ::setpgid(0, 0);
    const int null = ::open("/dev/null", O_RDWR);  // (closed below unless it is 0)
    if (null >= 0) {
        ::dup2(null, 0);
        ::dup2(null, 1);
    }
#ifdef SYS_close_range
    if (::syscall(SYS_close_range, 3U, ~0U, 0U) != 0)
#endif
        for (int fd = 3; fd < 65536; ++fd) ::close(fd);
    // A handler of samplan's would run here, in samplan's memory, once the signals are unblocked:
    // each handled signal gets its default action (this copy of the table is the child's own,
    // without CLONE_SIGHAND), as do the ones the guard's program gets with theirs.
    struct sigaction dfl {}, was {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig)
        if (sig == SIGPIPE || sig == SIGTERM || sig == SIGINT || sig == SIGHUP ||
            (::sigaction(sig, nullptr, &was) == 0 && was.sa_handler != SIG_IGN && was.sa_handler != SIG_DFL))
            ::sigaction(sig, &dfl, nullptr);
    ::sigprocmask(SIG_SETMASK, &s.none, nullptr);
    ::execve(s.argv[0], s.argv, environ);
    ::_exit(127);
}

// Starts argv (single_process in run_guarded.h): its process id, or -1.
pid_t start_single(char** argv, const sigset_t& none) {
    constexpr size_t kStack = 64 * 1024;
    void* stack = ::mmap(nullptr, kStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) return -1;
    Single s;
    s.argv = argv;
    s.parent = ::getpid();
    s.none = none;
    // No signal handler of samplan's may run in the child before its table is reset: all blocked
    // here meanwhile (the child inherits the mask and restores `none` itself).
    sigset_t all, before;
    sigfillset(&all);
    ::pthread_sigmask(SIG_SETMASK, &all, &before);
    const pid_t pid = ::clone(single_child, static_cast<char*>(stack) + kStack, CLONE_VM | CLONE_VFORK | SIGCHLD, &s);
    ::pthread_sigmask(SIG_SETMASK, &before, nullptr);
    ::munmap(stack, kStack);  // the child has exec'd or exited: its stack is no longer used
    return pid;
}

}  // namespace

void wait_for_own_children() {
    static std::once_flag once;
    std::call_once(once, [] { ::signal(SIGCHLD, SIG_DFL); });
}

RunEnd run_guarded(std::vector<std::string> args, std::chrono::steady_clock::time_point deadline,
                   const std::atomic<bool>* cancel, bool single_process) {
    // Everything the children need is made before fork(): between fork() and exec only
    // async-signal-safe calls are allowed in a copy of a process with threads.
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (single_process) {
        sigset_t none;
        sigemptyset(&none);
        wait_for_own_children();
        const pid_t program = start_single(argv.data(), none);
        if (program < 0) return RunEnd::CannotStart;
        ::setpgid(program, program);  // (done in the child too; a kill must reach the group at once)
        return wait_for_group(program, deadline, cancel, -1);
    }
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
    return wait_for_group(guard, deadline, cancel, alive[1]);
}

namespace {

// Waits for `guard` (the guard, or the program started without one), which leads its process
// group; kills the group at `deadline`, on a stop or when `cancel` is set; closes `alive` (the
// guard's pipe, -1 for none) once the group is gone.
RunEnd wait_for_group(pid_t guard, std::chrono::steady_clock::time_point deadline, const std::atomic<bool>* cancel, int alive) {
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
    if (alive >= 0) ::close(alive);
    if (stopped) throw Stopped();
    if (timed_out) return RunEnd::TimedOut;
    if (cancelled) return RunEnd::Cancelled;
    if (!WIFEXITED(status)) return RunEnd::Failed;
    if (WEXITSTATUS(status) == 127) return RunEnd::CannotStart;
    return WEXITSTATUS(status) == 0 ? RunEnd::Ok : RunEnd::Failed;
}

}  // namespace
}  // namespace samplan::publish
