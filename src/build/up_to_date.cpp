#include "build/up_to_date.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <unordered_map>
#include <sstream>
#include <vector>

#include "core/digest.h"
#include "core/files.h"
#include "core/parallel.h"
#include "history/history.h"

namespace samplan::build {
namespace fs = std::filesystem;
namespace {

// Whether a name is left out of the walk: hidden entries (.git, .samplan-cache, editors' files)
// and node_modules are not content; without this, a content folder at the top of a repository
// would never be up to date.
bool left_out(std::string_view name) { return name.empty() || name[0] == '.' || name == "node_modules"; }

std::string trimmed(std::string path) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    return path;
}

// The names in the open folder `dir` (not "." and ".."), each with its type where the file system
// tells it (DT_UNKNOWN where not).
std::vector<std::pair<std::string, unsigned char>> list_folder(int dir) {
    std::vector<std::pair<std::string, unsigned char>> names;
    alignas(8) char buffer[32768];
    for (ssize_t n; (n = ::getdents64(dir, buffer, sizeof buffer)) > 0;)
        for (ssize_t at = 0; at < n;) {
            const auto* e = reinterpret_cast<const dirent64*>(buffer + at);
            at += e->d_reclen;
            const std::string_view name(e->d_name);
            if (name != "." && name != "..") names.emplace_back(name, e->d_type);
        }
    return names;
}

// Adds every entry of the folder open as `dir` and below it (names sorted, so that the order of a
// directory does not matter) with its type, and for a file its size, inode, modification time
// and change time (which no one can set: a file overwritten in place with its old size and
// modification time, as cp -p does, still shows), read relative to the open folder (no path walk
// per file). `path` spells the folder as `root` began. `snapshot`: what the walk saw, for the
// build's disk source (content/source.h).
void add_folder(Digest& digest, int dir, const std::string& path, std::size_t root_size, const std::string& skip,
                std::int64_t& newest, content::DiskSnapshot* snapshot) {
    auto names = list_folder(dir);
    std::sort(names.begin(), names.end());
    std::vector<content::DirEntry>* listed = nullptr;
    std::string relative;  // the folder's path in the snapshot
    if (snapshot) {
        relative = path.size() > root_size ? path.substr(root_size + 1) : std::string();
        listed = &snapshot->folders[relative];
        listed->reserve(names.size());
    }
    // An entry the walk does not look at: the listing's type, or Missing (ask the disk).
    auto note = [&](const std::string& name, content::EntryKind kind) {
        if (listed) listed->push_back({name, kind});
    };
    auto listed_kind = [](unsigned char type) {
        return type == DT_REG ? content::EntryKind::File
               : type == DT_DIR ? content::EntryKind::Directory
               : type == DT_UNKNOWN || type == DT_LNK ? content::EntryKind::Missing
                                                      : content::EntryKind::Other;
    };
    for (const auto& [name, type] : names) {
        if (left_out(name)) {
            note(name, listed_kind(type));
            continue;
        }
        const std::string child = path + "/" + name;
        if (!skip.empty() && (child == skip || child.rfind(skip + ".tmp-", 0) == 0)) {
            note(name, listed_kind(type));
            continue;
        }
        struct stat st {};
        if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
            note(name, content::EntryKind::Missing);
            continue;
        }
        note(name, S_ISREG(st.st_mode)   ? content::EntryKind::File
                   : S_ISDIR(st.st_mode) ? content::EntryKind::Directory
                   : S_ISLNK(st.st_mode) ? content::EntryKind::Missing
                                         : content::EntryKind::Other);
        digest.add(std::string_view(child).substr(root_size));
        digest.add_bits(static_cast<std::uint64_t>(st.st_mode));
        if (S_ISDIR(st.st_mode)) {  // a folder's times change with its entries, which are listed
            const int sub = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) continue;
            add_folder(digest, sub, child, root_size, skip, newest, snapshot);
            ::close(sub);
            continue;
        }
        digest.add_bits(static_cast<std::uint64_t>(st.st_size));
        digest.add_bits(static_cast<std::uint64_t>(st.st_ino));
        digest.add_bits(static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + static_cast<std::uint64_t>(st.st_mtim.tv_nsec));
        digest.add_bits(static_cast<std::uint64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + static_cast<std::uint64_t>(st.st_ctim.tv_nsec));
        newest = std::max<std::int64_t>(newest, st.st_mtim.tv_sec);
        if (snapshot && S_ISREG(st.st_mode))
            if (std::string identity = content::disk_identity(st); !identity.empty())
                snapshot->identities.emplace(child.substr(root_size + 1), std::move(identity));
    }
}

