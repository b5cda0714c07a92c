// edit/git_save.h — the editor's saves as git commits (libgit2, through history/libgit2.h): a
// file's blob id (what the page loaded, for the optimistic concurrency check), and a commit of one
// file on top of HEAD that changes nothing else (other staged changes stay staged, uncommitted).
#pragma once

#include <string>
#include <string_view>

namespace samplan::edit {

// Git's blob id of `text` (40 hex digits), as `git hash-object` gives it.
std::string blob_id(std::string_view text);

struct Author {
    std::string name;
    std::string email;
};

// Commits `file` (absolute; inside the work tree of the repository that holds it), as it is on
// disk, with `message` by `author`, on the current branch. Returns false with a message when
// there is no repository or the commit cannot be made.
bool commit_file(const std::string& file, const Author& author, const std::string& message, std::string& commit_id,
                 std::string& error);

}  // namespace samplan::edit
