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

// The number of cores the system offers this process, at least one. Defined here only.
inline unsigned core_count() { return std::max(1u, std::thread::hardware_concurrency()); }

// The number of worker threads for work shared out to the cores: one per core, at least one and
// at most `most` (8 for reading and building, where more threads mostly contend for memory; the
// render workers take up to 16). Defined here only.
inline unsigned worker_count(unsigned most = 8) { return std::min(core_count(), most); }

// Runs `job(i)` for every i in [0, n) on up to one thread per core (at most 8), the calling
// thread among them, each taking the next i as it comes free; returns when all are done. The
// jobs must be independent of each other. When a job throws, the threads take no further jobs
// (those already started finish), and the first exception is thrown again here once every
// thread has stopped.
template <typename Job>
void on_all_cores(size_t n, Job job) {
    const size_t workers = std::min<size_t>(n, worker_count());
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
