#include "core/stop_signals.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include "core/stop.h"

namespace samplan {
namespace {

std::mutex g_mutex;  // guards what follows, and orders a signal against the end of a StopAtOnce
bool g_at_once = false;
std::string g_message;
std::vector<std::string> g_leftovers;

void write_all(const std::string& text) {
    for (size_t done = 0; done < text.size();) {
        const ssize_t n = ::write(2, text.data() + done, text.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

// On a terminal the progress bar may be on the line: the message replaces it.
std::string line_start() { return ::isatty(2) ? "\r\033[K" : ""; }

[[noreturn]] void wait_for_signals(sigset_t signals) {
    for (;;) {
        int sig = 0;
        if (::sigwait(&signals, &sig) != 0) continue;
        std::lock_guard lock(g_mutex);
        if (stop_requested()) {
            write_all(line_start() + "samplan: stopped at once (a second signal); the next build removes what this one left\n");
            ::_exit(signal_exit_code(sig));
        }
        if (g_at_once) {
            for (const auto& file : g_leftovers) ::unlink(file.c_str());
            write_all(line_start() + g_message);
            ::_exit(signal_exit_code(sig));
        }
        request_stop(sig);
    }
}

}  // namespace

void handle_stop_signals() {
    static std::once_flag started;
    std::call_once(started, [] {
        sigset_t signals;
        sigemptyset(&signals);
        sigaddset(&signals, SIGTERM);
        sigaddset(&signals, SIGINT);
        sigaddset(&signals, SIGHUP);
        ::pthread_sigmask(SIG_BLOCK, &signals, nullptr);
        std::thread(wait_for_signals, signals).detach();
    });
}

StopAtOnce::StopAtOnce(std::string message, std::vector<std::string> leftovers) {
    std::lock_guard lock(g_mutex);
    was_at_once_ = g_at_once;
    previous_message_ = std::move(g_message);
    previous_leftovers_ = std::move(g_leftovers);
    g_at_once = true;
    g_message = std::move(message);
    g_leftovers = std::move(leftovers);
}

StopAtOnce::~StopAtOnce() {
    std::lock_guard lock(g_mutex);
    g_at_once = was_at_once_;
    g_message = std::move(previous_message_);
    g_leftovers = std::move(previous_leftovers_);
}


}  // namespace samplan
