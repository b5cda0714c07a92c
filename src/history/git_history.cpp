#include <git2.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "history/history.h"

namespace samplan::history {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Repo = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using Commit = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using Diff = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;
using Walk = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;

struct LibGit {
    LibGit() { git_libgit2_init(); }
    ~LibGit() { git_libgit2_shutdown(); }
};

Date commit_date(const git_commit* c) {
    const long seconds = static_cast<long>(git_commit_time(c)) + 60L * git_commit_time_offset(c);
    return Date::from_days_since_epoch(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400);
}

std::string oid_string(const git_oid* oid) {
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, oid);
    return buf;
}

}  // namespace

std::optional<FileChange> History::last_change(const std::string& path) const {
    auto it = last_change_.find(path);
    if (it == last_change_.end()) return std::nullopt;
    return it->second;
}

History read_history(const std::string& content_dir) {
    static LibGit lib;  // libgit2 is initialised once per process
    History h;
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path content = fs::weakly_canonical(fs::absolute(content_dir, ec), ec);

    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, content.c_str(), 0, nullptr) != 0) {
        h.note_ = "the content folder is not in a git repository: no history";
        return h;
    }
    Repo repo(raw);
    const char* workdir = git_repository_workdir(repo.get());
    if (!workdir) {
        h.note_ = "the repository has no working folder: no history";
        return h;
    }
    std::string prefix = fs::path(content).lexically_relative(fs::weakly_canonical(workdir, ec)).generic_string();
    if (prefix == ".") prefix.clear();
    if (!prefix.empty()) prefix += "/";

    git_oid head;
    if (git_reference_name_to_id(&head, repo.get(), "HEAD") != 0) {
        h.note_ = "the repository has no commits yet: no history";
        return h;
    }

    // Commits newest first. Debian's libgit2 cannot walk a shallow clone: then follow first
    // parents until an object is missing.
    std::vector<Commit> commits;
    git_revwalk* raw_walk = nullptr;
    if (git_revwalk_new(&raw_walk, repo.get()) == 0) {
        Walk walk(raw_walk);
        git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
        if (git_revwalk_push(walk.get(), &head) == 0) {
            git_oid oid;
            while (git_revwalk_next(&oid, walk.get()) == 0) {
                git_commit* c = nullptr;
                if (git_commit_lookup(&c, repo.get(), &oid) != 0) break;
                commits.emplace_back(c);
            }
        }
    }
    if (commits.empty()) {
        git_commit* c = nullptr;
        if (git_commit_lookup(&c, repo.get(), &head) == 0) commits.emplace_back(c);
        while (!commits.empty() && git_commit_parentcount(commits.back().get()) > 0) {
            git_commit* parent = nullptr;
            if (git_commit_parent(&parent, commits.back().get(), 0) != 0) break;
            commits.emplace_back(parent);
        }
    }
    if (git_repository_is_shallow(repo.get()) == 1)
        h.note_ = "shallow clone: history is incomplete (fetch the full history)";

    git_diff_options options;
    git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
    std::string pathspec = prefix;
    char* spec = pathspec.data();
    if (!pathspec.empty()) {
        options.pathspec.strings = &spec;
        options.pathspec.count = 1;
    }
    for (const auto& commit : commits) {
        git_tree* raw_tree = nullptr;
        if (git_commit_tree(&raw_tree, commit.get()) != 0) break;
        Tree tree(raw_tree);
        Tree parent_tree;
        if (git_commit_parentcount(commit.get()) > 0) {
            git_commit* parent = nullptr;
            if (git_commit_parent(&parent, commit.get(), 0) == 0) {
                Commit owned(parent);
                git_tree* pt = nullptr;
                if (git_commit_tree(&pt, owned.get()) == 0) parent_tree.reset(pt);
            }
        }
        git_diff* raw_diff = nullptr;
        if (git_diff_tree_to_tree(&raw_diff, repo.get(), parent_tree.get(), tree.get(), &options) != 0) continue;
        Diff diff(raw_diff);
        ++h.commits_read_;
        const Date date = commit_date(commit.get());
        const std::string id = oid_string(git_commit_id(commit.get()));
        const size_t n = git_diff_num_deltas(diff.get());
        for (size_t i = 0; i < n; ++i) {
            const git_diff_delta* delta = git_diff_get_delta(diff.get(), i);
            const std::string path = delta->new_file.path ? delta->new_file.path : "";
            if (path.compare(0, prefix.size(), prefix) != 0) continue;
            h.last_change_.emplace(path.substr(prefix.size()), FileChange{date, id});  // newest wins
        }
    }
    h.available_ = h.commits_read_ > 0;
    return h;
}

}  // namespace samplan::history
