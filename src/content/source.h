// content/source.h — where records come from: a folder on disk, or an in-memory tree (tests,
// and later a git tree). Paths are relative, '/' separated, and never leave the root.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

struct stat;

namespace samplan::content {

enum class EntryKind { File, Directory, Other, Outside, Missing };

struct DirEntry {
    std::string name;
    EntryKind kind = EntryKind::Missing;
};

// Outside: the file is reached through a symbolic link that leads out of the root.
enum class ReadStatus { Ok, TooLarge, Error, Outside };

class Source {
public:
    virtual ~Source() = default;
    // What `path` is. A symlink is followed; one that resolves outside the root is `Outside`.
    [[nodiscard]] virtual EntryKind kind(const std::string& path) const = 0;
    // The entries of a directory, sorted by name (byte order). Empty if it is not a directory.
    [[nodiscard]] virtual std::vector<DirEntry> list(const std::string& dir) const = 0;
    // Reads a regular file of at most `max_bytes` into `out`. What a disk source reads is checked
    // to lie inside the root once it is open (a link changed after kind() cannot lead out).
    [[nodiscard]] virtual ReadStatus read(const std::string& path, size_t max_bytes, std::string& out,
                                          std::string& error) const = 0;
    // What tells this version of a file from any other without reading it (a file's device, inode,
    // size and times on disk), for a cache of parsed records: two reads of the same identity give
    // the same bytes. Empty when the source cannot tell, or when the file changed so recently that
    // a later change might keep its times (git's "racily clean").
    [[nodiscard]] virtual std::string identity(const std::string& /*path*/) const { return {}; }
};

// What one walk of a content folder on disk found (build/up_to_date.h's read_inputs makes it while
// it looks at every file): a disk source made with it answers kind(), list() and identity() from
// it for the folders it lists, so that a build looks at each file once.
struct DiskSnapshot {
    // Folders listed whole (reached without a symbolic link), by path relative to the root (""
    // for the root): every entry, sorted by name, with its kind as the listing told it without
    // following a link, or Missing for one the disk must be asked about (a link, an entry whose
    // type the listing did not tell).
    std::unordered_map<std::string, std::vector<DirEntry>> folders;
    // The identities (Source::identity) of the regular files in those folders, by path; a file
    // changed too recently for its times to tell a change is not here.
    std::unordered_map<std::string, std::string> identities;
};

// A file's identity as a disk source gives it (Source::identity), from its status; "" when it is
// not a regular file or was changed in the last seconds.
std::string disk_identity(const struct stat& status);

// A folder on disk; `snapshot`, when given, a walk of it made a moment before.
std::unique_ptr<Source> make_disk_source(const std::string& root, std::shared_ptr<const DiskSnapshot> snapshot = nullptr);

// An in-memory tree: path → file content. Directories are implied by the paths.
class MemorySource final : public Source {
public:
    explicit MemorySource(std::map<std::string, std::string> files) : files_(std::move(files)) {}
    [[nodiscard]] EntryKind kind(const std::string& path) const override;
    [[nodiscard]] std::vector<DirEntry> list(const std::string& dir) const override;
    [[nodiscard]] ReadStatus read(const std::string& path, size_t max_bytes, std::string& out,
                                  std::string& error) const override;

private:
    std::map<std::string, std::string> files_;
};

}  // namespace samplan::content
