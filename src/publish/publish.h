// publish/publish.h — writes the output folder. Everything goes into a temporary folder beside
// it, which replaces the output folder in one rename only when the whole site was written:
// an interrupted or failed build leaves the previous site as it was. The site it replaced is kept
// as the next build's staging folder (the spare, see Spare), brought to the new site's files by
// hard links, so that a rebuild touches only the files that change. Also runs Pagefind, the
// search indexer, over the pages readers search. This header is the stage's whole contract;
// inside, publish.cpp makes the output folder and keeps the spare, search_index.cpp the search
// index, and run_guarded.h runs the programs the stage starts.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/path_log.h"

struct stat;

namespace samplan::publish {

// A file or folder that Output made, as the system described it just after.
struct Made {
    std::string path;  // relative to the output folder
    bool folder = false;
    std::uint32_t mode = 0;
    std::int64_t size = 0, inode = 0, mtime_ns = 0;
};

// The same, with a view of the path (valid only during the call it is given to).
struct MadeView {
    std::string_view path;
    bool folder = false;
    std::uint32_t mode = 0;
    std::int64_t size = 0, inode = 0, mtime_ns = 0;
};

// Double buffering. After the swap, the folder that held the previous site is not removed: it is
// brought to the new site's files (hard links to the output's, the same files: only the files
// this build wrote or removed are touched) and kept as `folder`, with a journal beside it
// (`folder` + ".txt": the samplan that wrote it, the output folder's and the spare's identity, the
// folders' change times, the site's files, the files others made at the top (the search index)
// and `output_state`). The next build takes the spare
// as its staging folder, so that its unchanged files need no link and the folders no mkdir, and
// writes, keeps or removes only what differs. The spare is taken only when nothing is in doubt: a
// journal written by this very samplan, the output folder and the spare the very folders it names,
// no folder of the spare changed since (a file added, removed or replaced in it changes its
// folder's time), and `output_state` (the caller's digest of the output folder, build/up_to_date.h,
// which shows a file of the output changed in place, and so of the spare, which shares it) the
// same. Otherwise it is removed and the build makes a new staging folder, as without a spare.
struct Spare {
    std::string folder;              // empty: no spare (the previous site is removed after the swap)
    std::uint64_t output_state = 0;  // the output folder as the caller found it (0: unknown, no spare taken)
};

// The staging folder, "<output>.tmp-<pid>-<random>" beside the output folder, is locked (flock)
// while its build runs. Staging folders whose lock can be taken are those of builds that were
// killed: the next build removes them; a running build's is never touched.
class Output {
public:
    // Removes the staging folders of killed builds and creates this build's (the spare, when
    // there is one that can be trusted). Throws std::runtime_error on failure, Stopped when a stop
    // was asked for (core/stop.h).
    explicit Output(std::string output_dir, Spare spare = {});
    // Removes the staging folder unless commit() succeeded.
    ~Output();
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;

