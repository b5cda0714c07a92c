// history/differences.cpp — what changed between two versions of an activity or a plan, field by
// field, in the content model's own terms. Every key of the contract (schemas/activity.json,
// schemas/plan.json) gives at least one difference when it changes; the theme's strings
// (diff_<kind>) say each in words. tests/unit/differences_test.cpp walks the schemas to hold this.
#include <algorithm>
#include <cstdio>
#include <set>

#include "history/versions.h"

namespace samplan::history {
namespace {

using namespace samplan::model;

std::string text_of(const std::optional<Date>& d) { return d ? d->iso() : std::string(); }
std::string text_of(const std::optional<int>& n) { return n ? std::to_string(*n) : std::string(); }
std::string text_of(const std::optional<std::int64_t>& n) { return n ? std::to_string(*n) : std::string(); }
std::string number_text(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}
// A dated value as "48 (2025-06-30)"; "" for none.
std::string text_of(const std::optional<DateValue>& v) {
    return v ? number_text(v->value) + " (" + v->date.iso() + ")" : std::string();
}

// A value changed: args {before, after}, either of them "" when not set.
template <typename T>
void field(std::vector<Difference>& out, const char* kind, const T& before, const T& after) {
    if (before != after) out.push_back({kind, {text_of(before), text_of(after)}, {}});
}

void plain(std::vector<Difference>& out, const char* kind, const std::string& before, const std::string& after) {
    if (before != after) out.push_back({kind, {before, after}, {}});
}

// A Markdown or free text changed, word by word: args {name, extra…} (the extra names which
// report, for instance).
void text_field(std::vector<Difference>& out, const std::string& name, const std::string& before, const std::string& after,
                std::vector<std::string> extra = {}) {
    if (before == after) return;
    std::vector<std::string> args{name};
    args.insert(args.end(), extra.begin(), extra.end());
    out.push_back({"text", std::move(args), diff_words(before, after)});
}

// A yes/no value changed: kind_yes, kind_no or kind_unset, with `args`.
void flag(std::vector<Difference>& out, const std::string& kind, const std::optional<bool>& before,
          const std::optional<bool>& after, std::vector<std::string> args) {
    if (before == after) return;
    out.push_back({kind + (!after ? "_unset" : *after ? "_yes" : "_no"), std::move(args), {}});
}

void draft(std::vector<Difference>& out, bool before, bool after) {
    if (before != after) out.push_back({after ? "draft_set" : "draft_cleared", {}, {}});
}

void working_group(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    std::set<std::string> before_members, after_members;
    std::string before_convener, after_convener;
    for (const auto& m : x.working_group) {
        before_members.insert(m.name);
        if (m.convener) before_convener = m.name;
    }
    for (const auto& m : y.working_group) {
        after_members.insert(m.name);
        if (m.convener) after_convener = m.name;
    }
    for (const auto& m : after_members)
        if (!before_members.count(m)) out.push_back({"member_added", {m}, {}});
    for (const auto& m : before_members)
        if (!after_members.count(m)) out.push_back({"member_removed", {m}, {}});
    for (const auto& m : y.working_group) {
        const auto old = std::find_if(x.working_group.begin(), x.working_group.end(),
                                      [&](const WorkingGroupMember& o) { return o.name == m.name; });
        if (old != x.working_group.end() && old->principal.id != m.principal.id)
            out.push_back({"member_principal", {m.name, old->principal.id, m.principal.id}, {}});
    }
    plain(out, "convener", before_convener, after_convener);
}

void subgoals(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    for (const auto& s : y.subgoals) {
        const auto old = std::find_if(x.subgoals.begin(), x.subgoals.end(), [&](const Subgoal& o) { return o.title == s.title; });
        if (old == x.subgoals.end()) {
            out.push_back({"subgoal_added", {s.title}, {}});
            continue;
        }
        if (!old->done && s.done) out.push_back({"subgoal_done", {s.title}, {}});
        if (old->done && !s.done) out.push_back({"subgoal_reopened", {s.title}, {}});
        if (old->responsible != s.responsible) out.push_back({"subgoal_responsible", {s.title, old->responsible, s.responsible}, {}});
        if (old->due != s.due) out.push_back({"subgoal_due", {s.title, text_of(old->due), text_of(s.due)}, {}});
    }
    for (const auto& s : x.subgoals)
        if (std::none_of(y.subgoals.begin(), y.subgoals.end(), [&](const Subgoal& n) { return n.title == s.title; }))
            out.push_back({"subgoal_removed", {s.title}, {}});
}

void indicators(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    for (const auto& ind : y.indicators) {
        const auto old = std::find_if(x.indicators.begin(), x.indicators.end(), [&](const LocalIndicator& o) { return o.id == ind.id; });
        if (old == x.indicators.end()) {
            out.push_back({"indicator_added", {ind.title}, {}});
            continue;
        }
        if (old->title != ind.title) out.push_back({"indicator_title", {old->title, ind.title}, {}});
        if (old->unit != ind.unit) out.push_back({"indicator_unit", {ind.title, old->unit, ind.unit}, {}});
        auto same = [](const std::optional<DateValue>& a, const std::optional<DateValue>& b) {
            return a.has_value() == b.has_value() && (!a || (a->date == b->date && a->value == b->value));
        };
        if (!same(old->baseline, ind.baseline))
            out.push_back({"indicator_baseline", {ind.title, text_of(old->baseline), text_of(ind.baseline)}, {}});
        if (!same(old->target, ind.target))
            out.push_back({"indicator_target", {ind.title, text_of(old->target), text_of(ind.target)}, {}});
        for (const auto& v : ind.values) {
            const auto was = std::find_if(old->values.begin(), old->values.end(), [&](const DateValue& o) { return o.date == v.date; });
            if (was == old->values.end())
                out.push_back({"indicator_value", {ind.title, v.date.iso(), number_text(v.value)}, {}});
            else if (was->value != v.value)
                out.push_back({"indicator_value_changed", {ind.title, v.date.iso(), number_text(was->value), number_text(v.value)}, {}});
        }
        for (const auto& v : old->values)
            if (std::none_of(ind.values.begin(), ind.values.end(), [&](const DateValue& n) { return n.date == v.date; }))
                out.push_back({"indicator_value_removed", {ind.title, v.date.iso(), number_text(v.value)}, {}});
    }
    for (const auto& ind : x.indicators)
        if (std::none_of(y.indicators.begin(), y.indicators.end(), [&](const LocalIndicator& n) { return n.id == ind.id; }))
            out.push_back({"indicator_removed", {ind.title}, {}});
}

// Reports are told apart by their date: a new date is a new report.
void reports(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    for (const auto& r : y.reports) {
        const auto old = std::find_if(x.reports.begin(), x.reports.end(), [&](const Report& o) { return o.date == r.date; });
        if (old == x.reports.end()) {
            out.push_back({"report_added", {r.date.iso()}, {}});
            continue;
        }
        const std::string date = r.date.iso();
        text_field(out, "report_progress", old->progress, r.progress, {date});
        text_field(out, "report_works_well", old->works_well, r.works_well, {date});
        text_field(out, "report_works_less_well", old->works_less_well, r.works_less_well, {date});
        flag(out, "report_on_schedule", old->on_schedule, r.on_schedule, {date});
    }
    for (const auto& r : x.reports)
        if (std::none_of(y.reports.begin(), y.reports.end(), [&](const Report& n) { return n.date == r.date; }))
            out.push_back({"report_removed", {r.date.iso()}, {}});
}

void final_report(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    if (!x.final_report && !y.final_report) return;
    if (!y.final_report) {
        out.push_back({"final_report_removed", {}, {}});
        return;
    }
    if (!x.final_report) {  // told as one: its fields are on the activity's page
        out.push_back({"final_report_added", {text_of(y.final_report->date)}, {}});
        return;
    }
    const FinalReport& a = *x.final_report;
    const FinalReport& b = *y.final_report;
    field(out, "final_report_date", a.date, b.date);
    text_field(out, "final_report_goal_reached", a.goal_reached, b.goal_reached);
    text_field(out, "final_report_added_value", a.added_value, b.added_value);
    text_field(out, "final_report_use_of_results", a.use_of_results, b.use_of_results);
    if (!a.sent_to_office && b.sent_to_office) out.push_back({"final_report_sent", {b.sent_to_office->iso()}, {}});
    else field(out, "final_report_sent_to_office", a.sent_to_office, b.sent_to_office);
}

void assignment(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    const Assignment none;
    const Assignment& a = x.assignment ? *x.assignment : none;
    const Assignment& b = y.assignment ? *y.assignment : none;
    text_field(out, "assignment_scope", a.scope, b.scope);
    text_field(out, "assignment_goal", a.goal, b.goal);
    text_field(out, "assignment_reporting", a.reporting, b.reporting);
    text_field(out, "assignment_final_report_form", a.final_report_form, b.final_report_form);
    text_field(out, "assignment_resources", a.resources, b.resources);
}

void evaluation(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    if (!x.evaluation && y.evaluation) out.push_back({"evaluation_added", {}, {}});  // told as one
    if (x.evaluation && !y.evaluation) out.push_back({"evaluation_removed", {}, {}});
    if (!x.evaluation || !y.evaluation) return;
    const ActivityEvaluation& a = *x.evaluation;
    const ActivityEvaluation& b = *y.evaluation;
    text_field(out, "evaluation_learned_target_group", a.learned_target_group, b.learned_target_group);
    text_field(out, "evaluation_learned_prevention", a.learned_prevention, b.learned_prevention);
    text_field(out, "evaluation_learned_collaboration", a.learned_collaboration, b.learned_collaboration);
}

void funding(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    const Funding none;
    const Funding& a = x.funding ? *x.funding : none;
    const Funding& b = y.funding ? *y.funding : none;
    field(out, "funding_applied", a.applied, b.applied);
    field(out, "funding_amount", a.amount_sek, b.amount_sek);
    field(out, "funding_board_decision", a.board_decision, b.board_decision);
    flag(out, "funding_granted", a.granted, b.granted, {});
}

}  // namespace

std::vector<Difference> diff_activities(const Activity& x, const Activity& y) {
    std::vector<Difference> out;
    plain(out, "title", x.title, y.title);
    plain(out, "status", status_key(x.status), status_key(y.status));
    field(out, "step", x.step, y.step);
    field(out, "start", x.start, y.start);
    field(out, "end", x.end, y.end);
    plain(out, "target_group", x.target_group.id, y.target_group.id);
    plain(out, "focus_area", x.focus_area.id, y.focus_area.id);
    plain(out, "goal", x.goal.id, y.goal.id);
    plain(out, "process", x.process.id, y.process.id);
    field(out, "priority", x.priority, y.priority);
    draft(out, x.draft, y.draft);
    assignment(out, x, y);
    working_group(out, x, y);
    reports(out, x, y);
    final_report(out, x, y);
    subgoals(out, x, y);
    indicators(out, x, y);
    evaluation(out, x, y);
    funding(out, x, y);
    text_field(out, "description", x.body, y.body);
    return out;
}

std::vector<Difference> diff_plans(const Plan& x, const Plan& y) {
    std::vector<Difference> out;
    plain(out, "title", x.title, y.title);
    plain(out, "plan_status", status_key(x.status), status_key(y.status));
    field(out, "start", x.start, y.start);
    field(out, "end", x.end, y.end);
    field(out, "decided", x.decided, y.decided);
    field(out, "sent_to_office", x.sent_to_office, y.sent_to_office);
    for (const auto& r : y.revised)
        if (std::find(x.revised.begin(), x.revised.end(), r) == x.revised.end())
            out.push_back({"revised_added", {r.iso()}, {}});
    for (const auto& r : x.revised)
        if (std::find(y.revised.begin(), y.revised.end(), r) == y.revised.end())
            out.push_back({"revised_removed", {r.iso()}, {}});
    plain(out, "process", x.process.id, y.process.id);
    draft(out, x.draft, y.draft);
    text_field(out, "analysis", x.analysis, y.analysis);
    return out;
}

}  // namespace samplan::history
