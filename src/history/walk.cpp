// history/walk.cpp — read_history (history.h): the revision walk, shared out over the worker
// threads, one tree diff per commit (tree_diff.h), the cache (cache.h); and repository_state.
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/files.h"
#include "core/parallel.h"
#include "history/cache.h"
#include "history/git.h"
#include "history/history.h"
#include "history/tree_diff.h"

namespace samplan::history {
namespace {

// The mailmap, as libgit2's git_mailmap_from_repository reads it, but with the work tree's
// .mailmap never read through a symbolic link out of the work tree (libgit2 would follow it):
// the .mailmap of the work tree, then the blob named by git's config `mailmap.blob`, then the
// file named by `mailmap.file` (the config is the operator's, not the repository's content).
// Later entries win, so one text of all three reads the same. A .mailmap that leads out of the
// work tree is left out and reported in `problems`, with its path from the content folder
// (`prefix` is the content folder inside the work tree).
std::string mailmap_text(git_repository* repo, const std::string& workdir, const std::string& prefix,
                         std::vector<Diagnostic>& problems) {
    std::string text, error;
    const InsideFolder work_tree(workdir);
    if (work_tree.read(".mailmap", 1024 * 1024, text, error) == FileRead::Outside) {
        std::string shown = ".mailmap";
        for (size_t i = 0; i < prefix.size(); ++i)
            if (prefix[i] == '/') shown = "../" + shown;
        Diagnostic d;
        d.path = shown;
        d.pos = {1, 1};
        d.message = "symbolic link points outside the repository; refused";
        d.rule = "outside-content";
        problems.push_back(std::move(d));
        text.clear();
    }
    if (!text.empty() && text.back() != '\n') text += '\n';
    git_config* raw_config = nullptr;
    if (git_repository_config_snapshot(&raw_config, repo) != 0) return text;
    const Config config(raw_config);
    git_buf value = GIT_BUF_INIT;
    if (git_config_get_string_buf(&value, config.get(), "mailmap.blob") == 0) {
        git_object* raw = nullptr;
        if (git_revparse_single(&raw, repo, value.ptr) == 0) {
            const Object object(raw);
            git_object* peeled = nullptr;
            if (git_object_peel(&peeled, object.get(), GIT_OBJECT_BLOB) == 0) {
                const Blob blob(reinterpret_cast<git_blob*>(peeled));
                text.append(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                            static_cast<size_t>(git_blob_rawsize(blob.get())));
                text += '\n';
            }
        }
    }
    git_buf_dispose(&value);
    if (git_config_get_path(&value, config.get(), "mailmap.file") == 0) {
        const std::string file = value.ptr[0] == '/' ? std::string(value.ptr) : workdir + value.ptr;
        if (std::string more; read_regular_file(file, 1024 * 1024, more, error) == FileRead::Ok) text += more;
    }
    git_buf_dispose(&value);
    return text;
}

}  // namespace

std::string repository_state(const std::string& content_dir) {
    use_libgit2();
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path content = fs::weakly_canonical(fs::absolute(content_dir, ec), ec);
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, content.c_str(), 0, nullptr) != 0) return "no repository";
    Repo repo(raw);
    std::string state;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid oid;
    if (git_reference_name_to_id(&oid, repo.get(), "HEAD") == 0) state += std::string("head ") + git_oid_tostr(hex, sizeof hex, &oid) + "\n";
    if (git_repository_is_shallow(repo.get()) == 1) state += "shallow\n";
    git_reference_iterator* raw_it = nullptr;
    if (git_reference_iterator_glob_new(&raw_it, repo.get(), "refs/tags/*") == 0) {
        std::vector<std::string> tags;
        for (git_reference* ref = nullptr; git_reference_next(&ref, raw_it) == 0; git_reference_free(ref)) {
            const git_oid* target = git_reference_target(ref);
            tags.push_back(std::string(git_reference_name(ref)) + " " + (target ? git_oid_tostr(hex, sizeof hex, target) : "?"));
        }
        git_reference_iterator_free(raw_it);
        std::sort(tags.begin(), tags.end());
        for (const auto& t : tags) state += "tag " + t + "\n";
    }
    if (const char* workdir = git_repository_workdir(repo.get())) {
        struct stat st {};
        if (::stat((std::string(workdir) + ".mailmap").c_str(), &st) == 0)
            state += "mailmap " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
                     std::to_string(st.st_mtim.tv_nsec) + "\n";
    }
    return state;
}

