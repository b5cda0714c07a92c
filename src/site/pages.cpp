// site/pages.cpp — the start page, the lists, processes, guidance pages and the fixed pages.
#include "site/builder.h"

#include <algorithm>
#include <map>
#include <string_view>

namespace samplan::site {

void Builder::add_home() {
    const std::string path = home_path();
    // Keyed by what home_data reads: the group list, the current plans' activities counted by
    // status, each goal's count of linked activities, the warnings counted by rule, the recent
    // events (the rest is the site inputs).
    std::string key = page_key(path, [this](Digest& d) {
        if (!add_group_list(d)) return false;
        const ActivityFigures figures = activity_figures();
        d.add_word(figures.activities);
        d.add_word(figures.ongoing);
        d.add_word(figures.finished);
        for (const auto& fa : site_.regional.focus_areas)
            for (const auto& g : fa.goals) {
                const auto it = activities_by_goal_.find(g.id);
                d.add_word(it == activities_by_goal_.end() ? 0 : it->second.size());
            }
        d.add_word(options_.warnings.size());
        std::map<std::string_view, size_t> by_rule;
        for (const auto& w : options_.warnings) ++by_rule[w.rule];
        for (const auto& [rule, n] : by_rule) {
            d.add_words(rule);
            d.add_word(n);
        }
        add_events(d, kHomeEvents);
        return true;
    });
    if (keep_if_unchanged(path, key)) return;
    add_later(path, "home", [path](const Builder& b) { return b.home_data(path); }, std::move(key));
}

Builder::ActivityFigures Builder::activity_figures() const {
    ActivityFigures f;
    for (const auto& g : site_.groups)
        if (const Plan* p = current_plan(g))
            for (const auto& a : p->activities) {
                if (a.status == ActivityStatus::Cancelled) continue;
                ++f.activities;
                f.ongoing += a.status == ActivityStatus::Ongoing;
                f.finished += a.status == ActivityStatus::Finished;
            }
    return f;
}

Data Builder::home_data(const std::string& path) const {
    Data d = common(path, site_.settings.title, "home");
    d.set("title_is_site", true);  // the start page's title is the site's name, once
    d.set("regional_title", site_.regional.title);
    d.set("regional_href", href(path, regional_path()));
    d.set("summary", Data::markdown(site_.regional.summary));
    const ActivityFigures figures = activity_figures();
    size_t goals = 0, goals_covered = 0;
    Data gaps = Data::list();
    for (const auto& fa : site_.regional.focus_areas)
        for (const auto& g : fa.goals) {
            ++goals;
            if (activities_by_goal_.count(g.id)) ++goals_covered;
            else gaps.push(Data::map({{"title", g.title}, {"href", href(path, goal_path(fa.id, g.id))}}));
        }
    d.set("figures", Data::map({{"groups", site_.groups.size()},
                                {"activities", figures.activities},
                                {"ongoing", figures.ongoing},
                                {"finished", figures.finished},
                                {"goals", goals},
                                {"goals_covered", goals_covered},
                                {"goals_uncovered", goals - goals_covered}}));
    d.set("gaps", std::move(gaps));
    Data areas = Data::list();
    for (const auto& fa : site_.regional.focus_areas) {
        Data area = Data::map({{"title", fa.title}, {"href", href(path, focus_path(fa.id))}});
        Data goal_list = Data::list();
        for (const auto& g : fa.goals) goal_list.push(goal_summary(path, fa, g, ActivityList::Count));
        area.set("goals", std::move(goal_list));
        areas.push(std::move(area));
    }
    d.set("focus_areas", std::move(areas));
    d.set("groups", group_list(path));
    std::map<std::string, size_t> by_rule;
    for (const auto& w : options_.warnings) ++by_rule[w.rule];
    Data follow_up = Data::list();
    for (const auto& [rule, n] : by_rule)
        follow_up.push(Data::map({{"label", s_.get("summary_" + rule) == "summary_" + rule ? rule : s_.get("summary_" + rule)},
                                  {"count", n}}));
    d.set("follow_up", std::move(follow_up));
    d.set("follow_up_href", href(path, follow_up_path()));
    d.set("warning_count", options_.warnings.size());
    Data events = Data::list();
    for (const auto& e : recent_events(kHomeEvents)) events.push(event_data(path, e));
    d.set("recent", std::move(events));
    return d;
}

void Builder::add_groups() {
    const std::string path = groups_path();
    std::string key = page_key(path, [this](Digest& d) { return add_group_list(d); });
    if (keep_if_unchanged(path, key)) return;
    add_later(path, "groups", [path](const Builder& b) { return b.groups_data(path); }, std::move(key));
}

Data Builder::groups_data(const std::string& path) const {
    Data d = common(path, s_.get("groups_title"), "groups");
    d.set("breadcrumbs", crumbs(path, {}));
    d.set("groups", group_list(path));
    return d;
}

void Builder::add_processes() {
    const std::string path = processes_path();
    std::string key = page_key(path, [](Digest&) { return true; });  // the processes are site inputs
    if (keep_if_unchanged(path, key)) return;
    add_later(path, "processes", [path](const Builder& b) { return b.processes_data(path); }, std::move(key));
}

Data Builder::processes_data(const std::string& path) const {
    Data d = common(path, s_.get("processes_title"), "processes");
    d.set("breadcrumbs", crumbs(path, {}));
    Data list = Data::list();
    for (const auto& p : site_.processes)
        list.push(Data::map({{"title", p.title}, {"href", href(path, process_path(p.id))}, {"step_count", p.steps.size()}}));
    d.set("processes", std::move(list));
    return d;
}

void Builder::add_process(const Process& pr) {
    const std::string path = process_path(pr.id);
    // Keyed by the activities of the process, in order, each by its files (its summary, its
    // step and its status come from them): one that leaves the process or joins it changes the list.
    std::string key = page_key(path, [this, &pr](Digest& d) {
        size_t n = 0;
        for (const auto& g : site_.groups)
            for (const auto& p : g.plans)
                for (const auto& a : p.activities)
                    if (process_of(p, a) == &pr) {
                        if (!add_linked(d, g, p, a)) return false;
                        ++n;
                    }
        d.add_word(n);
        return true;
    });
    if (keep_if_unchanged(path, key)) return;
    add_later(path, "process", [path, &pr](const Builder& b) { return b.process_data(path, pr); }, std::move(key));
}

Data Builder::process_data(const std::string& path, const Process& pr) const {
    Data d = common(path, pr.title, "processes");
    d.set("breadcrumbs", crumbs(path, {{s_.get("processes_title"), processes_path()}}));
    for (const auto& page : site_.pages)
        if (pr.guidance.present() && page.id == pr.guidance.id) {
            d.set("guidance", page.title);
            d.set("guidance_href", href(path, page_path(page.id)));
        }
    Data steps = Data::list();
    int n = 0;
    for (const auto& st : pr.steps) {
        ++n;
        Data activities = Data::list();
        for (const auto& g : site_.groups)
            for (const auto& p : g.plans)
                for (const auto& a : p.activities)
                    if (process_of(p, a) == &pr && a.step == n &&
                        (a.status == ActivityStatus::Ongoing || a.status == ActivityStatus::Planned))
                        activities.push(activity_summary(path, g, p, a));
        steps.push(Data::map({{"number", n},
                              {"id", st.id},
                              {"title", st.title},
                              {"summary", Data::markdown(st.summary)},
                              {"activities", std::move(activities)}}));
    }
    d.set("steps", std::move(steps));
    d.set("diagram", process_diagram_view(pr, "diagram", ""));
    return d;
}

void Builder::add_page(Changelog& changelog, const Page& p) {
    const std::string path = page_path(p.id);
    Data d = common(path, p.title, "page:" + p.id);
    d.set("draft", p.draft);
    d.set("breadcrumbs", crumbs(path, {}));
    d.set("description", p.description);
    d.set("body", Data::markdown(p.body));
    Data diagrams = Data::list();
    for (const auto& pr : site_.processes)
        if (pr.guidance.present() && pr.guidance.id == p.id)
            diagrams.push(process_diagram_view(pr, "diagram-" + pr.id, href(path, process_path(pr.id))));
    d.set("process_diagrams", std::move(diagrams));
    add_plain_history(changelog, d, path, p.path, page_history_path(p.id), p.title, {{p.title, path}});
    add(path, "page", std::move(d));
}

void Builder::add_accessibility() {
    const std::string path = accessibility_path();
    const auto& a = site_.settings.accessibility;
    Data d = common(path, s_.get("a11y_title"), "");
    d.set("breadcrumbs", crumbs(path, {}));
    const std::string compliance = a.compliance.empty() ? "inte" : a.compliance;
    d.set("compliance", s_.get("a11y_compliance_" + compliance));
    d.set("compliance_partial", compliance == "delvis");
    d.set("compliance_none", compliance == "inte");
    d.set("assessed", a.assessed ? a.assessed->iso() : std::string());
    d.set("method", a.method);
    d.set("contact", a.contact);
    d.set("contact_href", "");
    if (a.contact.find('@') != std::string::npos && a.contact.find(':') == std::string::npos)
        d.set("contact_href", "mailto:" + a.contact);
    Data shortcomings = Data::list();
    for (const auto& s : a.shortcomings) shortcomings.push(Data::map({{"text", Data::markdown(s)}}));
    d.set("shortcomings", std::move(shortcomings));
    d.set("updated", options_.today.iso());
    add(path, "accessibility", std::move(d));
}

void Builder::add_search() {
    if (options_.archive) return;  // search indexes the current site only: no page that cannot search
    const std::string path = search_path();
    Data d = common(path, s_.get("search_title"), "");
    d.set("breadcrumbs", crumbs(path, {}));
    d.set("search_js_href", root_prefix(path) + asset_path("search.js"));
    d.set("is_search_page", true);  // its own field is the search: the header's would be a second one
    add(path, "search", std::move(d));
}

void Builder::add_not_found() {
    // Served for any missing path, so its links cannot be relative: use the site's own path.
    std::string base = "/";
    if (!site_.settings.base_url.empty()) {
        const auto scheme = site_.settings.base_url.find("://");
        const auto slash = site_.settings.base_url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
        base = slash == std::string::npos ? "/" : site_.settings.base_url.substr(slash);
        if (base.back() != '/') base += '/';
    }
    Data d = common(not_found_path(), s_.get("not_found_title"), "");
    auto rebase = [&](Data& map) {
        for (const auto& key : {"home_href", "css_href", "print_css_href", "menu_js_href", "favicon_href", "search_href", "accessibility_href",
                                "data_href", "activities_csv_href", "indicators_csv_href", "feed_href",
                                "changes_href", "versions_href"})
            if (const Data* v = map.get(key); v && !v->text().empty()) map.set(key, base + v->text());
    };
    rebase(d);
    Data nav = Data::list();
    for (const auto& item : d.get("nav")->items()) {
        Data copy = item;
        copy.set("href", base + item.get("href")->text());
        nav.push(std::move(copy));
    }
    d.set("nav", std::move(nav));
    add(not_found_path(), "not_found", std::move(d));
}

}  // namespace samplan::site
