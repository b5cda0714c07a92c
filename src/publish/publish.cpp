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
#include <string_view>
#include <vector>

extern char** environ;

namespace samplan::publish {
namespace fs = std::filesystem;
namespace {

// Refuses any path that could leave the staging folder: absolute, empty, or with a "." or ".."
// part (checked on the text, as the system will read it).
void check_relative(const std::string& path) {
    bool bad = path.empty() || path.front() == '/' || path.back() == '/';
    for (size_t start = 0; !bad && start <= path.size();) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        const std::string_view part(path.data() + start, end - start);
        bad = part == "." || part == "..";
        start = end + 1;
    }
    if (bad) throw std::runtime_error("refusing to write outside the output: " + path);
}

// The folder part of a relative path ("" for a file at the top).
std::string folder_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
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
    staging_fd_ = ::open(staging_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (staging_fd_ < 0) throw std::runtime_error("cannot open " + staging_ + ": " + std::strerror(errno));
    folders_.insert("");
    previous_fd_ = ::open(output_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

Output::~Output() {
    if (staging_fd_ >= 0) ::close(staging_fd_);
    if (previous_fd_ >= 0) ::close(previous_fd_);
    if (committed_) return;
    std::error_code ec;
    fs::remove_all(staging_, ec);
}

void Output::note(const std::string& path, int fd) const {
    struct stat st {};
    if ((fd >= 0 ? ::fstat(fd, &st) : ::fstatat(staging_fd_, path.c_str(), &st, AT_SYMLINK_NOFOLLOW)) != 0) return;
    note(path, st);
}

void Output::note(const std::string& path, const struct stat& st) const {
    Made m;
    m.path = path;
    m.folder = S_ISDIR(st.st_mode);
    m.mode = st.st_mode;
    m.size = st.st_size;
    m.inode = static_cast<std::int64_t>(st.st_ino);
    m.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    std::lock_guard lock(made_mutex_);
    made_.push_back(std::move(m));
}

std::vector<Made> Output::made() const {
    std::lock_guard lock(made_mutex_);
    return made_;
}

std::int64_t Output::inode() const {
    struct stat st {};
    return ::fstat(staging_fd_, &st) == 0 ? static_cast<std::int64_t>(st.st_ino) : 0;
}

void Output::make_folder(const std::string& dir) const {
    {
        std::lock_guard lock(folders_mutex_);
        if (folders_.count(dir)) return;
    }
    make_folder(folder_of(dir));
    // Another thread may have made it in the meantime: EEXIST is success (and that thread notes it).
    if (::mkdirat(staging_fd_, dir.c_str(), 0755) != 0) {
        if (errno != EEXIST) return;  // the write that follows reports it
    } else {
        note(dir, -1);
    }
    std::lock_guard lock(folders_mutex_);
    folders_.insert(dir);
}

// When the previous site has the same bytes at `path`, the new site gets that very file (a hard
// link): unchanged files keep their modification time, so deployment by rsync copies only what
// changed, and nothing is written twice.
bool Output::reuse(const std::string& path, const std::string& content) const {
    if (previous_fd_ < 0) return false;
    struct stat st {};
    if (::fstatat(previous_fd_, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
        static_cast<size_t>(st.st_size) != content.size())
        return false;
    std::string previous, error;
    if (read_regular_file_at(previous_fd_, path, content.size(), previous, error, true) != FileRead::Ok ||
        previous != content)
        return false;
    make_folder(folder_of(path));
    if (::linkat(previous_fd_, path.c_str(), staging_fd_, path.c_str(), 0) != 0) return false;
    note(path, st);
    return true;
}

bool Output::keep(const std::string& path) const {
    check_relative(path);
    struct stat st {};
    if (previous_fd_ < 0 || ::fstatat(previous_fd_, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return false;
    make_folder(folder_of(path));
    if (::linkat(previous_fd_, path.c_str(), staging_fd_, path.c_str(), 0) != 0) return false;
    note(path, st);  // a hard link: the same file, with the same description
    ++kept_;
    return true;
}

void Output::write(const std::string& path, const std::string& content) const {
    check_relative(path);
    if (reuse(path, content)) {
        ++kept_;
        return;
    }
    make_folder(folder_of(path));
    const int fd = ::openat(staging_fd_, path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
    auto fail = [&] { throw std::runtime_error("cannot write " + staging_ + "/" + path + ": " + std::strerror(errno)); };
    if (fd < 0) fail();
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            const int saved = n < 0 ? errno : EIO;
            ::close(fd);
            errno = saved;
            fail();
        }
        done += static_cast<size_t>(n);
    }
    note(path, fd);
    ::close(fd);
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
