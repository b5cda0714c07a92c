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

// Adds every entry of the folder open as `dir` and below it (names sorted, so that the order of a
// directory does not matter) with its type, size, inode and modification and change times, read
// relative to the open folder (no path walk per file). `path` spells the folder as `root` began.
void add_folder(Digest& digest, int dir, const std::string& path, std::size_t root_size, const std::string& skip,
                std::int64_t& newest) {
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
        // Hidden entries (.git, .samplan-cache, editors' files) and node_modules are not content;
        // without this, a content folder at the top of a repository would never be up to date.
        if (name[0] == '.' || name == "node_modules") continue;
        const std::string child = path + "/" + name;
        if (!skip.empty() && (child == skip || child.rfind(skip + ".tmp-", 0) == 0)) continue;
        struct stat st {};
        if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        digest.add(std::string_view(child).substr(root_size));
        digest.add(static_cast<std::int64_t>(st.st_mode));
        if (S_ISDIR(st.st_mode)) {  // a folder's times change with its entries, which are listed
            const int sub = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (sub < 0) continue;
            add_folder(digest, sub, child, root_size, skip, newest);
            ::close(sub);
            continue;
        }
        digest.add(static_cast<std::int64_t>(st.st_size));
        digest.add(static_cast<std::int64_t>(st.st_ino));
        digest.add(static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec);
        digest.add(static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec);
        newest = std::max<std::int64_t>(newest, st.st_mtim.tv_sec);
    }
}

// Adds `root` and everything under it; `skip` is a folder to leave out, with its staging folders
// (the output, when it is inside), spelled as `root` begins. Returns the newest modification time.
std::int64_t add_tree(Digest& digest, std::string root, const std::string& skip = {}) {
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    digest.add(root);
    std::int64_t newest = 0;
    const int dir = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return newest;
    add_folder(digest, dir, root, root.size(), skip, newest);
    ::close(dir);
    return newest;
}

}  // namespace

std::uint64_t output_state(const std::string& output_dir) {
    Digest d;
    struct stat st {};
    if (::stat(output_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
    d.add(static_cast<std::int64_t>(st.st_ino));
    add_tree(d, output_dir);
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
    const std::int64_t newest = std::max(add_tree(d, content_dir, output_under(content_dir)),
                                         add_tree(d, themes_dir, output_under(themes_dir)));
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

void write_stamp(const std::string& stamp_file, const Inputs& inputs, const std::string& output_dir,
                 const std::string& report) {
    std::error_code ec;
    if (!inputs.settled) {
        fs::remove(stamp_file, ec);
        return;
    }
    fs::create_directories(fs::path(stamp_file).parent_path(), ec);
    const std::string tmp = stamp_file + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << "inputs " << hex(inputs.digest) << "\n" << "output " << hex(output_state(output_dir)) << "\n" << report;
        if (!out) {
            fs::remove(tmp, ec);
            return;
        }
    }
    fs::rename(tmp, stamp_file, ec);
    if (ec) fs::remove(tmp, ec);
}

}  // namespace samplan::cli