History read_history(const std::string& content_dir, const std::string& cache_file) {
    use_libgit2();
    History h;
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path content = fs::weakly_canonical(fs::absolute(content_dir, ec), ec);

    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, content.c_str(), 0, nullptr) != 0) {
        h.note_ = "the content folder is not in a git repository: no history";
        return h;
    }
    auto repo = std::make_unique<History::Repository>();
    repo->repo.reset(raw);
    const char* workdir = git_repository_workdir(repo->repo.get());
    if (!workdir) {
        h.note_ = "the repository has no working folder: no history";
        return h;
    }
    std::string prefix = content.lexically_relative(fs::weakly_canonical(workdir, ec)).generic_string();
    if (prefix == ".") prefix.clear();
    if (!prefix.empty()) prefix += "/";
    repo->prefix = prefix;
    repo->content = content.string();
    // Read before the cache is looked at: a .mailmap that leads out is reported on every build.
    const std::string mailmap = mailmap_text(repo->repo.get(), workdir, prefix, h.problems_);

    git_oid head;
    if (git_reference_name_to_id(&head, repo->repo.get(), "HEAD") != 0) {
        h.note_ = "the repository has no commits yet: no history";
        return h;
    }

    // What an earlier build read: only the commits since its head are walked now.
    Cache cache;
    bool from_cache = !cache_file.empty() && read_cache(cache_file, prefix, cache);
    git_oid cached_head;
    if (from_cache && git_oid_fromstr(&cached_head, cache.head.c_str()) != 0) from_cache = false;
    if (from_cache && git_oid_equal(&cached_head, &head)) {
        h.revisions_ = std::move(cache.revisions);
        h.changes_ = std::move(cache.changes);
        h.cached_ = h.revisions_.size();
        h.index_files();
        h.repo_ = std::move(repo);
        return h;
    }
    if (from_cache && git_graph_descendant_of(repo->repo.get(), &head, &cached_head) != 1) from_cache = false;

    // Commits newest first. Debian's libgit2 cannot walk a shallow clone: then follow first
    // parents until an object is missing.
    // (The walk itself reads every commit: their ids are all the diffs below need.)
    std::vector<git_oid> ids;
    git_revwalk* raw_walk = nullptr;
    if (git_revwalk_new(&raw_walk, repo->repo.get()) == 0) {
        Walk walk(raw_walk);
        git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
        if (from_cache) git_revwalk_hide(walk.get(), &cached_head);
        if (git_revwalk_push(walk.get(), &head) == 0) {
            git_oid oid;
            while (git_revwalk_next(&oid, walk.get()) == 0) ids.push_back(oid);
        }
    }
    if (ids.empty() && !from_cache) {
        std::vector<Commit> commits;
        git_commit* c = nullptr;
        if (git_commit_lookup(&c, repo->repo.get(), &head) == 0) commits.emplace_back(c);
        while (!commits.empty() && git_commit_parentcount(commits.back().get()) > 0) {
            git_commit* parent = nullptr;
            if (git_commit_parent(&parent, commits.back().get(), 0) != 0) break;
            commits.emplace_back(parent);
        }
        for (const auto& commit : commits) ids.push_back(*git_commit_id(commit.get()));
    }
    if (ids.empty() && !from_cache) {
        h.note_ = "cannot read the repository's commits (is it damaged?): no history";
        return h;
    }
    if (git_repository_is_shallow(repo->repo.get()) == 1)
        h.note_ = "shallow clone: history is incomplete (fetch the full history)";

    // Each commit's own changes, from one tree diff against its first parent. The commits are
    // independent of each other: they are shared out to one thread per core, each with its own
    // handle on the repository (libgit2 objects belong to one handle).
    std::vector<CommitChanges> results(ids.size());
    // Each thread takes runs of consecutive commits (a commit's parent tree is then the tree the
    // thread read for the commit before, whose delta bases libgit2 still has), the next run as
    // soon as it is done: commits differ in cost (newer trees hold more files), so a fixed share
    // per thread would leave one waiting for the other.
    const std::string gitdir = git_repository_path(repo->repo.get());
    const unsigned workers = std::min(worker_count(), static_cast<unsigned>(ids.size() / 64 + 1));
    constexpr size_t kRun = 32;
    std::atomic<size_t> next_run{0};
    auto work = [&](git_repository* handle) {
        git_mailmap* raw_mailmap = nullptr;
        const Mailmap map(git_mailmap_from_buffer(&raw_mailmap, mailmap.data(), mailmap.size()) == 0 ? raw_mailmap : nullptr);
        for (size_t begin; (begin = next_run.fetch_add(kRun)) < ids.size();)
            for (size_t i = begin; i < std::min(begin + kRun, ids.size()); ++i)
                diff_commit(handle, ids[i], prefix, map.get(), results[i]);
    };
    // A thread that cannot open a handle of its own leaves the runs to the others.
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < workers; ++t)
        threads.emplace_back([&] {
            git_repository* raw_handle = nullptr;
            if (git_repository_open(&raw_handle, gitdir.c_str()) != 0) return;
            Repo handle(raw_handle);
            work(handle.get());
        });
    // This thread walks with a handle of its own as well, closed with the others': what the walk
    // leaves in a handle is not kept for the rest of the build. (The main handle is the fallback,
    // should none open.)
    {
        git_repository* raw_handle = nullptr;
        const Repo handle(git_repository_open(&raw_handle, gitdir.c_str()) == 0 ? raw_handle : nullptr);
        work(handle ? handle.get() : repo->repo.get());
    }
    for (auto& t : threads) t.join();
    threads.clear();
    // libgit2 keeps a pack file mapped while a handle that read from it is open, and the walk read
    // most of it (commits and trees: some 35 MiB at 10,000 commits, all counted in the process's
    // memory through the build). Reopening the main handle, the last one open, lets it go; later
    // reads through libgit2 map again only what they touch.
    if (git_repository* fresh = nullptr; git_repository_open(&fresh, gitdir.c_str()) == 0) repo->repo.reset(fresh);
    // Kept for the whole build: no room to spare.
    const auto changed = std::count_if(results.begin(), results.end(), [](const CommitChanges& r) { return !r.changes.empty(); });
    h.revisions_.reserve(static_cast<size_t>(changed) + (from_cache ? cache.revisions.size() : 0));
    h.changes_.reserve(h.revisions_.capacity());
    for (auto& r : results) {
        if (!r.note.empty() && h.note_.empty()) h.note_ = r.note;
        if (r.changes.empty()) continue;
        h.revisions_.push_back(std::move(r.revision));
        h.changes_.push_back(std::move(r.changes));
    }
    if (from_cache) {
        h.cached_ = cache.revisions.size();
        h.revisions_.insert(h.revisions_.end(), std::make_move_iterator(cache.revisions.begin()),
                            std::make_move_iterator(cache.revisions.end()));
        h.changes_.insert(h.changes_.end(), std::make_move_iterator(cache.changes.begin()),
                          std::make_move_iterator(cache.changes.end()));
    }
    h.index_files();
    if (!cache_file.empty() && h.note_.empty()) write_cache(cache_file, oid_string(&head), prefix, h.revisions_, h.changes_);
    h.repo_ = std::move(repo);
    return h;
}

}  // namespace samplan::history
