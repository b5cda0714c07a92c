#include <doctest/doctest.h>

#include "pipeline.h"

using namespace samplan;
using namespace samplan::test;

TEST_CASE("a goal must belong to the activity's focus area") {
    auto files = minimal_site();
    files["groups/g/plans/p1/activities/a.md"] =
        activity().replace(activity().find("goal = \"fa-1\""), 13, "goal = \"fb-1\"");
    const auto r = run_pipeline(files);
    CHECK(r.lines == std::vector<std::string>{"groups/g/plans/p1/activities/a.md:5:8: error: goal 'fb-1' belongs to "
                                              "focus area 'fb', not to 'fa': change 'focus_area' to 'fb', or pick a "
                                              "goal of 'fa' (did you mean 'fa-1'?) [unknown-reference]"});
}

TEST_CASE("a planned activity may lack a working group, an ongoing one may not") {
    auto files = minimal_site();
    const std::string no_group =
        "+++\ntitle = \"A\"\ntarget_group = \"vuxna\"\nfocus_area = \"fa\"\ngoal = \"fa-1\"\nstatus = \"planerad\"\n"
        "start = 2025-02-01\nend = 2025-11-30\n+++\n";
    files["groups/g/plans/p1/activities/a.md"] = no_group;
    CHECK(run_pipeline(files).lines.empty());
    std::string ongoing = no_group;
    ongoing.replace(ongoing.find("planerad"), 8, "pågår");
    files["groups/g/plans/p1/activities/a.md"] = ongoing;
    CHECK(run_pipeline(files).lines ==
          std::vector<std::string>{
              "groups/g/plans/p1/activities/a.md:6:10: error: working group has 0 conveners: exactly one member "
              "must have convener = true [working-group-convener]",
              "groups/g/plans/p1/activities/a.md:6:10: error: working group has no member from 'K': it needs at "
              "least one named person from each principal [working-group-principals]",
              "groups/g/plans/p1/activities/a.md:6:10: error: working group has no member from 'R': it needs at "
              "least one named person from each principal [working-group-principals]"});
}

TEST_CASE("reports due grow with time for ongoing activities") {
    auto files = minimal_site();
    files["groups/g/plans/p1/activities/a.md"] = activity("", "pågår");
    CHECK(run_pipeline(files, {2025, 6, 1}).lines.empty());  // 4 months: no report due yet
    CHECK(run_pipeline(files, {2025, 8, 1}).lines ==
          std::vector<std::string>{"groups/g/plans/p1/activities/a.md:6:10: warning: ongoing activity has 0 progress "
                                   "reports but 1 was due by 2025-08-01 (2 reports a year) [activity-reports]"});
    files["groups/g/plans/p1/activities/a.md"] =
        activity("[[reports]]\ndate = 2025-07-01\nprogress = \"ok\"\n", "pågår");
    CHECK(run_pipeline(files, {2025, 8, 1}).lines.empty());
    files["groups/g/plans/p1/activities/a.md"] = activity("", "avslutad");
    CHECK(run_pipeline(files, {2025, 8, 1}).lines ==
          std::vector<std::string>{"groups/g/plans/p1/activities/a.md:6:10: error: activity is 'avslutad' but has no "
                                   "[final_report]: add the final report (slutrapport) [final-report]"});
}

TEST_CASE("the revision interval counts from the last revision") {
    auto files = minimal_site();
    files["groups/g/plans/p1/plan.toml"] =
        "title = \"P\"\nstart = 2025-01-01\nend = 2026-12-31\nstatus = \"beslutad\"\ndecided = 2025-01-10\n"
        "sent_to_office = 2025-01-20\nrevised = [2026-01-05]\n";
    CHECK(run_pipeline(files, {2026, 6, 1}).lines.empty());
    // The plan has ended: no revision is due, but the group has no plan in force any more.
    CHECK(run_pipeline(files, {2027, 1, 6}).lines ==
          std::vector<std::string>{"groups/g/plans/p1/plan.toml:3:7: warning: the group's newest plan ended on 2026-12-31 "
                                   "and is no longer in force: decide a new plan [plan-ended]"});
    files["groups/g/plans/p1/plan.toml"] =
        "title = \"P\"\nstart = 2025-01-01\nend = 2026-12-31\nstatus = \"beslutad\"\ndecided = 2025-01-10\n"
        "sent_to_office = 2025-01-20\n";
    CHECK(run_pipeline(files, {2026, 2, 1}).lines ==
          std::vector<std::string>{"groups/g/plans/p1/plan.toml:5:11: warning: plan not revised within 12 months "
                                   "(decided 2025-01-10 and not revised since): revise it and add the date to "
                                   "'revised' [plan-revision]"});
}

