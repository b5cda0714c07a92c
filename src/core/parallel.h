// core/parallel.h — independent jobs shared out to every core.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace samplan {

// Runs `job(i)` for every i in [0, n) on up to one thread per core (at most 8), the calling
// thread among them, each taking the next i as it comes free; returns when all are done. The
// jobs must be independent of each other. When a job throws, the threads take no further jobs
// (those already started finish), and the first exception is thrown again here once every
// thread has stopped.
template <typename Job>
void on_all_cores(size_t n, Job job) {
    const size_t workers = std::min<size_t>(n, std::max(1u, std::min(std::thread::hardware_concurrency(), 8u)));
    std::atomic<size_t> next{0};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < n;) {
            try {
                job(i);
            } catch (...) {
                std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
                next = n;
            }
        }
    };
    std::vector<std::thread> threads;
    for (size_t t = 1; t < workers; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
}

}  // namespace samplan
