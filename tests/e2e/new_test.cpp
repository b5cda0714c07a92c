// `samplan new`: records with every key, that pass the checks as drafts, never overwriting.
#include <doctest/doctest.h>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

TEST_CASE("new records pass the checks, stay drafts, and are never overwritten") {
    TempDir dir;
    copy_base_fixture(dir.path());
    const std::string content = dir.path().string();
    CHECK(run_samplan({"new", "group", "beta", "--content", content}).exit_code == 0);
    CHECK(run_samplan({"new", "plan", "alfa", "2026", "--content", content}).exit_code == 0);
    CHECK(run_samplan({"new", "activity", "alfa", "2025", "ny-aktivitet", "--content", content}).exit_code == 0);
    CHECK(run_samplan({"new", "evaluation", "alfa", "utv-2025", "--content", content}).exit_code == 0);

    const std::string activity = read_file(dir.path() / "groups/alfa/plans/2025/activities/ny-aktivitet.md");
    for (const char* key : {"title =", "target_group =", "focus_area = \"tidiga-insatser\"", "goal = \"tidiga-insatser-1\"",
                            "[assignment]", "principal = \"Alfa kommun\"", "principal = \"Regionen\"", "[[subgoals]]",
                            "# [[indicators]]", "# [[reports]]", "# [final_report]", "# [evaluation]", "# [funding]"})
        CHECK_MESSAGE(activity.find(key) != std::string::npos, key);

    const auto check = run_samplan({"check", "--content", content, "--today", "2025-06-01"});
    CHECK(check.out == "");
    CHECK(check.exit_code == 0);

    const auto again = run_samplan({"new", "activity", "alfa", "2025", "ny-aktivitet", "--content", content});
    CHECK(again.exit_code == 2);
    CHECK(again.err.find("exists already; not overwritten") != std::string::npos);
    CHECK(read_file(dir.path() / "groups/alfa/plans/2025/activities/ny-aktivitet.md") == activity);

    const auto typo = run_samplan({"new", "plan", "alfaa", "2027", "--content", content});
    CHECK(typo.exit_code == 2);
    CHECK(typo.err.find("did you mean 'alfa'?") != std::string::npos);
    CHECK(run_samplan({"new", "activity", "alfa", "2025", "Dåligt_id", "--content", content}).exit_code == 2);

    TempDir out;
    REQUIRE(run_samplan({"build", "--content", content, "--output", (out.path() / "site").string(), "--today",
                         "2025-06-01", "--drafts"})
                .exit_code == 0);
    CHECK(read_file(out.path() / "site/groups/alfa/2025/ny-aktivitet/index.html").find("draft-marker") != std::string::npos);
}
