#include "harness.h"

#include <doctest/doctest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>
#include <random>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace samplan::test {
namespace fs = std::filesystem;

int spawn_samplan(const std::vector<std::string>& args, const std::string& out_file, const std::string& err_file) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> argv_strings = {SAMPLAN_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    // Its own process group, so that a test can stop it together with what it started.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attributes, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, SAMPLAN_BINARY, &actions, &attributes, argv.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " SAMPLAN_BINARY);
    return pid;
}

RunResult run_samplan(const std::vector<std::string>& args) {
    TempDir tmp;
    const fs::path out_file = tmp.path() / "stdout", err_file = tmp.path() / "stderr";
    const int pid = spawn_samplan(args, out_file.string(), err_file.string());
    int status = 0;
    waitpid(pid, &status, 0);
    RunResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = read_file(out_file);
    result.err = read_file(err_file);
    return result;
}

TempDir::TempDir() {
    std::random_device rd;
    for (int attempt = 0; attempt < 100; ++attempt) {
        path_ = fs::temp_directory_path() / ("samplan-test-" + std::to_string(rd()));
        if (fs::create_directory(path_)) return;
    }
    throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void copy_base_fixture(const fs::path& dir) {
    fs::copy(fs::path(SAMPLAN_FIXTURES) / "base", dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

fs::path commit_base_fixture(const fs::path& repo) {
    const fs::path content = repo / "content";
    copy_base_fixture(content);
    git(repo, "init", "2025-01-05T10:00:00");
    git(repo, "add -A", "2025-01-05T10:00:00");
    git(repo, "commit -m 'Första planen'", "2025-01-05T10:00:00");
    return content;
}

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

namespace {

std::vector<std::string> lines_of(const fs::path& file) {
    std::vector<std::string> lines;
    std::istringstream in(read_file(file));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// What /proc tells of a process: its state letter and process group; false when it is gone.
bool proc_stat(int pid, char& state, int& group) {
    const std::string text = read_file("/proc/" + std::to_string(pid) + "/stat");
    const auto paren = text.rfind(')');
    if (paren == std::string::npos) return false;
    std::istringstream rest(text.substr(paren + 1));
    int parent = 0;
    return static_cast<bool>(rest >> state >> parent >> group);
}

}  // namespace

RealPagefind::RealPagefind() {
    const fs::path bin = fs::path(SAMPLAN_EXAMPLE_CONTENT).parent_path() / "node_modules/.bin";
    installed_ = fs::exists(bin / "pagefind");
    if (!installed_) {
        MESSAGE("Pagefind is not installed (npm install): not tested");
        return;
    }
    const char* path = std::getenv("PATH");
    old_path_ = path ? path : "";
    ::setenv("PATH", (bin.string() + ":" + old_path_).c_str(), 1);
}

RealPagefind::~RealPagefind() {
    if (installed_) ::setenv("PATH", old_path_.c_str(), 1);
}

FakePagefind::FakePagefind() {
    std::string script = R"sh(#!/bin/sh
dir='@DIR@'
site=; out=
for a in "$@"; do printf '%s\n' "$a"; done > "$dir/args.tmp-$$"
while [ $# -gt 0 ]; do
  case "$1" in --site) site=$2; shift ;; --output-path) out=$2; shift ;; esac
  shift
done
n=1; while ! mkdir "$dir/run-$n" 2>/dev/null; do n=$((n+1)); done
mv "$dir/args.tmp-$$" "$dir/run-$n/args"
(cd "$site" && find . -type f -exec cksum {} + | sed 's| \./| |' | LC_ALL=C sort -k3) > "$dir/run-$n/sums"
(cd "$site" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) > "$dir/run-$n/files.tmp"
mv "$dir/run-$n/files.tmp" "$dir/run-$n/files"
if [ -e "$dir/hold" ] && mkdir "$dir/holding" 2>/dev/null; then
  if [ "$(cat "$dir/hold")" = release ]; then
    while [ ! -e "$dir/release" ]; do sleep 0.05; done
  else
    sleep 100000 &
    echo "$$ $!" > "$dir/pids"
    : > "$dir/held"
    wait
  fi
fi
mkdir -p "$out" && echo '// index' > "$out/pagefind.js" && echo '{}' > "$out/pagefind-entry.json"
)sh";
    script.replace(script.find("@DIR@"), 5, dir_.path().string());
    write_file(dir_.path() / "bin/pagefind", script);
    ::chmod((dir_.path() / "bin/pagefind").c_str(), 0755);
    const char* path = std::getenv("PATH");
    old_path_ = path ? path : "";
    ::setenv("PATH", ((dir_.path() / "bin").string() + ":" + old_path_).c_str(), 1);
}

FakePagefind::~FakePagefind() {
    release();
    ::setenv("PATH", old_path_.c_str(), 1);
}

void FakePagefind::hold(bool until_release) {
    std::error_code ec;
    fs::remove(dir_.path() / "holding", ec);
    write_file(dir_.path() / "hold", until_release ? "release" : "forever");
}

bool FakePagefind::held() const {
    if (fs::exists(dir_.path() / "held")) return true;
    return fs::exists(dir_.path() / "holding") && read_file(dir_.path() / "hold") == "release";
}

void FakePagefind::release() { write_file(dir_.path() / "release", ""); }

std::vector<int> FakePagefind::held_processes() const {
    std::vector<int> pids;
    std::istringstream in(read_file(dir_.path() / "pids"));
    for (int pid; in >> pid;) pids.push_back(pid);
    return pids;
}

int FakePagefind::runs() const {
    // Each run takes the lowest free number at its start, so the folders have no gaps; a run that
    // was killed early (a stopped build stops every part at once) may have no files yet.
    int n = 0;
    while (fs::exists(dir_.path() / ("run-" + std::to_string(n + 1)))) ++n;
    return n;
}

std::vector<std::string> FakePagefind::arguments(int run) const {
    return lines_of(dir_.path() / ("run-" + std::to_string(run)) / "args");
}

std::vector<std::string> FakePagefind::files(int run) const {
    return lines_of(dir_.path() / ("run-" + std::to_string(run)) / "files");
}

std::vector<std::string> FakePagefind::sums(int run) const {
    return lines_of(dir_.path() / ("run-" + std::to_string(run)) / "sums");
}

bool wait_until(const std::function<bool()>& done, int seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
}

bool process_gone(int pid) {
    char state = 0;
    int group = 0;
    return !proc_stat(pid, state, group) || state == 'Z' || state == 'X';
}

int process_group(int pid) {
    char state = 0;
    int group = 0;
    return proc_stat(pid, state, group) ? group : -1;
}

std::vector<int> processes_in_group(int group) {
    std::vector<int> found;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/proc", ec)) {
        const std::string name = e.path().filename().string();
        if (name.find_first_not_of("0123456789") != std::string::npos) continue;
        char state = 0;
        int g = 0;
        if (proc_stat(std::stoi(name), state, g) && g == group && state != 'Z' && state != 'X') found.push_back(std::stoi(name));
    }
    return found;
}

Snapshot snapshot(const fs::path& dir) { return snapshot(dir, {}); }

Snapshot snapshot(const fs::path& dir, const std::vector<std::string>& skipped) {
    Snapshot files;
    if (!fs::exists(dir)) return files;
    for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
        const std::string name = fs::relative(it->path(), dir).generic_string();
        if (it.depth() == 0 && std::any_of(skipped.begin(), skipped.end(),
                                           [&](const std::string& s) { return name.rfind(s, 0) == 0; })) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file()) files[name] = read_file(it->path());
    }
    return files;
}

void git(const fs::path& repo, const std::string& args, const std::string& date) {
    const std::string command = "cd '" + repo.string() + "' && GIT_AUTHOR_DATE=" + date + " GIT_COMMITTER_DATE=" + date +
                                " git -c user.name=Test -c user.email=test@example.org -c init.defaultBranch=main " +
                                args + " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
}

std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
    std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
    bool quoted = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') { rows.back().back() += '"'; ++i; }
            else if (c == '"') quoted = false;
            else rows.back().back() += c;
        } else if (c == '"') quoted = true;
        else if (c == ',') rows.back().emplace_back();
        else if (c == '\r') continue;
        else if (c == '\n') rows.emplace_back(1);
        else rows.back().back() += c;
    }
    if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
    return rows;
}

}  // namespace samplan::test
