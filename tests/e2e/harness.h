// tests/e2e/harness.h — runs the samplan binary and builds content trees for end-to-end tests.
#pragma once

#include <filesystem>
#include <map>
#include <functional>
#include <string>
#include <vector>

namespace samplan::test {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs samplan with `args` (no shell), capturing standard output and standard error.
RunResult run_samplan(const std::vector<std::string>& args);
// Starts samplan with `args` in a process group of its own, its output going to the files
// named, and returns its process id (which is also the group's id).
int spawn_samplan(const std::vector<std::string>& args, const std::string& out_file = "/dev/null",
                  const std::string& err_file = "/dev/null");

// A fresh temporary folder, removed when the object goes out of scope.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// Copies the base fixture site into `dir`.
void copy_base_fixture(const std::filesystem::path& dir);
// A git repository at `repo` with the base fixture in repo/content, committed as the first plan
// on 2025-01-05; returns the content folder.
std::filesystem::path commit_base_fixture(const std::filesystem::path& repo);
void write_file(const std::filesystem::path& path, const std::string& text);
// Runs `git ARGS` in `repo` as a test author, with the author and commit dates set to `date`;
// the test fails when git does.
void git(const std::filesystem::path& repo, const std::string& args, const std::string& date = "2025-03-01T12:00:00");
std::string read_file(const std::filesystem::path& path);
// True when `text` holds `part`.
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
// Every file below `dir` (none when it is missing) with its bytes, by path relative to `dir`.
using Snapshot = std::map<std::string, std::string>;
Snapshot snapshot(const std::filesystem::path& dir);
// The same without the top-level entries whose names start with one of `skipped`, which are not
// entered at all (a running build may still be writing below them).
Snapshot snapshot(const std::filesystem::path& dir, const std::vector<std::string>& skipped);
// RFC 4180 rows: quoted fields may hold commas, quotes ("") and line breaks; a carriage return
// outside quotes ends nothing (rows end at line feeds).
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

// The real Pagefind of the source tree (node_modules/.bin, from npm install), first on PATH while
// it lives. installed() is false when it is absent: the test says so and tests nothing.
class RealPagefind {
public:
    RealPagefind();
    ~RealPagefind();
    RealPagefind(const RealPagefind&) = delete;
    RealPagefind& operator=(const RealPagefind&) = delete;

    [[nodiscard]] bool installed() const { return installed_; }

private:
    bool installed_ = false;
    std::string old_path_;
};

// A stand-in for Pagefind, first on PATH while it lives. Each run records what it was given
// (run 1, 2, …: its arguments and the files under --site) and writes a one-line pagefind.js
// into --output-path. hold() makes the next run stop before that: it starts a child (sleep), writes
// both process ids, and waits, forever or until release().
class FakePagefind {
public:
    FakePagefind();
    ~FakePagefind();
    FakePagefind(const FakePagefind&) = delete;
    FakePagefind& operator=(const FakePagefind&) = delete;

    void hold(bool until_release = false);
    [[nodiscard]] bool held() const;  // the held run has started its child
    void release();
    [[nodiscard]] std::vector<int> held_processes() const;  // the script's, then its child's
    [[nodiscard]] int runs() const;  // the runs started so far, finished or not
    [[nodiscard]] std::vector<std::string> arguments(int run) const;
    [[nodiscard]] std::vector<std::string> files(int run) const;  // relative to --site, sorted
    // The same files, each line "checksum size path" (cksum's): what the run was given of them.
    [[nodiscard]] std::vector<std::string> sums(int run) const;

private:
    TempDir dir_;
    std::string old_path_;
};

// Polls `done` until it holds or `seconds` pass (a bound against hanging, not a measurement).
bool wait_until(const std::function<bool()>& done, int seconds = 60);
// Whether the process is gone (or a zombie: it has ended, only its parent has not collected it).
bool process_gone(int pid);
// The process group of a running process, or -1.
int process_group(int pid);
// The processes, not zombies, of process group `group`.
std::vector<int> processes_in_group(int group);

}  // namespace samplan::test
