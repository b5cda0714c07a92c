#include "model/queries.h"

#include <algorithm>

namespace samplan::model {

bool in_force(const Plan& p, const Date& today) {
    return p.status == PlanStatus::Decided && (!p.start || *p.start <= today) && (!p.end || *p.end >= today);
}

const Plan* current_plan(const Group& g, const Date& today) {
    const Plan* best = nullptr;
    for (const auto& p : g.plans)
        if (in_force(p, today) && (!best || p.start > best->start)) best = &p;
    return best;
}

const Plan* followed_plan(const Group& g, const Date& today) {
    if (const Plan* p = current_plan(g, today)) return p;
    const Plan* best = nullptr;
    for (const auto& p : g.plans)
        if (!best || p.start > best->start) best = &p;
    return best;
}

Track on_track(double baseline, long baseline_day, double target, long target_day, double value, long value_day) {
    if (target_day <= baseline_day || target == baseline) return Track::Unknown;
    const double share =
        std::clamp(static_cast<double>(value_day - baseline_day) / static_cast<double>(target_day - baseline_day), 0.0, 1.0);
    const double expected = baseline + (target - baseline) * share;
    const bool up = target > baseline;
    if (up ? value >= target : value <= target) return Track::Reached;
    return (up ? value >= expected : value <= expected) ? Track::On : Track::Behind;
}

Track on_track(const RegionalIndicator& ind) {
    if (!ind.baseline || ind.values.empty() || ind.targets.empty()) return Track::Unknown;
    const auto& v = ind.values.back();
    const YearValue* t = &ind.targets.back();
    for (const auto& target : ind.targets)
        if (target.year >= v.year) {
            t = &target;
            break;
        }
    return on_track(ind.baseline->value, ind.baseline->year * 365L, t->value, t->year * 365L, v.value, v.year * 365L);
}

Track on_track(const LocalIndicator& ind) {
    if (!ind.baseline || !ind.target || ind.values.empty()) return Track::Unknown;
    return on_track(ind.baseline->value, ind.baseline->date.days_since_epoch(), ind.target->value,
                    ind.target->date.days_since_epoch(), ind.values.back().value, ind.values.back().date.days_since_epoch());
}

}  // namespace samplan::model
