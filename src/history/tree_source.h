// history/tree_source.h — the content folder as it was in one commit, read as a content::Source
// (history stage, internal): what History::tree_source() gives to load an older version's records.
// Paths are relative to the content folder; a symbolic link reads as EntryKind::Outside, since a
// tree cannot tell where it would lead. Every call takes the repository's mutex.
#pragma once

#include <memory>

#include "content/source.h"
#include "history/git.h"

namespace samplan::history {

// The content folder of `repo` (its prefix) in `tree`, a commit's root tree.
std::unique_ptr<content::Source> make_tree_source(History::Repository& repo, Tree tree);

}  // namespace samplan::history
