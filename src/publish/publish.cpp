// publish/publish.cpp — the output folder (Output in publish.h): the staging folder, its lock and
// those of killed builds, files written or linked from the previous site, and the swap.
#include "publish/publish.h"
#include "publish/relative_path.h"
#include "publish/run_guarded.h"

#include "core/files.h"
#include "core/stop.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <random>
#include <stdexcept>
#include <vector>

extern char** environ;

namespace samplan::publish {
namespace fs = std::filesystem;
namespace {

// "<output>.tmp-" and what a build adds: its process id, and a random part (the process ids of
// builds in different containers may be the same). Older builds added the process id alone.
bool is_staging_name(const std::string& name, const std::string& stem) {
    return name.size() > stem.size() && name.rfind(stem, 0) == 0 &&
           name.find_first_not_of("0123456789abcdef-", stem.size()) == std::string::npos;
}

// The folder that holds the output folder, open; its lock is held by a build while it looks for
// abandoned staging folders and makes its own (between making a staging folder and locking it,
// no other build may take it for abandoned).
struct Parent {
    fs::path path;
    int fd = -1;
    explicit Parent(const std::string& output) {
        const fs::path out(output);
        path = out.has_parent_path() ? out.parent_path() : fs::path(".");
        fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            while (::flock(fd, LOCK_EX) != 0 && errno == EINTR) {
            }
        }
    }
    ~Parent() {
        if (fd >= 0) ::close(fd);  // and so unlocked
    }
    Parent(const Parent&) = delete;
    Parent& operator=(const Parent&) = delete;
};

// A staging folder of a killed build, locked by this process until it is removed.
struct Abandoned {
    std::string name;
    int fd;
};

// With the parent's lock held: the staging folders of `output` that no running build holds, each
// locked now.
std::vector<Abandoned> take_abandoned(const Parent& parent, const std::string& output) {
    std::vector<Abandoned> found;
    if (parent.fd < 0) return found;
    const std::string stem = fs::path(output).filename().string() + ".tmp-";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(parent.path, ec)) {
        const std::string name = e.path().filename().string();
        if (!is_staging_name(name, stem)) continue;
        const int fd = ::openat(parent.fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) continue;
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            // Held: a running build's. Where the file system has no locks, the process id in the
            // name tells whether its build may still run.
            const bool held = errno == EWOULDBLOCK;
            const std::string pid_text = name.substr(stem.size(), name.find('-', stem.size()) - stem.size());
            const bool alive = pid_text.empty() || pid_text.size() > 9 ||
                               pid_text.find_first_not_of("0123456789") != std::string::npos ||
                               ::kill(static_cast<pid_t>(std::stol(pid_text)), 0) == 0 || errno != ESRCH;
            if (held || alive) {
                ::close(fd);
                continue;
            }
        }
        found.push_back({name, fd});
    }
    return found;
}

void remove_abandoned(const Parent& parent, std::vector<Abandoned>& abandoned) {
    for (auto& a : abandoned) {
        std::error_code ec;
        fs::remove_all(parent.path / a.name, ec);
        ::close(a.fd);
    }
    abandoned.clear();
}

std::string random_hex() {
    std::random_device random;
    char text[16];
    std::snprintf(text, sizeof text, "%08x", static_cast<unsigned>(random()));
    return text;
}

// The processes that remove previous sites, waited for once they are done (samplan serve swaps
// many sites in).
std::mutex removers_mutex;
std::vector<pid_t> removers;

void reap_removers() {
    std::lock_guard lock(removers_mutex);
    std::erase_if(removers, [](pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) != 0; });
}

