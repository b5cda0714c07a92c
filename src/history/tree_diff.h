// history/tree_diff.h — what one commit changed in the content folder (history stage, internal):
// a diff of its tree against its first parent's that enters only the folders whose ids differ,
// with libgit2's rename detection only for a commit that both adds and deletes files. A merge
// counts only for what it changed itself, not for what came from its other parents.
#pragma once

#include <string>
#include <vector>

#include "history/git.h"

namespace samplan::history {

// What one commit changed in the content folder itself (see read_history).
struct CommitChanges {
    Revision revision;
    std::vector<Change> changes;  // empty: the commit did not touch the content
    std::string note;             // why history is incomplete, if this commit tells
};

// Fills `out` for the commit `id`, read through `repo` (one thread's handle); `prefix` is the
// content folder inside the work tree ("" or ending in '/'), `mailmap` names the authors (may be
// null). Leaves `out.changes` empty when the commit cannot be read or changed nothing there.
void diff_commit(git_repository* repo, const git_oid& id, const std::string& prefix, const git_mailmap* mailmap,
                 CommitChanges& out);

}  // namespace samplan::history
