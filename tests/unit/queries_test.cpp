// model/queries.h: the plan in force and the on-track verdict, asked directly.
#include <doctest/doctest.h>

#include "model/queries.h"

using namespace samplan;
using namespace samplan::model;

namespace {

Plan plan(const std::string& id, PlanStatus status, std::optional<Date> start, std::optional<Date> end) {
    Plan p;
    p.id = id;
    p.status = status;
    p.start = start;
    p.end = end;
    return p;
}

}  // namespace

TEST_CASE("the plan in force is the newest decided plan whose period holds today") {
    Group g;
    g.plans.push_back(plan("2024", PlanStatus::Decided, Date{2024, 1, 1}, Date{2025, 12, 31}));
    g.plans.push_back(plan("2025", PlanStatus::Decided, Date{2025, 1, 1}, Date{2025, 12, 31}));
    g.plans.push_back(plan("utkast", PlanStatus::Draft, Date{2025, 3, 1}, Date{2026, 12, 31}));
    g.plans.push_back(plan("2026", PlanStatus::Decided, Date{2026, 1, 1}, Date{2026, 12, 31}));
    const Date today{2025, 6, 1};
    CHECK(in_force(g.plans[0], today));
    CHECK_FALSE(in_force(g.plans[2], today));  // a draft is never in force
    CHECK_FALSE(in_force(g.plans[3], today));  // not begun
    REQUIRE(current_plan(g, today));
    CHECK(current_plan(g, today)->id == "2025");
    CHECK(in_force(g.plans[1], Date{2025, 12, 31}));  // the last day counts
    CHECK_FALSE(current_plan(g, Date{2027, 1, 1}));   // all ended
    // A meeting then follows up the newest plan by start.
    REQUIRE(followed_plan(g, Date{2027, 1, 1}));
    CHECK(followed_plan(g, Date{2027, 1, 1})->id == "2026");
    CHECK(followed_plan(g, today)->id == "2025");
    CHECK_FALSE(followed_plan(Group{}, today));
}

TEST_CASE("an indicator is reached, on track or behind against a straight line from baseline to target") {
    CHECK(on_track(10, 0, 20, 100, 15, 50) == Track::On);
    CHECK(on_track(10, 0, 20, 100, 14, 50) == Track::Behind);
    CHECK(on_track(10, 0, 20, 100, 20, 50) == Track::Reached);
    CHECK(on_track(20, 0, 10, 100, 14, 50) == Track::On);  // a target below the baseline
    CHECK(on_track(20, 0, 10, 100, 16, 50) == Track::Behind);
    CHECK(on_track(10, 0, 10, 100, 15, 50) == Track::Unknown);  // no change asked for
    CHECK(on_track(10, 100, 20, 100, 15, 50) == Track::Unknown);

    RegionalIndicator r;
    CHECK(on_track(r) == Track::Unknown);  // no baseline
    r.baseline = YearValue{2020, 100, {}};
    r.targets = {YearValue{2024, 80, {}}, YearValue{2030, 50, {}}};
    r.values = {YearValue{2022, 88, {}}};
    CHECK(on_track(r) == Track::On);  // against 2024's target: 90 expected by 2022
    r.values = {YearValue{2026, 79, {}}};
    CHECK(on_track(r) == Track::Behind);  // against 2030's: 70 expected by 2026

    LocalIndicator l;
    l.baseline = DateValue{Date{2025, 1, 1}, 0, {}};
    l.target = DateValue{Date{2025, 12, 31}, 100, {}};
    CHECK(on_track(l) == Track::Unknown);  // no value yet
    l.values = {DateValue{Date{2025, 7, 1}, 60, {}}};
    CHECK(on_track(l) == Track::On);
    l.values = {DateValue{Date{2025, 7, 1}, 30, {}}};
    CHECK(on_track(l) == Track::Behind);
}
