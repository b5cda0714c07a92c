// model/build.h — records to the typed model. Reports missing keys, wrong types, bad values
// and unknown keys; reference checks between records belong to the check stage.
#pragma once

#include <vector>

#include "content/content.h"
#include "core/diagnostics.h"
#include "model/model.h"

namespace samplan::model {

Site build_model(const std::vector<content::Record>& records, Diagnostics& diagnostics);

}  // namespace samplan::model
