// site/regional.cpp — the regional plan: its page, focus areas, goals, and the indicator pages.
#include "site/builder.h"

#include <cstdio>
#include <set>

namespace samplan::site {

void Builder::add_regional(Changelog& changelog) {
    const std::string path = regional_path();
    const auto& r = site_.regional;
    Data changed = Data::map();  // when it last changed, and its history page
    add_plain_history(changelog, changed, path, r.path, regional_history_path(), r.title, {{r.title, path}});
    add_later(path, "regional", [path, changed = std::move(changed)](const Builder& b) {
        const auto& r = b.site_.regional;
        Data d = b.common(path, r.title, "regional");
        d.set("breadcrumbs", b.crumbs(path, {}));
        d.set("period", b.period(r.start, r.end));
        d.set("summary", Data::markdown(r.summary));
        Data areas = Data::list();
        for (const auto& fa : r.focus_areas) {
            Data area = Data::map({{"id", fa.id}, {"title", fa.title}, {"href", b.href(path, focus_path(fa.id))},
                                   {"description", Data::markdown(fa.description)}});
            Data goals = Data::list();
            for (const auto& g : fa.goals) goals.push(b.goal_summary(path, fa, g));
            area.set("goals", std::move(goals));
            areas.push(std::move(area));
        }
        d.set("focus_areas", std::move(areas));
        for (const auto& [key, value] : changed.entries()) d.set(key, value);
        return d;
    });
}

void Builder::add_focus_area(const FocusArea& fa) {
    const std::string path = focus_path(fa.id);
    add_later(path, "focus_area", [&fa, path](const Builder& b) {
        Data d = b.common(path, fa.title, "regional");
        d.set("breadcrumbs", b.crumbs(path, {{b.site_.regional.title, regional_path()}}));
        d.set("description", Data::markdown(fa.description));
        Data goals = Data::list();
        for (const auto& g : fa.goals) goals.push(b.goal_summary(path, fa, g, ActivityList::Count));
        d.set("goals", std::move(goals));
        return d;
    });
}

void Builder::add_goal(const FocusArea& fa, const Goal& g) {
    const std::string path = goal_path(fa.id, g.id);
    add_later(path, "goal", [&fa, &g, path](const Builder& b) {
        Data d = b.goal_summary(path, fa, g, ActivityList::Full, 3);
        b.add_common(d, path, g.title, "regional");
        d.set("breadcrumbs", b.crumbs(path, {{b.site_.regional.title, regional_path()}, {fa.title, focus_path(fa.id)}}));
        d.set("focus_area", fa.title);
        d.set("focus_area_href", b.href(path, focus_path(fa.id)));
        d.set("description", Data::markdown(g.description));
        d.set("caption", b.s_.get("linked_activities"));
        return d;
    });
}

void Builder::add_indicator_page(const std::string& path, const std::string& title, const std::string& unit,
                        const std::string& owner, const std::string& owner_href_target,
                        std::vector<ChartPoint> points, bool yearly, const std::string& verdict,
                        std::vector<std::pair<std::string, std::string>> trail, const std::string& plan_target) {
    // An indicator page is made from these arguments alone (and the site inputs, which hold the
    // chart's words): its key is their digest, so that a rebuild keeps it while they stay the
    // same; its chart is made only when the page is.
    std::string key;
    if (incremental()) {
        Digest d;
        d.add(options_.inputs_key);
        d.add("indicator 3");
        d.add(options_.history->note());
        for (const std::string* text : {&path, &title, &unit, &owner, &owner_href_target, &verdict, &plan_target})
            d.add(*text);
        d.add(std::int64_t{yearly});
        for (const auto& point : points) {
            d.add(point.date.iso());
            d.add(point.when);
            char value[40];
            std::snprintf(value, sizeof value, "%a", point.value);  // exact
            d.add(value);
            d.add(static_cast<std::int64_t>(point.kind));
        }
        for (const auto& [label, target] : trail) {
            d.add(label);
            d.add(target);
        }
        key = d.hex();
        if (options_.unchanged(path, key)) {
            keep(path, key);
            return;
        }
    }
    add_later(path, "indicator", [=, points = std::move(points), trail = std::move(trail)](const Builder& b) {
        Data d = b.common(path, title, "follow-up");
        d.set("breadcrumbs", b.crumbs(path, trail));
        d.set("unit", unit);
        d.set("owner", owner);
        d.set("owner_href", b.href(path, owner_href_target));
        d.set("verdict", b.s_.get(verdict));
        d.set("verdict_class", verdict);
        d.set("chart_id", "chart");
        d.set("chart", b.chart_of(points, yearly));
        d.set("plan_href", plan_target.empty() ? std::string() : b.href(path, plan_target));
        return d;
    }, key);
}

void Builder::add_indicators() {
    const std::string path = indicators_path();
    Data d = common(path, s_.get("indicators_title"), "follow-up");
    d.set("breadcrumbs", crumbs(path, {{s_.get("follow_up_title"), follow_up_path()}}));
    Data regional = Data::list();
    for (const auto& fa : site_.regional.focus_areas)
        for (const auto& goal : fa.goals)
            for (const auto& ind : goal.indicators) {
                const std::string verdict = regional_verdict(ind);
                const std::string page = regional_indicator_path(ind.id);
                add_indicator_page(page, ind.title, ind.unit, goal.title, goal_path(fa.id, goal.id), regional_points(ind), true, verdict,
                                   {{s_.get("follow_up_title"), follow_up_path()}, {s_.get("indicators_title"), indicators_path()}},
                                   regional_path() + "#goal-" + goal.id);
                regional.push(Data::map({{"title", ind.title}, {"href", href(path, page)}, {"owner", goal.title},
                                         {"latest", ind.values.empty() ? std::string() : format_number(ind.values.back().value, lang_) + " (" + std::to_string(ind.values.back().year) + ")"},
                                         {"verdict", s_.get(verdict)}, {"verdict_class", verdict}}));
            }
    d.set("regional", std::move(regional));
    Data local = Data::list();
    for (const auto& g : site_.groups)
        for (const auto& p : g.plans)
            for (const auto& a : p.activities)
                for (const auto& ind : a.indicators) {
                    const std::string verdict = local_verdict(ind);
                    const std::string page = local_indicator_path(g.id, p.id, a.id, ind.id);
                    add_indicator_page(page, ind.title, ind.unit, a.title, activity_path(g.id, p.id, a.id), local_points(ind), false, verdict,
                                       {{s_.get("follow_up_title"), follow_up_path()}, {s_.get("indicators_title"), indicators_path()}});
                    local.push(Data::map({{"title", ind.title}, {"href", href(path, page)}, {"owner", a.title},
                                          {"group", g.name},
                                          {"latest", ind.values.empty() ? std::string() : format_number(ind.values.back().value, lang_) + " (" + ind.values.back().date.iso() + ")"},
                                          {"verdict", s_.get(verdict)}, {"verdict_class", verdict}}));
                }
    d.set("local", std::move(local));
    add(path, "indicators", std::move(d));
}

}  // namespace samplan::site
