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

// A list whose items are told apart by `key` (a report by its date, a sub-goal by its title, an
// indicator by its id, a value by its date, a member by name): `added` with the item's `args` for
// an item only in `after`, `changed(before, after)` for one in both, `removed` with its `args` for
// one only in `before`; the items of `after` in their order first, then those removed in theirs.
// `added` and `removed` may be null: those items are then left out.
template <typename Item, typename Key, typename Args, typename Changed>
void items(std::vector<Difference>& out, const std::vector<Item>& before, const std::vector<Item>& after, const char* added,
           const char* removed, Key key, Args args, Changed changed) {
    for (const auto& now : after) {
        const auto old = std::find_if(before.begin(), before.end(), [&](const Item& o) { return key(o) == key(now); });
        if (old != before.end()) changed(*old, now);
        else if (added) out.push_back({added, args(now), {}});
    }
    if (!removed) return;
    for (const auto& was : before)
        if (std::none_of(after.begin(), after.end(), [&](const Item& n) { return key(n) == key(was); }))
            out.push_back({removed, args(was), {}});
}

// Members joined and left in the order of their names, then changes of principal, then of convener.
void working_group(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    auto names = [](const std::vector<WorkingGroupMember>& members) {
        std::set<std::string> unique;
        for (const auto& m : members) unique.insert(m.name);
        return std::vector<std::string>(unique.begin(), unique.end());
    };
    auto convener = [](const std::vector<WorkingGroupMember>& members) {
        std::string name;
        for (const auto& m : members)
            if (m.convener) name = m.name;
        return name;
    };
    items(
        out, names(x.working_group), names(y.working_group), "member_added", "member_removed",
        [](const std::string& name) -> const std::string& { return name; },
        [](const std::string& name) { return std::vector<std::string>{name}; }, [](const std::string&, const std::string&) {});
    items(
        out, x.working_group, y.working_group, nullptr, nullptr,
        [](const WorkingGroupMember& m) -> const std::string& { return m.name; },
        [](const WorkingGroupMember& m) { return std::vector<std::string>{m.name}; },
        [&](const WorkingGroupMember& old, const WorkingGroupMember& m) {
            if (old.principal.id != m.principal.id) out.push_back({"member_principal", {m.name, old.principal.id, m.principal.id}, {}});
        });
    plain(out, "convener", convener(x.working_group), convener(y.working_group));
}

void subgoals(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    items(
        out, x.subgoals, y.subgoals, "subgoal_added", "subgoal_removed",
        [](const Subgoal& s) -> const std::string& { return s.title; },
        [](const Subgoal& s) { return std::vector<std::string>{s.title}; },
        [&](const Subgoal& old, const Subgoal& s) {
            if (!old.done && s.done) out.push_back({"subgoal_done", {s.title}, {}});
            if (old.done && !s.done) out.push_back({"subgoal_reopened", {s.title}, {}});
            if (old.responsible != s.responsible) out.push_back({"subgoal_responsible", {s.title, old.responsible, s.responsible}, {}});
            if (old.due != s.due) out.push_back({"subgoal_due", {s.title, text_of(old.due), text_of(s.due)}, {}});
        });
}

void indicators(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    auto same = [](const std::optional<DateValue>& a, const std::optional<DateValue>& b) {
        return a.has_value() == b.has_value() && (!a || (a->date == b->date && a->value == b->value));
    };
    items(
        out, x.indicators, y.indicators, "indicator_added", "indicator_removed",
        [](const LocalIndicator& i) -> const std::string& { return i.id; },
        [](const LocalIndicator& i) { return std::vector<std::string>{i.title}; },
        [&](const LocalIndicator& old, const LocalIndicator& ind) {
            if (old.title != ind.title) out.push_back({"indicator_title", {old.title, ind.title}, {}});
            if (old.unit != ind.unit) out.push_back({"indicator_unit", {ind.title, old.unit, ind.unit}, {}});
            if (!same(old.baseline, ind.baseline))
                out.push_back({"indicator_baseline", {ind.title, text_of(old.baseline), text_of(ind.baseline)}, {}});
            if (!same(old.target, ind.target))
                out.push_back({"indicator_target", {ind.title, text_of(old.target), text_of(ind.target)}, {}});
            items(
                out, old.values, ind.values, "indicator_value", "indicator_value_removed",
                [](const DateValue& v) -> const Date& { return v.date; },
                [&](const DateValue& v) { return std::vector<std::string>{ind.title, v.date.iso(), number_text(v.value)}; },
                [&](const DateValue& was, const DateValue& v) {
                    if (was.value != v.value)
                        out.push_back({"indicator_value_changed",
                                       {ind.title, v.date.iso(), number_text(was.value), number_text(v.value)}, {}});
                });
        });
}

// Reports are told apart by their date: a new date is a new report.
void reports(std::vector<Difference>& out, const Activity& x, const Activity& y) {
    items(
        out, x.reports, y.reports, "report_added", "report_removed", [](const Report& r) -> const Date& { return r.date; },
        [](const Report& r) { return std::vector<std::string>{r.date.iso()}; },
        [&](const Report& old, const Report& r) {
            const std::string date = r.date.iso();
            text_field(out, "report_progress", old.progress, r.progress, {date});
            text_field(out, "report_works_well", old.works_well, r.works_well, {date});
            text_field(out, "report_works_less_well", old.works_less_well, r.works_less_well, {date});
            flag(out, "report_on_schedule", old.on_schedule, r.on_schedule, {date});
        });
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
    items(
        out, x.revised, y.revised, "revised_added", "revised_removed", [](const Date& d) -> const Date& { return d; },
        [](const Date& d) { return std::vector<std::string>{d.iso()}; }, [](const Date&, const Date&) {});
    plain(out, "process", x.process.id, y.process.id);
    draft(out, x.draft, y.draft);
    text_field(out, "analysis", x.analysis, y.analysis);
    return out;
}

}  // namespace samplan::history
