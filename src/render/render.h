// render/render.h — view models to HTML through the theme's Mustache templates. Text is
// escaped; Markdown fields are rendered safely. Templates are read and parsed once per build.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "render/mustache.h"
#include "site/data.h"
#include "site/site.h"

namespace samplan::render {

// The theme's files: templates by name ("activity" for templates/activity.mustache), compiled;
// assets by relative path; and UI strings. A site's content/theme/ overrides any of them by name.
struct Theme {
    std::shared_ptr<const mustache::TemplateSet> templates;  // shared, read-only, by every Renderer
    std::map<std::string, std::string> assets;  // "style.css" → the file's bytes
    site::Strings strings;
};

// Where a theme's files are read from: the folder `dir` inside `root`, which no file may lead out
// of; an empty `root` is the theme built into samplan (render/builtin_theme.h, kBuiltinTheme). A symbolic link is followed only to a place inside `root` (core/files.h, InsideFolder); one
// that leads out is an error [outside-content] and nothing is read through it. Inside assets/,
// links to folders are not followed (a loop of links would never end).
struct ThemeFolder {
    std::string root;       // the themes folder, or the content folder for a site's own theme/
    std::string dir;        // the theme inside it: "default", or "theme"
    std::string root_noun;  // for messages: "themes folder", "content folder"
};

// The default theme as built into samplan: the same files as themes/default/ when it was built.
extern const ThemeFolder kBuiltinTheme;

// Reads `theme` then `site_override` (may be missing) and compiles the templates. Problems,
// template errors among them, are reported as diagnostics ("…/templates/x.mustache:3:5: error: …").
Theme load_theme(const ThemeFolder& theme, const std::optional<ThemeFolder>& site_override, const std::string& language,
                 Diagnostics& diagnostics);

class Renderer {
public:
    explicit Renderer(const Theme& theme);
    ~Renderer();
    // Renders one page; thread-safe. Throws std::runtime_error for a missing template (or one
    // left out for its errors).
    [[nodiscard]] std::string render(const site::PageView& page) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// &, <, >, " and ' as entities; characters XML 1.0 or HTML does not allow as U+FFFD.
std::string escape_html(std::string_view text);

}  // namespace samplan::render
