#include "core/stop.h"

#include <atomic>

namespace samplan {
namespace {

std::atomic<int> g_stop_signal{0};  // process-wide by nature: a signal stops the whole process

}  // namespace

void request_stop(int signal) {
    int none = 0;
    g_stop_signal.compare_exchange_strong(none, signal);
}

int stop_signal() { return g_stop_signal.load(std::memory_order_relaxed); }

void throw_if_stopped() {
    if (stop_requested()) throw Stopped();
}

}  // namespace samplan