// Adds `root` and everything under it; `skip` is a folder to leave out, with its staging folders
// (the output, when it is inside), spelled as `root` begins. Returns the newest modification time.
std::int64_t add_tree(Digest& digest, const std::string& folder, const std::string& skip = {},
                      content::DiskSnapshot* snapshot = nullptr) {
    const std::string root = trimmed(folder);
    digest.add(root);
    std::int64_t newest = 0;
    const int dir = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return newest;
    add_folder(digest, dir, root, root.size(), skip, newest, snapshot);
    ::close(dir);
    return newest;
}

// ---- The output folder --------------------------------------------------------------------------
// Its digest is a tree of digests: a folder's digest covers its entries' names and types, each
// file's size, inode and modification time, and each sub-folder's digest. (The output holds many
// folders: their digests are made on several threads, and a build computes the same digest from
// what it wrote without reading the folder again.)

struct OutEntry {
    std::string name;
    bool folder = false;
    std::int64_t size = 0, inode = 0, mtime_ns = 0;  // a file's (size: minus the mode if not a regular file)
    std::uint64_t digest = 0;                         // a folder's
};

OutEntry file_entry(std::string name, std::uint32_t mode, std::int64_t size, std::int64_t inode, std::int64_t mtime_ns) {
    OutEntry e;
    e.name = std::move(name);
    e.folder = S_ISDIR(static_cast<mode_t>(mode));
    e.size = S_ISREG(static_cast<mode_t>(mode)) ? size : -static_cast<std::int64_t>(mode);
    e.inode = inode;
    e.mtime_ns = mtime_ns;
    return e;
}

// Adds one entry of a folder to its digest: its name and, for a sub-folder, that folder's digest,
// for a file its size (see OutEntry), inode and modification time; a word at a time (some 80,000
// entries on a long history, digested by every rebuild twice).
void add_entry(Digest& d, std::string_view name, bool folder, std::uint64_t digest, std::int64_t size, std::int64_t inode,
               std::int64_t mtime_ns) {
    d.add_words(name);
    if (folder) {
        d.add_word(1);
        d.add_word(digest);
        return;
    }
    d.add_word(2);
    d.add_word(static_cast<std::uint64_t>(size));
    d.add_word(static_cast<std::uint64_t>(inode));
    d.add_word(static_cast<std::uint64_t>(mtime_ns));
}

std::uint64_t folder_digest(std::vector<OutEntry>& entries) {
    std::sort(entries.begin(), entries.end(), [](const OutEntry& a, const OutEntry& b) { return a.name < b.name; });
    Digest d;
    for (const auto& e : entries) {
        if (left_out(e.name)) continue;
        add_entry(d, e.name, e.folder, e.digest, e.size, e.inode, e.mtime_ns);
    }
    return d.value();
}

int open_folder(int parent, const char* name) {
    // Reading a folder would update its access time, a write to the disk: not for a check.
    int fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
    if (fd < 0 && errno == EPERM) fd = ::openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    return fd;
}

// The entries of the open folder `dir`; a sub-folder's digest is left at 0 for the caller.
std::vector<OutEntry> read_folder(int dir) {
    std::vector<OutEntry> entries;
    for (auto& [name, type] : list_folder(dir)) {
        if (left_out(name)) continue;
        if (type == DT_DIR) {
            OutEntry folder;
            folder.name = std::move(name);
            folder.folder = true;
            entries.push_back(std::move(folder));
            continue;
        }
        struct stat st {};
        if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        entries.push_back(file_entry(std::move(name), st.st_mode, st.st_size, static_cast<std::int64_t>(st.st_ino),
                                     static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec));
    }
    return entries;
}

