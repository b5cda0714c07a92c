// site/follow_up.cpp — follow-up for the regional office: follow-up, coverage, meeting papers.
#include "site/builder.h"

#include <set>
#include <unordered_map>

#include "core/collate.h"

namespace samplan::site {

void Builder::add_follow_up() {
    const std::string path = follow_up_path();
    // Keyed by the groups (each one's section: its id and name) and every warning with what
    // the page shows of its record (subject_of: its group, page, title and history page).
    std::string key = page_key(path, [this](Digest& d) {
        d.add_word(site_.groups.size());
        for (const auto& g : site_.groups) {
            d.add_words(g.id);
            d.add_words(g.name);
        }
        d.add_word(options_.warnings.size());
        for (const auto& w : options_.warnings) {
            add_diagnostic(d, w, options_.history->last_change(w.path).has_value());
            const Subject s = subject_of(w.path);
            for (const std::string* text : {&s.group, &s.page, &s.title, &s.history}) d.add_words(*text);
        }
        return true;
    });
    if (keep_if_unchanged(path, key)) return;
    add_later(path, "follow_up", [path](const Builder& b) { return b.follow_up_data(path); }, std::move(key));
}

Data Builder::follow_up_data(const std::string& path) const {
    Data d = common(path, s_.get("follow_up_title"), "follow-up");
    d.set("breadcrumbs", crumbs(path, {}));
    d.set("coverage_href", href(path, coverage_path()));
    d.set("indicators_href", href(path, indicators_path()));
    d.set("warning_count", options_.warnings.size());
    std::vector<const Group*> groups;
    for (const auto& g : site_.groups) groups.push_back(&g);
    collate_sort(groups, lang_, [](const Group* g) { return g->name; });
    // Each warning's subject, once: by its group, in the check's order.
    std::unordered_map<std::string, std::vector<std::pair<const Diagnostic*, Subject>>> by_group;
    for (const auto& w : options_.warnings) {
        Subject s = subject_of(w.path);
        by_group[s.group].emplace_back(&w, std::move(s));
    }
    Data sections = Data::list();
    for (const Group* g : groups) {
        Data items = Data::list();
        if (const auto it = by_group.find(g->id); it != by_group.end())
            for (const auto& [w, s] : it->second) items.push(warning_item(path, *w, s));
        sections.push(Data::map({{"id", g->id},
                                 {"name", g->name},
                                 {"href", href(path, group_path(g->id))},
                                 {"paper_href", href(path, meeting_paper_path(g->id))},
                                 {"count", items.items().size()},
                                 {"items", std::move(items)}}));
    }
    d.set("groups", std::move(sections));
    Data other = Data::list();
    if (const auto it = by_group.find(""); it != by_group.end())
        for (const auto& [w, s] : it->second) other.push(warning_item(path, *w, s));
    d.set("other", std::move(other));
    return d;
}

// Non-cancelled activities of a group's current plan, by focus area or goal id.
std::map<std::string, size_t> Builder::coverage_counts(const Group& g, bool by_goal) const {
    std::map<std::string, size_t> counts;
    if (const Plan* p = current_plan(g))
        for (const auto& a : p->activities)
            if (a.status != ActivityStatus::Cancelled) ++counts[by_goal ? a.goal.id : a.focus_area.id];
    return counts;
}

void Builder::add_coverage() {
    const std::string path = coverage_path();
    // Keyed by each group that has a current plan (its id and name, the plan's id) and that
    // plan's activities' focus area, goal, target group and whether cancelled.
    std::string key = page_key(path, [this](Digest& d) {
        for (const auto& g : site_.groups) {
            const Plan* plan = current_plan(g);
            if (!plan) continue;
            for (const std::string* text : {&g.id, &g.name, &plan->id}) d.add_words(*text);
            d.add_word(plan->activities.size());
            for (const auto& a : plan->activities) {
                d.add_word(a.status == ActivityStatus::Cancelled);
                for (const std::string* text : {&a.focus_area.id, &a.goal.id, &a.target_group.id}) d.add_words(*text);
            }
        }
        d.add_words("end");
        return true;
    });
    if (keep_if_unchanged(path, key)) return;
    add_later(path, "coverage", [path](const Builder& b) { return b.coverage_data(path); }, std::move(key));
}

Data Builder::coverage_data(const std::string& path) const {
    Data d = common(path, s_.get("coverage_title"), "follow-up");
    d.set("breadcrumbs", crumbs(path, {{s_.get("follow_up_title"), follow_up_path()}}));
    std::vector<const Group*> groups;
    for (const auto& g : site_.groups)
        if (current_plan(g)) groups.push_back(&g);
    collate_sort(groups, lang_, [](const Group* g) { return g->name; });

    Data columns = Data::list();
    for (const auto& fa : site_.regional.focus_areas)
        columns.push(Data::map({{"title", fa.title}, {"href", href(path, focus_path(fa.id))}}));
    d.set("columns", std::move(columns));
    std::map<std::string, size_t> area_total, goal_total;
    Data rows = Data::list();
    for (const Group* g : groups) {
        const auto areas = coverage_counts(*g, false);
        const Plan* plan = current_plan(*g);
        Data cells = Data::list();
        for (const auto& fa : site_.regional.focus_areas) {
            const size_t n = areas.count(fa.id) ? areas.at(fa.id) : 0;
            area_total[fa.id] += n;
            cells.push(Data::map({{"count", n}, {"zero", n == 0}, {"href", href(path, plan_path(g->id, plan->id))}}));
        }
        std::set<std::string> target_groups;
        for (const auto& a : plan->activities) target_groups.insert(target_group_label(a.target_group.id));
        Data tg = Data::list();
        for (const auto& t : target_groups) tg.push(Data::map({{"label", t}}));
        rows.push(Data::map({{"name", g->name}, {"href", href(path, group_path(g->id))}, {"cells", std::move(cells)},
                             {"target_groups", std::move(tg)}}));
    }
    d.set("rows", std::move(rows));
    // Per focus area, the same matrix by goal, shown on demand.
    Data details = Data::list();
    for (const auto& fa : site_.regional.focus_areas) {
        Data goal_columns = Data::list();
        for (const auto& goal : fa.goals)
            goal_columns.push(Data::map({{"title", goal.title}, {"href", href(path, goal_path(fa.id, goal.id))}}));
        Data goal_rows = Data::list();
        for (const Group* g : groups) {
            const auto goals = coverage_counts(*g, true);
            Data cells = Data::list();
            for (const auto& goal : fa.goals) {
                const size_t n = goals.count(goal.id) ? goals.at(goal.id) : 0;
                goal_total[goal.id] += n;
                cells.push(Data::map({{"count", n}, {"zero", n == 0}}));
            }
            goal_rows.push(Data::map({{"name", g->name}, {"cells", std::move(cells)}}));
        }
        details.push(Data::map({{"title", fa.title}, {"columns", std::move(goal_columns)}, {"rows", std::move(goal_rows)}}));
    }
    d.set("by_goal", std::move(details));
    Data uncovered_areas = Data::list(), uncovered_goals = Data::list();
    for (const auto& fa : site_.regional.focus_areas) {
        if (area_total[fa.id] == 0) uncovered_areas.push(Data::map({{"title", fa.title}, {"href", href(path, focus_path(fa.id))}}));
        for (const auto& goal : fa.goals)
            if (goal_total[goal.id] == 0)
                uncovered_goals.push(Data::map({{"title", goal.title}, {"href", href(path, goal_path(fa.id, goal.id))}}));
    }
    d.set("uncovered_areas", std::move(uncovered_areas));
    d.set("uncovered_goals", std::move(uncovered_goals));
    return d;
}

// The standing agenda item "follow-up of the plan", on one printable page per group.
void Builder::add_meeting_paper(const Group& g) {
    std::string path = meeting_paper_path(g.id);
    std::string key = meeting_paper_key(g);
    if (keep_if_unchanged(path, key)) return;
    add_later(path, "meeting_paper", [&g, path](const Builder& b) { return b.meeting_paper_data(path, g); }, std::move(key));
}

std::string Builder::meeting_paper_key(const Group& g) const {
    if (!incremental()) return {};
    Digest d;
    d.add_words("meeting paper 2");
    d.add_words(options_.inputs_key);
    d.add_words(options_.today.iso());  // the paper's date, and which plan it follows up
    d.add_words(g.id);
    d.add_words(g.name);
    const Plan* plan = followed_plan(g);
    if (plan) {
        // What the paper shows of the plan and its activities: their files' texts (by their blob
        // ids as they are now) and the warnings about them.
        d.add_words(plan->id);
        d.add_words(plan->path);
        for (const std::string* record_path : {&plan->path, &g.path}) {
            const std::string& id = content_id(*record_path);
            if (id.empty()) return {};
            d.add_words(id);
        }
        d.add_word(plan->activities.size());
        for (const auto& a : plan->activities) {
            const std::string& id = content_id(a.path);
            if (id.empty()) return {};
            d.add_words(a.path);
            d.add_words(id);
        }
        auto add_warnings = [&](const std::string& record_path) {
            const auto it = warnings_by_path_.find(record_path);
            d.add_word(it == warnings_by_path_.end() ? 0 : it->second.size());
            if (it != warnings_by_path_.end())
                for (const Diagnostic* w : it->second) add_diagnostic(d, *w, false);
        };
        for (const auto& a : plan->activities) add_warnings(a.path);
        add_warnings(plan->path);
    } else {
        d.add_words("no plan");
    }
    return d.hex();
}

Data Builder::meeting_paper_data(const std::string& path, const Group& g) const {
    Data d = common(path, s_.get("meeting_paper_title") + " – " + g.name, "follow-up");
    d.set("breadcrumbs", crumbs(path, {{s_.get("groups_title"), groups_path()}, {g.name, group_path(g.id)}}));
    d.set("group", g.name);
    d.set("group_href", href(path, group_path(g.id)));
    d.set("date", options_.today.iso());
    const Plan* plan = followed_plan(g);
    d.set("has_plan", plan != nullptr);
    d.set("plan", plan ? plan->title : std::string());
    d.set("plan_href", plan ? href(path, plan_path(g.id, plan->id)) : std::string());
    Data rows = Data::list();
    if (plan) {
        for (const auto& a : plan->activities) {
            Data row = activity_summary(path, g, *plan, a);
            row.set("latest_report", "");
            row.set("latest_report_on_schedule", "");
            if (!a.reports.empty()) {
                row.set("latest_report", a.reports.back().date.iso());
                if (a.reports.back().on_schedule)
                    row.set("latest_report_on_schedule", s_.get(*a.reports.back().on_schedule ? "on_schedule_yes" : "on_schedule_no"));
            }
            row.set("next_subgoal", "");
            row.set("next_subgoal_due", "");
            const Subgoal* next = nullptr;
            for (const auto& sg : a.subgoals)
                if (!sg.done && sg.due && *sg.due >= options_.today && (!next || *sg.due < *next->due)) next = &sg;
            // What is overdue is what check warns of (rule subgoal-overdue and the others),
            // so that the paper, the follow-up page and the group page count the same.
            Data overdue = Data::list();
            if (next) {
                row.set("next_subgoal", next->title);
                row.set("next_subgoal_due", next->due->iso());
            }
            for (const auto* w : warnings_for(a.path)) overdue.push(Data::map({{"parts", text_with_dates(warning_text(*w))}}));
            row.set("overdue", std::move(overdue));
            rows.push(std::move(row));
        }
        Data plan_items = Data::list();
        for (const auto* w : warnings_for(plan->path)) plan_items.push(Data::map({{"parts", text_with_dates(warning_text(*w))}}));
        d.set("plan_warnings", std::move(plan_items));
    }
    d.set("activities", std::move(rows));
    return d;
}

}  // namespace samplan::site
