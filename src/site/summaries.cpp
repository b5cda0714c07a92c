// site/summaries.cpp — view parts that several families show: an activity, a goal, an indicator, a group list, warnings.
#include "site/builder.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "content/layout.h"
#include "core/collate.h"
#include "model/queries.h"

namespace samplan::site {

Data Builder::activity_summary(const std::string& from, const Group& g, const Plan& p, const Activity& a) const {
    // (One map made at once: the lists of the process's, a goal's and a plan's pages hold many.)
    // Every key a template reads is set, even when empty: Mustache would otherwise find the
    // same name on an enclosing page and show the wrong value.
    std::string step, goal, goal_href, focus_area;
    if (const Process* pr = process_of(p, a); pr && a.step && *a.step >= 1 &&
                                               *a.step <= static_cast<int>(pr->steps.size()))
        step = std::to_string(*a.step) + ". " + pr->steps[static_cast<size_t>(*a.step - 1)].title;
    if (auto it = goal_area_.find(a.goal.id); it != goal_area_.end()) {
        for (const auto& candidate : it->second->goals)
            if (candidate.id == a.goal.id) {
                goal = candidate.title;
                goal_href = href(from, goal_path(it->second->id, candidate.id));
            }
        focus_area = it->second->title;
    }
    const std::string root = root_prefix(from);
    return Data::map({{"title", a.title},
                      {"href", root + activity_path(g.id, p.id, a.id)},
                      {"group", g.name},
                      {"group_href", root + group_path(g.id)},
                      {"plan", p.title},
                      {"plan_href", root + plan_path(g.id, p.id)},
                      {"status", s_.get(std::string("status_") + status_class(a.status))},
                      {"status_class", status_class(a.status)},
                      {"target_group", target_group_label(a.target_group.id)},
                      {"period", period(a.start, a.end)},
                      {"step", std::move(step)},
                      {"goal", std::move(goal)},
                      {"goal_href", std::move(goal_href)},
                      {"focus_area", std::move(focus_area)}});
}

// The words and number format of the site's charts.
ChartWords Builder::chart_words() const {
    ChartWords w;
    w.baseline = s_.get("indicator_baseline");
    w.value = s_.get("indicator_value");
    w.target = s_.get("indicator_target");
    w.target_path = s_.get("chart_target_path");
    w.today = s_.get("chart_today");
    w.months = chart_months(s_.get("chart_months"));
    w.number = [lang = lang_](double v) { return format_number(v, lang); };
    return w;
}

// An indicator's figures as a chart's points: a regional one's are yearly, placed mid-year.
std::vector<ChartPoint> Builder::regional_points(const RegionalIndicator& ind) {
    std::vector<ChartPoint> points;
    const auto add = [&points](const YearValue& v, PointKind kind) {
        points.push_back({Date{v.year, 7, 1}, std::to_string(v.year), v.value, kind});
    };
    if (ind.baseline) add(*ind.baseline, PointKind::Baseline);
    for (const auto& v : ind.values) add(v, PointKind::Value);
    for (const auto& t : ind.targets) add(t, PointKind::Target);
    return points;
}

std::vector<ChartPoint> Builder::local_points(const LocalIndicator& ind) {
    std::vector<ChartPoint> points;
    const auto add = [&points](const DateValue& v, PointKind kind) {
        points.push_back({v.date, v.date.iso(), v.value, kind});
    };
    if (ind.baseline) add(*ind.baseline, PointKind::Baseline);
    for (const auto& v : ind.values) add(v, PointKind::Value);
    if (ind.target) add(*ind.target, PointKind::Target);
    return points;
}

Data Builder::chart_of(std::vector<ChartPoint> points, bool yearly) const {
    const ChartWords words = chart_words();
    return chart_data(indicator_chart(std::move(points), words, yearly), words);
}

// An indicator's chart (site/chart.h).
Data Builder::regional_chart(const RegionalIndicator& ind) const { return chart_of(regional_points(ind), true); }

Data Builder::local_chart(const LocalIndicator& ind) const { return chart_of(local_points(ind), false); }

// What an indicator shows wherever it appears: its chart and table, its verdict and a link to
// its own page. `level` is the heading level of the indicator's title where it is shown.
Data Builder::indicator_view(const std::string& from, const std::string& id, const std::string& title, const std::string& unit,
                    int level, Data chart, const std::string& verdict, const std::string& page) const {
    return Data::map({{"id", id}, {"title", title}, {"unit", unit}, {"level", level}, {"chart_id", "ind-" + id},
                      {"chart", std::move(chart)}, {"verdict", s_.get(verdict)}, {"verdict_class", verdict},
                      {"indicator_href", href(from, page)}});
}

Data Builder::regional_indicator(const std::string& from, const RegionalIndicator& ind, int level) const {
    Data d = indicator_view(from, ind.id, ind.title, ind.unit, level, regional_chart(ind), regional_verdict(ind),
                            regional_indicator_path(ind.id));
    d.set("baseline", "");
    if (ind.baseline)
        d.set("baseline", std::to_string(ind.baseline->year) + ": " + format_number(ind.baseline->value, lang_));
    Data rows = Data::list();
    std::set<int> years;
    for (const auto& t : ind.targets) years.insert(t.year);
    for (const auto& v : ind.values) years.insert(v.year);
    for (int y : years) {
        Data row = Data::map({{"year", y}, {"target", ""}, {"value", ""}});
        for (const auto& t : ind.targets)
            if (t.year == y) row.set("target", format_number(t.value, lang_));
        for (const auto& v : ind.values)
            if (v.year == y) row.set("value", format_number(v.value, lang_));
        rows.push(std::move(row));
    }
    d.set("rows", std::move(rows));
    d.set("has_rows", !years.empty());
    return d;
}

Data Builder::goal_summary(const std::string& from, const FocusArea& fa, const Goal& g, ActivityList list,
                  int indicator_level) const {
    Data d = Data::map({{"id", g.id}, {"title", g.title}, {"href", href(from, goal_path(fa.id, g.id))}});
    const auto it = activities_by_goal_.find(g.id);
    const size_t count = it == activities_by_goal_.end() ? 0 : it->second.size();
    Data activities = Data::list();
    if (list == ActivityList::Full && count > 0)
        for (const auto& l : it->second) activities.push(activity_summary(from, *l.group, *l.plan, *l.activity));
    d.set("activity_count", count);
    d.set("activity_count_text", count_text(count));
    d.set("gap", count == 0);
    d.set("activities", std::move(activities));
    Data indicators = Data::list();
    for (const auto& ind : g.indicators) indicators.push(regional_indicator(from, ind, indicator_level));
    d.set("indicators", std::move(indicators));
    return d;
}

bool Builder::add_group_list(Digest& d) const {
    d.add_word(site_.groups.size());
    for (const auto& g : site_.groups) {
        const std::string& id = content_id(g.path);
        if (id.empty()) return false;
        d.add_words(g.path);
        d.add_words(id);
        const Plan* current = current_plan(g);
        if (!current) {
            d.add_words("no plan");
            continue;
        }
        const std::string& plan_id = content_id(current->path);
        if (plan_id.empty()) return false;
        d.add_words(current->path);
        d.add_words(plan_id);
        d.add_word(static_cast<std::uint64_t>(std::count_if(current->activities.begin(), current->activities.end(),
                                                            [](const Activity& a) { return a.status != ActivityStatus::Cancelled; })));
    }
    return true;
}

Data Builder::group_list(const std::string& from) const {
    std::vector<const Group*> groups;
    for (const auto& g : site_.groups) groups.push_back(&g);
    collate_sort(groups, lang_, [](const Group* g) { return g->name; });
    Data list = Data::list();
    for (const Group* g : groups) {
        size_t count = 0;
        const Plan* current = current_plan(*g);
        if (current)
            count = std::count_if(current->activities.begin(), current->activities.end(),
                                  [](const Activity& a) { return a.status != ActivityStatus::Cancelled; });
        Data item = Data::map({{"name", g->name},
                               {"href", href(from, group_path(g->id))},
                               {"municipality", g->municipality},
                               {"kind", s_.get(std::string("group_kind_") + kind_key(g->kind))},
                               {"activity_count", count},
                               {"current_plan", ""},
                               {"current_plan_href", ""}});
        if (current) {
            item.set("current_plan", current->title);
            item.set("current_plan_href", href(from, plan_path(g->id, current->id)));
        }
        list.push(std::move(item));
    }
    return list;
}

// The plan in force and the plan a meeting follows up (model/queries.h), as of the build's date.
const Plan* Builder::current_plan(const Group& g) const { return model::current_plan(g, options_.today); }

const Plan* Builder::followed_plan(const Group& g) const { return model::followed_plan(g, options_.today); }

// A process's steps as a diagram (site/chart.h), with its steps in words for the diagram's
// description; `caption_href` links the process's page from elsewhere.
Data Builder::process_diagram_view(const Process& pr, const std::string& id, const std::string& caption_href) const {
    std::vector<std::string> titles;
    std::string words;
    for (const auto& st : pr.steps) {
        titles.push_back(st.title);
        words += (words.empty() ? "" : ", ") + std::to_string(titles.size()) + " " + st.title;
    }
    Data d = process_diagram_data(process_diagram(titles));
    d.set("diagram_id", id);
    d.set("process_title", pr.title);
    d.set("steps_text", words);
    d.set("caption_href", caption_href);
    return d;
}

void Builder::index_subjects_and_warnings() {
    for (size_t i = 0; i < site_.groups.size(); ++i)
        group_by_folder_.emplace(content::layout::group_dir(site_.groups[i].id) + "/", i);
    for (const auto& d : options_.warnings) {
        warnings_by_path_[d.path].push_back(&d);
        for (const size_t i : groups_holding(d.path)) ++warnings_by_group_[site_.groups[i].id];
    }
}

// Made the first time the follow-up page's key asks, for the warnings' records only (subject_of
// is asked of no other path).
void Builder::index_subjects() const {
    for (size_t i = 0; i < site_.groups.size(); ++i) {
        const Group& g = site_.groups[i];
        auto note = [&](const std::string& path, auto&& subject) {
            if (!warnings_by_path_.count(path)) return;
            auto& found = record_subjects_[path];
            if (found.empty() || found.back().first != i) found.emplace_back(i, subject());  // the first in the group
        };
        for (const auto& p : g.plans) {
            note(p.path, [&] { return Subject{g.id, plan_path(g.id, p.id), p.title, plan_history_path(g.id, p.id)}; });
            for (const auto& a : p.activities)
                note(a.path, [&] {
                    return Subject{g.id, activity_path(g.id, p.id, a.id), a.title, activity_history_path(g.id, p.id, a.id)};
                });
        }
    }
}

std::vector<size_t> Builder::groups_holding(const std::string& path) const {
    std::vector<size_t> found;
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
        const auto it = group_by_folder_.find(std::string_view(path).substr(0, slash + 1));
        if (it != group_by_folder_.end()) found.push_back(it->second);
    }
    std::sort(found.begin(), found.end());
    return found;
}

