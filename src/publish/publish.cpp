// publish/publish.cpp — the output folder (Output in publish.h): the staging folder, its lock and
// those of killed builds, files written or linked from the previous site, the swap, and the
// previous site kept as the next build's staging folder (the spare) with its journal.
#include "publish/publish.h"
#include "publish/relative_path.h"
#include "publish/run_guarded.h"

#include "core/files.h"
#include "core/parallel.h"
#include "core/stop.h"
#include "core/text.h"

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
#include <atomic>
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
// (a file already linked is left as it is), and adds the folders it holds to `folders`; without
// `recursive`, its sub-folders are made, not filled. `to` is spelled `to_path`. Throws when a file
// cannot be linked.
void mirror(int from, int to, const std::string& to_path, const std::string& dir, std::vector<std::string>& folders,
            bool recursive = true) {
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
            if (recursive) mirror(from, to, to_path, rel, folders);
            continue;
        }
        if (there && t.st_ino == f.st_ino && t.st_dev == f.st_dev) continue;
        if (there) remove_entry(to, to_path, rel);
        if (::linkat(from, rel.c_str(), to, rel.c_str(), 0) != 0)
            throw std::runtime_error("cannot link " + rel + ": " + std::strerror(errno));
    }
}

constexpr const char* kJournalHeader = "samplan spare 2";

// A file's line of the journal: "f mode size inode mtime path" (the output's files; `kind` 'o':
// another program's).
void add_journal_line(std::string& to, char kind, std::uint32_t mode, std::int64_t size, std::int64_t inode,
                      std::int64_t mtime_ns, std::string_view path) {
    char number[24];
    auto add_number = [&](std::int64_t n) { to.append(number, std::to_chars(number, number + sizeof number, n).ptr); };
    to += kind;
    to += ' ';
    add_number(mode);
    to += ' ';
    add_number(size);
    to += ' ';
    add_number(inode);
    to += ' ';
    add_number(mtime_ns);
    to += ' ';
    to += path;
    to += '\n';
}

// A table of paths by their hash (open addressing), each an index into the caller's entries,
// looked up by a view: no string is made per entry or per look-up.
class PathTable {
public:
    // Indexes entries 0..n-1, `path_of(i)` being entry i's path; the first of equal paths counts.
    template <class PathOf>
    void build(size_t n, PathOf&& path_of) {
        size_t size = 16;
        while (size < 2 * n) size *= 2;
        slots_.assign(size, 0);
        mask_ = size - 1;
        for (size_t i = 0; i < n; ++i) {
            const std::string_view path = path_of(i);
            size_t at = std::hash<std::string_view>{}(path) & mask_;
            bool there = false;
            for (; slots_[at] != 0 && !there; at = (at + 1) & mask_) there = path_of(slots_[at] - 1) == path;
            if (!there) slots_[at] = static_cast<std::uint32_t>(i + 1);
        }
    }
    // The index of the entry with `path`, or -1.
    template <class PathOf>
    [[nodiscard]] long find(std::string_view path, PathOf&& path_of) const {
        if (slots_.empty()) return -1;
        for (size_t at = std::hash<std::string_view>{}(path) & mask_; slots_[at] != 0; at = (at + 1) & mask_)
            if (path_of(slots_[at] - 1) == path) return static_cast<long>(slots_[at] - 1);
        return -1;
    }

private:
    std::vector<std::uint32_t> slots_;  // entry index + 1; 0: empty
    size_t mask_ = 0;
};

}  // namespace

// The spare's journal, read and trusted: its files and folders (views of the journal's text), each
// marked with what this build did with it. Marks are set by the render threads (atomics: two
// threads may keep pages of one folder at once) and read after they are joined.
struct Output::SpareSite {
    struct File {
        std::string_view path;
        std::uint32_t mode = 0;
        std::int64_t size = 0, inode = 0, mtime_ns = 0;
    };
    struct Folder {
        std::string_view path;
        long parent = -1;  // the folder that holds it; -1: the staging folder itself
        std::int64_t ctime_ns = 0;  // its change time, as the journal has it
    };
    enum : std::uint8_t { kLeft = 0, kKept = 1, kMadeAnew = 2 };
    std::string text;  // the journal
    std::vector<File> files;
    std::vector<Folder> folders;
    // What others made at the top (Pagefind's index), with the folder each file is in, by folder.
    std::vector<std::pair<long, File>> others;
    PathTable file_table, folder_table;
    // Per file: kLeft (commit() removes it), kKept (as the journal describes it), kMadeAnew (written,
    // or a folder now: noted in made_). Per folder: kLeft, kKept (used) or kMadeAnew (a file now).
    std::unique_ptr<std::atomic<std::uint8_t>[]> file_marks, folder_marks;

