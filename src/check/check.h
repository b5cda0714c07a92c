// check/check.h — the rules of the content model, run over the whole typed model.
// Errors stop a build; warnings are printed and shown on the follow-up page.
#pragma once

#include "core/date.h"
#include "core/diagnostics.h"
#include "history/history.h"
#include "model/model.h"

namespace samplan::check {

struct CheckOptions {
    Date today;                                   // the date the time-based rules measure against
    const history::History* history = nullptr;    // for the plan-revision rule when `revised` is empty
};

void run_checks(const model::Site& site, const CheckOptions& options, Diagnostics& diagnostics);

}  // namespace samplan::check
