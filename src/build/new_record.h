// build/new_record.h — `samplan new`: a new group, plan, activity or evaluation, written with every
// key of the content model, commented in Swedish, as a draft, with today's dates and what can be
// known from the model (principals, process, focus area and goal) filled in. Never overwrites.
#pragma once

#include <string>
#include <vector>

#include "core/date.h"

namespace samplan::build {

struct NewRecordResult {
    int status = 0;       // kOk or kFailed (build.h)
    std::string message;  // kOk: the file written; else what went wrong
};

// `words`: "group ID", "plan GROUP ID", "activity GROUP PLAN ID" or "evaluation GROUP ID", the ids
// valid (is_valid_id). The record goes under the content folder `content`.
NewRecordResult new_record(const std::string& content, const std::vector<std::string>& words, const Date& today);

}  // namespace samplan::build
