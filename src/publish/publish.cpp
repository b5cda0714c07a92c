#include "publish/publish.h"

#include "core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <spawn.h>
#include <stdio.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace samplan::publish {
namespace fs = std::filesystem;
namespace {

// Refuses any path that could leave the staging folder.
void check_relative(const std::string& path) {
    const fs::path p(path);
    if (path.empty() || p.is_absolute()) throw std::runtime_error("refusing to write outside the output: " + path);
    for (const auto& part : p)
        if (part == ".." || part == ".") throw std::runtime_error("refusing to write outside the output: " + path);
}

}  // namespace

Output::Output(std::string output_dir) : output_(std::move(output_dir)) {
    while (output_.size() > 1 && output_.back() == '/') output_.pop_back();
    staging_ = output_ + ".tmp-" + std::to_string(::getpid());
    std::error_code ec;
    // A build that was killed leaves its staging folder: remove those of processes that are gone.
    const fs::path out(output_);
    const std::string stem = out.filename().string() + ".tmp-";
    const fs::path parent = out.has_parent_path() ? out.parent_path() : fs::path(".");
    for (const auto& e : fs::directory_iterator(parent, ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(stem, 0) != 0) continue;
        const std::string pid_text = name.substr(stem.size());
        if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos) continue;
        const long pid = std::stol(pid_text);
        if (pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
    }
    fs::remove_all(staging_, ec);
    fs::create_directories(staging_, ec);
    if (ec) throw std::runtime_error("cannot create " + staging_ + ": " + ec.message());
}

Output::~Output() {
    if (committed_) return;
    std::error_code ec;
    fs::remove_all(staging_, ec);
}

namespace {

bool read_whole(const fs::path& file, std::string& out) {
    std::string error;
    return read_regular_file(file.string(), static_cast<size_t>(1) << 31, out, error, true) == FileRead::Ok;
}

}  // namespace

void Output::make_folder(const std::string& dir) const {
    {
        std::lock_guard lock(folders_mutex_);
        if (folders_.count(dir)) return;
    }
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return;  // the write that follows reports it
    std::lock_guard lock(folders_mutex_);
    folders_.insert(dir);
}

// When the previous site has the same bytes at `path`, the new site gets that very file (a hard
// link): unchanged files keep their modification time, so deployment by rsync copies only what
// changed, and nothing is written twice.
bool Output::reuse(const std::string& path, const std::string& content) const {
    const fs::path old = fs::path(output_) / path;
    struct stat st {};
    if (::lstat(old.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || static_cast<size_t>(st.st_size) != content.size())
        return false;
    std::string previous;
    if (!read_whole(old, previous) || previous != content) return false;
    const fs::path full = fs::path(staging_) / path;
    make_folder(full.parent_path().string());
    return ::link(old.c_str(), full.c_str()) == 0;
}

void Output::write(const std::string& path, const std::string& content) const {
    check_relative(path);
    if (reuse(path, content)) {
        ++kept_;
        return;
    }
    const fs::path full = fs::path(staging_) / path;
    make_folder(full.parent_path().string());
    const int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + full.string() + ": " + std::strerror(errno));
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            throw std::runtime_error("cannot write " + full.string() + ": " + std::strerror(errno));
        }
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    ++written_;
}

void Output::copy(const std::string& path, const std::string& source_file) const {
    check_relative(path);
    if (std::string content; read_whole(source_file, content)) {
        write(path, content);
        return;
    }
    const fs::path full = fs::path(staging_) / path;
    std::error_code ec;
    make_folder(full.parent_path().string());
    fs::copy_file(source_file, full, fs::copy_options::overwrite_existing, ec);
    if (ec) throw std::runtime_error("cannot copy " + source_file + ": " + ec.message());
    ++written_;
}

void Output::commit() {
    std::error_code ec;
    if (fs::exists(output_, ec)) {
        // Exchange both names in one step, so that there is never a moment without a complete site.
        if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, output_.c_str(), RENAME_EXCHANGE) != 0)
            throw std::runtime_error("cannot replace " + output_ + ": " + std::strerror(errno));
        committed_ = true;
        fs::remove_all(staging_, ec);  // now the previous site
    } else {
        if (::rename(staging_.c_str(), output_.c_str()) != 0)
            throw std::runtime_error("cannot create " + output_ + ": " + std::strerror(errno));
        committed_ = true;
    }
}

std::string run_pagefind(const std::string& dir, bool& ok) {
    ok = false;
    std::vector<std::string> candidates = {"node_modules/.bin/pagefind"};
    if (const char* path = std::getenv("PATH")) {
        std::string p = path;
        for (size_t start = 0; start <= p.size();) {
            const size_t end = p.find(':', start);
            const std::string d = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (!d.empty()) candidates.push_back(d + "/pagefind");
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    std::string binary;
    for (const auto& c : candidates)
        if (::access(c.c_str(), X_OK) == 0) {
            binary = c;
            break;
        }
    if (binary.empty())
        return "search is not built: Pagefind is not installed (npm install pagefind in this folder, or put pagefind "
               "on PATH)";
    std::vector<std::string> args = {binary, "--site", dir, "--silent"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return "search is not built: cannot start " + binary;
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "search is not built: Pagefind failed (" + binary + ")";
    ok = true;
    return "search index built with " + binary;
}

}  // namespace samplan::publish
