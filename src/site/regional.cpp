// site/regional.cpp — the regional plan: its page, focus areas, goals, and the indicator pages.
#include "site/builder.h"

#include <cstdio>
#include <cstring>
#include <set>

namespace samplan::site {

void Builder::add_regional(Changelog& changelog) {
    const std::string path = regional_path();
    const auto& r = site_.regional;
    Data changed = Data::map();  // when it last changed, and its history page
    add_plain_history(changelog, changed, path, r.path, regional_history_path(), r.title, {{r.title, path}});
    // Keyed by each goal's linked activities (their summaries' files, in order) and when the
    // regional plan last changed (its file is one of the site inputs).
    std::string key = page_key(path, [this, &changed](Digest& d) {
        for (const auto& fa : site_.regional.focus_areas)
            for (const auto& g : fa.goals)
                if (!add_goal_activities(d, g)) return false;
        add_data(d, changed);
        return true;
    });
    if (keep_if_unchanged(path, key)) return;
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
    }, std::move(key));
}

bool Builder::add_goal_activities(Digest& d, const Goal& g) const {
    const auto it = activities_by_goal_.find(g.id);
    if (it == activities_by_goal_.end()) {
        d.add_word(0);
        return true;
    }
    d.add_word(it->second.size());
    for (const auto& l : it->second)
        if (!add_linked(d, *l.group, *l.plan, *l.activity)) return false;
    return true;
}

void Builder::add_focus_area(const FocusArea& fa) {
    const std::string path = focus_path(fa.id);
    // Its goals show how many activities each has (the rest is the regional plan's: site inputs).
    std::string key = page_key(path, [this, &fa](Digest& d) {
        for (const auto& g : fa.goals) {
            const auto it = activities_by_goal_.find(g.id);
            d.add_word(it == activities_by_goal_.end() ? 0 : it->second.size());
        }
        return true;
    });
    if (keep_if_unchanged(path, key)) return;
    add_later(path, "focus_area", [&fa, path](const Builder& b) {
        Data d = b.common(path, fa.title, "regional");
        d.set("breadcrumbs", b.crumbs(path, {{b.site_.regional.title, regional_path()}}));
        d.set("description", Data::markdown(fa.description));
        Data goals = Data::list();
        for (const auto& g : fa.goals) goals.push(b.goal_summary(path, fa, g, ActivityList::Count));
        d.set("goals", std::move(goals));
        return d;
    }, std::move(key));
}

void Builder::add_goal(const FocusArea& fa, const Goal& g) {
    const std::string path = goal_path(fa.id, g.id);
    std::string key = page_key(path, [this, &g](Digest& d) { return add_goal_activities(d, g); });
    if (keep_if_unchanged(path, key)) return;
    add_later(path, "goal", [&fa, &g, path](const Builder& b) {
        Data d = b.goal_summary(path, fa, g, ActivityList::Full, 3);
        b.add_common(d, path, g.title, "regional");
        d.set("breadcrumbs", b.crumbs(path, {{b.site_.regional.title, regional_path()}, {fa.title, focus_path(fa.id)}}));
        d.set("focus_area", fa.title);
        d.set("focus_area_href", b.href(path, focus_path(fa.id)));
        d.set("description", Data::markdown(g.description));
        d.set("caption", b.s_.get("linked_activities"));
        return d;
    }, std::move(key));
}

