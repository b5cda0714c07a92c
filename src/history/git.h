// history/git.h — libgit2 as the history stage uses it (history stage, internal): the open
// repository with its pool of handles for reading on several threads at once (libgit2's owning
// pointers and its set-up are in history/libgit2.h, shared with the editor).
//
// libgit2's objects belong to the handle (git_repository) they were read through, and a handle
// to one thread at a time. History::Repository holds the main handle (guarded by `mutex`), spare
// handles lent out by take_handle()/give_back(), one handle per thread that reads blobs through
// libgit2 (thread_handle()), the pack reader (history/packs.h) that reads most blobs instead, and
// the git index's record of the content folder (index_vouches()).
#pragma once

#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/date.h"
#include "history/history.h"
#include "history/libgit2.h"
#include "history/packs.h"

namespace samplan::history {

// The calendar date of a git time in its own time zone.
Date date_of(git_time_t time, int offset_minutes);
// The 40 hex digits of `oid`.
std::string oid_string(const git_oid* oid);

// The open repository; libgit2 objects are used from one thread at a time.
struct History::Repository {
    Repo repo;            // the main handle: the tags, the trees of archived versions (under `mutex`)
    std::string prefix;   // the content folder inside the work tree, "" or ending in '/'
    std::string content;  // the content folder on disk
    std::mutex mutex;

    // A spare handle on the same repository (opened when none is spare; null if it cannot be),
    // for one thread's reads until it is given back.
    Repo take_handle();
    void give_back(Repo handle);
    // This thread's own handle, for the blobs libgit2 reads (those the pack reader leaves to it),
    // kept for the thread's next reads; a thread id is given again only after its thread ended.
    git_repository* thread_handle();
    // The reader of blobs from the pack files (history/packs.h), made on first use: its cache of
    // unpacked objects keeps a long history's delta chains from being unpacked again for every
    // version.
    PackReader& pack_reader();
    // Whether the git index says the file at `path` (in the content folder) holds `blob` now:
    // the index records each file's blob and what stat() said when git last wrote it, and while
    // stat() still says the same the file still holds that blob (git status trusts the index the
    // same way), so it need not be read and hashed. The index is read once, on first use.
    bool index_vouches(const std::string& path, const git_oid& blob);
    // The tree of `commit_id` (hex), read through the main handle; null when it cannot be read.
    Tree tree_of(const std::string& commit_id);

private:
    std::mutex pool_mutex;
    std::vector<Repo> pool;
    std::map<std::thread::id, Repo> by_thread;
    std::once_flag packs_once;
    std::unique_ptr<PackReader> packs;
    struct Staged {
        git_oid id{};
        git_index_entry stat{};  // times, inode and size (path not kept)
    };
    std::once_flag index_once;
    std::map<std::string, Staged, std::less<>> index;
    struct timespec index_written {};  // the index file's own modification time
    void read_index();
};

}  // namespace samplan::history
