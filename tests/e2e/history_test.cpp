// The plan-revision rule reads the git history when a plan lists no `revised` dates.
#include <doctest/doctest.h>

#include <cstdlib>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

void git(const fs::path& repo, const std::string& args, const std::string& date = "2025-03-01T12:00:00") {
    const std::string command = "cd '" + repo.string() + "' && GIT_AUTHOR_DATE=" + date + " GIT_COMMITTER_DATE=" +
                                date +
                                " git -c user.name=Test -c user.email=test@example.org -c init.defaultBranch=main " +
                                args + " >/dev/null 2>&1";
    REQUIRE(std::system(command.c_str()) == 0);
}

const std::string kPlan =
    "title = \"Lokal handlingsplan\"\nstart = 2024-01-01\nend = 2026-12-31\nstatus = \"beslutad\"\n"
    "decided = 2024-01-10\nsent_to_office = 2024-01-20\nprocess = \"vagledning\"\n";
const char* kPlanPath = "groups/alfa/plans/2025/plan.toml";

std::string check_on(const fs::path& content, const char* today) {
    return run_samplan({"check", "--content", content.string(), "--today", today}).out;
}

}  // namespace

TEST_CASE("the last commit that changed plan.toml counts as its revision (content/ in a subfolder)") {
    TempDir repo;
    const fs::path content = repo.path() / "content";
    copy_base_fixture(content);
    write_file(content / kPlanPath, kPlan);
    git(repo.path(), "init");
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m first", "2024-01-10T12:00:00");
    CHECK(check_on(content, "2025-06-01") ==
          "groups/alfa/plans/2025/plan.toml:5:11: warning: plan not revised within 12 months (last changed in git "
          "2024-01-10): revise it and add the date to 'revised' [plan-revision]\n");

    write_file(content / kPlanPath, kPlan + "analysis = \"Reviderad analys.\"\n");
    git(repo.path(), "commit -am revision", "2025-03-01T12:00:00");
    write_file(content / "pages/vagledning.md", "+++\ntitle = \"Vägledning\"\n+++\nNy text.\n");
    git(repo.path(), "commit -am other", "2025-05-01T12:00:00");
    CHECK(check_on(content, "2025-06-01") == "");
    CHECK(check_on(content, "2026-03-02") ==
          "groups/alfa/plans/2025/plan.toml:5:11: warning: plan not revised within 12 months (last changed in git "
          "2025-03-01): revise it and add the date to 'revised' [plan-revision]\n"
          "regional/plan.toml:19:17: warning: indicator 'vantetid' has a target for 2025 but no value for that year: "
          "add the outcome to 'values' [indicator-values]\n");
}

TEST_CASE("without git the revision counts from the decision, and the build says so once") {
    TempDir dir;
    copy_base_fixture(dir.path());
    write_file(dir.path() / kPlanPath, kPlan);
    const auto r = run_samplan({"check", "--content", dir.path().string(), "--today", "2025-06-01"});
    CHECK(r.out ==
          "groups/alfa/plans/2025/plan.toml:5:11: warning: plan not revised within 12 months (decided 2024-01-10 "
          "and not revised since): revise it and add the date to 'revised' [plan-revision]\n");
    CHECK(r.err.find("not in a git repository") != std::string::npos);
    CHECK(r.exit_code == 0);
}
