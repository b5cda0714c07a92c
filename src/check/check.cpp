#include "check/check.h"

#include <algorithm>
#include <optional>
#include <set>

#include "content/layout.h"
#include "core/parallel.h"
#include "core/rules.h"
#include "core/text.h"

namespace samplan::check {
namespace {

using namespace samplan::model;

CheckOptions::WorkingGroupChange working_group_change(const Activity& before, const Activity& after);
void report_working_group_change(const Activity& a, const CheckOptions::WorkingGroupChange& change, const std::string& date,
                                 Diagnostics& diagnostics);

std::string plural(long n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

class Checker {
public:
    Checker(const Site& site, const CheckOptions& options, Diagnostics& d) : site_(site), options_(options), d_(d) {
        for (const auto& tg : site.settings.target_groups) target_group_ids_.push_back(tg.id);
        for (const auto& fa : site.regional.focus_areas) focus_area_ids_.push_back(fa.id);
        for (const auto& p : site.processes) process_ids_.push_back(p.id);
        for (const auto& p : site.pages) page_ids_.push_back(p.id);
    }

    void run() {
        check_regional();
        for (const auto& p : site_.processes) check_process(p);
        for (const auto& g : site_.groups) check_group(g);
        check_working_group_changes();
    }

private:
    // Reports `ref` when it is not among `known`; returns whether it is. Nothing is reported when
    // the record that would define it (`source`) exists but could not be read: that is reported.
    bool resolve(const std::string& path, const Ref& ref, const std::vector<std::string>& known, const char* what,
                 std::string_view scope = {}, std::string_view source = {}) {
        if (!ref.present()) return false;
        if (std::find(known.begin(), known.end(), ref.id) != known.end()) return true;
        if (!source.empty() && site_.unreadable(std::string(source))) return false;
        rules::report(d_, rules::kUnknownReference, path, ref.pos,
                      std::string(what) + " " + quote(ref.id) + " does not exist" + std::string(scope) + suggestion(ref.id, known))
            .suggestion = close_match(ref.id, known).value_or("");
        return false;
    }

    void check_regional() {
        const auto& r = site_.regional;
        if (r.start && r.end && *r.end < *r.start)
            rules::report(d_, rules::kDateOrder, r.path, r.end_pos,
                          "end " + r.end->iso() + " is before start " + r.start->iso());
        for (const auto& fa : r.focus_areas)
            for (const auto& g : fa.goals)
                for (const auto& ind : g.indicators) check_regional_indicator(r.path, ind);
    }

    // Every target year that has passed needs a value for that year or later.
    void check_regional_indicator(const std::string& path, const RegionalIndicator& ind) {
        for (const auto& t : ind.targets) {
            if (Date{t.year, 12, 31} >= options_.today) continue;
            const bool has_value = std::any_of(ind.values.begin(), ind.values.end(),
                                               [&](const YearValue& v) { return v.year >= t.year; });
            if (!has_value)
                rules::report(d_, rules::kIndicatorValues, path, t.pos,
                              "indicator " + quote(ind.id) + " has a target for " + std::to_string(t.year) +
                                  " but no value for that year: add the outcome to 'values'",
                              {ind.title, std::to_string(t.year)});
        }
    }

    void check_process(const Process& p) {
        if (p.guidance.present())
            resolve(p.path, p.guidance, page_ids_, "guidance page", "", content::layout::page_file(p.guidance.id));
    }

    void check_group(const Group& g) {
        for (const auto& m : g.members) resolve(g.path, m.principal, g.principals, "principal", " among the group's principals");
        // The standing item follows up the group's plan: a group without plans has none to follow up.
        for (const auto& m : g.meetings)
            if (!m.plan_followed_up && !g.plans.empty())
                rules::report(d_, rules::kMeetingFollowUp, g.path, m.pos,
                              "meeting on " + m.date.iso() +
                                  " did not follow up the plan: it is a standing item at every meeting",
                              {m.date.iso()});
        for (const auto& p : g.plans) check_plan(g, p);
        check_newest_plan(g);
    }

    // A plan whose period has ended is no longer in force: a group whose newest plan (by start)
    // has ended has no plan in force until it decides a new one.
    void check_newest_plan(const Group& g) {
        const Plan* newest = nullptr;
        for (const auto& p : g.plans)
            if (!newest || p.start > newest->start) newest = &p;
        if (!newest || !newest->end || *newest->end >= options_.today) return;
        if (newest->start && *newest->end < *newest->start) return;  // date-order says what is wrong
        rules::report(d_, rules::kPlanEnded, newest->path, newest->end_pos,
                      "the group's newest plan ended on " + newest->end->iso() +
                          " and is no longer in force: decide a new plan",
                      {newest->end->iso()});
    }

    static std::string process_path(const Ref& ref) { return content::layout::process_file(ref.id); }

    // The activity's goal must be one of its focus area's goals; a goal of another focus area
    // is named as such.
    void check_goal(const Activity& a) {
        if (!resolve(a.path, a.focus_area, focus_area_ids_, "focus area", "", site_.regional.path)) return;
        const FocusArea* area = nullptr;
        for (const auto& fa : site_.regional.focus_areas)
            if (fa.id == a.focus_area.id) area = &fa;
        if (!a.goal.present() || std::any_of(area->goals.begin(), area->goals.end(),
                                             [&](const Goal& goal) { return goal.id == a.goal.id; }))
            return;
        std::vector<std::string> goals;  // only for the message
        for (const auto& goal : area->goals) goals.push_back(goal.id);
        for (const auto& fa : site_.regional.focus_areas)
            for (const auto& goal : fa.goals)
                if (goal.id == a.goal.id) {
                    rules::report(d_, rules::kUnknownReference, a.path, a.goal.pos,
                                  "goal " + quote(a.goal.id) + " belongs to focus area " + quote(fa.id) + ", not to " +
                                      quote(area->id) + ": change 'focus_area' to " + quote(fa.id) + ", or pick a goal of " +
                                      quote(area->id) +
                                      suggestion(a.goal.id, goals))
                        .suggestion = close_match(a.goal.id, goals).value_or("");
                    return;
                }
        resolve(a.path, a.goal, goals, "goal", " in focus area " + quote(area->id));
    }

    const Process* find_process(const std::string& id) const {
        for (const auto& p : site_.processes)
            if (p.id == id) return &p;
        return nullptr;
    }

    void check_plan(const Group& g, const Plan& p) {
        if (p.start && p.end && *p.end < *p.start)
            rules::report(d_, rules::kDateOrder, p.path, p.end_pos,
                          "end " + p.end->iso() + " is before start " + p.start->iso());
        if (p.process.present()) resolve(p.path, p.process, process_ids_, "process", "", process_path(p.process));

        if (p.status != PlanStatus::Draft && p.decided && !p.sent_to_office)
            rules::report(d_, rules::kPlanNotSent, p.path, p.decided_pos,
                          "plan decided on " + p.decided->iso() +
                              " but not sent to the regional office: add 'sent_to_office' with the date it was sent",
                          {p.decided->iso()});
        check_revision(p);

        const int max = site_.settings.rules.max_activities_per_plan;
        if (static_cast<int>(p.activities.size()) > max)
            rules::report(d_, rules::kMaxActivities, p.path, p.pos,
                          "plan has " + std::to_string(p.activities.size()) + " activities, more than " +
                              std::to_string(max) + ": fewer activities, done well",
                          {std::to_string(p.activities.size()), std::to_string(max)});
        for (const auto& a : p.activities) check_activity(g, p, a);
    }

    // A decided plan that is still running must be revised every `revision_interval_months`,
    // counted from its last revision, else its last change in git, else its decision.
    void check_revision(const Plan& p) {
        if (p.status != PlanStatus::Decided || !p.decided) return;
        if (p.end && *p.end < options_.today) return;
        std::optional<Date> last;
        std::string basis;
        if (!p.revised.empty()) {
            last = p.revised.back();
            basis = "last revised " + last->iso();
        } else if (options_.history) {
            if (auto change = options_.history->last_change(p.path)) {
                last = change->date;
                basis = "last changed in git " + last->iso();
            }
        }
        if (!last || *last < *p.decided) {
            last = p.decided;
            basis = "decided " + p.decided->iso() + " and not revised since";
        }
        const int interval = site_.settings.rules.revision_interval_months;
        if (last->add_months(interval) < options_.today)
            rules::report(d_, rules::kPlanRevision, p.path, p.decided_pos,
                          "plan not revised within " + plural(interval, "month", "months") + " (" + basis +
                              "): revise it and add the date to 'revised'", {last->iso(), std::to_string(interval)});
    }

    void check_activity(const Group& g, const Plan& p, const Activity& a) {
        resolve(a.path, a.target_group, target_group_ids_, "target group", "", site_.settings.path);
        check_goal(a);
        if (a.start && a.end && *a.end < *a.start)
            rules::report(d_, rules::kDateOrder, a.path, a.end_pos,
                          "end " + a.end->iso() + " is before start " + a.start->iso());

        const Ref& process_ref = a.process.present() ? a.process : p.process;
        const Process* process = nullptr;
        if (a.process.present()) {
            if (resolve(a.path, a.process, process_ids_, "process", "", process_path(a.process)))
                process = find_process(a.process.id);
        } else if (p.process.present()) {
            process = find_process(p.process.id);  // an unknown plan process is reported on the plan
        }
        if (a.step) {
            if (process) {
                const int n = static_cast<int>(process->steps.size());
                if (*a.step < 1 || *a.step > n)
                    rules::report(d_, rules::kStepRange, a.path, a.step_pos,
                                  "step " + std::to_string(*a.step) + " is outside process " + quote(process->id) +
                                      ", which has steps 1 to " + std::to_string(n));
            } else if (!process_ref.present()) {
                rules::report(d_, rules::kStepRange, a.path, a.step_pos,
                              "'step' needs a process: set 'process' here or in the plan" + suggestion("", process_ids_));
            }
        }
        check_working_group(g, a);
        // The working-group-*-changed rules compare the two newest versions: an activity with one
        // revision (or none) has nothing to compare, and nothing of it is read (the site reads
        // what its pages need; reading it here would ask the git index whether it is unchanged).
        if (options_.history && options_.history->available() && options_.history->file_revisions(a.path).size() >= 2)
            with_history_.push_back({&g, &p, &a});
        if (a.status == ActivityStatus::Finished && !a.final_report)
            rules::report(d_, rules::kFinalReport, a.path, a.status_pos,
                          "activity is 'avslutad' but has no [final_report]: add the final report (slutrapport)");
        if (a.final_report && !a.final_report->sent_to_office && a.status == ActivityStatus::Finished)
            rules::report(d_, rules::kFinalReportNotSent, a.path, a.final_report->pos,
                          "final report not sent to the regional office: add 'sent_to_office' to [final_report] with "
                          "the date it was sent", {a.final_report->date ? a.final_report->date->iso() : std::string()});
        check_reports(a);
        // A sub-goal past its date and not done, while the activity is still planned or running.
        if (a.status == ActivityStatus::Planned || a.status == ActivityStatus::Ongoing)
            for (const auto& sg : a.subgoals)
                if (!sg.done && sg.due && *sg.due < options_.today)
                    rules::report(d_, rules::kSubgoalOverdue, a.path, sg.pos,
                                  "sub-goal " + quote(sg.title) + " was due on " + sg.due->iso() +
                                      " and is not done: set done = true, or a new 'due' date",
                                  {sg.title, sg.due->iso()});
        for (const auto& ind : a.indicators) {
            if (ind.target && ind.target->date < options_.today && ind.values.empty())
                rules::report(d_, rules::kIndicatorValues, a.path, ind.target->pos,
                              "indicator " + quote(ind.id) + " passed its target date " + ind.target->date.iso() +
                                  " with no value: add the outcome to 'values'", {ind.title, ind.target->date.iso()});
        }
    }

    // The rules that read each activity's two newest versions from git, on every core (reading
    // and parsing the older version is the work); reported in the order of the activities.
    void check_working_group_changes() {
        std::vector<Diagnostics> found(with_history_.size());
        std::vector<std::vector<history::RecordVersion>> read(options_.versions_read ? with_history_.size() : 0);
        using Change = CheckOptions::WorkingGroupChange;
        std::vector<std::string> keys(with_history_.size());
        std::vector<std::optional<Change>> changes(with_history_.size());
        if (options_.working_groups)
            for (size_t i = 0; i < with_history_.size(); ++i) {
                keys[i] = working_group_key(*options_.history, with_history_[i].activity->path);
                if (auto it = options_.working_groups->find(keys[i]); !keys[i].empty() && it != options_.working_groups->end())
                    changes[i] = it->second;
            }
        on_all_cores(with_history_.size(), [&](size_t i) {
            const auto [g, p, a] = with_history_[i];
            if (changes[i]) {  // found before, from the same two versions
                report_working_group_change(*a, *changes[i], options_.history->revisions().at(
                                                                 options_.history->file_revisions(a->path)[0].revision).date.iso(),
                                            found[i]);
                return;
            }
            std::vector<history::RecordVersion> versions;
            try {
                versions = history::activity_versions(*options_.history, a->path, g->id, p->id, a->id, a, 2);
            } catch (const std::exception&) {
                return;  // as the history pages: told where it can be read
            }
            check_working_group_change(*a, versions, options_.history->revisions(), found[i]);
            if (versions.size() >= 2 && versions[0].activity && versions[1].activity)
                changes[i] = working_group_change(*versions[1].activity, *versions[0].activity);
            else if (versions.size() >= 2)
                changes[i] = Change{};  // unreadable: nothing to say, now as then
            if (read.empty()) return;
            // A current version is the activity as loaded: the site gets it from there again.
            if (!versions.empty() && versions[0].current) versions[0].activity.reset();
            read[i] = std::move(versions);
        });
        for (const auto& f : found)
            for (const auto& x : f.all()) d_.add(x);
        if (options_.working_groups) {
            options_.working_groups->clear();
            for (size_t i = 0; i < keys.size(); ++i)
                if (!keys[i].empty() && changes[i]) (*options_.working_groups)[keys[i]] = *changes[i];
        }
        for (size_t i = 0; i < read.size(); ++i)
            if (!read[i].empty()) (*options_.versions_read)[with_history_[i].activity->path] = std::move(read[i]);
    }

    // Every working group has someone from each principal of the group and exactly one convener.
    // A planned activity may not have its working group yet; once it has members, or once it
    // has started, the rule applies.
    void check_working_group(const Group& g, const Activity& a) {
        if (a.working_group.empty() && a.status == ActivityStatus::Planned) return;
        // The members' principals that are the group's (a few: looked through, not put in a set).
        std::vector<const std::string*> covered;
        covered.reserve(a.working_group.size());
        for (const auto& m : a.working_group)
            if (resolve(a.path, m.principal, g.principals, "principal", " among the group's principals"))
                covered.push_back(&m.principal.id);
        const SourcePos where = a.working_group.empty() ? a.status_pos : a.working_group.front().pos;
        for (const auto& principal : g.principals)
            if (std::none_of(covered.begin(), covered.end(), [&](const std::string* id) { return *id == principal; }))
                rules::report(d_, rules::kWorkingGroupPrincipals, a.path, where,
                              "working group has no member from " + quote(principal) +
                                  ": it needs at least one named person from each principal");
        const auto conveners = std::count_if(a.working_group.begin(), a.working_group.end(),
                                             [](const WorkingGroupMember& m) { return m.convener; });
        if (conveners != 1) {
            SourcePos pos = where;
            if (conveners > 1) {
                int seen = 0;
                for (const auto& m : a.working_group)
                    if (m.convener && ++seen == 2) pos = m.pos;
            }
            rules::report(d_, rules::kWorkingGroupConvener, a.path, pos,
                          "working group has " + plural(conveners, "convener", "conveners") +
                              ": exactly one member must have convener = true");
        }
    }

    // An ongoing activity reports `reports_per_year` times a year: by today it should have
    // as many reports as whole report periods that have passed since it started.
    void check_reports(const Activity& a) {
        if (a.status != ActivityStatus::Ongoing || !a.start) return;
        const int per_year = site_.settings.rules.reports_per_year;
        const Date until = a.end && *a.end < options_.today ? *a.end : options_.today;
        const int months = a.start->months_until(until);
        if (months <= 0) return;
        const long expected = static_cast<long>(months) * per_year / 12;
        const long actual = std::count_if(a.reports.begin(), a.reports.end(),
                                          [&](const Report& r) { return r.date <= options_.today; });
        if (actual < expected)
            rules::report(d_, rules::kActivityReports, a.path, a.status_pos,
                          "ongoing activity has " + plural(actual, "progress report", "progress reports") + " but " +
                              std::to_string(expected) + (expected == 1 ? " was" : " were") + " due by " + until.iso() + " (" +
                              plural(per_year, "report", "reports") + " a year)",
                              {std::to_string(actual), std::to_string(expected), until.iso()});
    }

    const Site& site_;
    const CheckOptions& options_;
    Diagnostics& d_;
    struct ActivityOf {
        const Group* group;
        const Plan* plan;
        const Activity* activity;
    };
    std::vector<ActivityOf> with_history_;
    std::vector<std::string> target_group_ids_, focus_area_ids_, process_ids_, page_ids_;
};

std::string convener(const Activity& a) {
    for (const auto& m : a.working_group)
        if (m.convener) return m.name;
    return {};
}

std::set<std::string> principals(const Activity& a) {
    std::set<std::string> out;
    for (const auto& m : a.working_group) out.insert(m.principal.id);
    return out;
}

}  // namespace

namespace {

CheckOptions::WorkingGroupChange working_group_change(const Activity& before, const Activity& after) {
    return {convener(before), convener(after), principals(before) != principals(after)};
}

void report_working_group_change(const Activity& a, const CheckOptions::WorkingGroupChange& change, const std::string& date,
                                 Diagnostics& diagnostics) {
    const SourcePos where = a.working_group.empty() ? a.pos : a.working_group.front().pos;
    if (change.convener_before != change.convener_after)
        rules::report(diagnostics, rules::kWorkingGroupConvenerChanged, a.path, where,
                      "the working group got a new convener on " + date + ": " + quote(change.convener_before) + " → " +
                          quote(change.convener_after) + " (the latest change in git)",
                      {change.convener_before, change.convener_after, date});
    if (change.principals_changed)
        rules::report(diagnostics, rules::kWorkingGroupPrincipalsChanged, a.path, where,
                      "the principals the working group has members from changed on " + date +
                          " (the latest change in git)",
                      {date});
}

}  // namespace

std::string working_group_key(const history::History& history, const std::string& path) {
    const auto& revisions = history.file_revisions(path);
    if (revisions.size() < 2 || revisions[0].blob().empty() || revisions[1].blob().empty()) return {};
    return revisions[0].blob() + " " + revisions[1].blob();
}

void check_working_group_change(const Activity& a, const std::vector<history::RecordVersion>& versions,
                                const std::vector<history::Revision>& revisions, Diagnostics& diagnostics) {
    if (versions.size() < 2 || !versions[0].activity || !versions[1].activity) return;
    report_working_group_change(a, working_group_change(*versions[1].activity, *versions[0].activity),
                                revisions.at(versions[0].revision).date.iso(), diagnostics);
}

void run_checks(const Site& site, const CheckOptions& options, Diagnostics& diagnostics) {
    Checker(site, options, diagnostics).run();
}

}  // namespace samplan::check
