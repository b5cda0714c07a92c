// history/plan_history.cpp — a plan's history with its activities' changes folded in.
#include <algorithm>
#include <cstdlib>

#include "history/versions.h"

namespace samplan::history {

std::vector<RecordVersion> merge_activity_histories(std::vector<RecordVersion> plan, const std::vector<ActivityHistory>& activities) {
    if (plan.empty()) return plan;
    const std::string plan_path = plan.front().path;
    for (const auto& activity : activities) {
        if (!activity.versions) continue;
        for (const auto& v : *activity.versions) {
            // The plan's own "activity added" and "activity removed" tell these (a file deleted and
            // added again has both in its revisions).
            if (v.change == ChangeKind::Added || v.change == ChangeKind::Deleted) continue;
            std::vector<Difference> found;
            for (const auto& diff : v.differences) {
                Difference labelled = diff;
                labelled.record = activity.title;
                if (diff.kind == "step" && activity.process)
                    for (auto& value : labelled.args) {
                        const int n = value.empty() ? 0 : std::atoi(value.c_str());
                        if (n >= 1 && n <= static_cast<int>(activity.process->steps.size()))
                            value += " " + activity.process->steps[static_cast<size_t>(n - 1)].title;
                    }
                found.push_back(std::move(labelled));
            }
            if (found.empty()) found.push_back({"activity_changed", {activity.title}, {}, activity.title});
            // Versions are newest first, and a newer commit has a smaller revision index.
            auto it = std::lower_bound(plan.begin(), plan.end(), v.revision,
                                       [](const RecordVersion& x, size_t rev) { return x.revision < rev; });
            if (it == plan.end() || it->revision != v.revision) {
                RecordVersion own;
                own.revision = v.revision;
                own.path = plan_path;
                it = plan.insert(it, std::move(own));
            }
            it->differences.insert(it->differences.end(), found.begin(), found.end());
        }
    }
    return plan;
}

}  // namespace samplan::history
