// model/model.h — the typed domain: what the content says, as plain data. Filled once by
// build_model(), then read-only. Positions are kept for the values that rules report on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "content/layout.h"
#include "core/date.h"
#include "core/diagnostics.h"

namespace samplan::model {

// A reference to another record by id, with where it was written.
struct Ref {
    std::string id;
    SourcePos pos;
    [[nodiscard]] bool present() const { return !id.empty(); }
};

struct TargetGroup {
    std::string id;
    std::string label;
};

struct Accessibility {
    std::string compliance;  // helt | delvis | inte
    std::optional<Date> assessed;
    std::string method;
    std::string contact;
    std::vector<std::string> shortcomings;  // (md) each
};

struct RuleSettings {
    int revision_interval_months = 12;
    int reports_per_year = 2;
    int max_activities_per_plan = 8;
};

struct Settings {
    std::string path = content::layout::kSite;
    std::string title;
    std::string organisation;
    std::string language = "sv";
    std::string base_url;
    std::string theme = "default";
    std::string history_versions = "v*";
    bool history_authors = false;
    Accessibility accessibility;
    RuleSettings rules;
    std::vector<TargetGroup> target_groups;  // in file order; the default pair when absent
};

struct YearValue {
    int year = 0;
    double value = 0;
    SourcePos pos;
};

struct RegionalIndicator {
    std::string id;
    std::string title;
    std::string unit;
    std::optional<YearValue> baseline;
    std::vector<YearValue> targets;  // sorted by year
    std::vector<YearValue> values;   // sorted by year
    SourcePos pos;
};

struct Goal {
    std::string id;
    std::string title;
    std::string description;  // (md)
    std::vector<RegionalIndicator> indicators;
    SourcePos pos;
};

struct FocusArea {
    std::string id;
    std::string title;
    std::string description;  // (md)
    std::vector<Goal> goals;
    SourcePos pos;
};

struct RegionalPlan {
    std::string path = content::layout::kRegionalPlan;
    std::string title;
    std::optional<Date> start;
    std::optional<Date> end;
    SourcePos end_pos;
    std::string summary;  // (md)
    std::vector<FocusArea> focus_areas;
};

struct Step {
    std::string id;
    std::string title;
    std::string summary;  // (md)
};

struct Process {
    std::string id;
    std::string path;
    std::string title;
    Ref guidance;  // a page id
    std::vector<Step> steps;  // numbered 1..n by position
};

struct Page {
    std::string id;
    std::string path;
    std::string title;
    std::string description;
    int weight = 0;
    bool draft = false;
    std::string body;  // (md)
    int body_line = 0;
};

struct Member {
    std::string name;
    Ref principal;  // one of the group's principals (by name)
    std::string role;
    SourcePos pos;
};

struct Meeting {
    Date date;
    bool plan_followed_up = false;
    std::string notes;  // (md)
    SourcePos pos;
};

struct GroupEvaluation {
    std::string id;
    std::string path;
    std::string blob;  // its file's text as loaded, named as git would (content::Record::blob)
    std::string title;
    std::optional<Date> date;
    std::string went_well;         // (md)
    std::string worked_less_well;  // (md)
    std::string carry_forward;     // (md)
    bool draft = false;
    std::string body;
    int body_line = 0;
};

struct Assignment {
    std::string scope;              // (md)
    std::string goal;               // (md)
    std::string reporting;
    std::string final_report_form;
    std::string resources;
};

struct WorkingGroupMember {
    std::string name;
    Ref principal;
    bool convener = false;
    SourcePos pos;
};

struct Subgoal {
    std::string title;
    std::string responsible;
    std::optional<Date> due;
    bool done = false;
    SourcePos pos;
};

struct DateValue {
    Date date;
    double value = 0;
    SourcePos pos;
};

struct LocalIndicator {
    std::string id;
    std::string title;
    std::string unit;
    std::optional<DateValue> baseline;
    std::optional<DateValue> target;
    std::vector<DateValue> values;  // sorted by date
    SourcePos pos;
};

struct Report {
    Date date;
    std::string progress;         // (md)
    std::string works_well;       // (md)
    std::string works_less_well;  // (md)
    std::optional<bool> on_schedule;
    SourcePos pos;
};

struct FinalReport {
    std::optional<Date> date;
    std::string goal_reached;    // (md)
    std::string added_value;     // (md)
    std::string use_of_results;  // (md)
    std::optional<Date> sent_to_office;
    SourcePos pos;
};

struct ActivityEvaluation {
    std::string learned_target_group;   // (md)
    std::string learned_prevention;     // (md)
    std::string learned_collaboration;  // (md)
};

struct Funding {
    std::optional<Date> applied;
    std::optional<std::int64_t> amount_sek;
    std::optional<Date> board_decision;
    std::optional<bool> granted;
};

enum class ActivityStatus { Planned, Ongoing, Finished, Cancelled };
enum class PlanStatus { Draft, Decided, Finished };
enum class GroupKind { Local, Political };

// The Swedish words the content uses for each status ("planerad", "pågår", …).
const char* status_key(ActivityStatus status);
const char* status_key(PlanStatus status);
const char* kind_key(GroupKind kind);

struct Activity {
    std::string id;
    std::string path;
    std::string blob;  // its file's text as loaded, named as git would (content::Record::blob)
    std::string group;
    std::string plan;
    std::string title;
    Ref target_group;
    Ref focus_area;
    Ref goal;
    Ref process;  // as written; empty means the plan's process
    std::optional<int> step;
    SourcePos step_pos;
    ActivityStatus status = ActivityStatus::Planned;
    SourcePos status_pos;
    std::optional<Date> start;
    std::optional<Date> end;
    SourcePos end_pos;
    std::optional<int> priority;
    std::optional<Assignment> assignment;
    std::vector<WorkingGroupMember> working_group;
    std::vector<Subgoal> subgoals;
    std::vector<LocalIndicator> indicators;
    std::vector<Report> reports;  // sorted by date
    std::optional<FinalReport> final_report;
    std::optional<ActivityEvaluation> evaluation;
    std::optional<Funding> funding;
    bool draft = false;
    std::string body;  // (md)
    int body_line = 0;
    SourcePos pos;  // the front matter's first line
};

struct Plan {
    std::string id;
    std::string path;
    std::string blob;  // its file's text as loaded, named as git would (content::Record::blob)
    std::string group;
    std::string title;
    std::optional<Date> start;
    std::optional<Date> end;
    SourcePos end_pos;
    PlanStatus status = PlanStatus::Draft;
    SourcePos status_pos;
    std::optional<Date> decided;
    SourcePos decided_pos;
    std::optional<Date> sent_to_office;
    std::vector<Date> revised;  // sorted
    std::string analysis;  // (md)
    Ref process;
    bool draft = false;
    std::vector<Activity> activities;  // by priority, then id
    SourcePos pos;
};

struct Group {
    std::string id;
    std::string path;
    std::string blob;  // its file's text as loaded, named as git would (content::Record::blob)
    std::string name;
    GroupKind kind = GroupKind::Local;
    std::string municipality;
    std::vector<std::string> principals;
    std::string description;  // (md)
    std::vector<Member> members;
    std::vector<Meeting> meetings;  // sorted by date
    std::vector<Plan> plans;        // by id
    std::vector<GroupEvaluation> evaluations;
    bool draft = false;
};

struct Site {
    Settings settings;
    RegionalPlan regional;
    std::vector<Process> processes;  // by id
    std::vector<Page> pages;         // by weight, then id
    std::vector<Group> groups;       // by id
    // Records that exist in the layout but could not be read or parsed (already reported).
    // References into them are not reported again as unknown.
    std::vector<std::string> unreadable_paths;

    [[nodiscard]] bool unreadable(const std::string& path) const;
};

}  // namespace samplan::model
