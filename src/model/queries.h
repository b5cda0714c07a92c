// model/queries.h — questions about the model that several pages (and rules) ask the same way:
// which plan is in force, and whether an indicator is on track.
#pragma once

#include "core/date.h"
#include "model/model.h"

namespace samplan::model {

// The one definition of "gällande": a decided plan whose period has begun and not ended on
// `today`. Every figure that counts "in current plans" counts the activities of these plans,
// cancelled ones left out.
bool in_force(const Plan& plan, const Date& today);

// The plan in force: the newest (by start) plan that is in force on `today`, or none.
const Plan* current_plan(const Group& group, const Date& today);

// The plan a meeting follows up: the one in force, else the newest by start (none without plans).
const Plan* followed_plan(const Group& group, const Date& today);

// Whether an indicator's latest value is where a straight line from its baseline to its target
// says it should be by then.
enum class Track { Unknown, Reached, On, Behind };

// `*_day`: days on one scale (any origin).
Track on_track(double baseline, long baseline_day, double target, long target_day, double value, long value_day);
// A regional indicator's yearly figures, against the first target not before its latest value.
Track on_track(const RegionalIndicator& indicator);
Track on_track(const LocalIndicator& indicator);

}  // namespace samplan::model
