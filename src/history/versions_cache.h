// history/versions_cache.h — the differences cache (history stage, read by site/version_prefetch.h):
// an activity's versions as its plan's history page and the change log need them (each version's
// differences from the one before), kept between builds in a file of its own, so that a rebuild
// does not read from git and compare once more the older versions of the activities whose own
// history did not change (their own history pages are kept): every version when their plan's
// history page is made again, the newest few for the change log.
//
// An entry is stored under a key that digests everything its differences are made from (the
// activity's history key: the site inputs and samplan's identity, the activity's ids, and the
// commit and blob of every revision of its file). A version is stored by its place in the file's
// revisions (newest first), never by its revision index, which shifts with every new commit; each
// place also holds the revision's kind, path, commit and blob, and an entry is used only when the
// key and all of those match the history read now. The activities as they were, and `moved_from`
// (what the activity's own history page shows, which is kept whenever an entry is used), are not
// stored. A file from another format, truncated, or damaged (the payload is compressed with a
// checksum) is ignored: the versions are read from git again, and the entry written anew.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history/history.h"
#include "history/versions.h"

namespace samplan::history {

// The bytes of the entry for the activity file now at `path`: `versions`, one per revision of the
// file from the newest (`file`, newest first, as History::file_revisions gives them; `revisions`:
// History::revisions()), all of them or the newest few (as activity_versions reads them with
// `newest`: the oldest of those then has no differences). Empty when the versions are not those
// revisions (then nothing is to be stored).
std::string encode_versions(const std::string& key, const std::string& path, const std::vector<RecordVersion>& versions,
                            const std::vector<FileRevision>& file, const std::vector<Revision>& revisions);
// The versions back from encode_versions' bytes, with their revision, change, path and
// differences (no activity, no `moved_from`, `current` unset); nullopt when the bytes do not read
// back exactly, or were written for another key, another path, or other revisions of the file.
std::optional<std::vector<RecordVersion>> decode_versions(std::string_view bytes, const std::string& key, const std::string& path,
                                                          const std::vector<FileRevision>& file,
                                                          const std::vector<Revision>& revisions);

// What activity_versions with `newest` (0: all) gives of the file's `revisions` revisions, made of
// the newest versions `stored` (decode_versions'); nullopt when they are too few.
std::optional<std::vector<RecordVersion>> newest_versions(std::vector<RecordVersion> stored, size_t revisions, size_t newest);

// The cache's folder: a file per activity path. Loads and stores may run on several threads at
// once for different paths.
class VersionsCache {
public:
    // `folder` empty: no cache (nothing is found, nothing stored).
    explicit VersionsCache(std::string folder = {}) : folder_(std::move(folder)) {}
    [[nodiscard]] bool enabled() const { return !folder_.empty(); }
    // The file that holds the entry of the activity at `path`.
    [[nodiscard]] std::string file_of(const std::string& path) const;
    // The versions of the activity at `path` stored under `key`, as activity_versions gives them
    // with `newest` but for what decode_versions leaves out (`current` is set as it sets it, from
    // `loaded`, the blob id of the activity's text as loaded: is_loaded); nullopt when there is no
    // such entry, it holds too few versions, or it does not read back.
    [[nodiscard]] std::optional<std::vector<RecordVersion>> load(const History& history, const std::string& path,
                                                                 const std::string& key, size_t newest = 0,
                                                                 const std::string* loaded = nullptr) const;
    // Stores `versions` (the activity's versions as activity_versions read them: all, or the
    // newest few) under `key`; false when they cannot be stored or the file cannot be written.
    bool store(const History& history, const std::string& path, const std::string& key,
               const std::vector<RecordVersion>& versions) const;
    // Removes the entries of activities that are no longer at any of `activity_paths` (deleted or
    // moved since they were stored), and the temporary files of stores that were killed (their
    // process is gone); returns how many files were removed. After a build that succeeded: the
    // folder then holds at most one file per current activity.
    // A prune notes the paths it kept beside the folder ("<folder>.pruned"); the next prune with
    // the very same paths removes only what killed stores left (no entry can be another path's:
    // see start_build), without working out the name of each path's file.
    size_t prune(const std::vector<std::string>& activity_paths) const;
    // Before a build stores anything: forgets the last prune's note unless it was for these very
    // `activity_paths` (then every entry the build stores is one of theirs, and the note holds).
    void start_build(const std::vector<std::string>& activity_paths) const;

private:
    std::string folder_;
};

}  // namespace samplan::history
