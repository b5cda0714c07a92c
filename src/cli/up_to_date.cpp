#include "cli/up_to_date.h"

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

// Adds every entry under `root` (names sorted, so that the order of the directory does not
// matter) with its size, modification and change times and inode; `skip` names a folder to
// leave out, with its staging folders (the output, when it is inside; a path as `root` spells it). Returns the newest modification time seen.
std::int64_t add_tree(Digest& digest, const std::string& root, const std::string& skip = {}) {
    std::vector<std::string> entries;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
        // Hidden entries (.git, .samplan-cache, editors' files) and node_modules are not content;
        // without this, a content folder at the top of a repository would never be up to date.
        const std::string name = it->path().filename().string();
        const std::string path = it->path().string();
        if (name[0] == '.' || name == "node_modules" ||
            (!skip.empty() && (path == skip || path.rfind(skip + ".tmp-", 0) == 0))) {
            if (it->is_directory(ec)) it.disable_recursion_pending();
            continue;
        }
        entries.push_back(path);
    }
    std::sort(entries.begin(), entries.end());
    std::int64_t newest = 0;
    digest.add(root);
    for (const auto& path : entries) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) continue;
        digest.add(std::string_view(path).substr(root.size()));
        digest.add(static_cast<std::int64_t>(st.st_mode));
        if (S_ISDIR(st.st_mode)) continue;  // a directory's times change with its entries, which are listed
        digest.add(static_cast<std::int64_t>(st.st_size));
        digest.add(static_cast<std::int64_t>(st.st_ino));
        digest.add(static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec);
        digest.add(static_cast<std::int64_t>(st.st_ctim.tv_sec) * 1'000'000'000 + st.st_ctim.tv_nsec);
        newest = std::max<std::int64_t>(newest, st.st_mtim.tv_sec);
    }
    return newest;
}

std::uint64_t output_digest(const std::string& output_dir) {
    Digest d;
    struct stat st {};
    if (::stat(output_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return 0;
    d.add(static_cast<std::int64_t>(st.st_ino));
    add_tree(d, output_dir);
    return d.value();
}

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
    for (const char* pagefind : {"node_modules/.bin/pagefind"}) d.add(::access(pagefind, X_OK) == 0 ? "pagefind" : "-");
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

bool up_to_date(const std::string& stamp_file, const Inputs& inputs, const std::string& output_dir, std::string& report) {
    std::ifstream in(stamp_file, std::ios::binary);
    std::string inputs_line, output_line;
    if (!std::getline(in, inputs_line) || !std::getline(in, output_line)) return false;
    if (inputs_line != "inputs " + hex(inputs.digest)) return false;
    const std::uint64_t out = output_digest(output_dir);
    if (out == 0 || output_line != "output " + hex(out)) return false;
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
        out << "inputs " << hex(inputs.digest) << "\n" << "output " << hex(output_digest(output_dir)) << "\n" << report;
        if (!out) {
            fs::remove(tmp, ec);
            return;
        }
    }
    fs::rename(tmp, stamp_file, ec);
    if (ec) fs::remove(tmp, ec);
}

}  // namespace samplan::cli
