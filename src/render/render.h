// render/render.h — view models to HTML through the theme's Mustache templates. Text is
// escaped; Markdown fields are rendered safely. Templates are read once per build.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "site/data.h"
#include "site/site.h"

namespace samplan::render {

// The theme's files: templates by name ("activity" for templates/activity.mustache), assets by
// relative path, and UI strings. A site's content/theme/ overrides any of them by name.
struct Theme {
    std::map<std::string, std::string> templates;
    std::map<std::string, std::string> assets;  // "style.css" → file path on disk
    site::Strings strings;
};

// Reads `theme_dir` then `override_dir` (may be missing). Problems are reported as diagnostics.
Theme load_theme(const std::string& theme_dir, const std::string& override_dir, const std::string& language,
                 Diagnostics& diagnostics);

class Renderer {
public:
    explicit Renderer(const Theme& theme);
    ~Renderer();
    // Renders one page; thread-safe. Throws std::runtime_error for a missing template.
    [[nodiscard]] std::string render(const site::PageView& page) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// &, <, >, " and ' as entities.
std::string escape_html(std::string_view text);

}  // namespace samplan::render
