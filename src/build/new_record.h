// build/new_record.h — `samplan new`: a new group, plan, activity or evaluation, written with every
// key of the content model, commented in Swedish, as a draft, with today's dates and what can be
// known from the model (principals, process, focus area and goal) filled in. Never overwrites.
#pragma once

#include <string>
#include <vector>

#include "core/date.h"
#include "model/model.h"

namespace samplan::build {

struct NewRecordResult {
    int status = 0;       // kOk or kFailed (build.h)
    std::string message;  // kOk: the file written; else what went wrong
};

// `words`: "group ID", "plan GROUP ID", "activity GROUP PLAN ID" or "evaluation GROUP ID", the ids
// valid (is_valid_id). The record goes under the content folder `content`.
// The text of a new record, with every key of the content model commented in Swedish, dated
// `today`, and a draft until published: what new_record writes and what the editor of `samplan
// serve` starts a new record from.
std::string group_text(const std::string& id, const Date& today);
std::string plan_text(const std::string& group, const std::string& process, const Date& today);
std::string activity_text(const model::Site& site, const model::Group& group, const Date& today);
std::string evaluation_text(const Date& today);

NewRecordResult new_record(const std::string& content, const std::vector<std::string>& words, const Date& today);

}  // namespace samplan::build
