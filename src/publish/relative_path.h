// publish/relative_path.h — paths relative to the staging folder (publish stage, internal): the
// check that keeps every file Output writes or links, and every page given to Pagefind, inside it.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace samplan::publish {

// Refuses any path that could leave the staging folder: absolute, empty, ending in '/', or with a
// "." or ".." part (checked on the text, as the system will read it). Throws std::runtime_error.
inline void check_relative(std::string_view path) {
    bool bad = path.empty() || path.front() == '/' || path.back() == '/';
    // A "." or ".." part begins with a dot, at the start or after a slash: without either, none is
    // (the journal's some 80,000 paths are checked on every rebuild).
    if (!bad && path.front() != '.' && path.find("/.") == std::string_view::npos) return;
    for (size_t start = 0; !bad && start <= path.size();) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        const std::string_view part(path.data() + start, end - start);
        bad = part == "." || part == "..";
        start = end + 1;
    }
    if (bad) throw std::runtime_error("refusing to write outside the output: " + std::string(path));
}

// The folder part of a relative path ("" for a file at the top).
inline std::string folder_of(const std::string& path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace samplan::publish
