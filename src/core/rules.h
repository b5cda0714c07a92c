// core/rules.h — the one registry of the content model's rules: each rule's id, its severity and
// the names of the values its diagnostics carry (Diagnostic::args, which the theme's
// "warning_<id>" strings show as {0}, {1}…). The checker reports through it; the tests read it
// against docs/rules.md, the fixtures and the strings of both languages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"

namespace samplan::rules {

struct Rule {
    std::string_view id;
    Severity severity;
    std::vector<std::string_view> args = {};  // what {0}, {1}… of the rule's message are
};

// Reading the files (content/).
inline const Rule kToml{"toml", Severity::Error};
inline const Rule kFrontMatter{"front-matter", Severity::Error};
inline const Rule kUtf8{"utf8", Severity::Error};
inline const Rule kFileTooLarge{"file-too-large", Severity::Error};
inline const Rule kMarkdownLimits{"markdown-limits", Severity::Error};
inline const Rule kMissingFile{"missing-file", Severity::Error};
inline const Rule kNotAFile{"not-a-file", Severity::Error};
inline const Rule kNotADirectory{"not-a-directory", Severity::Error};
inline const Rule kOutsideContent{"outside-content", Severity::Error};
inline const Rule kUnexpectedFile{"unexpected-file", Severity::Warning};
inline const Rule kIo{"io", Severity::Error};
// Keys and values (model/).
inline const Rule kRequired{"required", Severity::Error};
inline const Rule kType{"type", Severity::Error};
inline const Rule kBadId{"bad-id", Severity::Error};
inline const Rule kBadValue{"bad-value", Severity::Error};
inline const Rule kDuplicateId{"duplicate-id", Severity::Error};
inline const Rule kUnknownKey{"unknown-key", Severity::Warning};
// Links between records (check/).
inline const Rule kUnknownReference{"unknown-reference", Severity::Error};
inline const Rule kDateOrder{"date-order", Severity::Error};
inline const Rule kStepRange{"step-range", Severity::Error};
// The guidance (check/).
inline const Rule kWorkingGroupPrincipals{"working-group-principals", Severity::Error};
inline const Rule kWorkingGroupConvener{"working-group-convener", Severity::Error};
inline const Rule kFinalReport{"final-report", Severity::Error};
inline const Rule kPlanRevision{"plan-revision", Severity::Warning, {"last revised", "months"}};
inline const Rule kPlanNotSent{"plan-not-sent", Severity::Warning, {"decided"}};
inline const Rule kFinalReportNotSent{"final-report-not-sent", Severity::Warning, {"report date"}};
inline const Rule kActivityReports{"activity-reports", Severity::Warning, {"reports", "reports due", "until"}};
inline const Rule kMaxActivities{"max-activities", Severity::Warning, {"activities", "most"}};
inline const Rule kIndicatorValues{"indicator-values", Severity::Warning, {"indicator", "target year or date"}};
inline const Rule kMeetingFollowUp{"meeting-follow-up", Severity::Warning, {"meeting date"}};
inline const Rule kPlanEnded{"plan-ended", Severity::Warning, {"end"}};
inline const Rule kSubgoalOverdue{"subgoal-overdue", Severity::Warning, {"sub-goal", "due"}};
// The history (check/, from git): what the latest change of an activity did to its working group.
inline const Rule kWorkingGroupConvenerChanged{"working-group-convener-changed", Severity::Warning,
                                               {"convener before", "convener after", "date"}};
inline const Rule kWorkingGroupPrincipalsChanged{"working-group-principals-changed", Severity::Warning, {"date"}};

// A kind of diagnostic within a rule whose sentence names values: the theme's
// "rule_<rule>_<form>" says it with {0}, {1}… (Diagnostic::form and Diagnostic::args), where the
// rule's own "rule_<rule>" would say only what the rule is about. Diagnostics of the rule made
// without a form keep that general sentence.
struct Form {
    const Rule& rule;
    std::string_view name;
    std::vector<std::string_view> args;  // what {0}, {1}… of the sentence are
};
// A text longer than its limit (characters, that is code points).
inline const Form kBadValueLength{kBadValue, "length", {"length", "most"}};
// A word outside its fixed set (a status, a kind), with every allowed word.
inline const Form kBadValueChoice{kBadValue, "choice", {"value", "allowed values"}};
// A number outside its bounds (site.toml's [rules]).
inline const Form kBadValueRange{kBadValue, "range", {"value", "least", "most"}};
// An amount below zero (an activity's [funding] amount_sek).
inline const Form kBadValueNegative{kBadValue, "negative", {"value"}};
// An address that is not http(s) (site.toml's base_url).
inline const Form kBadValueUrl{kBadValue, "url", {"value"}};
// A key that should be a year (a regional indicator's targets).
inline const Form kBadValueYear{kBadValue, "year", {"value"}};
// A group with fewer than two different principals (a collaboration has two sides).
inline const Form kRequiredPrincipals{kRequired, "principals", {}};

// Every rule above, in the order docs/rules.md lists them.
const std::vector<const Rule*>& all();
// The rule with this id, or nullptr.
const Rule* find(std::string_view id);

// Adds a diagnostic of `rule` (its severity and id) carrying `args`, one per name in rule.args.
Diagnostic& report(Diagnostics& diagnostics, const Rule& rule, std::string path, SourcePos pos, std::string message,
            std::vector<std::string> args = {});
// Every form above; the form of `rule` called `name`, or nullptr.
const std::vector<const Form*>& forms();
const Form* find_form(std::string_view rule, std::string_view name);
// Adds a diagnostic of the form's rule, of that form, carrying `args`, one per name in form.args.
Diagnostic& report(Diagnostics& diagnostics, const Form& form, std::string path, SourcePos pos, std::string message,
                   std::vector<std::string> args);

}  // namespace samplan::rules
