// serve/serve.h — the stage after build that `samplan serve` runs: builds the site with drafts
// (build::make_site) into .samplan-cache/serve/ beside the content folder, serves it over HTTP on
// 127.0.0.1 only, rebuilds when a file of the content or the theme changes or a commit is made, and tells open pages
// to reload (or, when a build failed, to show its diagnostics while the last good site stays
// served), and offers the editor of edit/ under /_edit/. It never writes the output folder. It prints one line per rebuild on `out` and what
// keeps it from serving on `err`; the cli parses the options and returns the exit code.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace samplan::serve {

struct ServeSettings {
    std::string content = "content";
    std::string themes;  // empty: as samplan build finds them
    int port = 1313;     // 0: any free port
};

// Runs until SIGINT or SIGTERM; returns the exit code (0 after a signal, 2 when it cannot serve).
int serve(const ServeSettings& settings, std::ostream& out, std::ostream& err);

// The file under `root` that the URL path `path` (already percent-decoded, starting with '/')
// names, or nothing when the path could leave `root` ("..", ".", backslashes, NUL bytes).
// A folder's path is returned as is: the caller serves its index.html.
std::optional<std::string> file_for_url_path(const std::string& root, const std::string& path);

// The Content-Type for a file name, by its extension.
std::string content_type(const std::string& file);

}  // namespace samplan::serve
