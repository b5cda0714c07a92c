#include "core/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace samplan {

FileRead read_regular_file(const std::string& path, size_t max_bytes, std::string& out, std::string& error,
                           bool no_follow) {
    return read_regular_file_at(AT_FDCWD, path, max_bytes, out, error, no_follow);
}

namespace {

// Reads the open file `fd` (and closes it).
FileRead read_open_file(int fd, size_t max_bytes, std::string& out, std::string& error) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        error = "not a regular file";
        return FileRead::NotRegular;
    }
    if (static_cast<size_t>(st.st_size) > max_bytes) {
        ::close(fd);
        return FileRead::TooLarge;
    }
    out.resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<size_t>(n);
    }
    ::close(fd);
    if (done != out.size()) {
        out.resize(done);
        error = "the file changed while it was read";
        return FileRead::Error;
    }
    return FileRead::Ok;
}

// Where the open file `fd` is, from the system itself; empty when it cannot tell (no /proc).
std::string real_path_of(int fd) {
    char link[32];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    std::string where(PATH_MAX, '\0');
    const ssize_t n = ::readlink(link, where.data(), where.size());
    if (n <= 0 || static_cast<size_t>(n) >= where.size() || where[0] != '/') return {};
    where.resize(static_cast<size_t>(n));
    return where;
}

// Why InsideFolder could not open a path (errno).
FileRead failed(std::string& error) {
    const int code = errno;
    error = code == EXDEV ? "a symbolic link leads outside the folder" : std::strerror(code);
    return code == EXDEV ? FileRead::Outside : code == ENOENT || code == ENOTDIR ? FileRead::Missing : FileRead::Error;
}

}  // namespace

FileRead read_regular_file_at(int folder, const std::string& path, size_t max_bytes, std::string& out,
                              std::string& error, bool no_follow) {
    // O_NONBLOCK so that opening a FIFO never blocks; fstat then refuses it.
    const int fd = ::openat(folder, path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | (no_follow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        error = std::strerror(errno);
        return FileRead::Error;
    }
    return read_open_file(fd, max_bytes, out, error);
}

InsideFolder::InsideFolder(const std::string& root) {
    fd_ = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) return;
    real_ = real_path_of(fd_);
    if (real_.empty()) {
        if (char* real = ::realpath(root.c_str(), nullptr)) {
            real_ = real;
            std::free(real);
        }
    }
}

InsideFolder::~InsideFolder() {
    if (fd_ >= 0) ::close(fd_);
}

bool InsideFolder::inside(int fd) const {
    const std::string where = real_path_of(fd);
    if (where.empty() || real_.empty()) return false;  // cannot tell: refused
    if (real_ == "/") return true;
    return where.compare(0, real_.size(), real_) == 0 && (where.size() == real_.size() || where[real_.size()] == '/');
}

int InsideFolder::open(const std::string& path, int flags) const {
    if (fd_ < 0) {
        errno = EBADF;
        return -1;
    }
    flags |= O_CLOEXEC;
    const char* relative = path.empty() ? "." : path.c_str();
#ifdef SYS_openat2
    // No link and no ".." on the way out: inside by construction.
    open_how how{};
    how.flags = static_cast<unsigned long long>(flags);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const int direct = static_cast<int>(::syscall(SYS_openat2, fd_, relative, &how, sizeof how));
    if (direct >= 0) return direct;
    // ELOOP: a link on the way; EXDEV: ".." out of the folder; the others: no openat2 here.
    if (errno != ELOOP && errno != EXDEV && errno != ENOSYS && errno != EPERM && errno != E2BIG && errno != EINVAL &&
        errno != EAGAIN)
        return -1;
#endif
    const int fd = ::openat(fd_, relative, flags);
    if (fd < 0) return -1;
    if (!inside(fd)) {
        ::close(fd);
        errno = EXDEV;
        return -1;
    }
    return fd;
}

FileRead InsideFolder::read(const std::string& path, size_t max_bytes, std::string& out, std::string& error) const {
    // O_NONBLOCK so that opening a FIFO never blocks; fstat then refuses it.
    const int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        return failed(error);
    }
    return read_open_file(fd, max_bytes, out, error);
}

FileRead InsideFolder::list(const std::string& path, std::vector<Entry>& out, std::string& error) const {
    out.clear();
    const int fd = open(path, O_RDONLY | O_DIRECTORY);
    if (fd < 0) {
        return failed(error);
    }
    DIR* dir = ::fdopendir(fd);
    if (!dir) {
        error = std::strerror(errno);
        ::close(fd);
        return FileRead::Error;
    }
    while (const dirent* e = ::readdir(dir)) {
        const std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        Entry entry{name, Entry::Type::Other};
        unsigned char type = e->d_type;
        if (type == DT_UNKNOWN) {
            struct stat st {};
            if (::fstatat(::dirfd(dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
                type = S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_UNKNOWN;
        }
        if (type == DT_REG) entry.type = Entry::Type::File;
        else if (type == DT_DIR) entry.type = Entry::Type::Folder;
        else if (type == DT_LNK) entry.type = Entry::Type::Link;
        out.push_back(std::move(entry));
    }
    ::closedir(dir);
    std::sort(out.begin(), out.end(), [](const Entry& a, const Entry& b) { return a.name < b.name; });
    return FileRead::Ok;
}

bool replace_file(const std::string& file, const std::function<void(std::ostream&)>& write) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(fs::path(file).parent_path(), ec);
    const std::string temporary = file + ".tmp-" + std::to_string(::getpid());  // builds may run side by side
    {
        std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
        write(out);
        if (!out.flush()) {
            out.close();
            fs::remove(temporary, ec);
            return false;
        }
    }
    fs::rename(temporary, file, ec);
    if (ec) fs::remove(temporary, ec);
    return !ec;
}

bool replace_file(const std::string& file, std::string_view text) {
    return replace_file(file, [text](std::ostream& out) { out.write(text.data(), static_cast<std::streamsize>(text.size())); });
}

std::string program_identity() {
    struct stat self {};
    if (::stat("/proc/self/exe", &self) != 0) return {};
    return std::to_string(self.st_size) + ' ' + std::to_string(self.st_ino) + ' ' + std::to_string(self.st_mtim.tv_sec) + '.' +
           std::to_string(self.st_mtim.tv_nsec);
}

}  // namespace samplan