Builder::Subject Builder::subject_of(const std::string& path) const {
    if (path == site_.regional.path) return {"", regional_path(), site_.regional.title, regional_history_path()};
    const auto holding = groups_holding(path);
    if (holding.empty()) return {};
    const size_t i = holding.front();  // the first group whose folder holds it
    std::call_once(subjects_once_, [this] { index_subjects(); });
    if (const auto it = record_subjects_.find(path); it != record_subjects_.end())
        for (const auto& [group, subject] : it->second)
            if (group == i) return subject;
    const Group& g = site_.groups[i];
    return {g.id, group_path(g.id), g.name, group_history_path(g.id)};
}

// The warning in the site's language: the theme's "warning_<rule>" with {0}, {1}… filled
// from the warning's values, else the checker's own message.
std::string Builder::warning_text(const Diagnostic& d) const {
    const std::string key = "warning_" + d.rule;
    return s_.get(key) == key ? d.message : warning_sentence(d, s_);
}

// A warning as text with its dates apart: {text, date} pieces, so that a theme can keep each
// date on one line (<span class="date">).
Data Builder::text_with_dates(const std::string& text) {
    Data parts = Data::list();
    auto is_date_at = [&](size_t i) {
        if (i + 10 > text.size()) return false;
        for (size_t k = 0; k < 10; ++k) {
            const char c = text[i + k];
            if ((k == 4 || k == 7) ? c != '-' : !std::isdigit(static_cast<unsigned char>(c))) return false;
        }
        return true;
    };
    size_t start = 0;
    for (size_t i = 0; i < text.size();) {
        if (!is_date_at(i)) { ++i; continue; }
        if (i > start) parts.push(Data::map({{"text", text.substr(start, i - start)}, {"date", false}}));
        parts.push(Data::map({{"text", text.substr(i, 10)}, {"date", true}}));
        start = i += 10;
    }
    if (start < text.size()) parts.push(Data::map({{"text", text.substr(start)}, {"date", false}}));
    return parts;
}