    [[nodiscard]] long file(std::string_view path) const {
        return file_table.find(path, [this](size_t i) { return files[i].path; });
    }
    [[nodiscard]] long folder(std::string_view path) const {
        return folder_table.find(path, [this](size_t i) { return folders[i].path; });
    }
    // Marks folder `i` and those above it as used.
    void use_folder(long i) const {
        for (std::uint8_t left = kLeft; i >= 0; i = folders[static_cast<size_t>(i)].parent, left = kLeft)
            if (!folder_marks[static_cast<size_t>(i)].compare_exchange_strong(left, kKept, std::memory_order_relaxed)) return;
    }
    void index() {
        file_table.build(files.size(), [this](size_t i) { return files[i].path; });
        folder_table.build(folders.size(), [this](size_t i) { return folders[i].path; });
        for (auto& f : folders) {
            const size_t slash = f.path.rfind('/');
            f.parent = slash == std::string_view::npos ? -1 : folder(f.path.substr(0, slash));
        }
        file_marks = std::make_unique<std::atomic<std::uint8_t>[]>(files.size());
        folder_marks = std::make_unique<std::atomic<std::uint8_t>[]>(folders.size());
        for (auto& [folder_index, f] : others) {
            const size_t slash = f.path.rfind('/');
            folder_index = slash == std::string_view::npos ? -1 : folder(f.path.substr(0, slash));
        }
        std::stable_sort(others.begin(), others.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        for (size_t i = 0; i < folders.size(); ++i) children.emplace_back(folders[i].parent, i);
        std::sort(children.begin(), children.end());
    }
    // The folders in folder `parent`, and the others' files in it (as the journal has them).
    template <class Fn>
    void for_each_child(long parent, Fn&& fn) const {
        const auto [begin, end] = std::equal_range(children.begin(), children.end(), std::make_pair(parent, size_t{0}),
                                                   [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto it = begin; it != end; ++it) fn(folders[it->second].path, true, nullptr);
        const auto [first, last] = std::equal_range(others.begin(), others.end(), std::make_pair(parent, File{}),
                                                    [](const auto& a, const auto& b) { return a.first < b.first; });
        for (auto it = first; it != last; ++it) fn(it->second.path, false, &it->second);
    }
    std::vector<std::pair<long, size_t>> children;  // (parent, folder), sorted
};

void Output::take_spare(std::uint64_t output_state, std::string& doubtful) {
    // The journal describes the spare once: whatever follows, it is gone.
    const std::string journal = spare_ + ".txt";
    auto site = std::make_unique<SpareSite>();
    {
        std::string error;
        if (read_regular_file(journal, static_cast<size_t>(1) << 31, site->text, error) != FileRead::Ok) site->text.clear();
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
    // Its folders' change times, as the journal has them (checked below, once it is all read).
    std::vector<std::pair<std::string_view, std::string_view>> folder_times;
    auto trusted = [&] {
        if (output_state == 0) return false;
        struct stat out {};
        if (previous_fd_ < 0 || ::fstat(previous_fd_, &out) != 0) return false;
        // (Read as views of the text, line by line: some 80,000 lines on a long history.)
        std::string_view rest = site->text, line;
        // Every line ends in a newline (a journal cut short is not read).
        auto next_line = [&] { return rest.find('\n') != std::string_view::npos && samplan::next_line(rest, line); };
        auto next = [&](const std::string& expected) { return next_line() && line == expected; };
        if (!next(kJournalHeader) || !next("program " + program_identity()) ||
            !next("output " + std::to_string(out.st_dev) + " " + std::to_string(out.st_ino)) ||
            !next("spare " + std::to_string(spare.st_dev) + " " + std::to_string(spare.st_ino) + " " +
                  std::to_string(ctime_ns(spare))) ||
            !next("state " + std::to_string(output_state)))
            return false;
        // Room for every line at once (some 80,000 on a long history: no vector grown and copied
        // as they are read).
        size_t lines = 0, folder_lines = 0;
        for (size_t at = 0; (at = rest.find('\n', at)) != std::string_view::npos; ++lines)
            if (++at + 1 < rest.size() && rest[at] == 'd' && rest[at + 1] == ' ') ++folder_lines;
        site->files.reserve(lines - folder_lines);
        site->folders.reserve(folder_lines);
        folder_times.reserve(folder_lines);
        bool ended = false;
        while (!ended && next_line()) {
            if (line == "end") {
                ended = true;
            } else if (line.size() > 2 && (line[0] == 'f' || line[0] == 'o') && line[1] == ' ') {
                // "f mode size inode mtime path": the output's file, as the last build noted it;
                // "o …" the same of a file that another program made (Pagefind).
                SpareSite::File f;
                const char* at = line.data() + 2;
                const char* end = line.data() + line.size();
                auto number = [&](auto& value) {
                    const auto [next, error] = std::from_chars(at, end, value);
                    if (error != std::errc() || next == end || *next != ' ') return false;
                    at = next + 1;
                    return true;
                };
                if (!number(f.mode) || !number(f.size) || !number(f.inode) || !number(f.mtime_ns) || at == end) return false;
                f.path = std::string_view(at, static_cast<size_t>(end - at));
                check_relative(f.path);
                if (line[0] == 'f') site->files.push_back(f);
                else site->others.emplace_back(-1, f);
            } else if (line.size() > 2 && line[0] == 'd' && line[1] == ' ') {
                const size_t space = line.find(' ', 2);
                if (space == std::string_view::npos || space + 1 == line.size()) return false;
                const std::string_view path = line.substr(space + 1);
                check_relative(path);
                site->folders.push_back({path});
                folder_times.emplace_back(path, line.substr(2, space - 2));
            } else {
                return false;
            }
        }
        if (!ended) return false;
        // A folder whose entries changed since (a file added, removed or replaced by hand) has
        // another change time: the spare is not what the journal says. (Looked at on every core:
        // a long history's site has some 16,000 folders.)
        std::atomic<bool> changed{false};
        on_all_cores(folder_times.size(), [&](size_t i) {
            if (changed.load(std::memory_order_relaxed)) return;
            const std::string path(folder_times[i].first);
            struct stat st {};
            std::int64_t recorded = 0;
            const std::string_view time = folder_times[i].second;
            const auto [end, error] = std::from_chars(time.data(), time.data() + time.size(), recorded);
            if (::fstatat(fd, path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) || error != std::errc() ||
                end != time.data() + time.size() || ctime_ns(st) != recorded)
                changed = true;
            site->folders[i].ctime_ns = recorded;
        });
        return !changed.load();
    };
    bool ok = false;
    try {
        ok = trusted();
    } catch (const std::exception&) {
        ok = false;
    }
    if (!ok) {
        ::close(fd);
        doubtful = name;
        return;
    }
    site->index();
    spare_site_ = std::move(site);
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
    if (spare_site_) {
        // What the spare had at this path is described here now: not removed, not noted twice.
        if (const long f = spare_site_->file(made.path); f >= 0)
            spare_site_->file_marks[static_cast<size_t>(f)].store(SpareSite::kMadeAnew, std::memory_order_relaxed);
        if (const long d = spare_site_->folder(made.path); d >= 0) {
            if (made.folder) spare_site_->use_folder(d);
            else spare_site_->folder_marks[static_cast<size_t>(d)].store(SpareSite::kMadeAnew, std::memory_order_relaxed);
        }
    }
    std::lock_guard lock(made_mutex_);
    made_.add(made.path, std::string_view(bytes, sizeof bytes));
}

void Output::for_each_made(const std::function<void(const MadeView&)>& fn) const {
    std::lock_guard lock(made_mutex_);
    if (spare_site_) {
        // The spare's folders and files that this build kept, as the journal describes them.
        const SpareSite& site = *spare_site_;
        for (size_t i = 0; i < site.folders.size(); ++i)
            if (site.folder_marks[i].load(std::memory_order_relaxed) == SpareSite::kKept) {
                MadeView m;  // (a folder's own description does not count, only its name)
                m.path = site.folders[i].path;
                m.folder = true;
                m.mode = S_IFDIR | 0755;
                fn(m);
            }
        for (size_t i = 0; i < site.files.size(); ++i)
            if (site.file_marks[i].load(std::memory_order_relaxed) == SpareSite::kKept) {
                const auto& f = site.files[i];
                fn(MadeView{f.path, false, f.mode, f.size, f.inode, f.mtime_ns});
            }
    }
    made_.for_each([&fn](std::string_view path, std::string_view bytes) {
        MadeView m;
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
        fn(m);
    });
}

std::vector<Made> Output::made() const {
    std::vector<Made> all;
    for_each_made([&all](const MadeView& v) { all.push_back(Made{std::string(v.path), v.folder, v.mode, v.size, v.inode, v.mtime_ns}); });
    return all;
}

std::int64_t Output::inode() const {
    struct stat st {};
    return ::fstat(staging_fd_, &st) == 0 ? static_cast<std::int64_t>(st.st_ino) : 0;
}

void Output::make_folder(const std::string& dir) const {
    if (spare_site_ && !dir.empty()) {
        // The spare's, there already (its journal said so, its change time too): marked as used,
        // with the folders above it.
        const long d = spare_site_->folder(dir);
        if (d >= 0 && spare_site_->folder_marks[static_cast<size_t>(d)].load(std::memory_order_relaxed) != SpareSite::kMadeAnew) {
            spare_site_->use_folder(d);
            return;
        }
    }
    {
        std::lock_guard lock(folders_mutex_);
        if (folders_.count(dir)) return;
    }
    make_folder(folder_of(dir));
    // One thread at a time, so that each folder is noted once.
    std::lock_guard lock(folders_mutex_);
    if (folders_.count(dir)) return;
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
    if (spare_site_) {
        // The spare's file is the output's, as the journal describes it: nothing to look up, only
        // marked as kept (no lock, no string made: a rebuild keeps most of the site this way).
        const SpareSite& site = *spare_site_;
        if (const long f = site.file(path); f >= 0 && S_ISREG(static_cast<mode_t>(site.files[static_cast<size_t>(f)].mode))) {
            const size_t slash = path.rfind('/');
            const long d = slash == std::string::npos ? -1 : site.folder(std::string_view(path).substr(0, slash));
            if (d >= 0) site.use_folder(d);
            else make_folder(folder_of(path));
            std::uint8_t left = SpareSite::kLeft;
            site.file_marks[static_cast<size_t>(f)].compare_exchange_strong(left, SpareSite::kKept, std::memory_order_relaxed);
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

void Output::find_others() {
    others_.clear();
    others_read_.clear();
    std::unordered_set<std::string> ours;  // the names at the top that this build made
    for_each_made([&ours](const MadeView& m) {
        if (m.path.find('/') == std::string_view::npos) ours.emplace(m.path);
    });
    auto described = [](const std::string& path, const struct stat& st) {
        return Made{path, S_ISDIR(st.st_mode), static_cast<std::uint32_t>(st.st_mode), static_cast<std::int64_t>(st.st_size),
                    static_cast<std::int64_t>(st.st_ino),
                    static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
    };
    // A folder of others, and what it holds.
    auto visit = [&](auto& self, const std::string& path, const struct stat& st) -> void {
        others_.push_back(described(path, st));
        const long d = spare_site_ ? spare_site_->folder(path) : -1;
        if (d >= 0 && spare_site_->folders[static_cast<size_t>(d)].ctime_ns == ctime_ns(st)) {
            // As the journal has it: the same entries (a file added, removed or replaced would
            // have changed the folder's time), the same files (never written over).
            spare_site_->for_each_child(d, [&](std::string_view child, bool folder, const SpareSite::File* f) {
                if (!folder) {
                    others_.push_back(Made{std::string(child), false, f->mode, f->size, f->inode, f->mtime_ns});
                    return;
                }
                struct stat sub {};
                const std::string sub_path(child);
                if (::fstatat(staging_fd_, sub_path.c_str(), &sub, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sub.st_mode))
                    self(self, sub_path, sub);
            });
            return;
        }
        others_read_.push_back(path);
        for (const auto& [name, type] : names_in(staging_fd_, path)) {
            const std::string child = path + "/" + name;
            struct stat sub {};
            if (::fstatat(staging_fd_, child.c_str(), &sub, AT_SYMLINK_NOFOLLOW) != 0) continue;
            if (S_ISDIR(sub.st_mode)) self(self, child, sub);
            else others_.push_back(described(child, sub));
        }
    };
    for (const auto& [name, type] : names_in(staging_fd_, "")) {
        if (ours.count(name) || name[0] == '.' || name == "node_modules") continue;  // (not in the output's digest)
        struct stat st {};
        if (::fstatat(staging_fd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (S_ISDIR(st.st_mode)) visit(visit, name, st);
        else others_.push_back(described(name, st));
    }
}

void Output::for_each_other(const std::function<void(const MadeView&)>& fn) const {
    for (const auto& m : others_) fn(MadeView{m.path, m.folder, m.mode, m.size, m.inode, m.mtime_ns});
}

void Output::commit() {
    throw_if_stopped();
    std::error_code ec;
    if (spare_site_) {
        // What the spare held that this build did not make goes (pages of a removed record, …).
        const SpareSite& site = *spare_site_;
        for (size_t i = 0; i < site.files.size(); ++i)
            if (site.file_marks[i].load(std::memory_order_relaxed) == SpareSite::kLeft) {
                const std::string f(site.files[i].path);
                remove_entry(staging_fd_, staging_, f);
                removed_files_.push_back(f);
            }
        std::vector<std::string_view> unused;
        for (size_t i = 0; i < site.folders.size(); ++i) {
            const std::string_view d = site.folders[i].path;
            if (site.folder_marks[i].load(std::memory_order_relaxed) == SpareSite::kLeft && d != "pagefind" &&
                d.rfind("pagefind/", 0) != 0)
                unused.push_back(d);
        }
        std::sort(unused.rbegin(), unused.rend());  // a folder's sub-folders before it
        for (const auto& d : unused) {
            fs::remove_all(fs::path(staging_) / d, ec);
            removed_folders_.emplace_back(d);
        }
        if (!search_done_) fs::remove_all(fs::path(staging_) / "pagefind", ec);
    }
    find_others();
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

std::string Output::made_file_lines() const {
    std::string lines;
    lines.reserve((kept_ + written_) * 100);
    // A file kept from the spare is described by its journal's line (its path is a view of
    // that text, the rest of the line before it), copied as it is.
    const std::string_view kept_text = spare_site_ ? std::string_view(spare_site_->text) : std::string_view();
    for_each_made([&](const MadeView& m) {
        if (m.folder) return;
        if (!kept_text.empty() && m.path.data() > kept_text.data() && m.path.data() + m.path.size() < kept_text.data() + kept_text.size()) {
            const size_t end = static_cast<size_t>(m.path.data() - kept_text.data()) + m.path.size();
            const size_t begin = kept_text.rfind('\n', end - m.path.size()) + 1;  // (the header lines come first)
            lines.append(kept_text.substr(begin, end + 1 - begin));
            return;
        }
        add_journal_line(lines, 'f', m.mode, m.size, m.inode, m.mtime_ns, m.path);
    });
    return lines;
}

void Output::prepare_journal() const noexcept {
    if (spare_.empty() || committed_) return;
    try {
        auto prepared = std::make_unique<Prepared>();
        prepared->written = written_;
        prepared->kept = kept_;
        {
            std::lock_guard lock(made_mutex_);
            prepared->made = made_.size();
        }
        prepared->lines = made_file_lines();
        std::lock_guard lock(made_mutex_);
        prepared_ = std::move(prepared);
    } catch (const std::exception&) {  // (keep_spare() makes the lines itself)
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
        // (No more is made from here on.)
        size_t folder_count = 0;
        for_each_made([&folder_count](const MadeView& m) { folder_count += m.folder ? 1 : 0; });
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

            // The search index, which Pagefind made: its folders that were read from the disk
            // (changed since the journal, or new: find_others()) compared file by file, each
            // without its sub-folders (those that changed are among them); the others are the
            // same in both sites.
            struct stat index {};
            if (::fstatat(staging_fd_, "pagefind", &index, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(index.st_mode)) {
                struct stat there {};
                if (::fstatat(old_fd, "pagefind", &there, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(there.st_mode)) {
                    remove_entry(old_fd, old_path, "pagefind");
                    if (::mkdirat(old_fd, "pagefind", 0755) != 0) throw std::runtime_error("cannot create pagefind");
                }
                std::vector<std::string> read = others_read_;
                std::sort(read.begin(), read.end());  // a folder before its sub-folders
                for (const auto& d : read)
                    if (d == "pagefind" || d.rfind("pagefind/", 0) == 0) mirror(staging_fd_, old_fd, old_path, d, folders, false);
                folders.clear();
                for (const auto& m : others_)
                    if (m.folder && (m.path == "pagefind" || m.path.rfind("pagefind/", 0) == 0)) folders.push_back(m.path);
            } else {
                remove_entry(old_fd, old_path, "pagefind");
            }
            folders.reserve(folders.size() + folder_count);
            for_each_made([&folders](const MadeView& m) {
                if (m.folder) folders.emplace_back(m.path);
            });
        }
        // The folders' change times, now that nothing more changes in them.
        std::string text = std::string(kJournalHeader) + "\nprogram " + program_identity() + "\n";
        struct stat out {};
        if (::fstat(staging_fd_, &out) != 0) throw std::runtime_error("cannot read the output folder");
        text += "output " + std::to_string(out.st_dev) + " " + std::to_string(out.st_ino) + "\n";
        // (Some 16,000 folders on a long history: looked at on every core.)
        std::vector<std::int64_t> times(folders.size());
        std::atomic<bool> unread{false};
        on_all_cores(folders.size(), [&](size_t i) {
            struct stat st {};
            if (::fstatat(old_fd, folders[i].c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) unread = true;
            else times[i] = ctime_ns(st);
        });
        if (unread) throw std::runtime_error("cannot read a folder of the previous site");
        char number[24];
        auto add_number = [&number](std::string& to, std::int64_t n) {
            to.append(number, std::to_chars(number, number + sizeof number, n).ptr);
        };
        std::string folder_lines;
        for (size_t i = 0; i < folders.size(); ++i) {
            folder_lines += "d ";
            add_number(folder_lines, times[i]);
            folder_lines += ' ';
            folder_lines += folders[i];
            folder_lines += '\n';
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
        // The files made (prepare_journal() may have written their lines while Pagefind ran).
        std::string made_lines;
        {
            std::lock_guard lock(made_mutex_);
            if (prepared_ && prepared_->written == written_ && prepared_->kept == kept_ && prepared_->made == made_.size())
                made_lines = std::move(prepared_->lines);
        }
        if (made_lines.empty()) made_lines = made_file_lines();
        prepared_.reset();
        text.reserve(text.size() + made_lines.size() + others_.size() * 100 + folder_lines.size() + 8);
        text += made_lines;
        std::string().swap(made_lines);
        // "o …": another program's files (as "f" lines, made_file_lines()).
        for (const auto& m : others_)
            if (!m.folder) add_journal_line(text, 'o', m.mode, m.size, m.inode, m.mtime_ns, m.path);
        text += folder_lines;
        text += "end\n";
        if (!replace_file(journal, text)) throw std::runtime_error("cannot write " + journal);
        ::close(old_fd);
    } catch (const std::exception&) {
        ::unlink(journal.c_str());
        if (old_fd >= 0) ::close(old_fd);
        if (!old_path.empty()) remove_in_background(old_path);
    }
}

}  // namespace samplan::publish
