// check/check.h — the rules of the content model, run over the whole typed model.
// Errors stop a build; warnings are printed and shown on the follow-up page.
#pragma once

#include "core/date.h"
#include "core/diagnostics.h"
#include "history/history.h"
#include "history/versions.h"
#include "model/model.h"

namespace samplan::check {

struct CheckOptions {
    Date today;                                   // the date the time-based rules measure against
    const history::History* history = nullptr;    // for plan-revision when `revised` is empty, and the working-group-*-changed rules
    // Set: the versions the working-group-*-changed rules read (each activity's two newest) are
    // kept here, for the site to take over rather than read them again.
    history::VersionsRead* versions_read = nullptr;
};

void run_checks(const model::Site& site, const CheckOptions& options, Diagnostics& diagnostics);

// The rules working-group-convener-changed and working-group-principals-changed for the activity
// `a` (as loaded now, which places the diagnostic), from its versions in git, newest first (the
// two newest suffice; `revisions` is History::revisions(), which dates them): whether the newest
// commit that changed it gave its working group another convener, or changed which principals
// it has members from. Nothing with fewer than two readable versions.
void check_working_group_change(const model::Activity& a, const std::vector<history::RecordVersion>& versions,
                                const std::vector<history::Revision>& revisions, Diagnostics& diagnostics);

}  // namespace samplan::check
