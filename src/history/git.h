// history/git.h — libgit2 as the history stage uses it (history stage, internal): owning
// pointers for its objects, its process-wide set-up, and the open repository with its pool of
// handles for reading on several threads at once.
//
// libgit2's objects belong to the handle (git_repository) they were read through, and a handle
// to one thread at a time. History::Repository holds the main handle (guarded by `mutex`), spare
// handles lent out by take_handle()/give_back(), one handle per thread that reads blobs through
// libgit2 (thread_handle()), the pack reader (history/packs.h) that reads most blobs instead, and
// the git index's record of the content folder (index_vouches()).
#pragma once

#include <git2.h>
#include <sys/stat.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/date.h"
#include "history/history.h"
#include "history/packs.h"

namespace samplan::history {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Repo = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using Commit = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using TreeEntry = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>>;
using Blob = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using Diff = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;
using Walk = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using Mailmap = std::unique_ptr<git_mailmap, Deleter<git_mailmap, git_mailmap_free>>;
using Signature = std::unique_ptr<git_signature, Deleter<git_signature, git_signature_free>>;
using Object = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;

// libgit2, initialised once per process (and its options set once) whichever thread comes first.
void use_libgit2();

// The calendar date of a git time in its own time zone.
Date date_of(git_time_t time, int offset_minutes);
// The 40 hex digits of `oid`.
std::string oid_string(const git_oid* oid);

// The open repository; libgit2 objects are used from one thread at a time.
struct History::Repository {
    Repo repo;
    std::string prefix;   // the content folder inside the work tree, "" or ending in '/'
    std::string content;  // the content folder on disk
    std::mutex mutex;
    // More handles on the same repository, for reading objects on several threads at once
    // (a handle and its objects belong to one thread at a time).
    std::mutex pool_mutex;
    std::vector<Repo> pool;
    // A handle for each thread that reads blobs through libgit2 (those the pack reader below
    // leaves to it), kept for the thread's next reads.
    std::map<std::thread::id, Repo> by_thread;
    // Blobs are read from the pack files by samplan's own reader where it can (history/packs.h):
    // its cache of unpacked objects keeps a long history's delta chains from being unpacked again
    // for every version. Made on first use.
    std::once_flag packs_once;
    std::unique_ptr<PackReader> packs;
    PackReader& pack_reader() {
        std::call_once(packs_once, [this] {
            constexpr size_t kCacheBytes = static_cast<size_t>(64) << 20;
            const char* common = git_repository_commondir(repo.get());
            packs = std::make_unique<PackReader>(std::string(common ? common : git_repository_path(repo.get())) + "objects/pack",
                                                 kCacheBytes);
        });
        return *packs;
    }

    // The git index's record of each file in the content folder (by path inside it): its blob
    // and what stat() said when git last wrote it. When the file's stat() still says the same,
    // the file still holds that blob (git status trusts the index the same way), so it need not
    // be read and hashed. Read once, on first use.
    struct Staged {
        git_oid id{};
        git_index_entry stat{};  // times, inode and size (path not kept)
    };
    std::once_flag index_once;
    std::map<std::string, Staged, std::less<>> index;
    struct timespec index_written {};  // the index file's own modification time

    void read_index() {
        Repo handle = take_handle();
        if (!handle) return;
        git_index* raw = nullptr;
        if (git_repository_index(&raw, handle.get()) == 0) {
            struct stat st {};
            if (const char* file = git_index_path(raw); file && ::stat(file, &st) == 0) {
                index_written = st.st_mtim;
                for (size_t i = 0, n = git_index_entrycount(raw); i < n; ++i) {
                    const git_index_entry* e = git_index_get_byindex(raw, i);
                    if (!e || GIT_INDEX_ENTRY_STAGE(e) != 0) continue;  // a merge conflict's sides
                    const std::string_view path(e->path);
                    if (path.compare(0, prefix.size(), prefix) != 0) continue;
                    Staged& s = index[std::string(path.substr(prefix.size()))];
                    s.id = e->id;
                    s.stat = *e;
                    s.stat.path = nullptr;
                }
            }
            git_index_free(raw);
        }
        give_back(std::move(handle));
    }

    // Whether the index says the file at `path` (in the content folder) holds `blob` now.
    bool index_vouches(const std::string& path, const git_oid& blob) {
        std::call_once(index_once, [this] { read_index(); });
        const auto it = index.find(path);
        if (it == index.end() || !git_oid_equal(&it->second.id, &blob)) return false;
        const git_index_entry& e = it->second.stat;
        // Racily clean, as git calls it: written in the same instant as the index, the file may
        // have changed again without its times showing it.
        if (e.mtime.seconds > index_written.tv_sec ||
            (e.mtime.seconds == index_written.tv_sec && e.mtime.nanoseconds >= static_cast<unsigned>(index_written.tv_nsec)))
            return false;
        struct stat st {};
        if (::lstat((content + "/" + path).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
        return static_cast<std::uint32_t>(st.st_size) == e.file_size && static_cast<std::uint32_t>(st.st_ino) == e.ino &&
               st.st_mtim.tv_sec == e.mtime.seconds && static_cast<unsigned>(st.st_mtim.tv_nsec) == e.mtime.nanoseconds &&
               st.st_ctim.tv_sec == e.ctime.seconds && static_cast<unsigned>(st.st_ctim.tv_nsec) == e.ctime.nanoseconds;
    }

    // This thread's handle (see by_thread); a thread uses only its own, and a thread id is
    // given again only after its thread ended.
    git_repository* thread_handle() {
        std::lock_guard lock(pool_mutex);
        Repo& handle = by_thread[std::this_thread::get_id()];
        if (!handle) {
            git_repository* raw = nullptr;
            if (git_repository_open(&raw, git_repository_path(repo.get())) == 0) handle.reset(raw);
        }
        return handle.get();
    }

    Repo take_handle() {
        {
            std::lock_guard lock(pool_mutex);
            if (!pool.empty()) {
                Repo r = std::move(pool.back());
                pool.pop_back();
                return r;
            }
        }
        git_repository* raw = nullptr;
        if (git_repository_open(&raw, git_repository_path(repo.get())) != 0) return {};
        return Repo(raw);
    }
    void give_back(Repo handle) {
        std::lock_guard lock(pool_mutex);
        pool.push_back(std::move(handle));
    }

    Tree tree_of(const std::string& commit_id) {
        git_oid oid;
        git_commit* c = nullptr;
        if (git_oid_fromstr(&oid, commit_id.c_str()) != 0 || git_commit_lookup(&c, repo.get(), &oid) != 0) return {};
        Commit commit(c);
        git_tree* t = nullptr;
        if (git_commit_tree(&t, commit.get()) != 0) return {};
        return Tree(t);
    }
};

}  // namespace samplan::history