    // Writes `content` at the relative `path` (no "..", not absolute); a file the previous site
    // has unchanged is kept as it was (same file, same time). Thread-safe.
    void write(const std::string& path, const std::string& content) const;
    [[nodiscard]] const std::string& staging_dir() const { return staging_; }
    [[nodiscard]] const std::string& output_dir() const { return output_; }
    [[nodiscard]] int staging_fd() const { return staging_fd_; }  // open on the staging folder
    // Hard-links the previous site's file at `path` when it holds exactly `content`.
    bool reuse(const std::string& path, const std::string& content) const;
    // Hard-links the previous site's file at `path`, unread: the caller knows it is still right
    // (its inputs did not change since the build that wrote it). False when that file is missing
    // or not a regular file; thread-safe, counted as kept.
    bool keep(const std::string& path) const;
    // Swaps the staging folder in as the output folder, atomically where the system allows. (With
    // a spare staging folder, first removes what it held that this build did not make.) Without a
    // Spare, then has the previous site removed in the background (rm -rf, not waited for,
    // holding its lock).
    void commit();
    [[nodiscard]] bool committed() const { return committed_; }
    // After commit(), with a Spare: keeps the previous site as the spare, brought to the new
    // site's files, and writes its journal; `output_state` is the caller's digest of the output
    // folder as this build left it. Removes the previous site in the background when it cannot be
    // kept. Never throws.
    void keep_spare(std::uint64_t output_state) noexcept;
    // Before commit(), once the site's files are made (while the search index is made, which is
    // not made through this object): writes the lines of keep_spare()'s journal that describe the
    // files made, which keep_spare() then takes as they are unless a file was made or kept since.
    // Thread-safe against keep()/write() (which would make the lines stale, not wrong); never throws.
    void prepare_journal() const noexcept;
    // Whether the staging folder is the spare of the previous build (the previous site's files).
    [[nodiscard]] bool staging_reused() const { return reused_; }
    // The search index was made (or removed) in the staging folder's pagefind/ (build_search_index);
    // otherwise commit() removes what a spare staging folder holds there.
    void search_index_done() const { search_done_ = true; }
    // Files written so far, and files kept as they were in the previous site (reuse()).
    [[nodiscard]] size_t written() const { return written_; }
    [[nodiscard]] size_t kept() const { return kept_; }
    // Every file and folder made so far (not those that others put in the staging folder), and
    // the staging folder's own inode (the output folder's after commit()).
    [[nodiscard]] std::vector<Made> made() const;
    // The same, one at a time and without a copy (each file or folder once; in no set order).
    void for_each_made(const std::function<void(const MadeView&)>& fn) const;
    // After commit(): each file and folder that others put at the top of the staging folder
    // (Pagefind's index), as it was swapped in. With a spare, a folder whose change time is still
    // the journal's is described by the journal (its entries were not replaced since, and no one
    // writes a file of the spare over), and only the others are read from the disk.
    void for_each_other(const std::function<void(const MadeView&)>& fn) const;
    [[nodiscard]] std::int64_t inode() const;

private:
    std::string output_;
    std::string staging_;
    int staging_fd_ = -1;   // the staging folder, open: files are made relative to it
    int previous_fd_ = -1;  // the previous site's folder, open; -1 when there is none
    bool committed_ = false;
    bool exchanged_ = false;  // commit() swapped: the previous site is at staging_ now
    int old_fd_ = -1;         // then open on it, and locked
    bool old_known_ = false;  // it is the folder previous_fd_ was opened on
    bool parked_ = false;     // keep_spare() ran (or the previous site is being removed)
    std::string spare_;       // Spare::folder
    bool reused_ = false;     // the staging folder is the spare: it holds the previous site's files
    mutable std::atomic<bool> search_done_{false};
    // With a reused spare: what it held (the journal's files and folders, as the journal
    // describes them: the output's files), each marked as this build keeps it, makes it anew or
    // leaves it (publish.cpp), what this build wrote anew or made, and what commit() removed:
    // keep_spare() does the same to the previous site.
    struct SpareSite;
    std::unique_ptr<SpareSite> spare_site_;
    mutable std::vector<std::string> written_paths_;   // under made_mutex_
    // What others made at the top (for_each_other), and of it the folders read from the disk
    // (changed since the journal, or new): keep_spare() brings only those to the previous site.
    std::vector<Made> others_;
    std::vector<std::string> others_read_;
    void find_others();
    mutable std::vector<std::string> created_folders_;  // under folders_mutex_
    std::vector<std::string> removed_files_, removed_folders_;
    // Takes the spare as the staging folder when it can be trusted (with the parent's lock held);
    // removes it otherwise (`doubtful`: its new name, to remove once the lock is let go).
    void take_spare(std::uint64_t output_state, std::string& doubtful);
    mutable std::atomic<size_t> written_{0};
    mutable std::atomic<size_t> kept_{0};
    // Creates the staging folder's sub-folder `dir` (relative; "" is the staging folder itself)
    // and the folders above it, each once (many pages share a folder). (A folder of the spare is
    // there already: it is only marked as used.)
    void make_folder(const std::string& dir) const;
    mutable std::mutex folders_mutex_;
    mutable std::unordered_set<std::string> folders_;  // made so far
    // Records what the entry at `path` is now (`fd` open on it, or -1 to look it up).
    void note(const std::string& path, int fd) const;
    void note(const std::string& path, const struct stat& st) const;  // as `st` describes it
    void note(const Made& made) const;
    mutable std::mutex made_mutex_;
    // What made() gives, the paths in a PathLog with the rest of each Made beside them (a full
    // build notes every file it writes: some 40,000 on a long history).
    mutable PathLog made_;
    // The journal's lines of the files made (made_file_lines()), as prepare_journal() wrote them,
    // with the counts that tell whether anything was made since (under made_mutex_).
    struct Prepared {
        size_t written = 0, kept = 0, made = 0;
        std::string lines;
    };
    mutable std::unique_ptr<Prepared> prepared_;
    [[nodiscard]] std::string made_file_lines() const;
};

// Removes the staging folders beside `output_dir` that no running build holds (see Output), for
// a build that has nothing else to do.
void remove_abandoned_staging(const std::string& output_dir);

// One part of the search index: Pagefind runs once per part, over its pages only, so that an
// edit makes again the part of the pages it changed and keeps the others (the search page merges
// the parts in the browser, with Pagefind's mergeIndex).
struct SearchPart {
    // "" for the main index, pagefind/ (whose pagefind.js the search page loads); else the part's
    // folder under pagefind/parts/ (letters, digits, '-', '_').
    std::string name;
    // The pages Pagefind reads (relative to the staging folder): those that readers search. The
    // rest of the site (history, older versions, archived versions) is never given to it.
    std::vector<std::string> pages;
    std::uint64_t digest = 0;  // the pages' paths and bytes
};

// What the search index is made of.
struct SearchOptions {
    std::vector<SearchPart> parts;  // the main one ("") first
    // Where the digests of the output folder's index parts are kept (beside the output, not in
    // it); a part is kept as it was when its digest is the same. Empty: Pagefind always runs.
    std::string stamp_file;
    // `samplan serve`'s rebuilds: keep the previous site's index whatever changed.
    bool keep_previous = false;
    std::chrono::seconds time_limit{600};  // 0: none
    // The folder that holds the content folder, where the site's node_modules/.bin/pagefind may be.
    std::string site_folder;
};

struct SearchOutcome {
    bool built = false;   // the staging folder has a search index (made now or kept)
    bool failed = false;  // Pagefind ran and failed or took too long (not: it is not installed)
    std::string message;  // what was done, or why search is missing, for the user
    std::string stamp;    // to write to the stamp file once the site is swapped in ("" removes it)
    size_t parts_made = 0, parts_kept = 0;
    size_t parts_early = 0;  // of parts_made, those made while the pages were written (SearchIndex::start)
    // The folders Pagefind read from, being removed on a thread of their own while the build goes
    // on (they are beside the staging folder, not in it); dropping the last copy waits for that.
    std::shared_ptr<void> removing;
};

// Builds the search index into the staging folder's pagefind/ with Pagefind when it is installed
// (the program the environment variable SAMPLAN_PAGEFIND names; else node_modules/.bin/pagefind
// in the working folder or in `site_folder`; else on PATH), one part at a time (several at once),
// each kept from the previous site when it was made from the same pages by the same Pagefind;
// lists the parts other than the main one in pagefind/parts.json for the search page. Pagefind
// runs in a process group of its own that ends with samplan, however samplan ends; it is stopped
// after `time_limit` or when a stop is asked for (then Stopped is thrown).
//
// A part whose pages are all written may be started while the other pages are still being made
// (start()), so that Pagefind runs beside them rather than after them; finish() makes the rest once
// every page is made. A part started early is used only when its pages turned out the very ones it
// was given (the same paths, sizes and bytes: SearchPart::digest); otherwise it is made again.
class SearchIndex {
public:
    // `options.parts` is not used here (see finish()). The staging folder is `output`'s: this must
    // be destroyed before `output`.
    SearchIndex(const Output& output, SearchOptions options);
    // Stops what was started and not finished (its Pagefind killed, waited for) and removes its
    // scratch folders: for a build that failed or was stopped before finish().
    ~SearchIndex();
    SearchIndex(const SearchIndex&) = delete;
    SearchIndex& operator=(const SearchIndex&) = delete;

