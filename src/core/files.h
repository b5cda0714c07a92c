// core/files.h — reading a whole regular file safely: a FIFO or device is never read (it could
// block), and a file larger than the limit is refused before it is read.
#pragma once

#include <string>

namespace samplan {

enum class FileRead { Ok, NotRegular, TooLarge, Error };

// Reads `path` into `out`. With `no_follow`, a symbolic link is refused. `error` says why not.
FileRead read_regular_file(const std::string& path, size_t max_bytes, std::string& out, std::string& error,
                           bool no_follow = false);
// The same, with `path` relative to the open folder `folder`.
FileRead read_regular_file_at(int folder, const std::string& path, size_t max_bytes, std::string& out,
                              std::string& error, bool no_follow = false);

}  // namespace samplan
