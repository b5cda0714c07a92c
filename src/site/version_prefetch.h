// site/version_prefetch.h — reads the records' older versions on worker threads, ahead of the
// page builder (site/builder.h), which takes each record's versions when it gets there.
#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/big_stack.h"
#include "core/parallel.h"
#include "history/history.h"
#include "history/versions.h"
#include "history/versions_cache.h"
#include "model/model.h"

namespace samplan::site {

// Reading a record's earlier versions (git reads, parsing, diffs) is most of the view models' work:
// worker threads do it for the records in the order the builder visits them, at most `window`
// records ahead of it, and the builder takes each record's versions when it gets there.
class VersionPrefetch {
public:
    struct Job {
        const model::Group* group;
        const model::Plan* plan;
        const model::Activity* activity;  // null: the plan itself (or `removed`)
        size_t newest = 0;          // activities: read only this many of the newest versions (0: all)
        size_t recent = 0;          // plans: read only what the newest `recent` revisions show (0: all)
        std::string removed = {};   // an activity file once in the plan's folder and gone from it since
        std::string key = {};       // what take() finds it by, if not its path (`removed`: the same file may have left two plans)
        std::vector<history::RecordVersion> read = {};  // the newest, read already (activities)
        bool none = false;          // nothing to read: no page made now shows its versions
        // Activities whose versions only the change log and their plan's history page need (their
        // own history page is kept): the key under which the differences cache
        // (history/versions_cache.h) may hold them, else under which they are stored once read.
        // Empty: the cache is not used.
        std::string cached = {};
    };

    // `cache`: the differences cache's folder (empty: none).
    VersionPrefetch(const history::History& history, std::vector<Job> jobs, size_t window, std::string cache = {})
        : history_(history), jobs_(std::move(jobs)), results_(jobs_.size()), ready_(jobs_.size(), false), window_(window),
          cache_(std::move(cache)) {
        for (size_t i = 0; i < jobs_.size(); ++i) index_[path_of(jobs_[i])] = i;
        const unsigned workers = worker_count();
        for (unsigned t = 0; t < workers; ++t) threads_.push_back(std::make_unique<BigStackThread>([this] { work(); }));
    }
    ~VersionPrefetch() {
        {
            std::lock_guard lock(mutex_);
            stopped_ = true;
        }
        work_.notify_all();
        for (auto& t : threads_) t->join();
        history_.release_read_cache();  // every version is read
    }
    VersionPrefetch(const VersionPrefetch&) = delete;
    VersionPrefetch& operator=(const VersionPrefetch&) = delete;

    // The versions of the record at `path`; none for a record that was not planned (every plan and
    // activity of the site is).
    std::vector<history::RecordVersion> take(const std::string& path) {
        const auto it = index_.find(path);
        if (it == index_.end()) return {};
        const size_t i = it->second;
        std::unique_lock lock(mutex_);
        taken_ = std::max(taken_, i + 1);
        // The workers are woken when half the window is free, not for every record taken: each
        // wake-up is a system call and a switch between threads.
        if (idle_ > 0 && next_ <= taken_ + window_ / 2) work_.notify_all();
        if (!ready_[i]) {
            awaited_ = i;
            done_.wait(lock, [&] { return ready_[i]; });
            awaited_ = kNone;
        }
        return std::move(results_[i]);
    }

    // The activities whose versions came from the differences cache, and those stored in it, so far.
    [[nodiscard]] size_t from_cache() const { return from_cache_; }
    [[nodiscard]] size_t stored() const { return stored_; }

private:
    static constexpr size_t kNone = static_cast<size_t>(-1);
    // "a/b/x.md" → "x": the id the activity had.
    static std::string removed_id(const std::string& path) {
        const std::string name = path.substr(path.rfind('/') + 1);
        return name.substr(0, name.rfind('.'));
    }
    static const std::string& path_of(const Job& job) {
        if (!job.key.empty()) return job.key;
        return job.activity ? job.activity->path : !job.removed.empty() ? job.removed : job.plan->path;
    }

    void work() {
        for (;;) {
            size_t i = 0;
            {
                std::unique_lock lock(mutex_);
                ++idle_;
                work_.wait(lock, [&] { return stopped_ || (next_ < jobs_.size() && next_ < taken_ + window_); });
                --idle_;
                if (stopped_) return;
                i = next_++;
            }
            std::vector<history::RecordVersion> versions;
            Job& job = jobs_[i];
            try {
                if (job.none)
                    versions.clear();
                else if (job.activity && !job.cached.empty() && cache_.enabled())
                    versions = cached_versions(job);
                else if (job.activity)
                    versions = history::activity_versions(history_, job.activity->path, job.group->id, job.plan->id,
                                                          job.activity->id, job.activity, job.newest, std::move(job.read));
                else if (!job.removed.empty())
                    versions = history::activity_versions(history_, job.removed, job.group->id, job.plan->id,
                                                          removed_id(job.removed));
                else
                    versions = history::plan_versions(history_, job.plan->path, job.group->id, job.plan->id, job.recent,
                                                      &job.plan->blob);
            } catch (const std::exception&) {
                versions.clear();  // history is shown where it can be read
            }
            std::lock_guard lock(mutex_);
            results_[i] = std::move(versions);
            ready_[i] = true;
            if (awaited_ == i) done_.notify_one();  // the builder waits for this one
        }
    }

    // An activity's versions from the differences cache, else read and stored there.
    std::vector<history::RecordVersion> cached_versions(Job& job) {
        if (auto versions = cache_.load(history_, job.activity->path, job.cached, job.newest, &job.activity->blob)) {
            ++from_cache_;
            return std::move(*versions);
        }
        auto versions = history::activity_versions(history_, job.activity->path, job.group->id, job.plan->id, job.activity->id,
                                                   job.activity, job.newest, std::move(job.read));
        if (cache_.store(history_, job.activity->path, job.cached, versions)) ++stored_;
        return versions;
    }

    const history::History& history_;
    std::vector<Job> jobs_;
    std::map<std::string, size_t> index_;
    std::vector<std::vector<history::RecordVersion>> results_;
    std::vector<bool> ready_;
    size_t window_;
    std::mutex mutex_;
    std::condition_variable work_, done_;  // wake the workers; wake the builder
    size_t next_ = 0, taken_ = 0, idle_ = 0, awaited_ = kNone;
    bool stopped_ = false;
    history::VersionsCache cache_;
    std::atomic<size_t> from_cache_ = 0, stored_ = 0;
    std::vector<std::unique_ptr<BigStackThread>> threads_;  // they parse older versions
};

}  // namespace samplan::site
