// publish/publish.cpp — the output folder (Output in publish.h): the staging folder, its lock and
// those of killed builds, files written or linked from the previous site, the swap, and the
// previous site kept as the next build's staging folder (the spare) with its journal.
#include "publish/publish.h"
#include "publish/relative_path.h"
#include "publish/run_guarded.h"

#include "core/files.h"
#include "core/stop.h"

#include <dirent.h>
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
#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unordered_set>
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

std::int64_t ctime_ns(const struct stat& st) {
    return static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec;
}

std::string joined(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

// Removes the entry `rel` of the folder open as `fd` (spelled `base`): a file's name only (the
// file itself lives on where it is linked), a folder with everything in it. Nothing when missing.
void remove_entry(int fd, const std::string& base, const std::string& rel) {
    if (::unlinkat(fd, rel.c_str(), 0) == 0 || errno == ENOENT) return;
    std::error_code ec;
    fs::remove_all(fs::path(base) / rel, ec);
}

// The names in the folder `dir` (relative to `root`; "" is `root` itself). Throws when it cannot
// be read.
std::map<std::string, unsigned char> names_in(int root, const std::string& dir) {
    const int fd = ::openat(root, dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot open " + dir + ": " + std::strerror(errno));
    DIR* d = ::fdopendir(fd);
    if (!d) {
        ::close(fd);
        throw std::runtime_error("cannot read " + dir);
    }
    std::map<std::string, unsigned char> names;
    while (const dirent* e = ::readdir(d)) {
        const std::string name = e->d_name;
        if (name != "." && name != "..") names.emplace(name, e->d_type);
    }
    ::closedir(d);
    return names;
}

// Makes the folder `dir` under `to` hold what it holds under `from`, hard links to the very files
// (a file already linked is left as it is), and adds the folders it holds to `folders`. `to` is
// spelled `to_path`. Throws when a file cannot be linked.
void mirror(int from, int to, const std::string& to_path, const std::string& dir, std::vector<std::string>& folders) {
    const auto from_names = names_in(from, dir), to_names = names_in(to, dir);
    for (const auto& entry : to_names)
        if (!from_names.count(entry.first)) remove_entry(to, to_path, joined(dir, entry.first));
    for (const auto& entry : from_names) {
        const std::string rel = joined(dir, entry.first);
        struct stat f {}, t {};
        if (::fstatat(from, rel.c_str(), &f, AT_SYMLINK_NOFOLLOW) != 0)
            throw std::runtime_error("cannot read " + rel + ": " + std::strerror(errno));
        bool there = to_names.count(entry.first) && ::fstatat(to, rel.c_str(), &t, AT_SYMLINK_NOFOLLOW) == 0;
        if (S_ISDIR(f.st_mode)) {
            if (there && !S_ISDIR(t.st_mode)) {
                remove_entry(to, to_path, rel);
                there = false;
            }
            if (!there && ::mkdirat(to, rel.c_str(), 0755) != 0)
                throw std::runtime_error("cannot create " + rel + ": " + std::strerror(errno));
            folders.push_back(rel);
            mirror(from, to, to_path, rel, folders);
            continue;
        }
        if (there && t.st_ino == f.st_ino && t.st_dev == f.st_dev) continue;
        if (there) remove_entry(to, to_path, rel);
        if (::linkat(from, rel.c_str(), to, rel.c_str(), 0) != 0)
            throw std::runtime_error("cannot link " + rel + ": " + std::strerror(errno));
    }
}

constexpr const char* kJournalHeader = "samplan spare 1";

}  // namespace

void Output::take_spare(std::uint64_t output_state, std::string& doubtful) {
    // The journal describes the spare once: whatever follows, it is gone.
    const std::string journal = spare_ + ".txt";
    std::string text;
    {
        std::ifstream in(journal, std::ios::binary);
        std::stringstream all;
        all << in.rdbuf();
        text = all.str();
    }
    ::unlink(journal.c_str());
    struct stat spare {};
    if (::lstat(spare_.c_str(), &spare) != 0 || !S_ISDIR(spare.st_mode)) return;
    // Out of its place under a staging folder's name: no other build can take it now, and a build
    // killed from here on leaves it to the next build to remove, as any staging folder.
    std::string name;
    for (int attempt = 0; attempt < 100 && name.empty(); ++attempt) {
        name = output_ + ".tmp-" + std::to_string(::getpid()) + "-" + random_hex();
        struct stat there {};
        if (::lstat(name.c_str(), &there) == 0) name.clear();
    }
    if (name.empty() || ::rename(spare_.c_str(), name.c_str()) != 0) return;
    const int fd = ::open(name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        doubtful = name;
        return;
    }
    ::flock(fd, LOCK_EX | LOCK_NB);
    auto trusted = [&] {
        if (output_state == 0) return false;
        struct stat out {};
        if (previous_fd_ < 0 || ::fstat(previous_fd_, &out) != 0) return false;
        std::istringstream lines(text);
        std::string line;
        auto next = [&](const std::string& expected) { return std::getline(lines, line) && line == expected; };
        if (!next(kJournalHeader) || !next("program " + program_identity()) ||
            !next("output " + std::to_string(out.st_dev) + " " + std::to_string(out.st_ino)) ||
            !next("spare " + std::to_string(spare.st_dev) + " " + std::to_string(spare.st_ino) + " " +
                  std::to_string(ctime_ns(spare))) ||
            !next("state " + std::to_string(output_state)))
            return false;
        bool ended = false;
        while (!ended && std::getline(lines, line)) {
            if (line == "end") {
                ended = true;
            } else if (line.rfind("f ", 0) == 0) {
                // "f mode size inode mtime path": the output's file, as the last build noted it.
                Made m;
                const char* at = line.data() + 2;
                const char* end = line.data() + line.size();
                auto number = [&](auto& value) {
                    const auto [next, error] = std::from_chars(at, end, value);
                    if (error != std::errc() || next == end || *next != ' ') return false;
                    at = next + 1;
                    return true;
                };
                if (!number(m.mode) || !number(m.size) || !number(m.inode) || !number(m.mtime_ns) || at == end) return false;
                m.path.assign(at, end);
                check_relative(m.path);
                spare_files_.emplace(m.path, m);
            } else if (line.rfind("d ", 0) == 0) {
                // A folder whose entries changed since (a file added, removed or replaced by hand)
                // has another change time: the spare is not what the journal says.
                const size_t space = line.find(' ', 2);
                if (space == std::string::npos) return false;
                const std::string path = line.substr(space + 1);
                check_relative(path);
                struct stat st {};
                if (::fstatat(fd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
                    std::to_string(ctime_ns(st)) != line.substr(2, space - 2))
                    return false;
                spare_folders_.push_back(path);
                spare_folder_set_.insert(path);
            } else {
                return false;
            }
        }
        return ended;
    };
    bool ok = false;
    try {
        ok = trusted();
    } catch (const std::exception&) {
        ok = false;
    }
    if (!ok) {
        spare_files_.clear();
        spare_folders_.clear();
        spare_folder_set_.clear();
        ::close(fd);
        doubtful = name;
        return;
    }
    staging_ = name;
    staging_fd_ = fd;
    reused_ = true;
}

Output::Output(std::string output_dir, Spare spare) : output_(std::move(output_dir)), spare_(std::move(spare.folder)) {
    throw_if_stopped();
    while (output_.size() > 1 && output_.back() == '/') output_.pop_back();
    while (spare_.size() > 1 && spare_.back() == '/') spare_.pop_back();
    std::vector<Abandoned> abandoned;
    std::string doubtful;  // a spare that cannot be trusted, under a staging folder's name
    {
        const Parent parent(output_);
        abandoned = take_abandoned(parent, output_);
        // The previous site, open before the spare is looked at: the spare is taken only when its
        // journal names this very folder.
        previous_fd_ = ::open(output_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (!spare_.empty()) take_spare(spare.output_state, doubtful);
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
    if (!doubtful.empty()) remove_in_background(doubtful);
    folders_.insert("");
}

Output::~Output() {
    if (previous_fd_ >= 0) ::close(previous_fd_);
    if (old_fd_ >= 0) ::close(old_fd_);
    if (committed_ && exchanged_ && !parked_) remove_in_background(staging_);  // the previous site, not kept
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
    note(m);
}

void Output::note(const Made& made) const {
    // The rest of the Made, as bytes beside its path.
    char bytes[sizeof(std::uint32_t) + 3 * sizeof(std::int64_t) + 1];
    char* at = bytes;
    auto put = [&at](const auto& value) {
        std::memcpy(at, &value, sizeof value);
        at += sizeof value;
    };
    put(made.mode);
    put(made.size);
    put(made.inode);
    put(made.mtime_ns);
    put(made.folder);
    std::lock_guard lock(made_mutex_);
    made_.add(made.path, std::string_view(bytes, sizeof bytes));
}

std::vector<Made> Output::made() const {
    std::lock_guard lock(made_mutex_);
    std::vector<Made> all;
    all.reserve(made_.size());
    made_.for_each([&all](std::string_view path, std::string_view bytes) {
        Made m;
        m.path = path;
        const char* at = bytes.data();
        auto get = [&at](auto& value) {
            std::memcpy(&value, at, sizeof value);
            at += sizeof value;
        };
        get(m.mode);
        get(m.size);
        get(m.inode);
        get(m.mtime_ns);
        get(m.folder);
        all.push_back(std::move(m));
    });
    return all;
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
    // One thread at a time, so that each folder is noted once (a spare staging folder has most
    // of them already: they are noted as they are).
    std::lock_guard lock(folders_mutex_);
    if (folders_.count(dir)) return;
    if (spare_folder_set_.count(dir)) {
        // The spare's, there already (its journal said so, its change time too): only its name
        // counts in the output's digest.
        Made m;
        m.path = dir;
        m.folder = true;
        m.mode = S_IFDIR | 0755;
        note(m);
        folders_.insert(dir);
        return;
    }
    if (::mkdirat(staging_fd_, dir.c_str(), 0755) == 0) {
        note(dir, -1);
        if (reused_) created_folders_.push_back(dir);
    } else if (errno == EEXIST) {
        struct stat st {};
        if (::fstatat(staging_fd_, dir.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
            note(dir, st);
        } else {  // a file of the previous site where this one has a folder
            remove_entry(staging_fd_, staging_, dir);
            if (::mkdirat(staging_fd_, dir.c_str(), 0755) != 0) return;  // the write that follows reports it
            note(dir, -1);
            if (reused_) created_folders_.push_back(dir);
        }
    } else {
        return;  // the write that follows reports it
    }
    folders_.insert(dir);
}

// When the previous site has the same bytes at `path`, the new site gets that very file (a hard
// link): unchanged files keep their modification time, so deployment by rsync copies only what
// changed, and nothing is written twice.
// (A spare staging folder holds the previous site's files already: they are looked at there, and
// stay.)
bool Output::reuse(const std::string& path, const std::string& content) const {
    const int previous = reused_ ? staging_fd_ : previous_fd_;
    if (previous < 0) return false;
    struct stat st {};
    if (::fstatat(previous, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode) ||
        static_cast<size_t>(st.st_size) != content.size())
        return false;
    std::string text, error;
    if (read_regular_file_at(previous, path, content.size(), text, error, true) != FileRead::Ok || text != content)
        return false;
    make_folder(folder_of(path));
    if (!reused_ && ::linkat(previous_fd_, path.c_str(), staging_fd_, path.c_str(), 0) != 0) return false;
    note(path, st);
    return true;
}

bool Output::keep(const std::string& path) const {
    check_relative(path);
    if (reused_) {
        // The spare's file is the output's, as the journal describes it: nothing to look up.
        const auto it = spare_files_.find(path);
        if (it != spare_files_.end() && S_ISREG(static_cast<mode_t>(it->second.mode))) {
            make_folder(folder_of(path));
            note(it->second);
            ++kept_;
            return true;
        }
    }
    const int previous = reused_ ? staging_fd_ : previous_fd_;
    struct stat st {};
    if (previous < 0 || ::fstatat(previous, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return false;
    make_folder(folder_of(path));
    if (!reused_ && ::linkat(previous_fd_, path.c_str(), staging_fd_, path.c_str(), 0) != 0) return false;
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
    // A spare's file is the output's too (a hard link): never written over, a new file instead.
    if (reused_) remove_entry(staging_fd_, staging_, path);
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
    if (reused_) {
        std::lock_guard lock(made_mutex_);
        written_paths_.push_back(path);
    }
}

void Output::commit() {
    throw_if_stopped();
    std::error_code ec;
    if (reused_) {
        // What the spare held that this build did not make goes (pages of a removed record, …).
        std::unordered_set<std::string> made_paths;
        {
            std::lock_guard lock(made_mutex_);
            made_paths.reserve(made_.size());
            made_.for_each([&made_paths](std::string_view path, std::string_view) { made_paths.emplace(path); });
        }
        for (const auto& [f, described] : spare_files_)
            if (!made_paths.count(f)) {
                remove_entry(staging_fd_, staging_, f);
                removed_files_.push_back(f);
            }
        std::sort(spare_folders_.rbegin(), spare_folders_.rend());  // a folder's sub-folders before it
        for (const auto& d : spare_folders_)
            if (!made_paths.count(d) && d != "pagefind" && d.rfind("pagefind/", 0) != 0) {
                fs::remove_all(fs::path(staging_) / d, ec);
                removed_folders_.push_back(d);
            }
        if (!search_done_) fs::remove_all(fs::path(staging_) / "pagefind", ec);
    }
    if (fs::exists(output_, ec)) {
        // Exchange both names in one step, so that there is never a moment without a complete site.
        if (::renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, output_.c_str(), RENAME_EXCHANGE) != 0)
            throw std::runtime_error("cannot replace " + output_ + ": " + std::strerror(errno));
        committed_ = true;
        exchanged_ = true;
        if (spare_.empty()) {
            parked_ = true;
            remove_in_background(staging_);  // now the previous site
            return;
        }
        // Now the previous site: held, so that no other build takes it for a killed build's. It is
        // the folder this build started from, unless another build swapped its site in meanwhile.
        old_fd_ = ::open(staging_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (old_fd_ >= 0) ::flock(old_fd_, LOCK_EX | LOCK_NB);
        struct stat old {}, previous {};
        old_known_ = old_fd_ >= 0 && previous_fd_ >= 0 && ::fstat(old_fd_, &old) == 0 &&
                     ::fstat(previous_fd_, &previous) == 0 && old.st_ino == previous.st_ino && old.st_dev == previous.st_dev;
    } else {
        if (::rename(staging_.c_str(), output_.c_str()) != 0)
            throw std::runtime_error("cannot create " + output_ + ": " + std::strerror(errno));
        committed_ = true;
    }
}

void Output::keep_spare(std::uint64_t output_state) noexcept {
    if (!committed_ || spare_.empty() || parked_) return;
    parked_ = true;
    const std::string journal = spare_ + ".txt";
    std::string old_path;
    int old_fd = -1;
    try {
        std::error_code ec;
        ::unlink(journal.c_str());
        bool whole = !reused_;  // the previous site, unknown: compared file by file
        if (exchanged_) {
            old_path = staging_;
            old_fd = old_fd_;
            old_fd_ = -1;
            // Another build's site (two builds at once): not the one this build's changes apply to.
            if (!old_known_) throw std::runtime_error("another build's site");
        }
        if (fs::exists(fs::symlink_status(spare_, ec))) throw std::runtime_error("another build's spare is there");
        fs::create_directories(fs::path(spare_).parent_path(), ec);
        const std::vector<Made> site = made();  // (no more is made from here on)
        size_t folder_count = 0;
        for (const auto& m : site) folder_count += m.folder ? 1 : 0;
        if (exchanged_ && written_ > kept_ + folder_count) {
            // Most files are new (a full build): the previous site is removed in the background,
            // and the spare made anew, a link per file and a folder made per folder, rather than
            // each of its files replaced here (an unlink and a link).
            ::close(old_fd);
            old_fd = -1;
            remove_in_background(old_path);
            old_path.clear();
        }
        if (old_path.empty()) {
            // The first build, or most files new: the spare is made, all links.
            whole = true;
            old_path = output_ + ".tmp-" + std::to_string(::getpid()) + "-" + random_hex();
            if (::mkdir(old_path.c_str(), 0777) != 0) throw std::runtime_error("cannot create " + old_path);
            old_fd = ::open(old_path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (old_fd < 0) throw std::runtime_error("cannot open " + old_path);
            ::flock(old_fd, LOCK_EX | LOCK_NB);
        }
        if (old_fd < 0) throw std::runtime_error("the previous site is not open");
        // Its folders, but the top.
        std::vector<std::string> folders;
        if (whole) {
            mirror(staging_fd_, old_fd, old_path, "", folders);
        } else {
            // What this build changed, done the same way to the previous site.
            std::sort(created_folders_.begin(), created_folders_.end());  // a folder before its sub-folders
            for (const auto& d : created_folders_)
                if (::mkdirat(old_fd, d.c_str(), 0755) != 0) {
                    struct stat st {};
                    if (errno != EEXIST || ::fstatat(old_fd, d.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
                        remove_entry(old_fd, old_path, d);
                        if (::mkdirat(old_fd, d.c_str(), 0755) != 0) throw std::runtime_error("cannot create " + d);
                    }
                }
            for (const auto& p : written_paths_) {
                remove_entry(old_fd, old_path, p);
                if (::linkat(staging_fd_, p.c_str(), old_fd, p.c_str(), 0) != 0)
                    throw std::runtime_error("cannot link " + p + ": " + std::strerror(errno));
            }
            for (const auto& f : removed_files_) remove_entry(old_fd, old_path, f);
            for (const auto& d : removed_folders_) fs::remove_all(fs::path(old_path) / d, ec);
            for (const auto& m : site)
                if (m.folder) folders.push_back(m.path);
            // The search index, which Pagefind made: compared file by file.
            struct stat index {};
            if (::fstatat(staging_fd_, "pagefind", &index, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(index.st_mode)) {
                struct stat there {};
                if (::fstatat(old_fd, "pagefind", &there, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(there.st_mode)) {
                    remove_entry(old_fd, old_path, "pagefind");
                    if (::mkdirat(old_fd, "pagefind", 0755) != 0) throw std::runtime_error("cannot create pagefind");
                }
                folders.push_back("pagefind");
                mirror(staging_fd_, old_fd, old_path, "pagefind", folders);
            } else {
                remove_entry(old_fd, old_path, "pagefind");
            }
        }
        // The folders' change times, now that nothing more changes in them.
        std::string text = std::string(kJournalHeader) + "\nprogram " + program_identity() + "\n";
        struct stat out {};
        if (::fstat(staging_fd_, &out) != 0) throw std::runtime_error("cannot read the output folder");
        text += "output " + std::to_string(out.st_dev) + " " + std::to_string(out.st_ino) + "\n";
        std::string folder_lines;
        for (const auto& d : folders) {
            struct stat st {};
            if (::fstatat(old_fd, d.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) throw std::runtime_error("cannot read " + d);
            folder_lines += "d " + std::to_string(ctime_ns(st)) + " " + d + "\n";
        }
        {
            const Parent parent(output_);
            if (fs::exists(fs::symlink_status(spare_, ec))) throw std::runtime_error("another build's spare is there");
            if (::rename(old_path.c_str(), spare_.c_str()) != 0)
                throw std::runtime_error("cannot move " + old_path + ": " + std::strerror(errno));
        }
        old_path = spare_;
        struct stat spare {};
        if (::fstat(old_fd, &spare) != 0) throw std::runtime_error("cannot read the spare");
        text += "spare " + std::to_string(spare.st_dev) + " " + std::to_string(spare.st_ino) + " " +
                std::to_string(ctime_ns(spare)) + "\nstate " + std::to_string(output_state) + "\n";
        for (const auto& m : site)
            if (!m.folder)
                text += "f " + std::to_string(m.mode) + " " + std::to_string(m.size) + " " + std::to_string(m.inode) + " " +
                        std::to_string(m.mtime_ns) + " " + m.path + "\n";
        text += folder_lines + "end\n";
        if (!replace_file(journal, text)) throw std::runtime_error("cannot write " + journal);
        ::close(old_fd);
    } catch (const std::exception&) {
        ::unlink(journal.c_str());
        if (old_fd >= 0) ::close(old_fd);
        if (!old_path.empty()) remove_in_background(old_path);
    }
}

}  // namespace samplan::publish
