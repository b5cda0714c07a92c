#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <cmath>
#include <string>
#include <vector>

#include "core/text.h"
#include "pipeline.h"
#include "site/chart.h"
#include "site/site.h"

using namespace samplan;
using namespace samplan::site;

namespace {

ChartWords swedish() {
    ChartWords w;
    w.baseline = "Utgångsläge";
    w.value = "Utfall";
    w.target = "Målvärde";
    w.target_path = "Väg mot målet";
    w.today = "I dag";
    w.months = chart_months("jan,feb,mar,apr,maj,jun,jul,aug,sep,okt,nov,dec");
    w.number = [](double v) {
        std::string s = std::to_string(v);
        s.erase(s.find_last_not_of('0') + 1);
        if (s.back() == '.') s.pop_back();
        std::replace(s.begin(), s.end(), '.', ',');
        return s;
    };
    return w;
}

ChartPoint yearly(int year, double value, PointKind kind) { return {Date{year, 7, 1}, std::to_string(year), value, kind}; }
ChartPoint dated(Date d, double value, PointKind kind) { return {d, d.iso(), value, kind}; }

// Every text's estimated box lies inside the viewBox.
void check_inside(const std::vector<ChartText>& texts, double width, double height, double font) {
    for (const auto& t : texts) {
        const double w = text_width(t.text, font);
        const double x0 = t.anchor == "start" ? t.x : t.anchor == "end" ? t.x - w : t.x - w / 2;
        INFO(t.text);
        CHECK(x0 >= 0);
        CHECK(x0 + w <= width);
        CHECK(t.y - 0.8 * font >= 0);
        CHECK(t.y + 0.25 * font <= height);
    }
}

std::vector<std::string> texts_of(const std::vector<ChartText>& texts, const std::string& kind) {
    std::vector<std::string> out;
    for (const auto& t : texts)
        if (t.kind == kind) out.push_back(t.text);
    return out;
}

}  // namespace

TEST_CASE("an indicator chart shows its points in date order, baseline before value before target on a day") {
    const auto c = indicator_chart({dated({2025, 12, 31}, 120, PointKind::Target), dated({2025, 6, 30}, 48, PointKind::Value),
                                    dated({2025, 1, 1}, 10, PointKind::Value), dated({2025, 1, 1}, 0, PointKind::Baseline)},
                                   swedish());
    REQUIRE(c.markers.size() == 4);
    CHECK(c.markers[0].kind == PointKind::Baseline);
    CHECK(c.markers[1].kind == PointKind::Value);
    CHECK(c.markers[1].when == "2025-01-01");
    CHECK(c.markers[2].when == "2025-06-30");
    CHECK(c.markers[2].value == "48");
    CHECK(c.markers[3].kind == PointKind::Target);
    for (size_t i = 1; i < c.markers.size(); ++i) CHECK(c.markers[i - 1].x <= c.markers[i].x);
    CHECK(c.summary == "Utgångsläge: 0 (2025-01-01). Utfall: 10 (2025-01-01), 48 (2025-06-30). Målvärde: 120 (2025-12-31).");
}

TEST_CASE("an indicator chart places the baseline and the target on both axes") {
    const auto c = indicator_chart({dated({2025, 1, 1}, 0, PointKind::Baseline), dated({2025, 6, 30}, 48, PointKind::Value),
                                    dated({2025, 12, 31}, 120, PointKind::Target)},
                                   swedish());
    REQUIRE(c.markers.size() == 3);
    const auto& baseline = c.markers[0];
    const auto& value = c.markers[1];
    const auto& target = c.markers[2];
    // Under a year and a half: months, from 1 January 2025 to 1 January 2026, 8 units inside the plot.
    const double from = c.left + 8, to = c.right - 8;
    CHECK(baseline.x == doctest::Approx(from));
    CHECK(target.x == doctest::Approx(from + (to - from) * 364.0 / 365.0));
    CHECK(value.x == doctest::Approx(from + (to - from) * 180.0 / 365.0));
    // Values from zero: the baseline sits on the time axis, the target on or under the top tick.
    CHECK(baseline.y == doctest::Approx(c.bottom));
    CHECK(target.y >= c.top);
    CHECK(value.y > target.y);
    CHECK(value.y < baseline.y);
    CHECK(value.y == doctest::Approx(c.bottom - (c.bottom - target.y) * 48.0 / 120.0));
    // The value line joins baseline and value; the dashed path goes from the baseline to the target.
    CHECK(c.value_path.find('L') != std::string::npos);
    CHECK(c.target_path.rfind("M", 0) == 0);
    CHECK(c.target_path.find('L') != std::string::npos);
    CHECK(texts_of(c.legend_texts, "legend") == std::vector<std::string>{"Utgångsläge", "Utfall", "Målvärde", "Väg mot målet"});
    CHECK(baseline.shape.find('h') != std::string::npos);      // a square
    CHECK(value.shape.find('a') != std::string::npos);         // a circle
    CHECK(target.shape.find('l') != std::string::npos);        // a diamond
}

