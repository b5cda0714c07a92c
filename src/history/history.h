// history/history.h — what git knows about the content, read in one pass over the history
// (one revision walk, one tree diff per commit, renames followed): every commit that touched
// the content folder, the revisions of each file, the files as they were, and tagged versions.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "content/source.h"
#include "core/date.h"
#include "core/diagnostics.h"

namespace samplan::history {

struct Revision {
    std::string commit;    // full id
    std::string short_id;  // 7 characters
    Date date;             // committer's local date
    std::string author;    // after .mailmap
    std::string summary;   // first line of the message
};

enum class ChangeKind { Added, Modified, Deleted, Renamed };

// One file changed by one commit; paths are relative to the content folder.
struct Change {
    ChangeKind kind = ChangeKind::Modified;
    std::string path;      // the path in that commit ("" for a deletion: see old_path)
    std::string old_path;  // the path before (renames and deletions)
    std::string blob;      // the file's object id after the change (hex); "" for a deletion
};

// One revision of a file, identified by its path now (or its last path, if deleted).
// It points at its Change in History::changes() (a history with years of commits has tens of
// thousands: a copy of each change's path and object id would be as large as the changes
// themselves), so it is valid as long as the History's index (until release_index()).
struct FileRevision {
    size_t revision = 0;  // index into History::revisions()
    ChangeKind kind = ChangeKind::Modified;
    const Change* change = nullptr;
    // The file's path in that commit (for a deletion: the path it had).
    const std::string& path() const { return kind == ChangeKind::Deleted ? change->old_path : change->path; }
    // The file's object id in that commit (hex); "" for a deletion.
    const std::string& blob() const { return change->blob; }
};

struct FileChange {
    Date date;
    std::string commit;
};

struct Tag {
    std::string name;
    std::string commit;
    Date date;
};

struct UnreadableTag {
    std::string name;
    std::string reason;
};

class History {
public:
    History();
    ~History();
    History(History&&) noexcept;
    History& operator=(History&&) noexcept;

    [[nodiscard]] bool available() const { return !revisions_.empty(); }
    // Why history is reduced or missing; empty when complete.
    [[nodiscard]] const std::string& note() const { return note_; }
    // Errors in what was read besides the commits (a .mailmap that is a link out of the
    // repository), with paths relative to the content folder.
    [[nodiscard]] const std::vector<Diagnostic>& problems() const { return problems_; }
    [[nodiscard]] size_t commits_read() const { return revisions_.size() - cached_; }
    [[nodiscard]] size_t commits_from_cache() const { return cached_; }

    // Every commit that changed the content folder, newest first, and what each changed.
    [[nodiscard]] const std::vector<Revision>& revisions() const { return revisions_; }
    [[nodiscard]] const std::vector<Change>& changes(size_t revision) const { return changes_.at(revision); }

    // The files added to or deleted from `folder` (ending in '/') or a folder in it, and those
    // moved into or out of it (renamed from or to another folder), as (revision, change), newest
    // revision first and in each revision in the order of changes().
    [[nodiscard]] std::vector<std::pair<size_t, const Change*>> added_or_deleted_under(const std::string& folder) const;
    // The revisions of the file now at `path`, newest first, following renames.
    [[nodiscard]] const std::vector<FileRevision>& file_revisions(const std::string& path) const;
    // The path by which file_revisions() knows the file that was at `path` in `revision` (after
    // it): where the renames since then took it, or `path` itself.
    [[nodiscard]] std::string path_now(size_t revision, const std::string& path) const;
    // The newest commit that changed `path`.
    [[nodiscard]] std::optional<FileChange> last_change(const std::string& path) const;

    // The text of `path` in the tree of `revision`, or nullopt (missing, too large, not a file).
    [[nodiscard]] std::optional<std::string> read(size_t revision, const std::string& path,
                                                  size_t max_bytes = 1024 * 1024) const;
    // The text of the file as it was in one of its revisions (straight from its object id:
    // no tree is read). Safe to call from several threads at once.
    [[nodiscard]] std::optional<std::string> read(const FileRevision& revision, size_t max_bytes = 1024 * 1024) const;
    // The text of the object `blob` (hex id), as read().
    [[nodiscard]] std::optional<std::string> read_blob(const std::string& blob, size_t max_bytes = 1024 * 1024) const;
    // Lets go of the objects kept to read the next versions faster (history/packs.h), once the
    // versions are read: reading again is as right, only slower.
    void release_read_cache() const;
    // Lets go of what was read of the history (the revisions' changes and the index of files)
    // once the pages are made, keeping the repository: available(), tags() and tree_source() still
    // answer; revisions(), changes() and the file lookups then find nothing.
    void release_index();
    // Whether the file in the content folder now holds exactly this revision's text (it is the
    // newest and the file was not edited since it was committed). Safe from several threads.
    [[nodiscard]] bool in_working_folder(const FileRevision& revision) const;
    // The content folder as it was in `commit`, to load records from.
    [[nodiscard]] std::unique_ptr<content::Source> tree_source(const std::string& commit) const;
    // Tags whose name matches `glob` (fnmatch), oldest first. A matching tag that cannot be read
    // (a broken name, a missing object, not a commit) is left out and, with `unreadable`, added
    // there with the reason; the others are still read.
    [[nodiscard]] std::vector<Tag> tags(const std::string& glob, std::vector<UnreadableTag>* unreadable = nullptr) const;

    struct Repository;  // the open repository (opaque outside the history stage)

private:
    friend History read_history(const std::string& content_dir, const std::string& cache_file);
    void index_files();
    size_t cached_ = 0;  // revisions that came from the cache
    std::unique_ptr<Repository> repo_;
    std::string note_;
    std::vector<Diagnostic> problems_;
    std::vector<Revision> revisions_;
    std::vector<std::vector<Change>> changes_;
    std::map<std::string, std::vector<FileRevision>> files_;
    // Additions and deletions by the folder of the file ("a/b/" for "a/b/c.md"), and renames from
    // one folder to another by both folders, as (revision, index into changes(revision)), in walk
    // order.
    std::map<std::string, std::vector<std::pair<size_t, size_t>>> added_or_deleted_;
    // Each rename by the path it left: (revision, the file's path today), newest revision first
    // (path_now() looks one up instead of walking every newer commit's changes).
    std::map<std::string, std::vector<std::pair<size_t, std::string>>> renamed_from_;
};

// Never fails: without a usable repository the History is simply not available, with a note.
// With `cache_file`, what was read is kept there, and the next call walks only the commits
// since (the cache is ignored when it does not fit the repository).
History read_history(const std::string& content_dir, const std::string& cache_file = "");

// A short text that changes whenever what read_history would find changes: the head commit, the
// tags, .mailmap. Cheap (no walk); used to tell whether a site is up to date.
std::string repository_state(const std::string& content_dir);

}  // namespace samplan::history
