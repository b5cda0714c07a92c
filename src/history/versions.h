// history/versions.h — the versions of one plan or activity and what changed between them,
// in the content model's own terms ("status planerad → pågår"), not as lines of TOML.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "history/history.h"
#include "model/model.h"

namespace samplan::history {

// A word-level difference of a Markdown text: runs of unchanged, inserted and deleted words.
struct WordRun {
    enum class Kind { Same, Inserted, Deleted };
    Kind kind = Kind::Same;
    std::string text;
};

// One difference. `kind` names it ("status", "step", "report_added", "text", …); `args` are
// its values, in an order fixed per kind; `words` is set for kind "text".
struct Difference {
    std::string kind;
    std::vector<std::string> args;
    std::vector<WordRun> words;
    // In a plan's history, the activity the difference is of (its title); "" for the plan's own.
    std::string record = {};
};

struct RecordVersion {
    size_t revision = 0;   // index into History::revisions()
    ChangeKind change = ChangeKind::Modified;
    std::string path;      // the record's path in that revision
    std::optional<model::Activity> activity;  // as it was (activities), if it could be read
    std::optional<model::Plan> plan;          // as it was (plans)
    std::vector<Difference> differences;      // from the version before (older) to this one
    // An activity moved here from another plan's folder (change Renamed): that plan's title and,
    // when it was another group's, the group's name, as they were. Empty otherwise.
    std::vector<std::string> moved_from;
    // The newest version, and the record was loaded from exactly its text (is_loaded): the
    // record's own page shows it. (It is then read only when there is an older version to compare
    // it with.)
    bool current = false;
};

// Whether `revision` (a file's newest) is the text a record was loaded from: `loaded`, that text's
// blob id (content::Record::blob, model::Activity::blob), is the revision's. Without it (null or
// empty: a record not loaded from the content folder), whether the file in the content folder is
// exactly that revision now (History::in_working_folder).
bool is_loaded(const History& history, const FileRevision& revision, const std::string* loaded);

// The title of an activity file (front matter and body) when its front matter states it in the
// plainest way: a line `title = "…"` (a basic string without escapes) before any table and any
// multi-line string, so that it can only be the top-level title. Otherwise nullopt: the file must
// be parsed. (A plan's history names each activity added; most are in no other version. A label
// only: a file whose TOML is broken further down still gives its title here.)
std::optional<std::string> plain_title(std::string_view text);

// Newest first. `group` and `plan` are the ids the record has now. `current`, the activity as
// loaded from the content folder, stands in for the newest version when it was loaded from that
// version's text (its blob: is_loaded; the same text gives the same activity). With `newest`, only that many of
// the newest versions are read (the oldest of them then has no differences). `read`: the newest
// versions as an earlier call for the same activity gave them (with a `newest` of its own; a
// current version's activity may have been let go), taken over rather than read and compared again.
std::vector<RecordVersion> activity_versions(const History& history, const std::string& path, const std::string& group,
                                             const std::string& plan, const std::string& id,
                                             const model::Activity* current = nullptr, size_t newest = 0,
                                             std::vector<RecordVersion> read = {});

// Versions read once and handed on to be read no more (the check's history rules read the newest
// of each activity; the site takes them over), by the record's path.
using VersionsRead = std::map<std::string, std::vector<RecordVersion>>;
// A plan's versions include the commits that added or removed one of its activities. With
// `recent`, only what the `recent` newest revisions show: the plan's versions of those revisions
// (and the one before the oldest of them, to compare it with, which has no differences of its
// own) and the activities added or removed in them; none at all when they changed nothing of it.
// `loaded`: the blob id of the plan's text as loaded (is_loaded).
std::vector<RecordVersion> plan_versions(const History& history, const std::string& path, const std::string& group,
                                         const std::string& id, size_t recent = 0, const std::string* loaded = nullptr);

// The versions of the record at `path` (relative to the content folder), newest first: a plan's or
// an activity's with their differences, any other file's as git's revisions of it alone.
std::vector<RecordVersion> record_versions(const History& history, const model::Site& site, const std::string& path);

// The path the plan file had in `revision`, from its revisions `plan_file` (newest first, as
// History::file_revisions gives them; its folder may have been renamed); `plan` (its path now)
// when it was not there yet.
std::string plan_path_in(const std::vector<FileRevision>& plan_file, size_t revision, const std::string& plan);
// Whether `file` is an activity file (.md) directly in the activities' folder of the plan file `plan`.
bool in_activities_of(const std::string& file, const std::string& plan);
// Whether `change` (made in `revision`) took an activity out of the plan now at `plan`, whose
// file's revisions are `plan_file`: deleted it from the plan's activities' folder, or moved it out
// of that folder (to another plan, or elsewhere), not along with the plan file.
bool takes_out_of_plan(const Change& change, size_t revision, const std::string& plan, const std::vector<FileRevision>& plan_file);

// One activity's versions, to fold into its plan's history.
struct ActivityHistory {
    std::string title;
    const std::vector<RecordVersion>* versions = nullptr;  // newest first, as activity_versions gives them
    const model::Process* process = nullptr;  // its process: a step is told with its name ("5 Avrapportering")
};

// The plan's history with each activity's changes in it, newest first: each activity version
// (but its first, which the plan tells as "activity added", and its deletion) gives its
// differences, marked with the activity's title, to the plan's version of the same commit, or to a
// version of its own (with "activity_changed" when no difference could be told). Only the versions
// the activity had in this plan's folder count (`plan_file`: the plan file's revisions, to know
// where that folder was): one moved here from another plan brings its changes from here on, one
// moved away leaves its later ones. Every commit that changed the plan file or one of its
// activities is then in the plan's history, and its newest is the plan's last change.
std::vector<RecordVersion> merge_activity_histories(std::vector<RecordVersion> plan, const std::vector<ActivityHistory>& activities,
                                                    const std::vector<FileRevision>& plan_file = {});

std::vector<Difference> diff_activities(const model::Activity& before, const model::Activity& after);
std::vector<Difference> diff_plans(const model::Plan& before, const model::Plan& after);
std::vector<WordRun> diff_words(const std::string& before, const std::string& after);

}  // namespace samplan::history
