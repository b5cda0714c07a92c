// Drafts (draft = true, or a plan with status "utkast") stay out of every output unless
// `samplan build --drafts` asks for them; then they are marked.
#include <doctest/doctest.h>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

void add_drafts(const fs::path& content) {
    const fs::path activities = content / "groups/alfa/plans/2025/activities";
    std::string draft = read_file(activities / "sip.md");
    draft.replace(draft.find("Samordnad individuell plan"), 26, "Hemlig aktivitet");
    draft.replace(draft.find("priority = 2"), 12, "priority = 3\ndraft = true");
    write_file(activities / "hemlig.md", draft);
    write_file(content / "groups/alfa/plans/2026/plan.toml",
               "title = \"Hemlig plan\"\nstart = 2026-01-01\nend = 2026-12-31\nstatus = \"utkast\"\nprocess = \"vagledning\"\n");
    write_file(content / "pages/hemlig-sida.md", "+++\ntitle = \"Hemlig sida\"\ndraft = true\n+++\nText.\n");
}

std::string everything(const fs::path& site) {
    std::string all;
    for (const auto& e : fs::recursive_directory_iterator(site))
        if (e.is_regular_file()) all += e.path().string() + "\n" + read_file(e.path());
    return all;
}

}  // namespace

TEST_CASE("drafts are left out of the pages, the open data and the feeds") {
    TempDir dir;
    copy_base_fixture(dir.path() / "content");
    add_drafts(dir.path() / "content");
    const auto r = run_samplan({"build", "--content", (dir.path() / "content").string(), "--output",
                                (dir.path() / "site").string(), "--today", "2025-06-01"});
    REQUIRE(r.exit_code == 0);
    const std::string all = everything(dir.path() / "site");
    CHECK(all.find("Hemlig") == std::string::npos);
    CHECK(all.find("hemlig") == std::string::npos);
    CHECK(all.find("Samordnad individuell plan") != std::string::npos);
}

TEST_CASE("--drafts publishes drafts with a visible marker") {
    TempDir dir;
    copy_base_fixture(dir.path() / "content");
    add_drafts(dir.path() / "content");
    const auto r = run_samplan({"build", "--content", (dir.path() / "content").string(), "--output",
                                (dir.path() / "site").string(), "--today", "2025-06-01", "--drafts"});
    REQUIRE(r.exit_code == 0);
    const std::string activity = read_file(dir.path() / "site/groups/alfa/2025/hemlig/index.html");
    CHECK(activity.find("<p class=\"draft-marker\"><strong>Utkast.</strong>") != std::string::npos);
    CHECK(read_file(dir.path() / "site/groups/alfa/2026/index.html").find("draft-marker") != std::string::npos);
    CHECK(read_file(dir.path() / "site/pages/hemlig-sida/index.html").find("draft-marker") != std::string::npos);
    CHECK(read_file(dir.path() / "site/groups/alfa/2025/sip/index.html").find("draft-marker") == std::string::npos);
}
