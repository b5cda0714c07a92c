// build/init_site.h — `samplan init [DIR]`: a new content repository (starter/ in samplan's
// sources, built into the program), and `samplan theme`: the built-in theme written into a site's
// content/theme/ for customising. Neither ever overwrites a file. Prints nothing: the cli tells
// what the result holds.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "core/date.h"
#include "render/builtin_theme.h"

namespace samplan::build {

// The files `samplan init` writes, by path inside the new repository; "@YEAR@", "@END_YEAR@",
// "@TODAY@" and "@VERSION@" in paths and text are filled in. Generated from starter/ at build
// time (cmake/embed_files.cmake).
std::span<const render::BuiltinFile> starter_files();

struct InitResult {
    int status = 0;                  // kOk or kFailed (build.h)
    std::string error;               // what went wrong
    std::string gitignore_added;     // the lines added to a .gitignore that was there, space-separated
    std::vector<std::string> kept;   // files already there, left as they were
    bool has_git = false;            // the folder is a git repository already
};

// Writes the starter site into `dir` (made when missing), unless it holds content/ already.
InitResult init_site(const std::string& dir, const Date& today, const std::string& version);

struct ThemeResult {
    int status = 0;      // kOk or kFailed
    std::string error;
    std::string folder;  // content/theme
    size_t written = 0, kept = 0;
};

// Writes the built-in theme's templates/, assets/ and i18n/ into `content`/theme/.
ThemeResult write_theme(const std::string& content);

}  // namespace samplan::build
