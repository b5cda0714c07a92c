#include <doctest/doctest.h>

#include "pipeline.h"

using namespace samplan;
using namespace samplan::test;

TEST_CASE("the minimal site is clean and fills the model") {
    auto files = minimal_site();
    files["groups/g/plans/p1/activities/b.md"] = activity("priority = 2\n");
    files["groups/g/plans/p1/activities/a.md"] = activity("priority = 1\nstep = 2\n");
    const auto r = run_pipeline(files);
    CHECK(r.lines.empty());
    REQUIRE(r.site.groups.size() == 1);
    const auto& plan = r.site.groups[0].plans.at(0);
    REQUIRE(plan.activities.size() == 2);
    CHECK(plan.activities[0].id == "a");  // by priority
    CHECK(plan.activities[0].step == 2);
    CHECK(plan.activities[0].working_group.size() == 2);
    CHECK(plan.status == model::PlanStatus::Decided);
    CHECK(r.site.settings.target_groups.size() == 2);  // the default pair
    CHECK(r.site.regional.focus_areas.at(1).goals.at(0).id == "fb-1");
}

TEST_CASE("unknown keys are warnings with the nearest known key") {
    auto files = minimal_site();
    files["groups/g/group.toml"] = "name = \"G\"\nprincipals = [\"K\", \"R\"]\nmunicipalty = \"X\"\n";
    const auto r = run_pipeline(files);
    CHECK(r.lines == std::vector<std::string>{
                         "groups/g/group.toml:3:1: warning: unknown key 'municipalty' (did you mean 'municipality'?) "
                         "[unknown-key]"});
}

TEST_CASE("wrong types name what was expected and how to fix a quoted date") {
    auto files = minimal_site();
    files["groups/g/plans/p1/activities/a.md"] =
        "+++\ntitle = \"A\"\ntarget_group = \"vuxna\"\nfocus_area = \"fa\"\ngoal = \"fa-1\"\nstart = \"2025-02-01\"\n"
        "end = 2025-03-01\nstep = \"två\"\n+++\n";
    const auto r = run_pipeline(files);
    CHECK(r.lines ==
          std::vector<std::string>{
              "groups/g/plans/p1/activities/a.md:6:9: error: 'start' must be a date (YYYY-MM-DD), not a string "
              "(write the date without quotes: start = 2025-02-01) [type]",
              "groups/g/plans/p1/activities/a.md:8:8: error: 'step' must be a whole number, not a string [type]"});
}

TEST_CASE("status words are checked with a suggestion") {
    auto files = minimal_site();
    files["groups/g/plans/p1/activities/a.md"] = activity("", "pagar");
    const auto r = run_pipeline(files);
    CHECK(r.lines == std::vector<std::string>{"groups/g/plans/p1/activities/a.md:6:10: error: unknown status 'pagar' "
                                              "(did you mean 'pågår'?) [bad-value]"});
}

TEST_CASE("regional targets are read by year") {
    auto files = minimal_site();
    files["regional/plan.toml"] =
        "title = \"R\"\n[[focus_areas]]\nid = \"fa\"\ntitle = \"F\"\n[[focus_areas.goals]]\nid = \"fa-1\"\n"
        "title = \"G\"\n[[focus_areas.goals.indicators]]\nid = \"i\"\ntitle = \"I\"\ntargets = { 2026 = 30, 2025 = 45.5 }\n"
        "values = [ { year = 2025, value = 50 } ]\n";
    const auto r = run_pipeline(files);
    CHECK(r.lines.empty());
    const auto& ind = r.site.regional.focus_areas.at(0).goals.at(0).indicators.at(0);
    REQUIRE(ind.targets.size() == 2);
    CHECK(ind.targets[0].year == 2025);
    CHECK(ind.targets[0].value == doctest::Approx(45.5));
    CHECK(ind.values.at(0).value == 50);
}