std::vector<const Diagnostic*> Builder::warnings_for(const std::string& path) const {
    const auto it = warnings_by_path_.find(path);
    return it == warnings_by_path_.end() ? std::vector<const Diagnostic*>{} : it->second;
}

size_t Builder::warning_count_for_group(const std::string& group_id) const {
    const auto it = warnings_by_group_.find(group_id);
    return it == warnings_by_group_.end() ? 0 : it->second;
}

Data Builder::warning_item(const std::string& from, const Diagnostic& d, const Subject& s) const {
    std::string history_page;
    if (options_.history && options_.history->last_change(d.path)) history_page = s.history;
    return Data::map({{"text", warning_text(d)},
                      {"record", s.title},
                      {"record_href", s.page.empty() ? std::string() : href(from, s.page)},
                      {"history_href", history_page.empty() ? std::string() : href(from, history_page)},
                      {"source", d.path + ":" + std::to_string(d.pos.line)}});
}

// The UI string key of an indicator's verdict (model/queries.h).
std::string Builder::verdict_key(model::Track track) {
    switch (track) {
        case model::Track::Reached: return "track_reached";
        case model::Track::On: return "track_on";
        case model::Track::Behind: return "track_behind";
        case model::Track::Unknown: break;
    }
    return "track_unknown";
}

std::string Builder::regional_verdict(const RegionalIndicator& ind) { return verdict_key(model::on_track(ind)); }

std::string Builder::local_verdict(const LocalIndicator& ind) { return verdict_key(model::on_track(ind)); }

}  // namespace samplan::site
