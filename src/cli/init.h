// cli/init.h — `samplan init [DIR]`: a new content repository (starter/ in samplan's sources,
// built into the program), and `samplan theme`: the built-in theme written into a site's
// content/theme/ for customising.
#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <vector>

#include "render/builtin_theme.h"

namespace samplan::cli {

// The files `samplan init` writes, by path inside the new repository; "@YEAR@", "@END_YEAR@",
// "@TODAY@" and "@VERSION@" in paths and text are filled in. Generated from starter/ at build
// time (cmake/embed_files.cmake).
std::span<const render::BuiltinFile> starter_files();

}  // namespace samplan::cli