TEST_CASE("a yearly indicator has one band per year, labelled, and round value ticks") {
    const auto c = indicator_chart({yearly(2023, 62, PointKind::Baseline), yearly(2024, 55, PointKind::Value),
                                    yearly(2025, 47, PointKind::Value), yearly(2025, 45, PointKind::Target),
                                    yearly(2026, 30, PointKind::Target)},
                                   swedish(), true);
    std::vector<std::string> labels, values;
    std::vector<double> xs, ys;
    for (const auto& t : c.ticks) {
        if (t.anchor == "middle") {
            labels.push_back(t.text);
            xs.push_back(t.x);
        } else {
            values.push_back(t.text);
            ys.push_back(t.y);
        }
    }
    CHECK(labels == std::vector<std::string>{"2023", "2024", "2025", "2026"});
    CHECK(std::is_sorted(xs.begin(), xs.end()));
    // Each year's figure sits in the middle of its band, under its label.
    CHECK(c.markers[0].x == doctest::Approx(xs[0]).epsilon(0.02));
    CHECK(c.markers.back().x == doctest::Approx(xs[3]).epsilon(0.02));
    CHECK(values == std::vector<std::string>{"0", "20", "40", "60", "80"});
    CHECK(std::is_sorted(ys.rbegin(), ys.rend()));  // upwards
    // The path to the targets starts at the baseline and passes both targets.
    size_t segments = 0;
    for (char ch : c.target_path) segments += ch == 'L';
    CHECK(segments == 2);
}

TEST_CASE("a chart's decimals and values far from zero get their own round ticks") {
    const auto c = indicator_chart({yearly(2023, 15.2, PointKind::Baseline), yearly(2024, 14.6, PointKind::Value),
                                    yearly(2026, 12.5, PointKind::Target)},
                                   swedish(), true);
    std::vector<std::string> values;
    for (const auto& t : c.ticks)
        if (t.anchor == "end") values.push_back(t.text);
    CHECK(values == std::vector<std::string>{"12,5", "13", "13,5", "14", "14,5", "15", "15,5"});
    CHECK(c.markers[0].value == "15,2");
}

TEST_CASE("no label of an indicator chart leaves its viewBox or covers another") {
    std::vector<ChartPoint> crowded = {dated({2025, 1, 1}, 100, PointKind::Baseline), dated({2025, 1, 15}, 100, PointKind::Value),
                                       dated({2025, 1, 20}, 101, PointKind::Value), dated({2025, 2, 1}, 1000000, PointKind::Value),
                                       dated({2025, 2, 2}, 1000000, PointKind::Target)};
    for (const auto& points : {crowded, std::vector<ChartPoint>{dated({2024, 3, 3}, -5, PointKind::Value)},
                               std::vector<ChartPoint>{yearly(2020, 1, PointKind::Baseline), yearly(2040, 2, PointKind::Target)}}) {
        const auto c = indicator_chart(points, swedish(), points.size() == 2);
        check_inside(c.ticks, c.width, c.height, c.font_size);
        check_inside(c.legend_texts, c.width, c.height, c.font_size);
        std::vector<ChartText> labels;
        for (const auto& m : c.markers) labels.push_back(m.label);
        check_inside(labels, c.width, c.height, c.font_size);
        for (size_t i = 0; i < labels.size(); ++i)
            for (size_t j = i + 1; j < labels.size(); ++j) {
                const auto& a = labels[i];
                const auto& b = labels[j];
                const double wa = text_width(a.text, c.font_size), wb = text_width(b.text, c.font_size);
                const bool apart = std::fabs(a.x - b.x) >= (wa + wb) / 2 || std::fabs(a.y - b.y) >= c.font_size;
                INFO(a.text << " and " << b.text);
                CHECK(apart);
            }
    }
}

