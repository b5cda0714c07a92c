#include "core/rules.h"

namespace samplan::rules {

const std::vector<const Rule*>& all() {
    static const std::vector<const Rule*> rules = {
        &kToml, &kFrontMatter, &kUtf8, &kFileTooLarge, &kMarkdownLimits, &kMissingFile, &kNotAFile, &kNotADirectory,
        &kOutsideContent, &kUnexpectedFile, &kIo, &kRequired, &kType, &kBadId, &kBadValue, &kDuplicateId, &kUnknownKey,
        &kUnknownReference, &kDateOrder, &kStepRange, &kWorkingGroupPrincipals, &kWorkingGroupConvener, &kFinalReport,
        &kPlanRevision, &kPlanNotSent, &kFinalReportNotSent, &kActivityReports, &kMaxActivities, &kIndicatorValues,
        &kMeetingFollowUp, &kPlanEnded, &kSubgoalOverdue, &kWorkingGroupConvenerChanged, &kWorkingGroupPrincipalsChanged};
    return rules;
}

const Rule* find(std::string_view id) {
    for (const Rule* r : all())
        if (r->id == id) return r;
    return nullptr;
}

Diagnostic& report(Diagnostics& diagnostics, const Rule& rule, std::string path, SourcePos pos, std::string message,
                   std::vector<std::string> args) {
    return diagnostics.add({std::move(path), pos, rule.severity, std::move(message), std::string(rule.id), std::move(args)});
}

const std::vector<const Form*>& forms() {
    static const std::vector<const Form*> all_forms = {&kBadValueLength, &kBadValueChoice, &kBadValueRange,
                                                             &kBadValueNegative, &kBadValueUrl, &kBadValueYear,
                                                             &kRequiredPrincipals};
    return all_forms;
}

const Form* find_form(std::string_view rule, std::string_view name) {
    for (const Form* f : forms())
        if (f->rule.id == rule && f->name == name) return f;
    return nullptr;
}

Diagnostic& report(Diagnostics& diagnostics, const Form& form, std::string path, SourcePos pos, std::string message,
                   std::vector<std::string> args) {
    Diagnostic& d = report(diagnostics, form.rule, std::move(path), pos, std::move(message));
    d.args = std::move(args);
    d.form = std::string(form.name);
    return d;
}

}  // namespace samplan::rules