// Removes the previous site's folder at `path` after this build: `rm -rf` in a session of its own,
// not waited for, holding the folder's lock (its copy of the locked descriptor) until it is done,
// so that no other build takes the folder meanwhile; if samplan ends first, rm goes on, and if rm
// is killed, the next build removes what is left (an abandoned staging folder). Removed here and
// now when rm cannot be started. Nothing when another process holds the lock.
void remove_in_background(const std::string& path) {
    reap_removers();
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return;
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return;
    }
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    ::posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    if (fd != 3) ::posix_spawn_file_actions_adddup2(&actions, fd, 3);  // the lock goes with rm
    ::posix_spawnattr_init(&attributes);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (const int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP}) sigaddset(&defaults, sig);
    ::posix_spawnattr_setsigmask(&attributes, &none);
    ::posix_spawnattr_setsigdefault(&attributes, &defaults);
    ::posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    std::string rm = "rm", force = "-rf", end = "--", target = path;
    char* argv[] = {rm.data(), force.data(), end.data(), target.data(), nullptr};
    pid_t pid = 0;
    wait_for_own_children();
    const int started = fd == 3 ? -1 : ::posix_spawn(&pid, "/bin/rm", &actions, &attributes, argv, environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attributes);
    if (started == 0) {
        std::lock_guard lock(removers_mutex);
        removers.push_back(pid);
    } else {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    ::close(fd);
}

}  // namespace

Output::Output(std::string output_dir) : output_(std::move(output_dir)) {
    throw_if_stopped();
    while (output_.size() > 1 && output_.back() == '/') output_.pop_back();
    std::vector<Abandoned> abandoned;
    {
        const Parent parent(output_);
        abandoned = take_abandoned(parent, output_);
        for (int attempt = 0; staging_fd_ < 0; ++attempt) {
            staging_ = output_ + ".tmp-" + std::to_string(::getpid()) + "-" + random_hex();
            if (::mkdir(staging_.c_str(), 0777) != 0) {
                if (errno == EEXIST && attempt < 100) continue;
                const int saved = errno;
                remove_abandoned(parent, abandoned);
                throw std::runtime_error("cannot create " + staging_ + ": " + std::strerror(saved));
            }
            staging_fd_ = ::open(staging_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            // Where the file system has no locks, the folder stays unlocked: other builds cannot
            // lock it either, and so leave it alone.
            if (staging_fd_ >= 0) ::flock(staging_fd_, LOCK_EX | LOCK_NB);
            if (staging_fd_ < 0) {
                const int saved = errno;
                std::error_code ec;
                fs::remove(staging_, ec);
                remove_abandoned(parent, abandoned);
                throw std::runtime_error("cannot open " + staging_ + ": " + std::strerror(saved));
            }
        }
        // The others' staging folders are removed with the parent's lock let go.
        ::flock(parent.fd, LOCK_UN);
        remove_abandoned(parent, abandoned);
    }
    folders_.insert("");
    previous_fd_ = ::open(output_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

Output::~Output() {
    if (previous_fd_ >= 0) ::close(previous_fd_);
    if (!committed_) {
        std::error_code ec;
        fs::remove_all(staging_, ec);  // still locked: no other build looks at it meanwhile
    }
    if (staging_fd_ >= 0) ::close(staging_fd_);
}

void remove_abandoned_staging(const std::string& output_dir) {
    std::string output = output_dir;
    while (output.size() > 1 && output.back() == '/') output.pop_back();
    std::vector<Abandoned> abandoned;
    const Parent parent(output);
    abandoned = take_abandoned(parent, output);
    ::flock(parent.fd, LOCK_UN);
    remove_abandoned(parent, abandoned);
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
    throw_if_stopped();
    std::error_code ec;
    if (fs::exists(output_, ec)) {
        // Exchange both names in one step, so that there is never a moment without a complete site.
        if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, output_.c_str(), RENAME_EXCHANGE) != 0)
            throw std::runtime_error("cannot replace " + output_ + ": " + std::strerror(errno));
        committed_ = true;
        remove_in_background(staging_);  // now the previous site
    } else {
        if (::rename(staging_.c_str(), output_.c_str()) != 0)
            throw std::runtime_error("cannot create " + output_ + ": " + std::strerror(errno));
        committed_ = true;
    }
}

}  // namespace samplan::publish
