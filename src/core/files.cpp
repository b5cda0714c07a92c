#include "core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace samplan {

FileRead read_regular_file(const std::string& path, size_t max_bytes, std::string& out, std::string& error,
                           bool no_follow) {
    return read_regular_file_at(AT_FDCWD, path, max_bytes, out, error, no_follow);
}

FileRead read_regular_file_at(int folder, const std::string& path, size_t max_bytes, std::string& out,
                              std::string& error, bool no_follow) {
    // O_NONBLOCK so that opening a FIFO never blocks; fstat then refuses it.
    const int fd = ::openat(folder, path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | (no_follow ? O_NOFOLLOW : 0));
    if (fd < 0) {
        error = std::strerror(errno);
        return FileRead::Error;
    }
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

}  // namespace samplan
