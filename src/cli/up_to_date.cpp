#include "cli/up_to_date.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "history/history.h"

namespace samplan::cli {
namespace fs = std::filesystem;
namespace {

// FNV-1a, 64 bits: a change detector, not a defence against crafted collisions (whoever can
// craft content can also simply publish it).
class Digest {
public:
    void add(std::string_view text) {
        for (const unsigned char c : text) hash_ = (hash_ ^ c) * 0x100000001b3ULL;
        hash_ = (hash_ ^ 0xff) * 0x100000001b3ULL;  // a separator, so that "ab"+"c" ≠ "a"+"bc"
    }
    void add(std::int64_t number) { add(std::to_string(number)); }
    [[nodiscard]] std::uint64_t value() const { return hash_; }

private:
    std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};

// Whether a name is left out of the walk: hidden entries (.git, .samplan-cache, editors' files)
// and node_modules are not content; without this, a content folder at the top of a repository
// would never be up to date.
bool left_out(std::string_view name) { return name.empty() || name[0] == '.' || name == "node_modules"; }

// One entry as the walk adds it: its path below the root, type, and for a file its size, inode and
// modification time.
void add_entry(Digest& digest, std::string_view relative, std::int64_t mode, std::int64_t size, std::int64_t inode,
               std::int64_t mtime_ns) {
    digest.add(relative);
    digest.add(mode);
    if (S_ISDIR(static_cast<mode_t>(mode))) return;  // a folder's times change with its entries, which are listed
    digest.add(size);
    digest.add(inode);
    digest.add(mtime_ns);
}

// Adds every entry of the folder open as `dir` and below it (names sorted, so that the order of a
// directory does not matter) with add_entry(), read relative to the open folder (no path walk per
// file). `path` spells the folder as `root` began. Inputs add each file's change time too, which
// no one can set: a file overwritten in place with its old size and modification time (cp -p)
// still shows. (The output's digest leaves it out: it is taken from what the build wrote, before
// the previous site's names are removed, which changes the change time of every file kept.)
void add_folder(Digest& digest, int dir, const std::string& path, std::size_t root_size, const std::string& skip,
                bool with_ctime, std::int64_t& newest) {
    const int listing = ::dup(dir);
    DIR* stream = listing >= 0 ? ::fdopendir(listing) : nullptr;
    if (!stream) {
        if (listing >= 0) ::close(listing);
        return;
    }
    std::vector<std::string> names;
    while (const dirent* e = ::readdir(stream)) names.emplace_back(e->d_name);
    ::closedir(stream);
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        if (left_out(name)) continue;
        const std::string child = path + "/" + name;
        if (!skip.empty() && (child == skip || child.rfind(skip + ".tmp-", 0) == 0)) continue;
        struct stat st {};
        if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        add_entry(digest, std::string_view(child).substr(root_size), st.st_mode, st.st_size,
                  static_cast<std::int64_t>(st.st_ino),
                  static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec);
        if (with_ctime && !S_ISDIR(st.st_mode))
            digest.add(static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec);
        if (S_ISDIR(st.st_mode)) {
            const int sub = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) continue;
            add_folder(digest, sub, child, root_size, skip, with_ctime, newest);
            ::close(sub);
            continue;
        }
        newest = std::max<std::int64_t>(newest, st.st_mtim.tv_sec);
    }
}

// Adds `root` and everything under it; `skip` is a folder to leave out, with its staging folders
// (the output, when it is inside), spelled as `root` begins. Returns the newest modification time.
std::int64_t add_tree(Digest& digest, std::string root, bool with_ctime, const std::string& skip = {}) {
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    digest.add(root);
    std::int64_t newest = 0;
    const int dir = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return newest;
    add_folder(digest, dir, root, root.size(), skip, with_ctime, newest);
    ::close(dir);
    return newest;
}

}  // namespace