// The digest of the open folder `dir` and everything below it.
std::uint64_t disk_digest(int dir) {
    auto entries = read_folder(dir);
    for (auto& e : entries) {
        if (!e.folder) continue;
        const int sub = open_folder(dir, e.name.c_str());
        if (sub < 0) continue;
        e.digest = disk_digest(sub);
        ::close(sub);
    }
    return folder_digest(entries);
}

std::uint64_t root_digest(std::int64_t inode, const std::string& root, std::uint64_t folder) {
    Digest d;
    d.add("samplan-output 4");
    d.add(inode);
    d.add(root);
    d.add(static_cast<std::int64_t>(folder));
    return d.value();
}

}  // namespace

std::uint64_t output_state(const std::string& output_dir) {
    const std::string root = trimmed(output_dir);
    struct stat st {};
    if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
    const int dir = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return 0;
    // The top two levels are read here; the folders below them are shared out to the cores.
    auto top = read_folder(dir);
    struct Task {
        OutEntry* entry;
        std::string path;  // from the output folder
    };
    std::vector<std::vector<OutEntry>> second(top.size());
    std::vector<Task> tasks;
    for (size_t i = 0; i < top.size(); ++i) {
        if (!top[i].folder) continue;
        const int sub = open_folder(dir, top[i].name.c_str());
        if (sub < 0) continue;
        second[i] = read_folder(sub);
        ::close(sub);
        for (auto& e : second[i])
            if (e.folder) tasks.push_back({&e, top[i].name + "/" + e.name});
    }
    on_all_cores(tasks.size(), [&](size_t i) {
        const int sub = open_folder(dir, tasks[i].path.c_str());
        if (sub < 0) return;
        tasks[i].entry->digest = disk_digest(sub);
        ::close(sub);
    });
    for (size_t i = 0; i < top.size(); ++i)
        if (top[i].folder) top[i].digest = folder_digest(second[i]);
    const std::uint64_t digest = root_digest(static_cast<std::int64_t>(st.st_ino), root, folder_digest(top));
    ::close(dir);
    return digest;
}

