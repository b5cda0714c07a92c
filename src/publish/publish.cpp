#include "publish/publish.h"

#include "core/digest.h"
#include "core/files.h"
#include "core/parallel.h"
#include "core/stop.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string_view>
#include <thread>
#include <unordered_set>
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

// Children that samplan waits for (rm, Pagefind's guard): a SIGCHLD ignored by whoever started
// samplan would have them collected by the system, and their ends unseen. Set once, before the
// first child is started.
void wait_for_own_children() {
    static std::once_flag once;
    std::call_once(once, [] { ::signal(SIGCHLD, SIG_DFL); });
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

namespace {

// Pagefind: the program SAMPLAN_PAGEFIND names when it is set (and only it), else
// node_modules/.bin/pagefind (npm's wrapper, which starts the binary of @pagefind/linux-x64) in
// the working folder, then in the site's folder, else the first pagefind on PATH. Empty when
// there is none.
std::string find_pagefind(const std::string& site_folder) {
    if (const char* named = std::getenv("SAMPLAN_PAGEFIND"); named && *named)
        return ::access(named, X_OK) == 0 ? std::string(named) : std::string();
    std::vector<std::string> candidates = {"node_modules/.bin/pagefind"};
    if (!site_folder.empty()) candidates.push_back(site_folder + "/node_modules/.bin/pagefind");
    if (const char* path = std::getenv("PATH")) {
        const std::string p = path;
        for (size_t start = 0; start <= p.size();) {
            const size_t end = p.find(':', start);
            const std::string d = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (!d.empty()) candidates.push_back(d + "/pagefind");
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    for (const auto& c : candidates)
        if (::access(c.c_str(), X_OK) == 0) return c;
    return {};
}

// npm's wrapper (node_modules/.bin/pagefind, a Node script) starts the binary of the platform's
// package, @pagefind/linux-<arch>/bin/pagefind_extended or pagefind, as its resolveBinary.js does
// (honouring PAGEFIND_EXTENDED_BINARY_PATH and PAGEFIND_BINARY_PATH): that binary, started
// directly, so that each part of the index does not pay for starting Node. `program` itself
// when it is not npm's wrapper or the binary is not found.
std::string npm_binary(const std::string& program) {
    std::error_code ec;
    const fs::path real = fs::canonical(program, ec);
    if (ec || real.filename() != "bin.cjs" || real.parent_path().filename() != "runner") return program;
    for (const char* variable : {"PAGEFIND_EXTENDED_BINARY_PATH", "PAGEFIND_BINARY_PATH"})
        if (const char* set = std::getenv(variable); set && *set) return program;  // the wrapper's choice: leave it to it
    struct utsname system {};
    if (::uname(&system) != 0) return program;
    const std::string machine = system.machine;
    const std::string arch = machine == "x86_64" ? "x64" : machine == "aarch64" ? "arm64" : machine;
    const fs::path modules = real.parent_path().parent_path().parent_path().parent_path();
    for (const char* name : {"pagefind_extended", "pagefind"}) {
        const fs::path binary = modules / "@pagefind" / ("linux-" + arch) / "bin" / name;
        if (::access(binary.c_str(), X_OK) == 0) return binary.string();
    }
    return program;
}

// Which file is `path` now (its target's when it is a link): inode, size, modification time.
std::string identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

// What Pagefind is: the program found and, for npm's wrapper, the package's binary beside it.
std::string pagefind_identity(const std::string& binary) {
    std::error_code ec;
    const fs::path real = fs::canonical(binary, ec);
    std::string id = real.string() + " " + identity(binary);
    if (!ec && real.parent_path().filename() == "runner") {  // node_modules/pagefind/lib/runner/bin.cjs
        const fs::path modules = real.parent_path().parent_path().parent_path().parent_path();
        for (const char* name : {"pagefind_extended", "pagefind"})
            id += " " + identity((modules / "@pagefind/linux-x64/bin" / name).string());
        id += " " + identity((modules / "pagefind/package.json").string());
    }
    return id;
}

// Hard-links the previous site's pagefind/ folder into the staging folder; false when it fails.
bool keep_index(const std::string& previous_site, const std::string& staging) {
    const fs::path from = fs::path(previous_site) / "pagefind";
    std::error_code ec;
    if (!fs::is_regular_file(from / "pagefind.js", ec)) return false;
    fs::copy(from, fs::path(staging) / "pagefind", fs::copy_options::recursive | fs::copy_options::create_hard_links, ec);
    if (ec) fs::remove_all(fs::path(staging) / "pagefind", ec);
    return !ec;
}

// The folder of a part of the index, relative to the site.
std::string part_folder(const std::string& name) { return name.empty() ? "pagefind" : "pagefind/parts/" + name; }

// Hard-links the files of the folder `from` into `to` (made here), its sub-folders too, but not
// the entries named in `skip` at its top (the main index leaves out the other parts and their list).
bool link_folder(const fs::path& from, const fs::path& to, const std::vector<std::string>& skip) {
    std::error_code ec;
    fs::create_directories(to, ec);
    if (ec) return false;
    for (const auto& e : fs::directory_iterator(from, ec)) {
        const std::string name = e.path().filename().string();
        if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
        fs::copy(e.path(), to / name, fs::copy_options::recursive | fs::copy_options::create_hard_links, ec);
        if (ec) return false;
    }
    return !ec;
}

// Pagefind's files that only the main index needs (the parts share its program and its
// WebAssembly in the browser): removed from the parts.
bool main_index_only(const std::string& name) {
    return name != "pagefind-entry.json" &&
           (name.rfind("pagefind.js", 0) == 0 || name.rfind("pagefind-", 0) == 0 || name.rfind("wasm.", 0) == 0);
}

// Hard-links `pages` (relative to `staging`) into the folder `scratch`, at the same paths.
void link_pages(const std::string& staging, const std::string& scratch, const std::vector<std::string>& pages) {
    std::unordered_set<std::string> made;
    auto make = [&](auto& self, const std::string& dir) -> void {
        if (dir.empty() || made.count(dir)) return;
        const size_t slash = dir.rfind('/');
        if (slash != std::string::npos) self(self, dir.substr(0, slash));
        const std::string full = scratch + "/" + dir;
        if (::mkdir(full.c_str(), 0777) != 0 && errno != EEXIST)
            throw std::runtime_error("cannot create " + full + ": " + std::strerror(errno));
        made.insert(dir);
    };
    if (::mkdir(scratch.c_str(), 0777) != 0) throw std::runtime_error("cannot create " + scratch + ": " + std::strerror(errno));
    for (const auto& page : pages) {
        check_relative(page);
        make(make, folder_of(page));
        const std::string from = staging + "/" + page, to = scratch + "/" + page;
        if (::link(from.c_str(), to.c_str()) != 0)
            throw std::runtime_error("cannot link " + from + " to " + to + ": " + std::strerror(errno));
    }
}

enum class RunEnd { Ok, Failed, CannotStart, TimedOut };

// Runs `args` (args[0] the program) in a process group of its own, led by a guard process that
// samplan forks: the guard starts the program and waits for it, and when samplan ends without
// ending it (SIGKILL) the guard sees the pipe from samplan close and kills the whole group, the
// program and whatever it started (npm's wrapper starts the real Pagefind) among it; the
// program also has PR_SET_PDEATHSIG for the guard. Standard input and output are /dev/null;
// standard error is samplan's. The group is killed at `deadline` or when a stop is asked for (then
// Stopped is thrown once it is gone).
RunEnd run_guarded(std::vector<std::string> args, std::chrono::steady_clock::time_point deadline) {
    // Everything the children need is made before fork(): between fork() and exec only
    // async-signal-safe calls are allowed in a copy of a process with threads.
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int alive[2];
    if (::pipe2(alive, O_CLOEXEC) != 0) return RunEnd::CannotStart;
    sigset_t none;
    sigemptyset(&none);
    wait_for_own_children();
    const pid_t guard = ::fork();
    if (guard < 0) {
        ::close(alive[0]);
        ::close(alive[1]);
        return RunEnd::CannotStart;
    }
    if (guard == 0) {
        ::close(alive[1]);
        ::setpgid(0, 0);
        const pid_t self = ::getpid();
        const pid_t program = ::_Fork();  // fork() is not async-signal-safe; _Fork() is
        if (program == 0) {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (::getppid() != self) ::_exit(127);  // the guard is already gone
            ::close(alive[0]);
            const int null = ::open("/dev/null", O_RDWR);
            if (null >= 0) {
                ::dup2(null, 0);
                ::dup2(null, 1);
            }
            // samplan's blocked signals (core/stop_signals.cpp) and ignored ones would carry over.
            for (const int sig : {SIGPIPE, SIGTERM, SIGINT, SIGHUP}) ::signal(sig, SIG_DFL);
            ::sigprocmask(SIG_SETMASK, &none, nullptr);
            ::execve(argv[0], argv.data(), environ);
            ::_exit(127);
        }
        if (program < 0) ::_exit(127);
        for (;;) {
            struct pollfd p {alive[0], POLLIN, 0};
            if (::poll(&p, 1, 100) > 0) ::kill(0, SIGKILL);  // samplan is gone: so is the group, this guard with it
            int status = 0;
            if (::waitpid(program, &status, WNOHANG) == program)
                ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
    }
    ::close(alive[0]);
    ::setpgid(guard, guard);  // also here: a kill must reach the group even before the guard made it
    bool stopped = false, timed_out = false;
    for (;;) {
        siginfo_t info {};
        // Not reaped yet, so that its id (the group's) cannot be taken by another process meanwhile.
        const int waited = ::waitid(P_PID, static_cast<id_t>(guard), &info, WEXITED | WNOHANG | WNOWAIT);
        if ((waited == 0 && info.si_pid == guard) || (waited != 0 && errno != EINTR)) break;
        if (!stopped && !timed_out) {
            stopped = stop_requested();
            timed_out = std::chrono::steady_clock::now() >= deadline;
            if (stopped || timed_out) ::kill(-guard, SIGKILL);
        }
        ::poll(nullptr, 0, 20);
    }
    ::kill(-guard, SIGKILL);  // whatever the program left behind in its group
    int status = 0;
    while (::waitpid(guard, &status, 0) < 0 && errno == EINTR) {
    }
    ::close(alive[1]);
    if (stopped) throw Stopped();
    if (timed_out) return RunEnd::TimedOut;
    if (!WIFEXITED(status)) return RunEnd::Failed;
    if (WEXITSTATUS(status) == 127) return RunEnd::CannotStart;
    return WEXITSTATUS(status) == 0 ? RunEnd::Ok : RunEnd::Failed;
}

}  // namespace

SearchOutcome build_search_index(const Output& output, const SearchOptions& options) {
    SearchOutcome outcome;
    const std::string& staging = output.staging_dir();
    if (options.keep_previous && keep_index(output.output_dir(), staging)) {
        outcome.built = true;
        outcome.message = "search index kept from the previous site";
        return outcome;
    }
    const std::string binary = find_pagefind(options.site_folder);
    if (binary.empty()) {
        const char* named = std::getenv("SAMPLAN_PAGEFIND");
        outcome.message =
            named && *named ? "search is not built: SAMPLAN_PAGEFIND names no program that can be run (" + std::string(named) + ")"
                            : "search is not built: Pagefind is not installed (npm install pagefind in this folder, or put "
                              "pagefind on PATH, or name it in SAMPLAN_PAGEFIND)";
        return outcome;
    }
    const std::string program = npm_binary(binary);
    Digest tool;
    tool.add("samplan-search 2");
    tool.add(pagefind_identity(binary));
    tool.add("--silent");
    const std::string tool_line = "search " + tool.hex();
    auto part_line = [](const SearchPart& part) {
        return (part.name.empty() ? std::string("-") : part.name) + " " + std::to_string(part.digest);
    };

    // The previous site's parts, each kept when it was made from the same pages by the same Pagefind.
    std::unordered_set<std::string> previous;  // "name digest identity"
    if (!options.stamp_file.empty()) {
        std::ifstream in(options.stamp_file, std::ios::binary);
        std::string line;
        if (std::getline(in, line) && line == tool_line)
            while (std::getline(in, line)) previous.insert(line);
    }
    std::vector<const SearchPart*> to_make;
    std::vector<std::string> stamp_lines(options.parts.size());
    std::error_code ec;
    for (size_t i = 0; i < options.parts.size(); ++i) {
        const SearchPart& part = options.parts[i];
        check_relative(part_folder(part.name));
        const fs::path before = fs::path(output.output_dir()) / part_folder(part.name);
        const fs::path now = fs::path(staging) / part_folder(part.name);
        if (previous.count(part_line(part) + " " + identity((before / "pagefind-entry.json").string())) &&
            link_folder(before, now, {"parts", "parts.json"})) {
            ++outcome.parts_kept;
            continue;
        }
        if (fs::exists(now / "pagefind-entry.json", ec)) {  // the main part, half linked: made again
            for (const auto& e : fs::directory_iterator(now, ec))
                if (e.path().filename() != "parts") fs::remove_all(e.path(), ec);
        }
        to_make.push_back(&part);
    }

    // Pagefind, over each part's pages linked into a scratch folder of their own, several at once.
    const auto deadline = options.time_limit.count() > 0 ? std::chrono::steady_clock::now() + options.time_limit
                                                         : std::chrono::steady_clock::time_point::max();
    std::mutex mutex;
    size_t next = 0;
    RunEnd end = RunEnd::Ok;
    std::exception_ptr failure;
    auto work = [&] {
        for (;;) {
            size_t i = 0;
            {
                std::lock_guard lock(mutex);
                if (next >= to_make.size() || end != RunEnd::Ok || failure) return;
                i = next++;
            }
            const SearchPart& part = *to_make[i];
            const std::string scratch = staging + "/.samplan-search-" + std::to_string(i);
            const std::string index = staging + "/" + part_folder(part.name);
            RunEnd result = RunEnd::Failed;
            try {
                link_pages(staging, scratch, part.pages);
                result = run_guarded({program, "--site", scratch, "--output-path", index, "--silent"}, deadline);
                std::error_code e;
                if (result == RunEnd::Ok && !fs::is_regular_file(index + "/pagefind-entry.json", e) &&
                    !fs::is_regular_file(index + "/pagefind.js", e))
                    result = RunEnd::Failed;
                if (result == RunEnd::Ok && !part.name.empty())
                    for (const auto& f : fs::directory_iterator(index, e))
                        if (main_index_only(f.path().filename().string())) fs::remove_all(f.path(), e);
            } catch (...) {
                std::error_code e;
                fs::remove_all(scratch, e);
                std::lock_guard lock(mutex);
                if (!failure) failure = std::current_exception();
                return;
            }
            std::error_code e;
            fs::remove_all(scratch, e);
            std::lock_guard lock(mutex);
            if (result != RunEnd::Ok && end == RunEnd::Ok) end = result;
        }
    };
    const size_t threads_wanted = std::min<size_t>(to_make.size(), core_count());
    std::vector<std::thread> threads;
    for (size_t t = 1; t < threads_wanted; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);  // Stopped, or a part's pages could not be linked

    const std::string index = staging + "/pagefind";
    if (end == RunEnd::Ok && fs::is_regular_file(index + "/pagefind.js", ec)) {
        // The other parts, for the search page to merge.
        std::string list = "[";
        for (const auto& part : options.parts)
            if (!part.name.empty()) list += std::string(list.size() > 1 ? "," : "") + "\"parts/" + part.name + "/\"";
        list += "]\n";
        const int fd = ::openat(output.staging_fd(), "pagefind/parts.json", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        const bool listed = fd >= 0 && ::write(fd, list.data(), list.size()) == static_cast<ssize_t>(list.size());
        if (fd >= 0) ::close(fd);
        if (listed) {
            outcome.built = true;
            outcome.parts_made = to_make.size();
            size_t pages = 0;
            for (const auto* part : to_make) pages += part->pages.size();
            if (to_make.empty())
                outcome.message = "search index kept: no searched page changed";
            else
                outcome.message = "search index built with " + binary + " (" + std::to_string(pages) + " pages in " +
                                  std::to_string(to_make.size()) + (to_make.size() == 1 ? " part" : " parts") + ", " +
                                  std::to_string(outcome.parts_kept) + " kept)";
            outcome.stamp = tool_line;
            for (const auto& part : options.parts)
                outcome.stamp += "\n" + part_line(part) + " " +
                                 identity(staging + "/" + part_folder(part.name) + "/pagefind-entry.json");
            return outcome;
        }
        end = RunEnd::Failed;
    }
    fs::remove_all(index, ec);  // what it left, if anything
    outcome.failed = true;
    if (end == RunEnd::TimedOut)
        outcome.message = "search is not built: Pagefind took longer than " + std::to_string(options.time_limit.count()) +
                          " s and was stopped (--search-timeout SECONDS allows more)";
    else if (end == RunEnd::CannotStart)
        outcome.message = "search is not built: cannot start " + binary;
    else
        outcome.message = "search is not built: Pagefind failed (" + binary + ")";
    return outcome;
}

void write_search_stamp(const std::string& stamp_file, const std::string& stamp) {
    std::error_code ec;
    if (stamp.empty()) {
        fs::remove(stamp_file, ec);
        return;
    }
    fs::create_directories(fs::path(stamp_file).parent_path(), ec);
    const std::string tmp = stamp_file + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << stamp << "\n";
        if (!out) {
            fs::remove(tmp, ec);
            return;
        }
    }
    fs::rename(tmp, stamp_file, ec);
    if (ec) fs::remove(tmp, ec);
}

}  // namespace samplan::publish
