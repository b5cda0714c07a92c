// history/libgit2.h — libgit2's objects owned by unique_ptr, and its process-wide set-up: the one
// wrapping of libgit2 shared by the stages that use it (history reads the repository through
// history/git.h; the editor, a later stage, commits its saves in edit/git_save.cpp). For .cpp
// files and the history stage's internal headers only: the stages' contracts (history.h among
// them) keep <git2.h> out.
#pragma once

#include <git2.h>

#include <memory>

namespace samplan::history {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Repo = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using Commit = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using TreeEntry = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>>;
using TreeBuilder = std::unique_ptr<git_treebuilder, Deleter<git_treebuilder, git_treebuilder_free>>;
using Blob = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using Diff = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;
using Walk = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using Mailmap = std::unique_ptr<git_mailmap, Deleter<git_mailmap, git_mailmap_free>>;
using Signature = std::unique_ptr<git_signature, Deleter<git_signature, git_signature_free>>;
using Object = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;
using Config = std::unique_ptr<git_config, Deleter<git_config, git_config_free>>;
using Index = std::unique_ptr<git_index, Deleter<git_index, git_index_free>>;

// libgit2, initialised once per process (and its options set once) whichever thread comes first;
// call before any other libgit2 function.
void use_libgit2();

}  // namespace samplan::history
