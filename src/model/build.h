// model/build.h — records to the typed model. Reports missing keys, wrong types, bad values
// and unknown keys; reference checks between records belong to the check stage.
#pragma once

#include <cstddef>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "content/content.h"
#include "core/diagnostics.h"
#include "model/model.h"

namespace samplan::model {

// Activities read ahead of build_model, each as its record is loaded (content::LoadOptions::loaded,
// on the loading threads): a rebuild then reads each activity while its freshly restored record
// is in that core's cache, and lets go of the record's data on the thread that made them.
class EarlyActivities {
public:
    // Reads the record at `index` of the records when it is an activity (thread-safe); returns
    // whether it did.
    bool read(std::size_t index, const content::Record& record);
    // The activity read from the record at `index`, with the diagnostics its reading reported;
    // false when none was.
    bool take(std::size_t index, Activity& activity, Diagnostics& diagnostics);

private:
    struct Read {
        Activity activity;
        Diagnostics diagnostics;
    };
    std::mutex mutex_;
    std::unordered_map<std::size_t, Read> read_;
};

// `early`: activities already read from `records` (the others are read here, as they are without).
Site build_model(const std::vector<content::Record>& records, Diagnostics& diagnostics, EarlyActivities* early = nullptr);

// A draft is a record with `draft = true`, or a plan with status "utkast". Removes them (and
// everything inside a draft group or plan) from `site`; returns the paths of what was removed.
std::vector<std::string> remove_drafts(Site& site);

// One record on its own, e.g. a file as it was in an older commit.
Activity build_activity(const content::Record& record, Diagnostics& diagnostics);
Plan build_plan(const content::Record& record, Diagnostics& diagnostics);

}  // namespace samplan::model
