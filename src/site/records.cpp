// site/records.cpp — the records' own pages: group, plan, activity, evaluation.
#include "site/builder.h"

#include <algorithm>

#include "content/layout.h"

namespace samplan::site {

Builder::RecordKeys Builder::activity_keys(const Group& g, const Plan& p, const Activity& a) const {
    // (Eight bytes at a time: a rebuild makes every activity's keys, some 200 bytes per commit of
    // its file.)
    Digest d;
    d.add_words("activity 3");
    d.add_words(options_.inputs_key);
    for (const std::string* text : {&g.id, &g.name, &p.id, &p.title, &p.process.id, &a.path, &a.id, &a.title})
        d.add_words(*text);
    d.add_word(static_cast<std::uint64_t>(g.draft) | static_cast<std::uint64_t>(p.draft) << 1);
    d.add_words(plan_status_class(p.status));
    d.add_words(options_.history->note());
    const auto& revisions = options_.history->revisions();
    const auto& file = options_.history->file_revisions(a.path);
    for (const auto& fr : file) {
        const auto& rev = revisions.at(fr.revision);
        for (const std::string* text : {&rev.commit, &rev.summary, &rev.author, &fr.path(), &fr.blob()}) d.add_words(*text);
        d.add_word(date_word(rev.date) << 8 | static_cast<std::uint64_t>(fr.kind));
    }
    const bool current = named(a.path);
    d.add_word(current ? 1 : 2);
    RecordKeys keys;
    keys.history = d.hex();
    if (current) {
        d.add_words("page");
        keys.page = d.hex();
    }
    return keys;
}

const Builder::RecordKeys* Builder::keys_of(const std::string& record_path) const {
    const auto it = record_keys_.find(record_path);
    return it == record_keys_.end() ? nullptr : &it->second;
}

void Builder::add_group(Changelog& changelog, const Group& g) {
    const std::string path = group_path(g.id);
    Data changed = Data::map();  // when it last changed, and its history page
    add_plain_history(changelog, changed, path, g.path, group_history_path(g.id), g.name,
                      {{s_.get("groups_title"), groups_path()}, {g.name, path}});
    // Keyed by the group's records (its file's, its plans' and their activities', its
    // evaluations': their blob ids as they are now), --today (which plan is current), the
    // warnings about it and when its file last changed.
    std::string key;
    if (incremental()) {
        Digest d;
        d.add_words("group 1");
        d.add_words(options_.inputs_key);
        d.add_words(options_.today.iso());
        d.add_words(path);
        const bool all_read = add_group_files(d, g);
        d.add_word(warning_count_for_group(g.id));
        add_data(d, changed);
        if (all_read) key = d.hex();
    }
    if (keep_if_unchanged(path, key)) return;
    add_later(path, "group", [&g, path, changed = std::move(changed)](const Builder& b) {
        Data d = b.group_data(path, g);
        for (const auto& [name, value] : changed.entries()) d.set(name, value);
        return d;
    }, std::move(key));
}

Data Builder::group_data(const std::string& path, const Group& g) const {
    Data d = common(path, g.name, "groups");
    d.set("breadcrumbs", crumbs(path, {{s_.get("groups_title"), groups_path()}}));
    d.set("kind", s_.get(std::string("group_kind_") + kind_key(g.kind)));
    d.set("municipality", g.municipality);
    d.set("description", Data::markdown(g.description));
    Data principals = Data::list();
    for (const auto& p : g.principals) principals.push(Data::map({{"name", p}}));
    d.set("principals", std::move(principals));
    Data members = Data::list();
    for (const auto& m : g.members)
        members.push(Data::map({{"name", m.name}, {"principal", m.principal.id}, {"role", m.role}}));
    d.set("members", std::move(members));
    Data meetings = Data::list();
    for (auto it = g.meetings.rbegin(); it != g.meetings.rend(); ++it)
        meetings.push(Data::map({{"date", it->date.iso()},
                                 {"followed_up", it->plan_followed_up},
                                 {"notes", Data::markdown(it->notes)}}));
    d.set("meetings", std::move(meetings));
    std::vector<const Plan*> plans;
    for (const auto& p : g.plans) plans.push_back(&p);
    const Plan* current = current_plan(g);
    std::stable_sort(plans.begin(), plans.end(), [&](const Plan* a, const Plan* b) {
        if ((a == current) != (b == current)) return a == current;
        return a->start > b->start;
    });
    Data plan_list = Data::list();
    for (const Plan* p : plans)
        plan_list.push(Data::map({{"title", p->title},
                                  {"href", href(path, plan_path(g.id, p->id))},
                                  {"period", period(p->start, p->end)},
                                  {"status", s_.get(std::string("plan_status_") + plan_status_class(p->status))},
                                  {"current", p == current},
                                  {"activity_count", p->activities.size()},
                                  {"activity_count_text", count_text(p->activities.size())}}));
    d.set("plans", std::move(plan_list));
    Data evaluations = Data::list();
    for (const auto& e : g.evaluations)
        evaluations.push(Data::map({{"title", e.title},
                                    {"href", href(path, evaluation_path(g.id, e.id))},
                                    {"date", e.date ? e.date->iso() : std::string()}}));
    d.set("evaluations", std::move(evaluations));
    d.set("warning_count", warning_count_for_group(g.id));
    d.set("follow_up_href", href(path, follow_up_path()) + "#group-" + g.id);
    d.set("paper_href", href(path, meeting_paper_path(g.id)));
    d.set("calendar_href", href(path, calendar_path(g.id)));
    return d;
}

// Bars of a timeline: each activity's period as a share of the plan's span, in percent.
// The plan's activities on a time axis from the plan's start (or its first activity's) to its end.
Data Builder::timeline(const Plan& p) const {
    std::optional<Date> lo = p.start, hi = p.end;
    std::vector<TimelineActivity> rows;
    for (const auto& a : p.activities) {
        if (a.start && (!lo || *a.start < *lo)) lo = a.start;
        if (a.end && (!hi || *a.end > *hi)) hi = a.end;
        if (a.start && a.end && *a.start <= *a.end)
            rows.push_back({a.title, *a.start, *a.end, s_.get(std::string("status_") + status_class(a.status)),
                            status_class(a.status), period(a.start, a.end)});
    }
    if (!lo || !hi || *hi <= *lo) rows.clear();
    const Timeline t = plan_timeline(rows, lo.value_or(Date{}), hi.value_or(Date{}), options_.today, chart_words());
    return t.rows.empty() ? Data() : timeline_data(t);
}

void Builder::add_plan(Changelog& changelog, const Group& g, const Plan& p) {
    const std::string path = plan_path(g.id, p.id);
    const std::string history_page =
        options_.history && options_.history->available() ? plan_history_path(g.id, p.id) : std::string();
    if (!history_page.empty()) {
        // The change log lists the plan before its activities; its history page is made after them.
        plan_versions_[p.path] = versions_->take(p.path);
        note_changes(changelog, history_page, p.title, plan_versions_[p.path]);
    }
    const PlanKeys* keys = plan_keys_of(p);
    std::string key = keys ? keys->page : std::string();
    if (!key.empty() && options_.unchanged(path, key)) {
        keep(path, std::move(key));
        return;
    }
    add_later(path, "plan", [&g, &p, path, history_page](const Builder& b) {
        Data d = b.plan_data(path, g, p);
        if (!history_page.empty()) {
            // "Senast ändrad": the newest change of the plan file or of any of its activities.
            std::vector<std::string> paths{p.path};
            for (const auto& a : p.activities) paths.push_back(a.path);
            std::vector<size_t> departures;  // taking an activity out was a change
            for (const auto& gone : b.removed_activities(p)) departures.push_back(gone.revision);
            b.set_last_changed(d, path, paths, history_page, departures);
        }
        return d;
    }, std::move(key));
}

// What a plan page shows. An older version of a plan carries no activities of its own: its
// page then shows the plan's own fields only.
Data Builder::plan_data(const std::string& path, const Group& g, const Plan& p) const {
    Data d = common(path, p.title, "groups");
    d.set("draft", p.draft || p.status == PlanStatus::Draft || g.draft);
    d.set("breadcrumbs", crumbs(path, {{s_.get("groups_title"), groups_path()}, {g.name, group_path(g.id)}}));
    d.set("group", g.name);
    d.set("group_href", href(path, group_path(g.id)));
    d.set("period", period(p.start, p.end));
    d.set("status", s_.get(std::string("plan_status_") + plan_status_class(p.status)));
    d.set("status_class", plan_status_class(p.status));
    if (p.decided) d.set("decided", p.decided->iso());
    if (p.sent_to_office) d.set("sent_to_office", p.sent_to_office->iso());
    Data revised = Data::list();
    for (const auto& r : p.revised) revised.push(Data::map({{"date", r.iso()}}));
    d.set("revised", std::move(revised));
    d.set("analysis", Data::markdown(p.analysis));
    // Activities grouped by focus area, in the regional plan's order.
    Data groups = Data::list();
    for (const auto& fa : site_.regional.focus_areas) {
        Data list = Data::list();
        for (const auto& a : p.activities)
            if (a.focus_area.id == fa.id) list.push(activity_summary(path, g, p, a));
        if (list.items().empty()) continue;
        groups.push(Data::map({{"title", fa.title}, {"href", href(path, focus_path(fa.id))}, {"activities", std::move(list)}}));
    }
    d.set("focus_areas", std::move(groups));
    d.set("activity_count", p.activities.size());
    Data chart = timeline(p);
    d.set("has_timeline", chart.kind() == Data::Kind::Map);
    d.set("timeline", std::move(chart));
    return d;
}

// The plan's history page and its older versions; returns the history page's path ("" without history).
void Builder::add_plan_history(Changelog& changelog, const Group& g, const Plan& p) {
    if (!options_.history || !options_.history->available()) return;
    const std::string path = plan_path(g.id, p.id);
    auto own = std::move(plan_versions_[p.path]);
    plan_versions_.erase(p.path);
    const std::string history_page = plan_history_path(g.id, p.id);
    const auto taken = std::move(activity_histories_[p.path]);
    activity_histories_.erase(p.path);
    if (incremental() && plan_history_kept(g, p)) {
        keep_record_history(changelog, history_page, p.title, p.path, own, plan_history_key_of(g, p));
        return;
    }
    std::vector<history::ActivityHistory> activities;
    for (const auto& [a, versions] : taken) activities.push_back({a->title, versions.get(), process_of(p, *a)});
    // The activities that left the plan, named and with their steps' names as they were last in it.
    const auto& plan_file = options_.history->file_revisions(p.path);
    std::vector<std::vector<history::RecordVersion>> removed;
    removed.reserve(removed_activities(p).size());  // `activities` points into it
    for (const auto& gone : removed_activities(p)) {
        removed.push_back(versions_->take(gone.key));
        const auto& versions = removed.back();
        const auto last = std::find_if(versions.begin(), versions.end(), [&](const history::RecordVersion& v) {
            return v.activity.has_value() && content::layout::plan_beside(v.path) == history::plan_path_in(plan_file, v.revision, p.path);
        });
        // Never readable, or a draft when it left (never published): the plan's "activity removed"
        // or "moved" is all it tells.
        if (last == versions.end() || last->activity->draft) continue;
        activities.push_back({last->activity->title, &versions, process_of(p, *last->activity)});
    }
    const auto versions = std::make_shared<const std::vector<history::RecordVersion>>(
        history::merge_activity_histories(std::move(own), activities, plan_file));
    add_record_history(changelog, history_page, p.title, path, versions, "plan",
                       [&g](const history::RecordVersion& v) -> OldPage {
                           if (!v.plan) return {};
                           return [&g, &v](const Builder& b, const std::string& rev_path) {
                               return b.plan_data(rev_path, g, *v.plan);
                           };
                       },
                       {{s_.get("groups_title"), groups_path()}, {g.name, group_path(g.id)}, {p.title, path}},
                       incremental() ? plan_history_key_of(g, p) : std::string());
}

// The key of a plan's history page: the plan's own commits and its activities' (their keys).
std::string Builder::plan_history_key(const Group& g, const Plan& p) const {
    // (Eight bytes at a time, as the activities' keys: made for every plan on every rebuild.)
    Digest d;
    d.add_words("plan history 2");
    d.add_words(options_.inputs_key);
    for (const std::string* text : {&g.id, &g.name, &p.id, &p.title, &p.path}) d.add_words(*text);
    d.add_words(options_.history->note());
    const auto& revisions = options_.history->revisions();
    const auto& file = options_.history->file_revisions(p.path);
    d.add_word(file.size());
    for (const auto& fr : file) {
        const auto& rev = revisions.at(fr.revision);
        for (const std::string* text : {&rev.commit, &rev.summary, &rev.author, &fr.path(), &fr.blob()}) d.add_words(*text);
        d.add_word(date_word(rev.date) << 8 | static_cast<std::uint64_t>(fr.kind));
    }
    // Whether the plan file is still its newest commit: if not, that commit has a page of its own.
    d.add_word(named(p.path) ? 1 : 0);
    const auto added_or_deleted = options_.history->added_or_deleted_under(content::layout::activities_beside(p.path) + "/");
    d.add_word(added_or_deleted.size());
    for (const auto& [r, change] : added_or_deleted) {
        d.add_words(revisions.at(r).commit);
        for (const std::string* text : {&change->path, &change->old_path, &change->blob}) d.add_words(*text);
    }
    d.add_word(p.activities.size());
    for (const auto& a : p.activities) {
        const RecordKeys* keys = keys_of(a.path);
        d.add_words(keys ? std::string_view(keys->history) : std::string_view());
        d.add_word(a.draft ? 1 : 0);
    }
    for (const auto& gone : removed_activities(p))
        for (const auto& fr : options_.history->file_revisions(gone.file)) {
            if (fr.revision < gone.revision) continue;  // its changes since, in another plan, are not shown here
            const auto& rev = revisions.at(fr.revision);
            for (const std::string* text : {&rev.commit, &rev.summary, &rev.author, &fr.path(), &fr.blob()}) d.add_words(*text);
            d.add_word(date_word(rev.date));
        }
    return d.hex();
}

const std::vector<Builder::Departed>& Builder::removed_activities(const Plan& p) const {
    static const std::vector<Departed> kNone;
    const auto it = removed_activities_.find(p.path);
    return it == removed_activities_.end() ? kNone : it->second;
}

const std::string& Builder::plan_history_key_of(const Group& g, const Plan& p) {
    auto [it, made] = plan_history_keys_.try_emplace(p.path);
    if (made) it->second = plan_history_key(g, p);
    return it->second;
}

bool Builder::plan_history_kept(const Group& g, const Plan& p) {
    return options_.unchanged(plan_history_path(g.id, p.id), plan_history_key_of(g, p));
}

std::string Builder::plan_page_key(const Group& g, const Plan& p) {
    if (!incremental()) return {};
    // Every record file the page shows must be its newest commit: its text is then named by git
    // (the blob ids in the history keys). A file edited in the working folder leaves the page to
    // be keyed by its data.
    if (!named(p.path) || !named(g.path)) return {};
    Digest d;
    d.add_words("plan page 2");
    // The plan's history key holds the site inputs (settings, regional plan, processes, pages,
    // theme, samplan), the group's and the plan's ids and names, the plan file's commits and
    // blobs, its activities' history keys (each activity's commits and blobs, whether its file
    // is its newest commit) and drafts, and the activities added to or taken out of its folder.
    d.add_words(plan_history_key_of(g, p));
    d.add_word(date_word(options_.today));  // the timeline's "today"
    d.add_words(options_.history->revisions().empty() ? std::string_view() : std::string_view(options_.history->revisions().back().commit));
    d.add_words(options_.history->file_revisions(g.path).front().blob());
    d.add_word(static_cast<std::uint64_t>(g.draft) | static_cast<std::uint64_t>(p.draft) << 1);
    for (const auto& a : p.activities) {
        const RecordKeys* keys = keys_of(a.path);
        if (!keys || keys->page.empty()) return {};
        d.add_words(keys->page);
    }
    return d.hex();
}

const Builder::PlanKeys* Builder::plan_keys_of(const Plan& p) const {
    const auto it = plan_keys_.find(p.path);
    return it == plan_keys_.end() ? nullptr : &it->second;
}

bool Builder::keep_plan_folder(Handoff& handoff, const Group& g, const Plan& p) {
    const PlanKeys* keys = plan_keys_of(p);
    if (!keys || !keys->kept) return false;
    // The change log's part: the newest versions of the plan and of its activities (the only
    // ones read), in the order add_plan and add_activity give them.
    note_changes(handoff.changelog, plan_history_path(g.id, p.id), p.title, versions_->take(p.path));
    for (const auto& a : p.activities)
        note_changes(handoff.changelog, activity_history_path(g.id, p.id, a.id), a.title, versions_->take(a.path));
    std::string folder = plan_folder_path(g.id, p.id);
    if (!site_.settings.base_url.empty() && options_.folder_pages)  // the sitemap lists every page
        for (const auto& page : options_.folder_pages(folder)) note_page(page);
    sink_(PageView{.path = std::move(folder), .key = keys->folder, .keep = true, .folder = true});
    return true;
}

void Builder::end_plan_folder(const Group& g, const Plan& p, size_t pages) {
    const PlanKeys* keys = plan_keys_of(p);
    if (!keys || keys->folder.empty()) return;
    sink_(PageView{.path = plan_folder_path(g.id, p.id), .key = keys->folder, .folder = true, .folder_pages = pages});
}

void Builder::add_activity(Handoff& handoff, const Group& g, const Plan& p, const Activity& a) {
    const std::string path = activity_path(g.id, p.id, a.id);
    std::string history_page;
    const RecordKeys* keys = keys_of(a.path);
    if (options_.history && options_.history->available()) {
        const auto versions = std::make_shared<const std::vector<history::RecordVersion>>(versions_->take(a.path));
        history_page = activity_history_path(g.id, p.id, a.id);
        if (keys && keys->history_kept) keep_record_history(handoff.changelog, history_page, a.title, a.path, *versions, keys->history);
        else add_record_history(handoff.changelog, history_page, a.title, path, versions, "activity",
                           [&g, &p](const history::RecordVersion& v) -> OldPage {
                               if (!v.activity) return {};
                               return [&g, &p, &v](const Builder& b, const std::string& rev_path) {
                                   return b.activity_data(rev_path, g, p, *v.activity);
                               };
                           },
                           {{s_.get("groups_title"), groups_path()}, {g.name, group_path(g.id)}, {p.title, plan_path(g.id, p.id)},
                            {a.title, path}},
                           keys ? keys->history : std::string());
        activity_histories_[p.path].emplace_back(&a, versions);
    }
    if (keys && !keys->page.empty() && options_.unchanged(path, keys->page)) {
        keep(path, keys->page);
        return;
    }
    add_later(
        path, "activity",
        [&g, &p, &a, path, history_page](const Builder& b) {
            Data d = b.activity_data(path, g, p, a);
            if (!history_page.empty()) b.set_last_changed(d, path, a.path, history_page);
            return d;
        },
        keys ? keys->page : std::string());
}

Data Builder::activity_data(const std::string& path, const Group& g, const Plan& p, const Activity& a) const {
    Data d = activity_summary(path, g, p, a);
    d.set("draft", a.draft || p.draft || p.status == PlanStatus::Draft || g.draft);
    add_common(d, path, a.title, "groups");
    d.set("breadcrumbs", crumbs(path, {{s_.get("groups_title"), groups_path()},
                                       {g.name, group_path(g.id)},
                                       {p.title, plan_path(g.id, p.id)}}));
    d.set("body", Data::markdown(a.body));
    if (a.assignment)
        d.set("assignment", Data::map({{"scope", Data::markdown(a.assignment->scope)},
                                       {"goal", Data::markdown(a.assignment->goal)},
                                       {"reporting", a.assignment->reporting},
                                       {"final_report_form", a.assignment->final_report_form},
                                       {"resources", a.assignment->resources}}));
    Data wg = Data::list();
    for (const auto& m : a.working_group)
        wg.push(Data::map({{"name", m.name}, {"principal", m.principal.id}, {"convener", m.convener}}));
    d.set("working_group", std::move(wg));
    Data subgoals = Data::list();
    for (const auto& sg : a.subgoals)
        subgoals.push(Data::map({{"title", sg.title},
                                 {"responsible", sg.responsible},
                                 {"due", sg.due ? sg.due->iso() : std::string()},
                                 {"done", sg.done}}));
    d.set("subgoals", std::move(subgoals));
    Data indicators = Data::list();
    for (const auto& ind : a.indicators)
        indicators.push(indicator_view(path, ind.id, ind.title, ind.unit, 3, local_chart(ind), local_verdict(ind),
                                       local_indicator_path(g.id, p.id, a.id, ind.id)));
    d.set("indicators", std::move(indicators));
    Data reports = Data::list();
    for (auto it = a.reports.rbegin(); it != a.reports.rend(); ++it) {
        Data r = Data::map({{"date", it->date.iso()},
                            {"progress", Data::markdown(it->progress)},
                            {"works_well", Data::markdown(it->works_well)},
                            {"works_less_well", Data::markdown(it->works_less_well)},
                            {"on_schedule", ""}});
        if (it->on_schedule) r.set("on_schedule", s_.get(*it->on_schedule ? "yes" : "no"));
        reports.push(std::move(r));
    }
    d.set("reports", std::move(reports));
    if (a.final_report) {
        const auto& f = *a.final_report;
        d.set("final_report", Data::map({{"date", f.date ? f.date->iso() : std::string()},
                                         {"goal_reached", Data::markdown(f.goal_reached)},
                                         {"added_value", Data::markdown(f.added_value)},
                                         {"use_of_results", Data::markdown(f.use_of_results)},
                                         {"sent_to_office", f.sent_to_office ? f.sent_to_office->iso() : std::string()}}));
    }
    if (a.evaluation)
        d.set("evaluation", Data::map({{"learned_target_group", Data::markdown(a.evaluation->learned_target_group)},
                                       {"learned_prevention", Data::markdown(a.evaluation->learned_prevention)},
                                       {"learned_collaboration", Data::markdown(a.evaluation->learned_collaboration)}}));
    if (a.funding) {
        const auto& f = *a.funding;
        Data fd = Data::map({{"applied", ""}, {"amount", ""}, {"board_decision", ""}, {"granted", ""}});
        if (f.applied) fd.set("applied", f.applied->iso());
        if (f.amount_sek) fd.set("amount", format_sek(*f.amount_sek, lang_));
        if (f.board_decision) fd.set("board_decision", f.board_decision->iso());
        if (f.granted) fd.set("granted", s_.get(*f.granted ? "yes" : "no"));
        d.set("funding", std::move(fd));
    }
    d.set("process", "");
    d.set("step_number", "");
    if (const Process* pr = process_of(p, a)) {
        Data steps = Data::list();
        int n = 0;
        for (const auto& st : pr->steps) {
            ++n;
            steps.push(Data::map({{"number", n},
                                  {"title", st.title},
                                  {"current", a.step && *a.step == n},
                                  {"done", a.step && n < *a.step}}));
        }
        d.set("process", pr->title);
        d.set("process_href", href(path, process_path(pr->id)));
        d.set("steps", std::move(steps));
        d.set("step_count", pr->steps.size());
        if (a.step) d.set("step_number", *a.step);
    }
    return d;
}

void Builder::add_evaluation(const Group& g, const GroupEvaluation& e) {
    const std::string path = evaluation_path(g.id, e.id);
    Data d = common(path, e.title, "groups");
    d.set("breadcrumbs", crumbs(path, {{s_.get("groups_title"), groups_path()}, {g.name, group_path(g.id)}}));
    d.set("group", g.name);
    d.set("group_href", href(path, group_path(g.id)));
    d.set("date", e.date ? e.date->iso() : std::string());
    d.set("went_well", Data::markdown(e.went_well));
    d.set("worked_less_well", Data::markdown(e.worked_less_well));
    d.set("carry_forward", Data::markdown(e.carry_forward));
    d.set("body", Data::markdown(e.body));
    add(path, "evaluation", std::move(d));
}

}  // namespace samplan::site
