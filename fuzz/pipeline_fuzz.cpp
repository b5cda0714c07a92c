// libFuzzer target: a small valid site whose activity is the input, loaded, checked, turned
// into view models and rendered with the default theme.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "check/check.h"
#include "content/content.h"
#include "model/build.h"
#include "render/render.h"
#include "site/site.h"

namespace {

const std::map<std::string, std::string> kSite = {
    {"site.toml", "title = \"T\"\n"},
    {"regional/plan.toml",
     "title = \"R\"\n[[focus_areas]]\nid = \"fa\"\ntitle = \"F\"\n[[focus_areas.goals]]\nid = \"fa-1\"\ntitle = \"G\"\n"},
    {"processes/p.toml", "title = \"P\"\n[[steps]]\nid = \"s1\"\ntitle = \"S1\"\n"},
    {"groups/g/group.toml", "name = \"G\"\nprincipals = [\"K\", \"R\"]\n"},
    {"groups/g/plans/p1/plan.toml",
     "title = \"P\"\nstart = 2025-01-01\nend = 2025-12-31\nstatus = \"beslutad\"\ndecided = 2025-01-10\nprocess = \"p\"\n"},
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static samplan::Diagnostics theme_problems;
    static const samplan::render::Theme theme =
        samplan::render::load_theme({SAMPLAN_THEMES_DIR, "default", "themes folder"}, std::nullopt, "sv", theme_problems);
    static const samplan::render::Renderer renderer(theme);
    auto files = kSite;
    files["groups/g/plans/p1/activities/a.md"] = std::string(reinterpret_cast<const char*>(data), size);
    samplan::content::MemorySource source(files);
    samplan::Diagnostics diagnostics;
    const auto records = samplan::content::load_records(source, diagnostics);
    const auto site = samplan::model::build_model(records, diagnostics);
    samplan::check::run_checks(site, {samplan::Date{2025, 6, 1}, nullptr}, diagnostics);
    if (diagnostics.has_errors()) return 0;
    samplan::site::SiteOptions options;
    options.today = {2025, 6, 1};
    options.strings = &theme.strings;
    const auto view = samplan::site::build_site(site, options);
    for (const auto& page : view.pages)
        if (page.path.rfind("groups/", 0) == 0) (void)renderer.render(page);
    return 0;
}
