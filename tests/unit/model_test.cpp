#include <doctest/doctest.h>

#include <cstdio>

#include "model/table_reader.h"
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

TEST_CASE("activities read on every core come out as if read one by one") {
    // Enough activities that every core reads some; every third one has a problem to report.
    auto files = minimal_site();
    for (int i = 0; i < 300; ++i) {
        char id[8];
        std::snprintf(id, sizeof id, "a%03d", i);
        files[std::string("groups/g/plans/p1/activities/") + id + ".md"] =
            activity("priority = " + std::to_string(300 - i) + "\n" + (i % 3 == 0 ? "stepp = 1\n" : ""));
    }
    content::MemorySource source(files);
    Diagnostics load_diagnostics;
    const auto records = content::load_records(source, load_diagnostics);
    Diagnostics d;
    const model::Site site = model::build_model(records, d);
    REQUIRE(site.groups.size() == 1);
    const auto& activities = site.groups[0].plans.at(0).activities;
    REQUIRE(activities.size() == 300);
    CHECK(activities.front().id == "a299");  // priority 1
    CHECK(activities.back().id == "a000");   // priority 300
    // The diagnostics, unsorted, are those of each activity on its own, in record order.
    Diagnostics expected;
    for (const auto& r : records)
        if (r.kind == content::RecordKind::Activity) model::build_activity(r, expected);
    REQUIRE(d.all().size() == 100);
    REQUIRE(expected.all().size() == 100);
    for (size_t i = 0; i < d.all().size(); ++i) CHECK(format_text(d.all()[i]) == format_text(expected.all()[i]));
    CHECK(d.all().front().path == "groups/g/plans/p1/activities/a000.md");
    CHECK(d.all().back().path == "groups/g/plans/p1/activities/a297.md");
}

TEST_CASE("plain text values are limited in characters, not bytes, with the position of the value") {
    std::string at_limit;
    for (std::size_t i = 0; i < model::kLabelChars; ++i) at_limit += "ä";  // 600 bytes, 300 characters
    auto files = minimal_site();
    files["groups/g/group.toml"] = "name = \"" + at_limit + "\"\nprincipals = [\"K\", \"R\"]\n";
    auto r = run_pipeline(files);
    CHECK(r.lines.empty());
    CHECK(r.site.groups.at(0).name == at_limit);

    files["groups/g/group.toml"] = "name = \"" + at_limit + "x\"\nprincipals = [\"K\", \"" + at_limit + "y\"]\n";
    r = run_pipeline(files);
    CHECK(r.lines == std::vector<std::string>{
                         "groups/g/group.toml:1:8: error: 'name' is 301 characters long; at most 300 are allowed "
                         "[bad-value]",
                         "groups/g/group.toml:2:20: error: an element of 'principals' is 301 characters long; at most "
                         "300 are allowed [bad-value]"});
}

TEST_CASE("a long activity title and a long plain assignment field are refused") {
    auto files = minimal_site();
    files["groups/g/plans/p1/activities/a.md"] =
        "+++\ntitle = \"" + std::string(1000, 'T') +
        "\"\ntarget_group = \"vuxna\"\nfocus_area = \"fa\"\ngoal = \"fa-1\"\nstart = 2025-02-01\nend = 2025-03-01\n"
        "[assignment]\nreporting = \"" + std::string(model::kPlainChars + 1, 'r') + "\"\n+++\n";
    const auto r = run_pipeline(files);
    REQUIRE(r.lines.size() >= 2);
    CHECK(r.lines[0] == "groups/g/plans/p1/activities/a.md:2:9: error: 'title' is 1000 characters long; at most 300 "
                        "are allowed [bad-value]");
    CHECK(r.lines[1] == "groups/g/plans/p1/activities/a.md:9:13: error: 'reporting' is 2001 characters long; at "
                        "most 2000 are allowed [bad-value]");
}
