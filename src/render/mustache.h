// render/mustache.h — the theme's Mustache templates, parsed once into token trees and rendered
// straight from site::Data, from any number of threads at once.
//
// Behaviour follows libmstch 1.0.2, which the themes were written for (docs/themes.md lists
// where that differs from the Mustache spec). Set-delimiter tags and lambdas are not supported.
#pragma once

#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"
#include "site/data.h"

namespace samplan::render::mustache {

// Appends `text` with &, <, >, " and ' as entities, and U+FFFD for each character that XML 1.0 or
// HTML does not allow (see is_publishable in core/text.h) and each byte of invalid UTF-8: the
// same escape serves the HTML pages and the XML feeds.
void append_escaped(std::string& out, std::string_view text);

// A problem in one template's text, found when the templates are compiled.
struct TemplateError {
    std::string template_name;
    SourcePos pos;
    std::string message;
};

class TemplateSet {
public:
    // Compiles every template of `sources` (name → Mustache text; every template may include any
    // other as a partial). A template with errors is left out; its errors are appended to `errors`.
    TemplateSet(const std::map<std::string, std::string>& sources, std::vector<TemplateError>& errors);
    ~TemplateSet();
    TemplateSet(TemplateSet&&) noexcept;
    TemplateSet& operator=(TemplateSet&&) noexcept;

    [[nodiscard]] bool contains(const std::string& name) const;
    // Appends template `name` rendered over `contexts` (outermost first: a name is looked up in the
    // last context, then the ones before it). Throws std::runtime_error for an unknown template
    // or partials nested too deeply (a template that includes itself without end).
    void render(const std::string& name, std::span<const site::Data* const> contexts, std::string& out) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace samplan::render::mustache