std::uint64_t output_state(const std::string& output_dir) {
    Digest d;
    struct stat st {};
    if (::stat(output_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
    d.add(static_cast<std::int64_t>(st.st_ino));
    add_tree(d, output_dir, false);
    return d.value();
}

std::uint64_t output_state(const std::string& output_dir, std::int64_t inode, std::vector<publish::Made> made) {
    std::string root = output_dir;
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    const int dir = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return 0;
    // What others put at the top of the folder (Pagefind's index) is read from the disk.
    std::vector<std::string> names;
    if (const int listing = ::dup(dir); listing >= 0) {
        if (DIR* stream = ::fdopendir(listing)) {
            while (const dirent* e = ::readdir(stream)) names.emplace_back(e->d_name);
            ::closedir(stream);
        } else {
            ::close(listing);
        }
    }
    std::set<std::string> ours;
    for (const auto& m : made)
        if (m.path.find('/') == std::string::npos) ours.insert(m.path);
    for (const auto& name : names)
        if (name != "." && name != ".." && !ours.count(name)) made.push_back({name, false, 0, -1, 0, 0});  // size -1: read it
    // The walk's order: each folder's names sorted, its entries right after it.
    auto key = [](const std::string& path) {
        std::string k = path;
        std::replace(k.begin(), k.end(), '/', '\x01');
        return k;
    };
    std::vector<std::pair<std::string, const publish::Made*>> order;
    order.reserve(made.size());
    for (const auto& m : made) order.emplace_back(key(m.path), &m);
    std::sort(order.begin(), order.end());

    Digest d;
    d.add(inode);
    d.add(root);
    std::int64_t newest = 0;
    std::string_view left_out_below;  // a left-out folder: what is below it is left out too
    for (const auto& [k, m] : order) {
        if (!left_out_below.empty() && m->path.size() > left_out_below.size() &&
            m->path.compare(0, left_out_below.size(), left_out_below) == 0 && m->path[left_out_below.size()] == '/')
            continue;
        const std::string_view name = std::string_view(m->path).substr(m->path.rfind('/') + 1);
        if (left_out(name)) {
            left_out_below = m->path;
            continue;
        }
        const std::string relative = "/" + m->path;
        if (m->size >= 0) {
            add_entry(d, relative, m->mode, m->size, m->inode, m->mtime_ns);
            continue;
        }
        struct stat st {};
        if (::fstatat(dir, m->path.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        add_entry(d, relative, st.st_mode, st.st_size, static_cast<std::int64_t>(st.st_ino),
                  static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec);
        if (!S_ISDIR(st.st_mode)) continue;
        const int sub = ::openat(dir, m->path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) continue;
        add_folder(d, sub, root + relative, root.size(), {}, false, newest);
        ::close(sub);
    }
    ::close(dir);
    return d.value();
}

namespace {

std::string hex(std::uint64_t v) {
    std::ostringstream s;
    s << std::hex << v;
    return s.str();
}

}  // namespace

Inputs read_inputs(const std::string& content_dir, const std::string& themes_dir, const std::string& output_dir,
                   const std::string& options) {
    Digest d;
    d.add("samplan-stamp 1");
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
    if (const char* path = std::getenv("PATH")) d.add(path);
    d.add(history::repository_state(content_dir));
    // The output folder as the walk under each root would spell it, to leave it out.
    auto output_under = [&](const std::string& root) {
        const fs::path rel = fs::absolute(output_dir, ec).lexically_normal().lexically_relative(
            fs::absolute(root, ec).lexically_normal());
        if (rel.empty() || *rel.begin() == "..") return std::string();
        return (fs::path(root) / rel).string();
    };
    const std::int64_t newest = std::max(add_tree(d, content_dir, true, output_under(content_dir)),
                                         add_tree(d, themes_dir, true, output_under(themes_dir)));
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

void write_stamp(const std::string& stamp_file, const Inputs& inputs, std::uint64_t output, const std::string& report) {
    std::error_code ec;
    if (!inputs.settled) {
        fs::remove(stamp_file, ec);
        return;
    }
    fs::create_directories(fs::path(stamp_file).parent_path(), ec);
    const std::string tmp = stamp_file + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << "inputs " << hex(inputs.digest) << "\n" << "output " << hex(output) << "\n" << report;
        if (!out) {
            fs::remove(tmp, ec);
            return;
        }
    }
    fs::rename(tmp, stamp_file, ec);
    if (ec) fs::remove(tmp, ec);
}

}  // namespace samplan::cli
