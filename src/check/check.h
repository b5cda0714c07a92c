// check/check.h — the rules of the content model, run over the whole typed model.
// Errors stop a build; warnings are printed and shown on the follow-up page.
#pragma once

#include <map>
#include <string>

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
    // Set: what the working-group-*-changed rules found before, by the object ids of an activity's
    // two newest versions (working_group_key): those activities are not read again. Replaced by
    // what this run found, for the next.
    struct WorkingGroupChange {
        std::string convener_before, convener_after;
        bool principals_changed = false;
    };
    std::map<std::string, WorkingGroupChange>* working_groups = nullptr;
};

// The key of CheckOptions::working_groups for the file at `path`: its two newest object ids in
// git, or "" (not two versions, or a deletion).
std::string working_group_key(const history::History& history, const std::string& path);

void run_checks(const model::Site& site, const CheckOptions& options, Diagnostics& diagnostics);

// The rules working-group-convener-changed and working-group-principals-changed for the activity
// `a` (as loaded now, which places the diagnostic), from its versions in git, newest first (the
// two newest suffice; `revisions` is History::revisions(), which dates them): whether the newest
// commit that changed it gave its working group another convener, or changed which principals
// it has members from. Nothing with fewer than two readable versions.
void check_working_group_change(const model::Activity& a, const std::vector<history::RecordVersion>& versions,
                                const std::vector<history::Revision>& revisions, Diagnostics& diagnostics);

}  // namespace samplan::check
