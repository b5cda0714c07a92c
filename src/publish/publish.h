// publish/publish.h — writes the output folder. Everything goes into a temporary folder beside
// it, which replaces the output folder in one rename only when the whole site was written:
// an interrupted or failed build leaves the previous site as it was.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

struct stat;

namespace samplan::publish {

// A file or folder that Output made, as the system described it just after.
struct Made {
    std::string path;  // relative to the output folder
    bool folder = false;
    std::uint32_t mode = 0;
    std::int64_t size = 0, inode = 0, mtime_ns = 0;
};

class Output {
public:
    // Creates "<output>.tmp-<pid>" beside `output_dir`. Throws std::runtime_error on failure.
    explicit Output(std::string output_dir);
    // Removes the temporary folder unless commit() succeeded.
    ~Output();
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;

    // Writes `content` at the relative `path` (no "..", not absolute); a file the previous site
    // has unchanged is kept as it was (same file, same time). Thread-safe.
    void write(const std::string& path, const std::string& content) const;
    [[nodiscard]] const std::string& staging_dir() const { return staging_; }
    // Hard-links the previous site's file at `path` when it holds exactly `content`.
    bool reuse(const std::string& path, const std::string& content) const;
    // Hard-links the previous site's file at `path`, unread: the caller knows it is still right
    // (its inputs did not change since the build that wrote it). False when that file is missing
    // or not a regular file; thread-safe, counted as kept.
    bool keep(const std::string& path) const;
    // Swaps the staging folder in as the output folder, atomically where the system allows.
    void commit();
    // Files written so far, and files kept as they were in the previous site (reuse()).
    [[nodiscard]] size_t written() const { return written_; }
    [[nodiscard]] size_t kept() const { return kept_; }
    // Every file and folder made so far (not those that others put in the staging folder), and
    // the staging folder's own inode (the output folder's after commit()).
    [[nodiscard]] std::vector<Made> made() const;
    [[nodiscard]] std::int64_t inode() const;

private:
    std::string output_;
    std::string staging_;
    int staging_fd_ = -1;   // the staging folder, open: files are made relative to it
    int previous_fd_ = -1;  // the previous site's folder, open; -1 when there is none
    bool committed_ = false;
    mutable std::atomic<size_t> written_{0};
    mutable std::atomic<size_t> kept_{0};
    // Creates the staging folder's sub-folder `dir` (relative; "" is the staging folder itself)
    // and the folders above it, each once (many pages share a folder).
    void make_folder(const std::string& dir) const;
    mutable std::mutex folders_mutex_;
    mutable std::unordered_set<std::string> folders_;  // made so far
    // Records what the entry at `path` is now (`fd` open on it, or -1 to look it up).
    void note(const std::string& path, int fd) const;
    void note(const std::string& path, const struct stat& st) const;  // as `st` describes it
    mutable std::mutex made_mutex_;
    mutable std::vector<Made> made_;
};

// Runs Pagefind over `dir` when it is installed (node_modules/.bin/pagefind, or on PATH).
// Returns a line for the user: what was done, or why search is missing.
std::string run_pagefind(const std::string& dir, bool& ok);

}  // namespace samplan::publish