namespace {

// The digest of the output folder from what a build made: `each(fn)` calls fn with every file and
// folder made (publish::MadeView); what others put at the top (Pagefind's index) is read from the
// disk. The same digest as a walk's, folder by folder, with one buffer for the paths and no map of
// strings (a build notes some 80,000 files on a long history).
template <class Each>
std::uint64_t made_state(const std::string& output_dir, std::int64_t inode, Each&& each, bool others_given = false) {
    const std::string root = trimmed(output_dir);
    const int dir = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return 0;
    struct Noted {
        size_t at = 0, size = 0;  // the path, in `paths`
        std::uint32_t mode = 0;
        std::int64_t size_bytes = 0, inode = 0, mtime_ns = 0;
    };
    std::string paths;
    std::vector<Noted> noted;
    each([&](const publish::MadeView& m) {
        noted.push_back({paths.size(), m.path.size(), m.folder ? static_cast<std::uint32_t>(S_IFDIR | 0755) : m.mode, m.size,
                         m.inode, m.mtime_ns});
        paths.append(m.path);
    });
    struct Entry {
        std::string_view path, parent, name;
        const Noted* noted;
    };
    // Folder by folder: each entry's folder gets a number as it is first met (one look-up per
    // entry), the entries are grouped by it (a counting sort), and each folder's entries sorted by
    // name (few each: no comparison of the long paths the folders share). Then the deepest
    // folders first, so that a folder's sub-folders have their digests when it is digested.
    std::unordered_map<std::string_view, std::uint32_t> folder_ids;
    folder_ids.reserve(noted.size() / 4 + 16);
    std::vector<std::uint32_t> folder_index(noted.size());
    std::vector<Entry> unsorted;
    unsorted.reserve(noted.size());
    for (size_t i = 0; i < noted.size(); ++i) {
        const Noted& n = noted[i];
        const std::string_view path(paths.data() + n.at, n.size);
        const size_t slash = path.rfind('/');
        const std::string_view parent = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
        unsorted.push_back({path, parent, slash == std::string_view::npos ? path : path.substr(slash + 1), &n});
        folder_index[i] = folder_ids.try_emplace(parent, static_cast<std::uint32_t>(folder_ids.size())).first->second;
    }
    std::vector<size_t> first(folder_ids.size() + 1, 0);
    for (const std::uint32_t f : folder_index) ++first[f + 1];
    for (size_t f = 1; f < first.size(); ++f) first[f] += first[f - 1];
    std::vector<Entry> entries(unsorted.size());
    {
        std::vector<size_t> at(first.begin(), first.end() - 1);
        for (size_t i = 0; i < unsorted.size(); ++i) entries[at[folder_index[i]]++] = unsorted[i];
    }
    struct Range {
        size_t begin, end, depth;
    };
    std::vector<Range> ranges;
    ranges.reserve(folder_ids.size());
    for (size_t f = 0; f + 1 < first.size(); ++f) {
        const size_t i = first[f], j = first[f + 1];
        std::sort(entries.begin() + static_cast<std::ptrdiff_t>(i), entries.begin() + static_cast<std::ptrdiff_t>(j),
                  [](const Entry& a, const Entry& b) { return a.name < b.name; });
        const std::string_view parent = entries[i].parent;
        ranges.push_back({i, j, parent.empty() ? 0 : 1 + static_cast<size_t>(std::count(parent.begin(), parent.end(), '/'))});
    }
    std::stable_sort(ranges.begin(), ranges.end(), [](const Range& a, const Range& b) { return a.depth > b.depth; });
    std::unordered_map<std::string_view, std::uint64_t> digests;
    digests.reserve(ranges.size());
    const std::uint64_t empty = Digest().value();
    auto digest_of_folder = [&](std::string_view path) {
        const auto it = digests.find(path);
        return it == digests.end() ? empty : it->second;
    };
    std::vector<OutEntry> top;
    for (const auto& r : ranges) {
        if (r.depth == 0) {
            for (size_t i = r.begin; i < r.end; ++i) {
                const Noted& n = *entries[i].noted;
                OutEntry e = file_entry(std::string(entries[i].name), n.mode, n.size_bytes, n.inode, n.mtime_ns);
                if (e.folder) e.digest = digest_of_folder(entries[i].path);
                top.push_back(std::move(e));
            }
            continue;
        }
        Digest d;  // as folder_digest(): the entries are in its order already
        for (size_t i = r.begin; i < r.end; ++i) {
            const Entry& e = entries[i];
            if (left_out(e.name)) continue;
            const Noted& n = *e.noted;
            const bool folder = S_ISDIR(static_cast<mode_t>(n.mode));
            add_entry(d, e.name, folder, folder ? digest_of_folder(e.path) : 0,
                      S_ISREG(static_cast<mode_t>(n.mode)) ? n.size_bytes : -static_cast<std::int64_t>(n.mode), n.inode,
                      n.mtime_ns);
        }
        digests.emplace(entries[r.begin].parent, d.value());
    }
    // What others put at the top of the folder (Pagefind's index) is read from the disk, unless
    // `each` gave it.
    std::set<std::string> ours;
    for (const auto& e : top) ours.insert(e.name);
    if (!others_given) {
        for (auto& e : read_folder(dir)) {
            if (ours.count(e.name)) continue;
            if (e.folder) {
                const int sub = open_folder(dir, e.name.c_str());
                if (sub < 0) continue;
                e.digest = disk_digest(sub);
                ::close(sub);
            }
            top.push_back(std::move(e));
        }
    }
    ::close(dir);
    return root_digest(inode, root, folder_digest(top));
}

}  // namespace

std::uint64_t output_state(const std::string& output_dir, std::int64_t inode, std::vector<publish::Made> made) {
    return made_state(output_dir, inode, [&made](auto&& fn) {
        for (const auto& m : made) fn(publish::MadeView{m.path, m.folder, m.mode, m.size, m.inode, m.mtime_ns});
    });
}