TEST_CASE("a step needs a process and must lie within it") {
    auto files = minimal_site();
    files["groups/g/plans/p1/activities/a.md"] = activity("step = 3\n");
    CHECK(run_pipeline(files).lines ==
          std::vector<std::string>{"groups/g/plans/p1/activities/a.md:9:8: error: step 3 is outside process 'p', "
                                   "which has steps 1 to 2 [step-range]"});
}

namespace {

// An activity's versions as git gives them, newest first, each at the revision of the same index.
struct ActivityHistory {
    std::vector<history::Revision> revisions;
    std::vector<history::RecordVersion> versions;
};

ActivityHistory history_of(const std::vector<std::string>& texts_newest_first) {
    ActivityHistory h;
    for (size_t i = 0; i < texts_newest_first.size(); ++i) {
        auto files = minimal_site();
        files["groups/g/plans/p1/activities/a.md"] = texts_newest_first[i];
        const auto r = run_pipeline(files);
        REQUIRE(r.site.groups.at(0).plans.at(0).activities.size() == 1);
        history::Revision rev;
        rev.date = Date{2025, 5, static_cast<int>(31 - i)};
        h.revisions.push_back(rev);
        history::RecordVersion v;
        v.revision = i;
        v.activity = r.site.groups.at(0).plans.at(0).activities.at(0);
        h.versions.push_back(std::move(v));
    }
    return h;
}

std::vector<std::string> working_group_change(const ActivityHistory& h) {
    Diagnostics d;
    check::check_working_group_change(*h.versions.at(0).activity, h.versions, h.revisions, d);
    std::vector<std::string> lines;
    for (const auto& x : d.all()) lines.push_back(format_text(x));
    return lines;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
    return text;
}

}  // namespace

TEST_CASE("the latest change gave the working group another convener") {
    const std::string before = activity();
    const std::string after = replaced(before, "name = \"X\"", "name = \"Z\"");
    const auto h = history_of({after, before});
    CHECK(working_group_change(h) ==
          std::vector<std::string>{"groups/g/plans/p1/activities/a.md:9:1: warning: the working group got a new convener on "
                                   "2025-05-31: 'X' → 'Z' (the latest change in git) [working-group-convener-changed]"});
    Diagnostics d;
    check::check_working_group_change(*h.versions[0].activity, h.versions, h.revisions, d);
    REQUIRE(d.all().size() == 1);
    CHECK(d.all()[0].args == std::vector<std::string>{"X", "Z", "2025-05-31"});
    // Only the latest change counts: an older one is told no more.
    CHECK(working_group_change(history_of({after, after, before})).empty());
}

TEST_CASE("the latest change changed which principals the working group has members from") {
    const std::string before = activity();
    const std::string after = replaced(before, "principal = \"R\"", "principal = \"K\"");
    const auto h = history_of({after, before});
    CHECK(working_group_change(h) ==
          std::vector<std::string>{"groups/g/plans/p1/activities/a.md:9:1: warning: the principals the working group has "
                                   "members from changed on 2025-05-31 (the latest change in git) "
                                   "[working-group-principals-changed]"});
    Diagnostics d;
    check::check_working_group_change(*h.versions[0].activity, h.versions, h.revisions, d);
    REQUIRE(d.all().size() == 1);
    CHECK(d.all()[0].args == std::vector<std::string>{"2025-05-31"});
}

TEST_CASE("a change that leaves the convener and the principals as they were is no working-group change") {
    const std::string before = activity();
    // Another member from the same principal, and another status: neither is a finding.
    const std::string after = replaced(replaced(before, "name = \"Y\"", "name = \"W\""), "planerad", "pågår");
    CHECK(working_group_change(history_of({after, before})).empty());
}

TEST_CASE("an activity with only one version has no working-group change") {
    CHECK(working_group_change(history_of({activity()})).empty());
    // Nor one whose version before could not be read.
    auto h = history_of({replaced(activity(), "name = \"X\"", "name = \"Z\""), activity()});
    h.versions[1].activity.reset();
    CHECK(working_group_change(h).empty());
}