TEST_CASE("a plan's timeline has a time axis, rows in date order, wrapped titles and today marked") {
    const std::string long_title = "Utbildning i suicidprevention för all personal i skolan, socialtjänsten och primärvården";
    const std::vector<TimelineActivity> activities = {
        {"Sent", {2025, 9, 1}, {2025, 12, 31}, "Planerad", "planned", "2025-09-01 – 2025-12-31"},
        {long_title, {2025, 1, 1}, {2025, 6, 30}, "Pågår", "ongoing", "2025-01-01 – 2025-06-30"},
    };
    const auto t = plan_timeline(activities, {2025, 1, 1}, {2025, 12, 31}, Date{2025, 6, 1}, swedish());
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0].name == long_title);
    CHECK(t.rows[1].name == "Sent");
    CHECK(t.rows[0].title.size() >= 2);  // wrapped, not cut off
    CHECK(t.rows[1].title.at(0).text == "Sent (Planerad)");
    CHECK(t.rows[0].x == doctest::Approx(4));
    CHECK(t.rows[0].x + t.rows[0].width == doctest::Approx(4 + (t.width - 8) * 181.0 / 365.0));
    CHECK(t.rows[1].y > t.rows[0].y);
    // Months on the axis (every other one at this width or more often), the year beneath them.
    const auto ticks = texts_of(t.ticks, "tick");
    CHECK(ticks.front() == "jan");
    CHECK(std::find(ticks.begin(), ticks.end(), "2025") != ticks.end());
    CHECK(texts_of(t.ticks, "today") == std::vector<std::string>{"I dag"});
    check_inside(t.ticks, t.width, t.height, t.font_size);
    for (const auto& r : t.rows) check_inside(r.title, t.width, t.height, t.font_size);
    // Outside the plan's time, today is not marked.
    CHECK(texts_of(plan_timeline(activities, {2025, 1, 1}, {2025, 12, 31}, Date{2027, 1, 1}, swedish()).ticks, "today").empty());
}