void Builder::add_indicator_page(const std::string& path, const std::string& title, const std::string& unit,
                        const std::string& owner, const std::string& owner_href_target,
                        std::vector<ChartPoint> points, bool yearly, const std::string& verdict,
                        std::vector<std::pair<std::string, std::string>> trail, const std::string& plan_target,
                        std::string key) {
    // An indicator page is made from these arguments alone (and the site inputs, which hold the
    // chart's words): its key is their digest (unless the caller has one), so that a rebuild
    // keeps it while they stay the same; its chart is made only when the page is.
    if (key.empty() && incremental()) {
        // (Eight bytes at a time: a site has an indicator page per indicator of every activity.)
        Digest d;
        d.add_words("indicator 4");
        d.add_words(options_.inputs_key);
        d.add_words(options_.history->note());
        for (const std::string* text : {&path, &title, &unit, &owner, &owner_href_target, &verdict, &plan_target})
            d.add_words(*text);
        d.add_word(static_cast<std::uint64_t>(yearly) | static_cast<std::uint64_t>(points.size()) << 8 |
                   static_cast<std::uint64_t>(trail.size()) << 40);
        for (const auto& point : points) {
            std::uint64_t bits = 0;
            static_assert(sizeof bits == sizeof point.value);
            std::memcpy(&bits, &point.value, sizeof bits);  // exact
            d.add_word(bits);
            d.add_word(static_cast<std::uint64_t>(point.date.days_since_epoch()) << 8 | static_cast<std::uint64_t>(point.kind));
            d.add_words(point.when);
        }
        for (const auto& [label, target] : trail) {
            d.add_words(label);
            d.add_words(target);
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
    // Each indicator's page, then the list of them all.
    for (const auto& fa : site_.regional.focus_areas)
        for (const auto& goal : fa.goals)
            for (const auto& ind : goal.indicators)
                add_indicator_page(regional_indicator_path(ind.id), ind.title, ind.unit, goal.title, goal_path(fa.id, goal.id),
                                   regional_points(ind), true, regional_verdict(ind),
                                   {{s_.get("follow_up_title"), follow_up_path()}, {s_.get("indicators_title"), indicators_path()}},
                                   regional_path() + "#goal-" + goal.id);
    for (const auto& g : site_.groups)
        for (const auto& p : g.plans)
            for (const auto& a : p.activities)
                for (const auto& ind : a.indicators) {
                    std::string page = local_indicator_path(g.id, p.id, a.id, ind.id);
                    // Made from the activity alone (and the site inputs): keyed by its file's
                    // text, without the chart's points made (every activity has its indicators).
                    std::string key;
                    if (incremental() && !content_id(a.path).empty()) {
                        Digest d;
                        d.add_words("local indicator 1");
                        d.add_words(options_.inputs_key);
                        d.add_words(page);  // the group's, plan's, activity's and indicator's ids
                        d.add_words(content_id(a.path));
                        key = d.hex();
                        if (keep_if_unchanged(page, key)) continue;
                    }
                    add_indicator_page(page, ind.title, ind.unit, a.title, activity_path(g.id, p.id, a.id), local_points(ind), false,
                                       local_verdict(ind),
                                       {{s_.get("follow_up_title"), follow_up_path()}, {s_.get("indicators_title"), indicators_path()}},
                                       "", std::move(key));
                }
    const std::string path = indicators_path();
    // Keyed by the activities that have indicators, each by its files (the indicators are the
    // activity's; its title and its group's name are shown).
    std::string key = page_key(path, [this](Digest& d) {
        size_t n = 0;
        for (const auto& g : site_.groups)
            for (const auto& p : g.plans)
                for (const auto& a : p.activities)
                    if (!a.indicators.empty()) {
                        if (!add_linked(d, g, p, a)) return false;
                        ++n;
                    }
        d.add_word(n);
        return true;
    });
    if (keep_if_unchanged(path, key)) return;
    add_later(path, "indicators", [path](const Builder& b) { return b.indicators_data(path); }, std::move(key));
}

Data Builder::indicators_data(const std::string& path) const {
    Data d = common(path, s_.get("indicators_title"), "follow-up");
    d.set("breadcrumbs", crumbs(path, {{s_.get("follow_up_title"), follow_up_path()}}));
    Data regional = Data::list();
    for (const auto& fa : site_.regional.focus_areas)
        for (const auto& goal : fa.goals)
            for (const auto& ind : goal.indicators) {
                const std::string verdict = regional_verdict(ind);
                regional.push(Data::map({{"title", ind.title}, {"href", href(path, regional_indicator_path(ind.id))}, {"owner", goal.title},
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
                    local.push(Data::map({{"title", ind.title}, {"href", href(path, local_indicator_path(g.id, p.id, a.id, ind.id))}, {"owner", a.title},
                                          {"group", g.name},
                                          {"latest", ind.values.empty() ? std::string() : format_number(ind.values.back().value, lang_) + " (" + ind.values.back().date.iso() + ")"},
                                          {"verdict", s_.get(verdict)}, {"verdict_class", verdict}}));
                }
    d.set("local", std::move(local));
    return d;
}

}  // namespace samplan::site
