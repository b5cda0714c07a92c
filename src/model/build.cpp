#include "model/build.h"

#include <algorithm>
#include <map>

#include "core/parallel.h"
#include "core/rules.h"
#include "core/sort.h"
#include "core/text.h"
#include "model/table_reader.h"

namespace samplan::model {

using content::Record;
using content::RecordKind;
using content::Value;

const char* status_key(ActivityStatus s) {
    switch (s) {
        case ActivityStatus::Planned: return "planerad";
        case ActivityStatus::Ongoing: return "pågår";
        case ActivityStatus::Finished: return "avslutad";
        case ActivityStatus::Cancelled: return "avbruten";
    }
    return "";
}

const char* status_key(PlanStatus s) {
    switch (s) {
        case PlanStatus::Draft: return "utkast";
        case PlanStatus::Decided: return "beslutad";
        case PlanStatus::Finished: return "avslutad";
    }
    return "";
}

bool Site::unreadable(const std::string& path) const {
    return std::find(unreadable_paths.begin(), unreadable_paths.end(), path) != unreadable_paths.end();
}

const char* kind_key(GroupKind k) { return k == GroupKind::Political ? "politisk" : "lokal"; }

namespace {

// Reads a key whose value is one of a fixed set of words; reports others with a suggestion.
template <typename Enum>
Enum choice(TableReader& r, const Record& rec, Diagnostics& d, const char* key,
            const std::vector<std::pair<const char*, Enum>>& options, Enum fallback, bool required = false) {
    const Ref value = r.ref(key, required);
    if (!value.present()) return fallback;
    std::vector<std::string> words;
    for (const auto& [word, e] : options) {
        if (value.id == word) return e;
        words.emplace_back(word);
    }
    std::string allowed;
    for (const auto& w : words) allowed += (allowed.empty() ? "" : ", ") + w;
    rules::report(d, rules::kBadValueChoice, rec.path, value.pos,
                  "unknown " + std::string(key) + " " + quote(value.id) + suggestion(value.id, words), {value.id, allowed})
        .suggestion = close_match(value.id, words).value_or("");
    return fallback;
}

// Checks that an id written inside a record (a focus area, goal, indicator or step) is valid.
void check_inner_id(const Record& rec, Diagnostics& d, const TableReader& r, const std::string& id) {
    if (!id.empty() && !is_valid_id(id))
        d.error(rec.path, r.pos("id"),
                "bad id " + quote(id) + ": an id is 1 to 64 characters of a-z, 0-9 and '-', starting with a letter or digit",
                "bad-id");
}

// Reports a second use of the same id within one list.
void check_unique(const Record& rec, Diagnostics& d, std::map<std::string, SourcePos>& seen, const std::string& id,
                  SourcePos pos, const char* what) {
    if (id.empty()) return;
    auto [it, inserted] = seen.emplace(id, pos);
    if (!inserted)
        d.error(rec.path, pos,
                "duplicate " + std::string(what) + " id " + quote(id) + " (first used on line " +
                    std::to_string(it->second.line) + ")",
                "duplicate-id");
}

std::vector<TargetGroup> default_target_groups() {
    return {{"vuxna", "Vuxna"}, {"barn-och-unga", "Barn och unga"}};
}

void read_site(const Record& rec, Site& site, Diagnostics& d) {
    Settings& s = site.settings;
    s.path = rec.path;
    TableReader r(rec.data, rec.path, d,
                  {"title", "organisation", "language", "base_url", "theme", "history", "accessibility", "rules",
                   "target_groups", "draft"});
    s.title = r.label("title", true);
    s.organisation = r.label("organisation");
    if (r.has("language")) {
        s.language = choice<std::string>(r, rec, d, "language", {{"sv", "sv"}, {"en", "en"}}, "sv");
    }
    s.base_url = r.text("base_url");
    if (!s.base_url.empty() && s.base_url.rfind("https://", 0) != 0 && s.base_url.rfind("http://", 0) != 0)
        rules::report(d, rules::kBadValueUrl, rec.path, r.pos("base_url"), "'base_url' must start with https:// or http://",
                      {s.base_url});
    if (r.has("theme")) {
        const Ref theme = r.ref("theme");
        if (theme.present() && !is_valid_id(theme.id))
            d.error(rec.path, theme.pos, "bad theme name " + quote(theme.id) + ": a theme is a folder name of a-z, 0-9 and '-'",
                    "bad-id");
        else if (theme.present())
            s.theme = theme.id;
    }
    if (const Value* h = r.table("history")) {
        TableReader hr(*h, rec.path, d, {"versions", "authors"}, "[history]");
        if (hr.has("versions")) s.history_versions = hr.text("versions");
        s.history_authors = hr.boolean("authors").value_or(false);
    }
    if (const Value* a = r.table("accessibility")) {
        TableReader ar(*a, rec.path, d, {"compliance", "assessed", "method", "contact", "shortcomings"}, "[accessibility]");
        if (ar.has("compliance"))
            s.accessibility.compliance = choice<std::string>(
                ar, rec, d, "compliance", {{"helt", "helt"}, {"delvis", "delvis"}, {"inte", "inte"}}, "");
        s.accessibility.assessed = ar.date("assessed");
        s.accessibility.method = ar.label("method");
        s.accessibility.contact = ar.label("contact");
        s.accessibility.shortcomings = ar.strings("shortcomings");
    }
    if (const Value* rules = r.table("rules")) {
        TableReader rr(*rules, rec.path, d, {"revision_interval_months", "reports_per_year", "max_activities_per_plan"},
                       "[rules]");
        auto positive = [&](const char* key, int& out) {
            if (auto v = rr.integer(key)) {
                if (*v < 1 || *v > 1000)
                    rules::report(d, rules::kBadValueRange, rec.path, rr.pos(key), quote(key) + " must be between 1 and 1000",
                                  {std::to_string(*v), "1", "1000"});
                else
                    out = static_cast<int>(*v);
            }
        };
        positive("revision_interval_months", s.rules.revision_interval_months);
        positive("reports_per_year", s.rules.reports_per_year);
        positive("max_activities_per_plan", s.rules.max_activities_per_plan);
    }
    if (!r.has("target_groups")) s.target_groups = default_target_groups();
    if (const Value* tg = r.table("target_groups")) {
        for (const auto& e : tg->entries) {
            const Value& v = e.value.front();
            if (!is_valid_id(e.key)) {
                d.error(rec.path, e.key_pos, "bad target group id " + quote(e.key) + ": use a-z, 0-9 and '-'", "bad-id");
            } else if (v.type != Value::Type::String) {
                r.wrong_type(e.key.c_str(), v, "a string (the label)");
            } else if (r.within("the label of target group " + quote(e.key), v, kLabelChars)) {
                s.target_groups.push_back({e.key, v.string});
            }
        }
    }
}

std::optional<YearValue> year_value(const Record& rec, Diagnostics& d, const Value& v, const char* where) {
    if (v.type != Value::Type::Table) {
        d.error(rec.path, v.pos, std::string(where) + " must be a table { year = …, value = … }", "type");
        return std::nullopt;
    }
    TableReader r(v, rec.path, d, {"year", "value"}, where);
    auto year = r.integer("year", true);
    auto value = r.number("value", true);
    if (!year || !value) return std::nullopt;
    return YearValue{static_cast<int>(*year), *value, v.pos};
}

void read_regional(const Record& rec, Site& site, Diagnostics& d) {
    RegionalPlan& p = site.regional;
    p.path = rec.path;
    TableReader r(rec.data, rec.path, d, {"title", "start", "end", "summary", "focus_areas", "draft"});
    p.title = r.label("title", true);
    p.start = r.date("start");
    p.end = r.date("end");
    p.end_pos = r.pos("end");
    p.summary = r.text("summary");
    std::map<std::string, SourcePos> area_ids, goal_ids, indicator_ids;
    for (const Value* fv : r.tables("focus_areas", true)) {
        TableReader fr(*fv, rec.path, d, {"id", "title", "description", "goals"}, "[[focus_areas]]");
        FocusArea area;
        area.pos = fv->pos;
        area.id = fr.text("id", true);
        check_inner_id(rec, d, fr, area.id);
        check_unique(rec, d, area_ids, area.id, fr.pos("id"), "focus area");
        area.title = fr.label("title", true);
        area.description = fr.text("description");
        for (const Value* gv : fr.tables("goals", true)) {
            TableReader gr(*gv, rec.path, d, {"id", "title", "description", "indicators"}, "[[focus_areas.goals]]");
            Goal goal;
            goal.pos = gv->pos;
            goal.id = gr.text("id", true);
            check_inner_id(rec, d, gr, goal.id);
            check_unique(rec, d, goal_ids, goal.id, gr.pos("id"), "goal");
            goal.title = gr.label("title", true);
            goal.description = gr.text("description");
            for (const Value* iv : gr.tables("indicators")) {
                TableReader ir(*iv, rec.path, d, {"id", "title", "unit", "baseline", "targets", "values"},
                               "[[focus_areas.goals.indicators]]");
                RegionalIndicator ind;
                ind.pos = iv->pos;
                ind.id = ir.text("id", true);
                check_inner_id(rec, d, ir, ind.id);
                check_unique(rec, d, indicator_ids, ind.id, ir.pos("id"), "indicator");
                ind.title = ir.label("title", true);
                ind.unit = ir.label("unit");
                if (const Value* b = iv->get("baseline")) ind.baseline = year_value(rec, d, *b, "'baseline'");
                if (const Value* t = ir.table("targets")) {
                    for (const auto& e : t->entries) {
                        const Value& tv = e.value.front();
                        const bool year_ok = e.key.size() == 4 && std::all_of(e.key.begin(), e.key.end(), [](char c) { return c >= '0' && c <= '9'; });
                        if (!year_ok) {
                            rules::report(d, rules::kBadValueYear, rec.path, e.key_pos,
                                          "a target's key is a year such as 2025, not " + quote(e.key), {e.key});
                        } else if (tv.type == Value::Type::Integer) {
                            ind.targets.push_back({std::stoi(e.key), static_cast<double>(tv.integer), e.key_pos});
                        } else if (tv.type == Value::Type::Float) {
                            ind.targets.push_back({std::stoi(e.key), tv.floating, e.key_pos});
                        } else {
                            ir.wrong_type(e.key.c_str(), tv, "a number");
                        }
                    }
                }
                for (const Value* vv : ir.tables("values"))
                    if (auto yv = year_value(rec, d, *vv, "[[values]]")) ind.values.push_back(*yv);
                auto by_year = [](const YearValue& a, const YearValue& b) { return a.year < b.year; };
                std::stable_sort(ind.targets.begin(), ind.targets.end(), by_year);
                std::stable_sort(ind.values.begin(), ind.values.end(), by_year);
                goal.indicators.push_back(std::move(ind));
            }
            area.goals.push_back(std::move(goal));
        }
        p.focus_areas.push_back(std::move(area));
    }
}

void read_process(const Record& rec, Site& site, Diagnostics& d) {
    Process p;
    p.id = rec.id;
    p.path = rec.path;
    TableReader r(rec.data, rec.path, d, {"title", "guidance", "steps", "draft"});
    p.title = r.label("title", true);
    p.guidance = r.ref("guidance");
    std::map<std::string, SourcePos> ids;
    for (const Value* sv : r.tables("steps", true)) {
        TableReader sr(*sv, rec.path, d, {"id", "title", "summary"}, "[[steps]]");
        Step step;
        step.id = sr.text("id", true);
        check_inner_id(rec, d, sr, step.id);
        check_unique(rec, d, ids, step.id, sr.pos("id"), "step");
        step.title = sr.label("title", true);
        step.summary = sr.text("summary");
        p.steps.push_back(std::move(step));
    }
    site.processes.push_back(std::move(p));
}

void read_page(const Record& rec, Site& site, Diagnostics& d) {
    Page p;
    p.id = rec.id;
    p.path = rec.path;
    TableReader r(rec.data, rec.path, d, {"title", "description", "weight", "draft"});
    p.title = r.label("title", true);
    p.description = r.text("description");
    p.weight = static_cast<int>(std::clamp<std::int64_t>(r.integer("weight").value_or(0), -1000000, 1000000));
    p.draft = r.boolean("draft").value_or(false);
    p.body = rec.body;
    p.body_line = rec.body_line;
    site.pages.push_back(std::move(p));
}

Group read_group(const Record& rec, Diagnostics& d) {
    Group g;
    g.id = rec.id;
    g.path = rec.path;
    g.blob = rec.blob;
    TableReader r(rec.data, rec.path, d,
                  {"name", "kind", "municipality", "principals", "description", "members", "meetings", "draft"});
    g.name = r.label("name", true);
    g.kind = choice<GroupKind>(r, rec, d, "kind", {{"lokal", GroupKind::Local}, {"politisk", GroupKind::Political}},
                               GroupKind::Local);
    g.municipality = r.label("municipality");
    g.principals = r.strings("principals", true, kLabelChars);
    for (size_t i = 0; i < g.principals.size(); ++i)
        if (std::find(g.principals.begin(), g.principals.begin() + static_cast<long>(i), g.principals[i]) !=
            g.principals.begin() + static_cast<long>(i))
            d.error(rec.path, r.pos("principals"), "'principals' lists " + quote(g.principals[i]) + " twice",
                    "duplicate-id");
    std::vector<std::string> distinct = g.principals;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    if (r.has("principals") && distinct.size() < 2 && r.pos("principals").line > 0)
        rules::report(d, rules::kRequiredPrincipals, rec.path, r.pos("principals"),
                      "'principals' needs at least two principals (huvudmän): a collaboration has two sides", {});
    g.description = r.text("description");
    g.draft = r.boolean("draft").value_or(false);
    for (const Value* mv : r.tables("members")) {
        TableReader mr(*mv, rec.path, d, {"name", "principal", "role"}, "[[members]]");
        Member m;
        m.pos = mv->pos;
        m.name = mr.label("name", true);
        m.principal = mr.ref("principal", true);
        m.role = mr.label("role");
        g.members.push_back(std::move(m));
    }
    for (const Value* mv : r.tables("meetings")) {
        TableReader mr(*mv, rec.path, d, {"date", "plan_followed_up", "notes"}, "[[meetings]]");
        Meeting m;
        m.pos = mv->pos;
        const auto date = mr.date("date", true);
        m.plan_followed_up = mr.boolean("plan_followed_up").value_or(false);
        m.notes = mr.text("notes");
        if (!date) continue;
        m.date = *date;
        g.meetings.push_back(std::move(m));
    }
    std::stable_sort(g.meetings.begin(), g.meetings.end(),
                     [](const Meeting& a, const Meeting& b) { return a.date < b.date; });
    return g;
}

GroupEvaluation read_evaluation(const Record& rec, Diagnostics& d) {
    GroupEvaluation e;
    e.id = rec.id;
    e.path = rec.path;
    e.blob = rec.blob;
    TableReader r(rec.data, rec.path, d, {"title", "date", "went_well", "worked_less_well", "carry_forward", "draft"});
    e.title = r.label("title", true);
    e.date = r.date("date", true);
    e.went_well = r.text("went_well");
    e.worked_less_well = r.text("worked_less_well");
    e.carry_forward = r.text("carry_forward");
    e.draft = r.boolean("draft").value_or(false);
    e.body = rec.body;
    e.body_line = rec.body_line;
    return e;
}

Plan read_plan(const Record& rec, Diagnostics& d) {
    Plan p;
    p.id = rec.id;
    p.path = rec.path;
    p.blob = rec.blob;
    p.group = rec.group;
    p.pos = rec.data.pos;
    TableReader r(rec.data, rec.path, d,
                  {"title", "start", "end", "status", "decided", "sent_to_office", "revised", "analysis", "process",
                   "draft"});
    p.title = r.label("title", true);
    p.start = r.date("start", true);
    p.end = r.date("end", true);
    p.end_pos = r.pos("end");
    p.status = choice<PlanStatus>(r, rec, d, "status",
                                  {{"utkast", PlanStatus::Draft},
                                   {"beslutad", PlanStatus::Decided},
                                   {"avslutad", PlanStatus::Finished}},
                                  PlanStatus::Draft);
    p.status_pos = r.pos("status");
    p.decided = r.date("decided");
    p.decided_pos = r.pos("decided");
    if (p.status != PlanStatus::Draft && !p.decided && !r.has("decided"))
        d.error(rec.path, r.pos("status"),
                "missing required key 'decided': a plan with status " + quote(status_key(p.status)) +
                    " needs its decision date",
                "required");
    p.sent_to_office = r.date("sent_to_office");
    p.revised = r.dates("revised");
    std::sort(p.revised.begin(), p.revised.end());
    p.analysis = r.text("analysis");
    p.process = r.ref("process");
    p.draft = r.boolean("draft").value_or(false);
    return p;
}

std::optional<DateValue> date_value(const Record& rec, Diagnostics& d, const Value& v, const char* where) {
    if (v.type != Value::Type::Table) {
        d.error(rec.path, v.pos, std::string(where) + " must be a table { date = …, value = … }", "type");
        return std::nullopt;
    }
    TableReader r(v, rec.path, d, {"date", "value"}, where);
    auto date = r.date("date", true);
    auto value = r.number("value", true);
    if (!date || !value) return std::nullopt;
    return DateValue{*date, *value, v.pos};
}

Activity read_activity(const Record& rec, Diagnostics& d) {
    Activity a;
    a.id = rec.id;
    a.path = rec.path;
    a.blob = rec.blob;
    a.group = rec.group;
    a.plan = rec.plan;
    a.pos = rec.data.pos;
    a.body = rec.body;
    a.body_line = rec.body_line;
    TableReader r(rec.data, rec.path, d,
                  {"title", "target_group", "focus_area", "goal", "process", "step", "status", "start", "end",
                   "priority", "assignment", "working_group", "subgoals", "indicators", "reports", "final_report",
                   "evaluation", "funding", "draft"});
    a.title = r.label("title", true);
    a.target_group = r.ref("target_group", true);
    a.focus_area = r.ref("focus_area", true);
    a.goal = r.ref("goal", true);
    a.process = r.ref("process");
    if (auto step = r.integer("step")) {
        a.step = static_cast<int>(std::clamp<std::int64_t>(*step, -1000000, 1000000));
        a.step_pos = r.pos("step");
    }
    a.status = choice<ActivityStatus>(r, rec, d, "status",
                                      {{"planerad", ActivityStatus::Planned},
                                       {"pågår", ActivityStatus::Ongoing},
                                       {"avslutad", ActivityStatus::Finished},
                                       {"avbruten", ActivityStatus::Cancelled}},
                                      ActivityStatus::Planned);
    a.status_pos = r.pos("status");
    a.start = r.date("start", true);
    a.end = r.date("end", true);
    a.end_pos = r.pos("end");
    if (auto priority = r.integer("priority"))
        a.priority = static_cast<int>(std::clamp<std::int64_t>(*priority, -1000000, 1000000));
    a.draft = r.boolean("draft").value_or(false);

    if (const Value* av = r.table("assignment")) {
        TableReader ar(*av, rec.path, d, {"scope", "goal", "reporting", "final_report_form", "resources"},
                       "[assignment]");
        a.assignment = Assignment{ar.text("scope"), ar.text("goal"), ar.plain("reporting"),
                                  ar.plain("final_report_form"), ar.plain("resources")};
    }
    for (const Value* wv : r.tables("working_group")) {
        TableReader wr(*wv, rec.path, d, {"name", "principal", "convener"}, "[[working_group]]");
        WorkingGroupMember m;
        m.pos = wv->pos;
        m.name = wr.label("name", true);
        m.principal = wr.ref("principal", true);
        m.convener = wr.boolean("convener").value_or(false);
        a.working_group.push_back(std::move(m));
    }
    for (const Value* sv : r.tables("subgoals")) {
        TableReader sr(*sv, rec.path, d, {"title", "responsible", "due", "done"}, "[[subgoals]]");
        Subgoal s;
        s.pos = sv->pos;
        s.title = sr.label("title", true);
        s.responsible = sr.label("responsible");
        s.due = sr.date("due");
        s.done = sr.boolean("done").value_or(false);
        a.subgoals.push_back(std::move(s));
    }
    std::map<std::string, SourcePos> indicator_ids;
    for (const Value* iv : r.tables("indicators")) {
        TableReader ir(*iv, rec.path, d, {"id", "title", "unit", "baseline", "target", "values"}, "[[indicators]]");
        LocalIndicator ind;
        ind.pos = iv->pos;
        ind.id = ir.text("id", true);
        check_inner_id(rec, d, ir, ind.id);
        check_unique(rec, d, indicator_ids, ind.id, ir.pos("id"), "indicator");
        ind.title = ir.label("title", true);
        ind.unit = ir.label("unit");
        if (const Value* b = iv->get("baseline")) ind.baseline = date_value(rec, d, *b, "'baseline'");
        if (const Value* t = iv->get("target")) ind.target = date_value(rec, d, *t, "'target'");
        if (const Value* vs = ir.array("values")) {
            for (const auto& item : vs->items)
                if (auto dv = date_value(rec, d, item, "each of 'values'")) ind.values.push_back(*dv);
        }
        std::stable_sort(ind.values.begin(), ind.values.end(),
                         [](const DateValue& x, const DateValue& y) { return x.date < y.date; });
        a.indicators.push_back(std::move(ind));
    }
    for (const Value* rv : r.tables("reports")) {
        TableReader rr(*rv, rec.path, d, {"date", "progress", "works_well", "works_less_well", "on_schedule"},
                       "[[reports]]");
        Report rep;
        rep.pos = rv->pos;
        const auto date = rr.date("date", true);
        rep.progress = rr.text("progress");
        rep.works_well = rr.text("works_well");
        rep.works_less_well = rr.text("works_less_well");
        rep.on_schedule = rr.boolean("on_schedule");
        if (!date) continue;
        rep.date = *date;
        a.reports.push_back(std::move(rep));
    }
    std::stable_sort(a.reports.begin(), a.reports.end(), [](const Report& x, const Report& y) { return x.date < y.date; });
    if (const Value* fv = r.table("final_report")) {
        TableReader fr(*fv, rec.path, d, {"date", "goal_reached", "added_value", "use_of_results", "sent_to_office"},
                       "[final_report]");
        FinalReport f;
        f.pos = fv->pos;
        f.date = fr.date("date", true);
        f.goal_reached = fr.text("goal_reached");
        f.added_value = fr.text("added_value");
        f.use_of_results = fr.text("use_of_results");
        f.sent_to_office = fr.date("sent_to_office");
        a.final_report = std::move(f);
    }
    if (const Value* ev = r.table("evaluation")) {
        TableReader er(*ev, rec.path, d, {"learned_target_group", "learned_prevention", "learned_collaboration"},
                       "[evaluation]");
        a.evaluation = ActivityEvaluation{er.text("learned_target_group"), er.text("learned_prevention"),
                                          er.text("learned_collaboration")};
    }
    if (const Value* fv = r.table("funding")) {
        TableReader fr(*fv, rec.path, d, {"applied", "amount_sek", "board_decision", "granted"}, "[funding]");
        Funding f;
        f.applied = fr.date("applied");
        f.amount_sek = fr.integer("amount_sek");
        if (f.amount_sek && *f.amount_sek < 0)
            rules::report(d, rules::kBadValueNegative, rec.path, fr.pos("amount_sek"), "'amount_sek' must not be negative",
                          {std::to_string(*f.amount_sek)});
        f.board_decision = fr.date("board_decision");
        f.granted = fr.boolean("granted");
        a.funding = std::move(f);
    }
    return a;
}

}  // namespace

std::vector<std::string> remove_drafts(Site& site) {
    std::vector<std::string> removed;
    auto drop = [&](auto& list, auto is_draft, auto note) {
        for (auto it = list.begin(); it != list.end();) {
            if (is_draft(*it)) {
                note(*it);
                it = list.erase(it);
            } else {
                ++it;
            }
        }
    };
    auto note_plan = [&](const Plan& p) {
        removed.push_back(p.path);
        for (const auto& a : p.activities) removed.push_back(a.path);
    };
    drop(site.pages, [](const Page& p) { return p.draft; }, [&](const Page& p) { removed.push_back(p.path); });
    drop(site.groups, [](const Group& g) { return g.draft; },
         [&](const Group& g) {
             removed.push_back(g.path);
             for (const auto& p : g.plans) note_plan(p);
             for (const auto& e : g.evaluations) removed.push_back(e.path);
         });
    for (auto& g : site.groups) {
        drop(g.plans, [](const Plan& p) { return p.draft || p.status == PlanStatus::Draft; }, note_plan);
        drop(g.evaluations, [](const GroupEvaluation& e) { return e.draft; },
             [&](const GroupEvaluation& e) { removed.push_back(e.path); });
        for (auto& p : g.plans)
            drop(p.activities, [](const Activity& a) { return a.draft; }, [&](const Activity& a) { removed.push_back(a.path); });
    }
    std::sort(removed.begin(), removed.end());
    return removed;
}

Activity build_activity(const Record& record, Diagnostics& diagnostics) { return read_activity(record, diagnostics); }
Plan build_plan(const Record& record, Diagnostics& diagnostics) { return read_plan(record, diagnostics); }

bool EarlyActivities::read(std::size_t index, const Record& record) {
    if (!record.readable || record.kind != RecordKind::Activity) return false;
    Read done;
    done.activity = read_activity(record, done.diagnostics);
    const std::lock_guard lock(mutex_);
    read_.insert_or_assign(index, std::move(done));
    return true;
}

bool EarlyActivities::take(std::size_t index, Activity& activity, Diagnostics& diagnostics) {
    const std::lock_guard lock(mutex_);
    const auto it = read_.find(index);
    if (it == read_.end()) return false;
    activity = std::move(it->second.activity);
    diagnostics = std::move(it->second.diagnostics);
    read_.erase(it);
    return true;
}

Site build_model(const std::vector<Record>& records, Diagnostics& d, EarlyActivities* early) {
    Site site;
    std::map<std::string, Group> groups;
    std::map<std::pair<std::string, std::string>, Plan> plans;
    bool site_seen = false;
    // Activities are most of the records and independent of each other: they are read on every
    // core first (those not read early), each with its own diagnostics, which join the others in
    // record order below.
    std::vector<size_t> activity_records;  // indexes in `records`
    for (size_t i = 0; i < records.size(); ++i)
        if (records[i].readable && records[i].kind == RecordKind::Activity) activity_records.push_back(i);
    std::vector<Activity> activities(activity_records.size());
    std::vector<Diagnostics> activity_diagnostics(activity_records.size());
    std::vector<size_t> to_read;
    for (size_t i = 0; i < activity_records.size(); ++i)
        if (!early || !early->take(activity_records[i], activities[i], activity_diagnostics[i])) to_read.push_back(i);
    on_all_cores(to_read.size(), [&](size_t j) {
        const size_t i = to_read[j];
        activities[i] = read_activity(records[activity_records[i]], activity_diagnostics[i]);
    });
    size_t next_activity = 0;
    for (const Record& rec : records) {
        if (!rec.readable) {
            site.unreadable_paths.push_back(rec.path);
            continue;
        }
        switch (rec.kind) {
            case RecordKind::Site: read_site(rec, site, d); site_seen = true; break;
            case RecordKind::RegionalPlan: read_regional(rec, site, d); break;
            case RecordKind::Process: read_process(rec, site, d); break;
            case RecordKind::Page: read_page(rec, site, d); break;
            case RecordKind::Group: groups[rec.id] = read_group(rec, d); break;
            case RecordKind::GroupEvaluation: groups[rec.group].evaluations.push_back(read_evaluation(rec, d)); break;
            case RecordKind::Plan: plans[{rec.group, rec.id}] = read_plan(rec, d); break;
            case RecordKind::Activity:
                plans[{rec.group, rec.plan}].activities.push_back(std::move(activities[next_activity]));
                d.merge(std::move(activity_diagnostics[next_activity++]));
                break;
        }
    }
    std::sort(site.unreadable_paths.begin(), site.unreadable_paths.end());
    if (!site_seen) site.settings.target_groups = default_target_groups();
    // Attach plans to their groups. A plan whose plan.toml failed to load keeps only its activities
    // out of the model: they cannot be checked against a plan that is not there.
    for (auto& [key, plan] : plans) {
        if (plan.path.empty()) continue;
        stable_sort_moving_once(plan.activities, [](const Activity& a, const Activity& b) {
            const int pa = a.priority.value_or(1 << 30), pb = b.priority.value_or(1 << 30);
            return pa != pb ? pa < pb : a.id < b.id;
        });
        auto it = groups.find(key.first);
        if (it != groups.end() && !it->second.path.empty()) it->second.plans.push_back(std::move(plan));
    }
    for (auto& [id, group] : groups) {
        if (group.path.empty()) continue;  // group.toml missing or broken: already reported
        site.groups.push_back(std::move(group));
    }
    std::stable_sort(site.pages.begin(), site.pages.end(), [](const Page& a, const Page& b) {
        return a.weight != b.weight ? a.weight < b.weight : a.id < b.id;
    });
    return site;
}

}  // namespace samplan::model
