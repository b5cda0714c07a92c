// history/plan_history.cpp — a plan's history with its activities' changes folded in.
#include <algorithm>
#include <cstdlib>

#include "content/layout.h"
#include "history/versions.h"

namespace samplan::history {

std::string plan_path_in(const std::vector<FileRevision>& plan_file, size_t revision, const std::string& plan) {
    // Newest first: the first revision at or before `revision` (a larger index is older).
    for (const auto& fr : plan_file)
        if (fr.revision >= revision) return fr.path();
    return plan_file.empty() ? plan : plan_file.back().path();
}

bool in_activities_of(const std::string& file, const std::string& plan) {
    return file.size() > 3 && file.compare(file.size() - 3, 3, ".md") == 0 && content::layout::plan_beside(file) == plan;
}

bool takes_out_of_plan(const Change& change, size_t revision, const std::string& plan, const std::vector<FileRevision>& plan_file) {
    if (change.kind == ChangeKind::Deleted) return in_activities_of(change.old_path, plan);
    const std::string folder = content::layout::activities_beside(plan) + "/";
    return change.kind == ChangeKind::Renamed && in_activities_of(change.old_path, plan) &&
           change.path.compare(0, folder.size(), folder) != 0 &&
           content::layout::plan_beside(change.path) != plan_path_in(plan_file, revision, plan);
}

std::vector<RecordVersion> merge_activity_histories(std::vector<RecordVersion> plan, const std::vector<ActivityHistory>& activities,
                                                    const std::vector<FileRevision>& plan_file) {
    if (plan.empty()) return plan;
    const std::string plan_path = plan.front().path;
    // Whether the activity's version `v` was in this plan's folder.
    auto here = [&](const RecordVersion& v) {
        return content::layout::plan_beside(v.path) == plan_path_in(plan_file, v.revision, plan_path);
    };
    for (const auto& activity : activities) {
        if (!activity.versions) continue;
        const auto& versions = *activity.versions;
        for (size_t i = 0; i < versions.size(); ++i) {
            const auto& v = versions[i];
            // The plan's own "activity added" and "activity removed" tell these (a file deleted and
            // added again has both in its revisions).
            if (v.change == ChangeKind::Added || v.change == ChangeKind::Deleted) continue;
            // Its versions in another plan are that plan's.
            if (!here(v)) continue;
            // Moved here: the plan's own "activity moved here" tells it (with what changed on the way).
            const bool arrived = v.change == ChangeKind::Renamed && (i + 1 == versions.size() || !here(versions[i + 1]));
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
            if (found.empty() && arrived) continue;
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