    // Whether start() does anything: Pagefind is there, and the previous index is not kept
    // whatever changed (`keep_previous`).
    [[nodiscard]] bool can_start() const;
    // Makes `part`'s index on a thread of its own (one part at a time; the others wait for it in
    // turn), and returns at once. Every page of `part` must be in the staging folder as it will be
    // published: the caller makes none of them again. A part still waiting when finish() is called
    // is made by finish() instead. Thread-safe; nothing after finish().
    void start(SearchPart part);
    // Whether a part started early is being made (or waits to be) now. Thread-safe.
    [[nodiscard]] bool making() const;
    // The whole index, of `parts` (SearchOptions::parts): waits for the part being made early, uses
    // those made early whose pages are the same, makes or keeps the others. Once only. Pagefind's
    // time limit counts from here, and for a part made early from its own start.
    SearchOutcome finish(std::vector<SearchPart> parts);

private:
    struct State;
    std::unique_ptr<State> state_;
};

// SearchIndex(output, options).finish(options.parts).
SearchOutcome build_search_index(const Output& output, const SearchOptions& options);

// Writes `stamp` (from SearchOutcome) to `stamp_file`, or removes the file when `stamp` is empty.
void write_search_stamp(const std::string& stamp_file, const std::string& stamp);

}  // namespace samplan::publish
