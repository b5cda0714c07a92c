// site/families.h through the build stage: the registry of page families (its page count is the
// pages written) and the families' change keys (a rebuild after one activity's edit makes again
// only the pages whose inputs changed, and keeps the others' files as they were).
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "build/build.h"
#include "fixture_folder.h"
#include "site/families.h"

using namespace samplan;
namespace fs = std::filesystem;

namespace {

// The base fixture with a second group (beta, a copy of alfa), in a git repository of two commits.
struct FamiliesRepo : test::FixtureFolder {
    FamiliesRepo() : FixtureFolder("families") {
        fs::copy(dir / "content/groups/alfa", dir / "content/groups/beta", fs::copy_options::recursive);
        replace("groups/beta/group.toml", "Alfa\"", "Beta\"");
        git("init -q");
        git("add -A");
        git("commit -qm 'Första'", "2025-01-05T10:00:00");
        replace("groups/alfa/plans/2025/activities/sip.md", "+++\n", "+++\n# andra versionen\n");
        git("commit -qam 'Andra'", "2025-02-05T10:00:00");
        settle();
    }
    // Builds; returns the "pages" stage's total, as the progress bar is told it before the pages.
    size_t build(build::BuildReport& report) const {
        struct Totals final : build::Reporter {
            size_t pages = 0;
            void stage(const std::string& name, size_t total) override {
                if (name == "pages") pages = total;
            }
        } totals;
        report.timings.attach(&totals);
        std::ostringstream err;
        REQUIRE_MESSAGE(build::make_site(request(), {}, report, err) == build::kOk, err.str());
        report.timings.attach(nullptr);
        return totals.pages;
    }
    ino_t inode(const std::string& page) const {
        struct stat st {};
        REQUIRE_MESSAGE(::stat((dir / "output" / page).c_str(), &st) == 0, page);
        return st.st_ino;
    }
};

}  // namespace

TEST_CASE("the registry lists every family once, in an order that hands each what it reads") {
    std::vector<std::string> names;
    for (const auto& family : site::page_families()) {
        names.push_back(family.name);
        CHECK(static_cast<bool>(family.count));
        CHECK(static_cast<bool>(family.add));
    }
    CHECK(names == std::vector<std::string>{"start", "regional", "groups", "guidance", "follow-up", "indicators",
                                            "meeting papers", "changes", "versions", "feeds"});
}

TEST_CASE("the registry's page count is the number of pages a build writes, with and without history") {
    FamiliesRepo repo;
    build::BuildReport report;
    const size_t counted = repo.build(report);
    CHECK(report.pages > 30);
    CHECK(counted == report.pages);
    // Without git there are no history pages, and the count says so too.
    fs::remove_all(repo.dir / ".git");
    fs::remove_all(repo.dir / "cache");
    fs::remove_all(repo.dir / "output");
    build::BuildReport plain;
    const size_t plain_counted = repo.build(plain);
    CHECK(plain.pages < report.pages);
    CHECK(plain_counted == plain.pages);
}

TEST_CASE("after one activity's edit, a rebuild renders its pages and those that show it, and keeps another group's") {
    FamiliesRepo repo;
    build::BuildReport first;
    repo.build(first);
    const std::vector<std::string> edited = {"groups/alfa/2025/utbildning/index.html", "groups/alfa/2025/index.html",
                                             "meeting-papers/alfa/index.html"};
    const std::vector<std::string> unrelated = {"groups/beta/index.html", "groups/beta/2025/index.html",
                                                "groups/beta/2025/utbildning/index.html", "groups/beta/2025/sip/index.html",
                                                "meeting-papers/beta/index.html", "history/beta/index.html",
                                                "processes/index.html", "search/index.html", "groups/alfa/2025/sip/index.html"};
    std::map<std::string, ino_t> before;
    for (const auto& page : edited) before[page] = repo.inode(page);
    for (const auto& page : unrelated) before[page] = repo.inode(page);

    repo.replace("groups/alfa/plans/2025/activities/utbildning.md", "title = \"", "title = \"Ny: ");
    repo.settle();
    build::BuildReport second;
    repo.build(second);
    CHECK_FALSE(second.up_to_date);
    for (const auto& page : edited) {
        INFO(page);
        CHECK(repo.inode(page) != before.at(page));  // written again
    }
    for (const auto& page : unrelated) {
        INFO(page);
        CHECK(repo.inode(page) == before.at(page));  // the very file the first build wrote
    }
}
