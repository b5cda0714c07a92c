#include "content/source.h"

#include "core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <system_error>

namespace samplan::content {
namespace fs = std::filesystem;
namespace {

class DiskSource final : public Source {
public:
    DiskSource(const std::string& root, std::shared_ptr<const DiskSnapshot> snapshot)
        : folder_(root), snapshot_(std::move(snapshot)) {
        std::error_code ec;
        root_ = fs::weakly_canonical(fs::absolute(root, ec), ec);
    }

    EntryKind kind(const std::string& path) const override {
        if (snapshot_ && !path.empty()) {
            const size_t slash = path.rfind('/');
            const std::string parent = slash == std::string::npos ? std::string() : path.substr(0, slash);
            if (const auto it = snapshot_->folders.find(parent); it != snapshot_->folders.end()) {
                const std::string_view name = slash == std::string::npos ? std::string_view(path) : std::string_view(path).substr(slash + 1);
                const auto& entries = it->second;
                const auto at = std::lower_bound(entries.begin(), entries.end(), name,
                                                 [](const DirEntry& e, std::string_view n) { return e.name < n; });
                if (at == entries.end() || at->name != name) return EntryKind::Missing;
                if (at->kind != EntryKind::Missing) return at->kind;
            }
        }
        std::error_code ec;
        const fs::path full = root_ / path;
        const auto lstatus = fs::symlink_status(full, ec);
        if (ec || !fs::exists(lstatus)) return EntryKind::Missing;
        if (fs::is_symlink(lstatus)) {
            const fs::path target = fs::weakly_canonical(full, ec);
            if (ec || !inside_root(target)) return EntryKind::Outside;
        }
        const auto status = fs::status(full, ec);
        if (ec) return EntryKind::Missing;
        if (fs::is_regular_file(status)) return EntryKind::File;
        if (fs::is_directory(status)) return EntryKind::Directory;
        return EntryKind::Other;
    }

    std::vector<DirEntry> list(const std::string& dir) const override {
        std::vector<DirEntry> out;
        if (snapshot_) {
            if (const auto it = snapshot_->folders.find(dir); it != snapshot_->folders.end()) {
                out = it->second;
                for (auto& e : out)
                    if (e.kind == EntryKind::Missing) e.kind = kind(dir.empty() ? e.name : dir + "/" + e.name);
                return out;
            }
        }
        if (kind(dir) != EntryKind::Directory) return out;
        std::error_code ec;
        for (fs::directory_iterator it(root_ / dir, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string name = it->path().filename().string();
            const std::string path = dir.empty() ? name : dir + "/" + name;
            // The folder listing tells files and folders apart (d_type) without a stat of each;
            // symbolic links, and file systems that do not tell, get the full check.
            std::error_code type_ec;
            EntryKind k = EntryKind::Other;
            if (it->is_symlink(type_ec) || type_ec) k = kind(path);
            else if (it->is_regular_file(type_ec) && !type_ec) k = EntryKind::File;
            else if (it->is_directory(type_ec) && !type_ec) k = EntryKind::Directory;
            else k = kind(path);
            out.push_back({name, k});
        }
        std::sort(out.begin(), out.end(), [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
        return out;
    }

    ReadStatus read(const std::string& path, size_t max_bytes, std::string& out,
                    std::string& error) const override {
        switch (folder_.read(path, max_bytes, out, error)) {
            case FileRead::Ok: return ReadStatus::Ok;
            case FileRead::TooLarge: return ReadStatus::TooLarge;
            case FileRead::Outside: return ReadStatus::Outside;
            default: return ReadStatus::Error;
        }
    }

    std::string identity(const std::string& path) const override {
        if (snapshot_) {
            if (const auto it = snapshot_->identities.find(path); it != snapshot_->identities.end()) return it->second;
        }
        struct stat st {};
        if (::stat((root_ / path).c_str(), &st) != 0) return {};
        return disk_identity(st);
    }

private:
    bool inside_root(const fs::path& p) const {
        auto rel = p.lexically_relative(root_);
        return !rel.empty() && *rel.begin() != "..";
    }

    fs::path root_;
    InsideFolder folder_;
    std::shared_ptr<const DiskSnapshot> snapshot_;
};

}  // namespace

std::string disk_identity(const struct stat& st) {
    if (!S_ISREG(st.st_mode)) return {};
    const auto ns = [](const timespec& t) { return static_cast<long long>(t.tv_sec) * 1'000'000'000 + t.tv_nsec; };
    // A file written in the last seconds may be written again within the same tick of the
    // clock without its time showing it (as the up-to-date stamp, build/up_to_date.h).
    if (st.st_mtim.tv_sec + 2 >= static_cast<long long>(std::time(nullptr))) return {};
    return "file " + std::to_string(st.st_dev) + ' ' + std::to_string(st.st_ino) + ' ' + std::to_string(st.st_size) + ' ' +
           std::to_string(ns(st.st_mtim)) + ' ' + std::to_string(ns(st.st_ctim));
}

std::unique_ptr<Source> make_disk_source(const std::string& root, std::shared_ptr<const DiskSnapshot> snapshot) {
    return std::make_unique<DiskSource>(root, std::move(snapshot));
}

EntryKind MemorySource::kind(const std::string& path) const {
    if (path.empty()) return EntryKind::Directory;
    if (files_.count(path)) return EntryKind::File;
    const std::string prefix = path + "/";
    auto it = files_.lower_bound(prefix);
    if (it != files_.end() && it->first.compare(0, prefix.size(), prefix) == 0) return EntryKind::Directory;
    return EntryKind::Missing;
}

std::vector<DirEntry> MemorySource::list(const std::string& dir) const {
    std::vector<DirEntry> out;
    const std::string prefix = dir.empty() ? "" : dir + "/";
    for (auto it = files_.lower_bound(prefix); it != files_.end(); ++it) {
        if (it->first.compare(0, prefix.size(), prefix) != 0) break;
        const std::string rest = it->first.substr(prefix.size());
        const auto slash = rest.find('/');
        const std::string name = rest.substr(0, slash);
        if (out.empty() || out.back().name != name)
            out.push_back({name, slash == std::string::npos ? EntryKind::File : EntryKind::Directory});
    }
    return out;
}

ReadStatus MemorySource::read(const std::string& path, size_t max_bytes, std::string& out,
                              std::string& error) const {
    auto it = files_.find(path);
    if (it == files_.end()) {
        error = "no such file";
        return ReadStatus::Error;
    }
    if (it->second.size() > max_bytes) return ReadStatus::TooLarge;
    out = it->second;
    return ReadStatus::Ok;
}

}  // namespace samplan::content
