// history/cache.h — the history cache file (history stage, internal): what one read of the
// history found (its revisions and their changes, newest first) for one head commit and one
// content folder inside the work tree. A text file, written whole under a temporary name and
// renamed into place; a file that does not read back exactly (another version, another content
// folder, anything unexpected) is ignored and the history read again.
#pragma once

#include <string>
#include <vector>

#include "history/history.h"

namespace samplan::history {

// The cache: a text file of the revisions and their changes, newest first, for one head.
struct Cache {
    std::string head;
    std::vector<Revision> revisions;
    std::vector<std::vector<Change>> changes;
};

// Reads `file` into `cache` when it was written for the content folder at `prefix`; false when
// it is missing or does not fit (then `cache` is to be ignored).
bool read_cache(const std::string& file, const std::string& prefix, Cache& cache);
// Writes the revisions read for `head`; a failure leaves no file behind (the cache is optional).
void write_cache(const std::string& file, const std::string& head, const std::string& prefix,
                 const std::vector<Revision>& revisions, const std::vector<std::vector<Change>>& changes);

}  // namespace samplan::history