std::uint64_t output_state(const std::string& output_dir, const publish::Output& output) {
    return made_state(
        output_dir, output.inode(),
        [&output](auto&& fn) {
            output.for_each_made(fn);
            output.for_each_other(fn);
        },
        true);
}

namespace {

std::string hex(std::uint64_t v) {
    std::ostringstream s;
    s << std::hex << v;
    return s.str();
}

}  // namespace

Inputs read_inputs(const std::string& content_dir, const std::string& themes_dir, const std::string& output_dir,
                   const std::string& options, content::DiskSnapshot* snapshot) {
    Digest d;
    d.add("samplan-stamp 2");
    d.add(options);
    std::error_code ec;
    d.add(fs::absolute(content_dir, ec).lexically_normal().string());
    // samplan itself: another build of it may render differently.
    struct stat self {};
    if (::stat("/proc/self/exe", &self) == 0) {
        d.add(static_cast<std::int64_t>(self.st_size));
        d.add(static_cast<std::int64_t>(self.st_mtim.tv_sec) * 1'000'000'000 + self.st_mtim.tv_nsec);
    }
    // Whether search can be built.
    d.add(::access("node_modules/.bin/pagefind", X_OK) == 0 ? "pagefind" : "-");
    d.add(::access((fs::absolute(content_dir, ec).lexically_normal().parent_path() / "node_modules/.bin/pagefind").c_str(),
                   X_OK) == 0 ? "pagefind" : "-");
    if (const char* path = std::getenv("PATH")) d.add(path);
    if (const char* named = std::getenv("SAMPLAN_PAGEFIND")) d.add(named);
    // The repository's state is read while the folders are walked (libgit2's start-up alone reads
    // the system's certificates).
    auto repository = std::async(std::launch::async, [&] { return history::repository_state(content_dir); });
    // The output folder as the walk under each root would spell it, to leave it out.
    auto output_under = [&](const std::string& root) {
        const fs::path rel = fs::absolute(output_dir, ec).lexically_normal().lexically_relative(
            fs::absolute(root, ec).lexically_normal());
        if (rel.empty() || *rel.begin() == "..") return std::string();
        return (fs::path(root) / rel).string();
    };
    const std::int64_t newest = std::max(add_tree(d, content_dir, output_under(content_dir), snapshot),
                                         add_tree(d, themes_dir, output_under(themes_dir)));
    d.add(repository.get());
    Inputs inputs;
    inputs.digest = d.value();
    // Racily clean, as git calls it: a file written in the same second as it is read may change
    // again without its time showing it. Such inputs are not trusted for the next build.
    inputs.settled = newest + 2 < static_cast<std::int64_t>(std::time(nullptr));
    return inputs;
}

bool up_to_date(const std::string& stamp_file, const Inputs& inputs, std::uint64_t output, std::string& report) {
    std::ifstream in(stamp_file, std::ios::binary);
    std::string inputs_line, output_line;
    if (!std::getline(in, inputs_line) || !std::getline(in, output_line)) return false;
    if (inputs_line != "inputs " + hex(inputs.digest)) return false;
    if (output == 0 || output_line != "output " + hex(output)) return false;
    std::ostringstream rest;
    rest << in.rdbuf();
    report = rest.str();
    return true;
}

bool stamped_inputs(const std::string& stamp_file, const Inputs& inputs) {
    std::ifstream in(stamp_file, std::ios::binary);
    std::string inputs_line;
    return std::getline(in, inputs_line) && inputs_line == "inputs " + hex(inputs.digest);
}

void write_stamp(const std::string& stamp_file, const Inputs& inputs, std::uint64_t output, const std::string& report) {
    std::error_code ec;
    if (!inputs.settled) {
        fs::remove(stamp_file, ec);
        return;
    }
    replace_file(stamp_file, "inputs " + hex(inputs.digest) + "\n" + "output " + hex(output) + "\n" + report);
}

}  // namespace samplan::build
