// build/build.h: the sequence every command runs, told through its hooks and its Reporter.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "build/build.h"
#include "fixture_folder.h"

using namespace samplan;
namespace fs = std::filesystem;

namespace {

// The base fixture in a fresh folder.
struct Site : test::FixtureFolder {
    Site() : FixtureFolder("build") {}
};

// Records the stages it is told of.
struct Stages final : build::Reporter {
    std::vector<std::string> names;
    void stage(const std::string& name, size_t) override { names.push_back(name); }
};

}  // namespace

TEST_CASE("a build checks, then publishes, the next one, with nothing changed, is skipped with the first one's report") {
    const Site site;
    std::vector<std::string> events;
    build::SiteHooks hooks;
    hooks.checked = [&](const build::Loaded& loaded) {
        events.push_back("checked, " + std::to_string(loaded.diagnostics.error_count()) + " errors");
        return std::string("the first build's report\n");
    };
    hooks.publishing = [&] { events.push_back("publishing"); };
    hooks.up_to_date = [&](const std::string& previous) { events.push_back("up to date: " + previous); };

    build::BuildReport first;
    Stages stages;
    first.timings.attach(&stages);
    std::ostringstream err;
    CHECK(build::make_site(site.request(), hooks, first, err) == build::kOk);
    CHECK(events == std::vector<std::string>{"checked, 0 errors", "publishing"});
    CHECK(stages.names == std::vector<std::string>{"up-to-date check", "load", "model", "history", "check", "previous build", "pages",
                                                   "search index", "versions", "swap output"});
    CHECK_FALSE(first.up_to_date);
    CHECK(first.pages > 10);
    CHECK(fs::is_regular_file(site.dir / "output/index.html"));

    events.clear();
    build::BuildReport second;
    CHECK(build::make_site(site.request(), hooks, second, err) == build::kOk);
    CHECK(second.up_to_date);
    CHECK(events == std::vector<std::string>{"up to date: the first build's report\n"});
}

TEST_CASE("a build of content with an error stops after the checks: nothing is published") {
    const Site site;
    std::ofstream(site.dir / "content/site.toml", std::ios::app) << "title = \n";
    site.settle();
    std::vector<std::string> events;
    build::SiteHooks hooks;
    hooks.checked = [&](const build::Loaded& loaded) {
        events.push_back("checked, " + std::to_string(loaded.diagnostics.error_count()) + " errors");
        return std::string();
    };
    hooks.publishing = [&] { events.push_back("publishing"); };
    build::BuildReport report;
    std::ostringstream err;
    CHECK(build::make_site(site.request(), hooks, report, err) == build::kContentErrors);
    CHECK(events == std::vector<std::string>{"checked, 1 errors"});
    CHECK_FALSE(fs::exists(site.dir / "output"));
}

TEST_CASE("load_and_check reads, checks and keeps only what it is asked for") {
    const std::map<std::string, std::string> files = {
        {"site.toml", "title = \"T\"\n"},
        {"regional/plan.toml", "title = \"R\"\n"},
        {"groups/g/group.toml", "name = \"G\"\nprincipals = [\"K\", \"R\"]\n"},
        {"groups/g/plans/p/plan.toml", "title = \"P\"\nstatus = \"beslutad\"\nstart = 2025-01-01\nend = 2024-01-01\n"},
    };
    const content::MemorySource source(files);
    build::Loaded checked;
    build::load_and_check(source, build::LoadOptions{Date{2025, 6, 1}, true, false, {}, {}, true}, checked);
    CHECK(checked.records == 4);
    CHECK(checked.kept.size() == 4);
    bool date_order = false;
    for (const auto& d : checked.diagnostics.all()) date_order = date_order || d.rule == "date-order";
    CHECK(date_order);
    CHECK_FALSE(checked.history.available());

    build::Loaded model_only;
    build::load_and_check(source, build::LoadOptions{Date{2025, 6, 1}, false, false, {}, {}, false}, model_only);
    CHECK(model_only.kept.empty());
    REQUIRE(model_only.site.groups.size() == 1);
    CHECK(model_only.site.groups[0].plans.size() == 1);
    for (const auto& d : model_only.diagnostics.all()) CHECK(d.rule != "date-order");
}
