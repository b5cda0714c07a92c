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

TEST_CASE("new TOML records name their JSON Schema when schemas/ lies beside the content folder") {
    TempDir dir;
    copy_base_fixture(dir.path() / "content");
    const std::string content = (dir.path() / "content").string();
    CHECK(run_samplan({"new", "group", "beta", "--content", content}).exit_code == 0);
    CHECK(read_file(dir.path() / "content/groups/beta/group.toml").rfind("#:schema", 0) == std::string::npos);

    fs::copy(fs::path(SAMPLAN_EXAMPLE_CONTENT) / "../schemas", dir.path() / "schemas", fs::copy_options::recursive);
    CHECK(run_samplan({"new", "group", "gamma", "--content", content}).exit_code == 0);
    CHECK(run_samplan({"new", "plan", "alfa", "2026", "--content", content}).exit_code == 0);
    CHECK(run_samplan({"new", "activity", "alfa", "2025", "ny", "--content", content}).exit_code == 0);
    const std::string group = read_file(dir.path() / "content/groups/gamma/group.toml");
    const std::string plan = read_file(dir.path() / "content/groups/alfa/plans/2026/plan.toml");
    CHECK(group.rfind("#:schema ../../../schemas/group.json\n", 0) == 0);
    CHECK(plan.rfind("#:schema ../../../../../schemas/plan.json\n", 0) == 0);
    // The path holds from the record's folder, as Taplo resolves it.
    CHECK(fs::exists(dir.path() / "content/groups/gamma" / "../../../schemas/group.json"));
    CHECK(fs::exists(dir.path() / "content/groups/alfa/plans/2026" / "../../../../../schemas/plan.json"));
    // Taplo does not read front matter: an activity gets no line.
    CHECK(read_file(dir.path() / "content/groups/alfa/plans/2025/activities/ny.md").rfind("+++\n", 0) == 0);
    CHECK(run_samplan({"check", "--content", content, "--today", "2025-06-01"}).out == "");
}
