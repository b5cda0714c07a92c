// build/build.h: the sequence every command runs, told through its hooks and its Reporter.
#include <doctest/doctest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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

namespace {

// Every file below `root` (but Pagefind's index) with its bytes, by path.
std::map<std::string, std::string> files_below(const fs::path& root) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file()) continue;
        const std::string path = fs::relative(e.path(), root).string();
        if (path.rfind("pagefind/", 0) == 0) continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream bytes;
        bytes << in.rdbuf();
        files[path] = bytes.str();
    }
    return files;
}

// The base fixture committed, built once: each case saves a record file while a build is between
// its load and its pages (as staff saving while `samplan serve` rebuilds).
struct SavedMidBuild : test::FixtureFolder {
    static constexpr const char* kActivity = "groups/alfa/plans/2025/activities/sip.md";
    SavedMidBuild() : FixtureFolder("saved-mid-build") {
        git("init -q");
        git("add -A");
        git("commit -qm 'Första'");
        build(request());
    }
    static void build(const build::SiteRequest& request, const build::SiteHooks& hooks = {}) {
        build::BuildReport report;
        std::ostringstream err;
        REQUIRE_MESSAGE(build::make_site(request, hooks, report, err) == build::kOk, err.str());
    }
    // A build whose content changes by `save` once it is loaded and checked.
    void build_while_saving(const std::function<void()>& save) const {
        build::SiteHooks hooks;
        hooks.checked = [&](const build::Loaded&) {
            save();
            return std::string();
        };
        build(request(), hooks);
    }
    // Builds again (nothing saved meanwhile) and checks that the output is the site a full build
    // of the content writes into a new folder, byte for byte.
    void check_next_build_is_full_builds() const {
        build(request());
        build::SiteRequest full = request();
        full.settings.output = (dir / "full").string();
        full.settings.page_keys_file = (dir / "full-cache/pages.txt").string();
        full.stamp_file = (dir / "full-cache/stamp.txt").string();
        full.history_cache = (dir / "full-cache/history").string();
        build(full);
        const auto built = files_below(dir / "output"), expected = files_below(dir / "full");
        CHECK(built.size() == expected.size());
        std::vector<std::string> differing;
        for (const auto& file : expected) {
            const auto it = built.find(file.first);
            if (it == built.end() || it->second != file.second) differing.push_back(file.first);
        }
        CHECK_MESSAGE(differing.empty(), "differing from a full build: " << differing.size() << ", the first "
                                                                        << (differing.empty() ? "" : differing.front()));
    }
};

}  // namespace

TEST_CASE("a record file edited again while a build makes its pages is made again by the next build") {
    SavedMidBuild site;
    site.replace(SavedMidBuild::kActivity, "Samordnad individuell plan", "Samordnad plan, andra");
    site.build_while_saving([&] { site.replace(SavedMidBuild::kActivity, "Samordnad plan, andra", "Samordnad plan, tredje"); });
    site.check_next_build_is_full_builds();
}

TEST_CASE("a record file put back as committed while a build makes its pages is made again by the next build") {
    SavedMidBuild site;
    site.replace(SavedMidBuild::kActivity, "Samordnad individuell plan", "Samordnad plan, andra");
    // Built once so (its pages then keyed by their data, the file not being its commit), the next
    // build finds no page of the committed text to keep.
    SavedMidBuild::build(site.request());
    site.build_while_saving([&] { site.git("checkout -- content/" + std::string(SavedMidBuild::kActivity)); });
    site.check_next_build_is_full_builds();
}

TEST_CASE("the site's settings edited while a build makes its pages are in every page the next build makes") {
    // The content outside groups/ (settings, regional plan, processes, pages) and the theme are
    // named in every page's key by their bytes (inputs_key), read after the load: a save between
    // the two must not leave pages made from the older text under the newer text's key.
    SavedMidBuild site;
    site.replace("site.toml", "title = \"Testsajt\"", "title = \"Testsajt andra\"");
    site.build_while_saving([&] { site.replace("site.toml", "Testsajt andra", "Testsajt tredje"); });
    site.check_next_build_is_full_builds();
}
