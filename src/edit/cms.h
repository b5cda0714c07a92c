// edit/cms.h — the hosted editor: the configuration of a git-based CMS in the browser (Decap CMS,
// with the widgets and TOML formats of themes/default/cms/samplan-cms.js) generated from the content
// model, and the page that loads it (admin/index.html). `samplan cms` writes both; docs/editor.md says how an office publishes them.
//
// Contract: one collection per kind of record and place in content/layout.h — the groups (one
// file each), each group's plans, each plan's activities, each group's evaluations — with the
// fields of the JSON Schemas (edit/schemas.h: labels = the Swedish titles, hints = the
// descriptions, `required` as the schema says), dates as date fields, Markdown as Markdown, and
// the references as lists whose options are the content's own (target groups, focus areas,
// goals, processes, the group's principals; samplan-cms.js's widgets: the goals of the focus area
// chosen, the steps of the record's process by name). The options are those of the content the
// configuration was generated from: the office's CI generates it again on every build.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "edit/json.h"
#include "history/history.h"
#include "model/model.h"

namespace samplan::edit {

struct CmsSettings {
    std::string backend = "github";  // github, gitlab or test-repo (an in-memory repository, for tests)
    std::string repo;                // owner/name (GitHub), group/project (GitLab)
    std::string branch = "main";
    std::string content_path = "content";  // the content folder's path inside the repository
    std::string app_id;    // GitLab: the OAuth application's id (PKCE sign-in)
    std::string base_url;  // GitHub: the OAuth relay's address; GitLab: a self-hosted GitLab's address
    std::string site_url;  // the published site, for the CMS's links to it
    bool review = false;   // saves become merge (pull) requests: the editorial workflow
    std::string script = "decap-cms.js";       // Decap CMS's script, as the page refers to it
    std::string toml = "./smol-toml/index.js"; // smol-toml's module (npm), which samplan-cms.js reads TOML with
    // The theme's sentences ("rule_<id>") of the rules samplan-cms.js checks before a save, by rule id.
    std::map<std::string, std::string> rules;
    // Each group's principals, by group id: samplan-cms.js checks an activity's working group
    // against them before a save (working-group-principals).
    std::map<std::string, std::vector<std::string>> principals;
    // What the warnings on a record need from beyond it, as of this build (cms_facts): JSON.
    std::string facts = "{}";
};

// The rules samplan-cms.js checks in the browser before a save (the others: samplan check in CI).
// "bad-value_length": the sentence of a text too long (rule bad-value, form length: {0} characters, at most {1});
// "required_principals": a group with fewer than two principals (rule required, form principals).
inline const char* const kCmsRules[] = {"date-order",   "final-report",     "working-group-convener",
                                        "step-range",   "bad-value_length", "duplicate-id",
                                        "required",     "type",             "unknown-key",
                                        "working-group-principals", "required_principals", "file-too-large",
                                        "markdown-limits"};
// The warnings samplan-cms.js says before a save (they do not stop it), by their theme's sentences
// (`warning_<rule>`, handed to the page under that key beside the rules above).
inline const char* const kCmsWarnings[] = {"plan-not-sent",      "final-report-not-sent", "subgoal-overdue",
                                           "indicator-values",   "activity-reports",      "max-activities",
                                           "meeting-follow-up",  "plan-ended",            "plan-revision",
                                           "working-group-convener-changed", "working-group-principals-changed"};

// What samplan-cms.js's warnings need that is not in the record, as of the content and git history
// this configuration is made from (docs/editor.md, "Limits, honestly"), as a JSON object:
// {"rules": the site's [rules] (reports_per_year, max_activities_per_plan,
// revision_interval_months), "plans": {group id: [{"id", "start", "end" (ISO dates, when given),
// "activities": how many the plan has (drafts too, as samplan check counts), "changed": the date of
// the newest commit that changed its plan.toml, when the history has one}], in samplan check's
// order (by id)}}. `history`: null or without commits, no "changed".
std::string cms_facts(const model::Site& site, const history::History* history);

// The configuration (JSON, which is also YAML: write it as config.yml).
Json cms_config(const model::Site& site, const CmsSettings& settings);

// JSON with two spaces of indentation, one member per line.
std::string to_pretty_json(const Json& value);

// admin/index.html, from the built-in theme's cms/index.mustache: it loads cms/samplan-cms.js
// (written beside it), which loads Decap CMS with samplan's TOML formats; the rules' sentences
// (settings.rules) go to it as JSON.
std::string cms_page(const CmsSettings& settings);

// The keys whose values are dates in the records' JSON Schemas, separated by spaces: samplan-cms.js
// writes them as TOML dates.
std::string cms_date_keys();

// The keys whose texts have a most length in the records' JSON Schemas, with that length in
// characters (code points, as samplan check counts), as a JSON object: samplan-cms.js checks them
// before a save. A list of texts (a group's principals) is limited element by element.
std::string cms_lengths();

// The records' shapes from their JSON Schemas, by kind (group, plan, activity, evaluation), as a JSON
// object: each table's keys (with their Swedish titles) and required keys, each value's type as
// samplan's reader wants it (a date a TOML date). samplan-cms.js checks the TOML a save would write
// against them (unknown-key, type, and the required keys of a table that is there).
std::string cms_shapes();

}  // namespace samplan::edit
