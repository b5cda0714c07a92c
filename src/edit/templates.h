// edit/templates.h — the text of a new record, with every key of the content model commented in
// Swedish, dated `today`, and a draft until published: what `samplan new` writes and what the
// editor starts a new record from.
#pragma once

#include <string>

#include "core/date.h"
#include "model/model.h"

namespace samplan::edit {

std::string group_text(const std::string& id, const Date& today);
std::string plan_text(const std::string& group, const std::string& process, const Date& today);
std::string activity_text(const model::Site& site, const model::Group& group, const Date& today);
std::string evaluation_text(const Date& today);

}  // namespace samplan::edit