TEST_CASE("a regional indicator has its chart, verdict and links on the regional, goal and indicator pages") {
    auto files = test::minimal_site();
    files["regional/plan.toml"] =
        "title = \"R\"\n[[focus_areas]]\nid = \"fa\"\ntitle = \"F\"\n[[focus_areas.goals]]\nid = \"fa-1\"\ntitle = \"G\"\n"
        "[[focus_areas.goals.indicators]]\nid = \"vantetid\"\ntitle = \"Väntetid\"\nunit = \"dagar\"\n"
        "baseline = { year = 2023, value = 62 }\ntargets = { 2026 = 30, 2025 = 45 }\n"
        "values = [ { year = 2024, value = 55 }, { year = 2025, value = 47 } ]\n"
        "[[focus_areas]]\nid = \"fb\"\ntitle = \"F2\"\n[[focus_areas.goals]]\nid = \"fb-1\"\ntitle = \"G2\"\n";
    const auto r = test::run_pipeline(files);
    site::Strings strings({{"track_behind", "Efter plan"}, {"indicator_baseline", "Utgångsläge"},
                           {"indicator_value", "Utfall"}, {"indicator_target", "Målvärde"}});
    site::SiteOptions options;
    options.today = {2025, 6, 1};
    options.strings = &strings;
    const auto view = site::build_site(r.site, options);
    std::map<std::string, const site::PageView*> pages;
    for (const auto& p : view.pages) pages[p.path] = &p;
    const auto indicator_of = [](const site::Data& goal) -> const site::Data& {
        return goal.get("indicators")->items().at(0);
    };
    REQUIRE(pages.count("regional/index.html"));
    REQUIRE(pages.count("regional/fa/fa-1/index.html"));
    REQUIRE(pages.count("indicators/regional/vantetid/index.html"));
    const auto& on_regional = indicator_of(pages["regional/index.html"]->data.get("focus_areas")->items().at(0).get("goals")->items().at(0));
    const auto& on_goal = indicator_of(pages["regional/fa/fa-1/index.html"]->data);
    CHECK(on_regional.get("indicator_href")->text() == "../indicators/regional/vantetid/index.html");
    CHECK(on_goal.get("indicator_href")->text() == "../../../indicators/regional/vantetid/index.html");
    // 47 in 2025 against 45 expected by then: behind.
    CHECK(on_goal.get("verdict")->text() == "Efter plan");
    CHECK(on_goal.get("verdict_class")->text() == "track_behind");
    const auto& indicator = pages["indicators/regional/vantetid/index.html"]->data;
    CHECK(indicator.get("verdict_class")->text() == "track_behind");
    CHECK(indicator.get("owner_href")->text() == "../../../regional/fa/fa-1/index.html");
    CHECK(indicator.get("plan_href")->text() == "../../../regional/index.html#goal-fa-1");
    // The same chart everywhere, its figures in date order.
    for (const site::Data* chart : {on_regional.get("chart"), on_goal.get("chart"), indicator.get("chart")}) {
        REQUIRE(chart);
        std::vector<std::string> rows;
        for (const auto& m : chart->get("markers")->items())
            rows.push_back(m.get("when")->text() + " " + m.get("kind_label")->text() + " " + m.get("value")->text());
        CHECK(rows == std::vector<std::string>{"2023 Utgångsläge 62", "2024 Utfall 55", "2025 Utfall 47", "2025 Målvärde 45",
                                               "2026 Målvärde 30"});
        CHECK(chart->get("summary")->text() == "Utgångsläge: 62 (2023). Utfall: 55 (2024), 47 (2025). Målvärde: 45 (2025), 30 (2026).");
    }
}

TEST_CASE("a process diagram has a box per step, top to bottom, numbers in their circles and titles wrapped inside") {
    std::vector<std::string> titles;
    for (int i = 1; i <= 10; ++i) titles.push_back("Steg " + std::to_string(i));
    titles[1] = "Prioritering och beslut om inriktning för hela samverkansgruppen och dess huvudmän";
    const auto p = process_diagram(titles);
    REQUIRE(p.steps.size() == 10);
    CHECK(p.arrows.size() == 9);
    CHECK(p.steps[1].title.size() >= 2);
    for (size_t i = 0; i < p.steps.size(); ++i) {
        const auto& b = p.steps[i];
        if (i > 0) CHECK(b.y > p.steps[i - 1].y + p.steps[i - 1].height);
        CHECK(b.y + b.height <= p.height);
        CHECK(b.number.text == std::to_string(i + 1));
        // "10" fits inside its circle.
        CHECK(text_width(b.number.text, p.font_size) < 2 * b.r - 4);
        check_inside(b.title, p.width, p.height, p.font_size);
        for (const auto& line : b.title) {
            CHECK(line.x > b.cx + b.r);
            CHECK(line.x + text_width(line.text, p.font_size) <= b.x + b.width);
            CHECK(line.y > b.y);
            CHECK(line.y < b.y + b.height);
        }
    }
}

TEST_CASE("a word wider than a process box is broken into lines that each fit, and nothing of it is lost") {
    // 20,000 letters and an "ä" at every 7th place: breaks fall between characters, never inside one.
    std::string word;
    for (int i = 0; i < 20000; ++i) word += i % 7 == 6 ? "ä" : "W";
    const auto p = process_diagram({"Kort", word});
    REQUIRE(p.steps.size() == 2);
    const auto& b = p.steps[1];
    REQUIRE(b.title.size() > 100);
    std::string joined;
    for (const auto& line : b.title) {
        CHECK(!line.text.empty());
        CHECK(line.x + text_width(line.text, p.font_size) <= b.x + b.width);
        CHECK(!find_invalid_utf8(line.text));
        joined += line.text;
    }
    CHECK(joined == word);
}
