// render/builtin_theme.h — the default theme (themes/default/ as it was when samplan was built),
// carried inside the program: templates, CSS, JavaScript, UI strings, the live-reload script.
// The source is generated at build time by cmake/embed_files.cmake.
#pragma once

#include <span>
#include <string_view>

namespace samplan::render {

struct BuiltinFile {
    std::string_view path;   // inside the theme: "templates/home.mustache", "assets/style.css"
    std::string_view bytes;  // the file's bytes, exactly
};

// Every file of the built-in theme, sorted by path.
std::span<const BuiltinFile> builtin_theme();

// The bytes of the built-in file at `path`, or nullptr when there is none.
const std::string_view* builtin_theme_file(std::string_view path);

}  // namespace samplan::render
