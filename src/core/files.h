// core/files.h — reading a whole regular file safely: a FIFO or device is never read (it could
// block), a file larger than the limit is refused before it is read, and a folder's files can be
// read without ever following a symbolic link out of the folder (InsideFolder).
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace samplan {

// Outside: the path leads out of the folder it must stay in; Missing: nothing there (both only
// from InsideFolder).
enum class FileRead { Ok, NotRegular, TooLarge, Error, Outside, Missing };

// Reads `path` into `out`. With `no_follow`, a symbolic link is refused. `error` says why not.
FileRead read_regular_file(const std::string& path, size_t max_bytes, std::string& out, std::string& error,
                           bool no_follow = false);
// The same, with `path` relative to the open folder `folder`.
FileRead read_regular_file_at(int folder, const std::string& path, size_t max_bytes, std::string& out,
                              std::string& error, bool no_follow = false);

// A folder that reading must not leave (the content folder, the themes folder, a repository's
// work tree). Paths inside it are opened following symbolic links, as a program would, but what
// was opened is kept only when it lies inside the folder: its real path is asked of the open
// file itself (/proc/self/fd), so a link changed between a check and the read cannot lead
// elsewhere. A path without any link on the way is opened with openat2(RESOLVE_BENEATH |
// RESOLVE_NO_SYMLINKS) and needs no such question. Where /proc is not mounted, a path through a
// link is refused. Thread-safe.
class InsideFolder {
public:
    // Opens `root` (following links: whoever names the folder chose it).
    explicit InsideFolder(const std::string& root);
    ~InsideFolder();
    InsideFolder(const InsideFolder&) = delete;
    InsideFolder& operator=(const InsideFolder&) = delete;

    // Whether the folder itself could be opened.
    [[nodiscard]] bool usable() const { return fd_ >= 0; }

    // Opens `path` (relative, '/' separated) with `flags` (O_CLOEXEC is added). Returns the
    // descriptor, or -1 with errno set: EXDEV when the path leads outside the folder.
    [[nodiscard]] int open(const std::string& path, int flags) const;

    // Reads the regular file at `path` as read_regular_file does; Outside when it leads out,
    // Missing when there is no such file (or a part of the path is not a folder).
    FileRead read(const std::string& path, size_t max_bytes, std::string& out, std::string& error) const;

    struct Entry {
        std::string name;
        enum class Type { File, Folder, Link, Other } type = Type::Other;  // a link is not followed here
    };
    // The entries of the folder at `path` ("" for the folder itself), sorted by name, without
    // "." and "..". Ok, Outside (the folder is reached through a link that leads out), Missing,
    // or Error (not a folder, not readable: `error` says).
    FileRead list(const std::string& path, std::vector<Entry>& out, std::string& error) const;

private:
    [[nodiscard]] bool inside(int fd) const;
    int fd_ = -1;
    std::string real_;  // the folder's real path
};

// Writes `text` to `file` through a temporary file beside it ("<file>.tmp-<pid>") and a rename, so
// that a reader sees the old file or the new one, never a part; makes the file's folder. Returns
// false, leaving no temporary file, when it could not be written.
bool replace_file(const std::string& file, std::string_view text);
// The same for a file written piece by piece: `write` streams the text into the temporary file.
bool replace_file(const std::string& file, const std::function<void(std::ostream&)>& write);

// This samplan program's identity: its file's size, inode and modification time, so that what a
// build keeps for the next (page keys, memos) is not reused by another build of samplan. Empty
// when the program's file cannot be found.
std::string program_identity();

}  // namespace samplan
