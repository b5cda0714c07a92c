// model/build.h — records to the typed model. Reports missing keys, wrong types, bad values
// and unknown keys; reference checks between records belong to the check stage.
#pragma once

#include <vector>

#include "content/content.h"
#include "core/diagnostics.h"
#include "model/model.h"

namespace samplan::model {

Site build_model(const std::vector<content::Record>& records, Diagnostics& diagnostics);

// A draft is a record with `draft = true`, or a plan with status "utkast". Removes them (and
// everything inside a draft group or plan) from `site`; returns the paths of what was removed.
std::vector<std::string> remove_drafts(Site& site);

// One record on its own, e.g. a file as it was in an older commit.
Activity build_activity(const content::Record& record, Diagnostics& diagnostics);
Plan build_plan(const content::Record& record, Diagnostics& diagnostics);

}  // namespace samplan::model
