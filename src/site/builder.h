// site/builder.h — the page context shared by the page families: the model, the options, the
// output paths and links, breadcrumbs and the parts every page carries. Each family's pages are
// made by Builder members defined in the family's own file (site/families.h lists them).
// Internal to site/.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/digest.h"
#include "model/queries.h"
#include "site/chart.h"
#include "site/paths.h"
#include "site/site.h"
#include "site/version_prefetch.h"

namespace samplan::site {

using namespace samplan::model;

// A date as one word of a page key (Digest::add_word): year, month and day.
inline std::uint64_t date_word(const Date& date) {
    return static_cast<std::uint64_t>(static_cast<std::uint32_t>(date.year)) << 16 |
           static_cast<std::uint64_t>(date.month & 0xff) << 8 | static_cast<std::uint64_t>(date.day & 0xff);
}

// Adds a view model's whole tree to a page key: what a page made from it shows.
void add_data(Digest& digest, const Data& data);
// Adds a diagnostic to a page key: every field of it (the pages show its sentence, made from
// them), and whether its record has a history (the follow-up page links it).
void add_diagnostic(Digest& digest, const Diagnostic& d, bool has_history);
std::string format_number(double value, const std::string& language);
std::string format_sek(std::int64_t amount, const std::string& language);
const char* status_class(ActivityStatus s);
const char* plan_status_class(PlanStatus s);

// The change log shows the newest commits only (changes/index.html).
constexpr size_t kChangelogRevisions = 100;
// Its feed (changes.xml), the newest of those.
constexpr size_t kChangesFeedRevisions = 30;
// The recent events the start page and the Atom feed show.
constexpr size_t kHomeEvents = 10;
constexpr size_t kFeedEvents = 30;

// What the page families hand to those after them, passed explicitly (site/families.h says
// which family writes and which reads each part).
// A record's change, as the change log (changes/index.html) shows it.
struct ChangelogEntry {
    std::string title;
    std::string history_page;
    history::Difference difference;
};
using Changelog = std::map<size_t, std::vector<ChangelogEntry>>;  // by revision index

struct Handoff {
    Changelog changelog;        // written by every family with history pages; read by "changes"
};

// Built once per site and shared: the pages left to be made later (PageView::make) keep it alive
// and call its const members, which read only what the constructor set.
class Builder : public std::enable_shared_from_this<Builder> {
public:
    Builder(const Site& site, const SiteOptions& options, const PageSink& sink);

    SiteView run();

    // The page families (site/families.h), in site.cpp.
    void add_start_family(Handoff& handoff);
    void add_regional_family(Handoff& handoff);
    void add_groups_family(Handoff& handoff);
    void add_guidance_family(Handoff& handoff);
    void add_follow_up_family(Handoff& handoff);
    void add_indicators_family(Handoff& handoff);
    void add_meeting_papers_family(Handoff& handoff);
    void add_changes_family(Handoff& handoff);
    void add_versions_family(Handoff& handoff);
    void add_feeds_family(Handoff& handoff);

private:

    // The keys of an activity's pages: its history page and older versions share one (they
    // depend on its git history only, besides the group, the plan and the site); its own page
    // has one only when the file is exactly its newest commit (else its text is not named by git).
    struct RecordKeys {
        std::string history;
        std::string page;
        bool history_kept = false;  // the previous build's history pages are all still right
    };

    [[nodiscard]] bool incremental() const;

    // The open data files (site/open_data.h), made, or kept when their key is the previous build's.
    std::vector<FileView> open_data_views() const;

    RecordKeys activity_keys(const Group& g, const Plan& p, const Activity& a) const;

    const RecordKeys* keys_of(const std::string& record_path) const;

    // Hands on the page at `path` as kept from the previous build.
    void keep(std::string path, std::string key);
    void note_page(const std::string& path);  // for the sitemap

    struct Linked {
        const Group* group;
        const Plan* plan;
        const Activity* activity;
    };

    // "1 aktivitet", "3 aktiviteter".
    std::string count_text(size_t n) const;

    std::string href(const std::string& from, const std::string& to) const;

    // What every page carries: language, site name, navigation, footer links.
    Data common(const std::string& path, const std::string& title, const std::string& section) const;

    // Gives `d` what every page carries (see common()): the parts alike on all pages at the same
    // depth in the same section are shared, the rest set on `d`.
    void add_common(Data& d, const std::string& path, const std::string& title, const std::string& section) const;

    // The part of common() that depends only on the way back to the root and the section; made
    // once for each (pages are made on several threads).
    std::shared_ptr<const Data> shared_common(const std::string& root, const std::string& section) const;

    void add(std::string path, std::string layout, Data data, std::string key = {});

    // Incremental builds: hands on the page at `path` as kept when `key` is not empty and the
    // previous build wrote the page with that key; false (nothing done) otherwise.
    bool keep_if_unchanged(const std::string& path, const std::string& key);

    // The key of a page made from the records (the start page, the lists, a process's or a
    // goal's page, the follow-up pages, the feed): a digest of the site inputs, --today and
    // `path`, and of what `add` adds — what that page reads of the records and the warnings
    // (each family's own key function says what). Empty when the build is not incremental or
    // `add` answers false (a record file it names could not be read).
    std::string page_key(const std::string& path, const std::function<bool(Digest&)>& add) const;
    // Adds to `d` the record files an activity's summary (activity_summary) is made from: the
    // group's, the plan's and the activity's, each by its path and content_id. False when one
    // of them cannot be read.
    bool add_linked(Digest& d, const Group& g, const Plan& p, const Activity& a) const;

    // Whether the record at `record_path` was loaded from exactly its file's newest commit (its
    // text then named by git: the blob ids in the history keys): its content_id is that commit's
    // blob id. Asks nothing of the disk nor of git's index.
    bool named(const std::string& record_path) const;
    // The blob id of the text the record at `record_path` (a group's, plan's, activity's or
    // evaluation's) was made from: the bytes the load parsed, hashed as git would (committed or
    // not; model::Activity::blob and the like), not the file as it is by the time the pages are
    // made (a save meanwhile would key the old page by the new text). Empty for a path the model
    // has no record of. The same after the file is committed as before.
    const std::string& content_id(const std::string& record_path) const;
    // Adds to `d` the record files of group `g` (its own, its plans' and their activities', its
    // evaluations'), each by its path and content_id, and how many there are of each kind; false
    // when one of them cannot be read (then no key can be made from `d`).
    bool add_group_files(Digest& d, const Group& g) const;

    // A page whose data `make` makes later, on the thread that renders it, from this builder's
    // const members.
    void add_later(std::string path, std::string layout, std::function<Data(const Builder&)> make, std::string key = {});

    Data crumbs(const std::string& from, std::vector<std::pair<std::string, std::string>> trail) const;

    std::string target_group_label(const std::string& id) const;

    const Process* process_of(const Plan& p, const Activity& a) const;

    std::string period(const std::optional<Date>& start, const std::optional<Date>& end) const;

    Data activity_summary(const std::string& from, const Group& g, const Plan& p, const Activity& a) const;

    // The words and number format of the site's charts.
    ChartWords chart_words() const;

    // An indicator's figures as a chart's points: a regional one's are yearly, placed mid-year.
    static std::vector<ChartPoint> regional_points(const RegionalIndicator& ind);
    static std::vector<ChartPoint> local_points(const LocalIndicator& ind);
    // The chart (site/chart.h) of those points, in the site's words.
    Data chart_of(std::vector<ChartPoint> points, bool yearly) const;
    Data regional_chart(const RegionalIndicator& ind) const;
    Data local_chart(const LocalIndicator& ind) const;

    // What an indicator shows wherever it appears: its chart and table, its verdict and a link to
    // its own page. `level` is the heading level of the indicator's title where it is shown.
    Data indicator_view(const std::string& from, const std::string& id, const std::string& title, const std::string& unit,
                        int level, Data chart, const std::string& verdict, const std::string& page) const;

    Data regional_indicator(const std::string& from, const RegionalIndicator& ind, int level) const;

    // A goal with the number of activities linked to it and, with ActivityList::Full, those
    // activities (pages that show only the number leave the list out).
    enum class ActivityList { Count, Full };

    Data goal_summary(const std::string& from, const FocusArea& fa, const Goal& g, ActivityList list = ActivityList::Full,
                      int indicator_level = 4) const;

    void add_home();
    Data home_data(const std::string& path) const;
    // The start page's figures: the current plans' activities that are not cancelled, and of
    // them those ongoing and those finished (its key and its data count them alike).
    struct ActivityFigures {
        size_t activities = 0, ongoing = 0, finished = 0;
    };
    ActivityFigures activity_figures() const;

    // Something that happened, as the records tell it: a plan decided or revised, a progress
    // report, a final report, a meeting.
    struct Event {
        Date date;
        std::string what;   // UI string key
        std::string title;
        std::string group;
        std::string path;   // output path of the page that shows it
    };

    std::vector<Event> recent_events(size_t limit) const;
    // Adds to a page key what recent_events(limit) gives.
    void add_events(Digest& d, size_t limit) const;

    Data event_data(const std::string& from, const Event& e) const;

    // The Atom feed of recent events, and a sitemap when the site knows its address.
    void add_feed_and_sitemap(std::string_view pages);  // sitemap_pages_
    Data feed_data(const std::string& base) const;

    Data group_list(const std::string& from) const;
    // Adds to a page key what group_list() shows: each group's file, its current plan's file
    // and how many of that plan's activities are not cancelled.
    bool add_group_list(Digest& d) const;

    // The plan in force and the plan a meeting follows up (model/queries.h), as of options_.today.
    const Plan* current_plan(const Group& g) const;
    const Plan* followed_plan(const Group& g) const;

    void add_regional(Changelog& changelog);

    void add_focus_area(const FocusArea& fa);
    // Adds to a page key the activities linked to goal `g` (goal_summary's list), in order, each
    // by its files (add_linked); false when one cannot be read.
    bool add_goal_activities(Digest& d, const Goal& g) const;

    void add_goal(const FocusArea& fa, const Goal& g);

    void add_groups();
    Data groups_data(const std::string& path) const;

    void add_group(Changelog& changelog, const Group& g);
    Data group_data(const std::string& path, const Group& g) const;

    // Bars of a timeline: each activity's period as a share of the plan's span, in percent.
    // The plan's activities on a time axis from the plan's start (or its first activity's) to its end.
    Data timeline(const Plan& p) const;

    void add_plan(Changelog& changelog, const Group& g, const Plan& p);

    // What a plan page shows. An older version of a plan carries no activities of its own: its
    // page then shows the plan's own fields only.
    Data plan_data(const std::string& path, const Group& g, const Plan& p) const;

    // The plan's history page, with its activities' changes (after add_activity took their
    // versions), and its older versions.
    void add_plan_history(Changelog& changelog, const Group& g, const Plan& p);

    // The key of a plan's history page: the plan's own commits and its activities' (their keys).
    // Made once per plan (plan_history_keys_), after its activities' keys.
    std::string plan_history_key(const Group& g, const Plan& p) const;
    const std::string& plan_history_key_of(const Group& g, const Plan& p);

    // The key of a plan's own page from its inputs, when every file it shows is exactly its
    // newest commit (the plan's, its group's and its activities'); empty otherwise (the page is
    // then keyed by its data, once made).
    std::string plan_page_key(const Group& g, const Plan& p);

    // A plan's keys in incremental builds, made once (by the constructor): its page's
    // (plan_page_key), and its folder entry's (PageView::folder), which that page key holds
    // all of (every activity's page and history key, the plan's history key); both empty unless
    // every file of the plan is its newest commit. `kept`: the previous build listed the folder's
    // pages under the same key.
    struct PlanKeys {
        std::string page;
        std::string folder;
        bool kept = false;
    };
    [[nodiscard]] const PlanKeys* plan_keys_of(const Plan& p) const;

    // Keeps every page of the plan's folder entry at once, when the previous build made them
    // from the same inputs: hands on the entry, and gives the change log what it shows of the
    // plan and its activities. False (nothing done) otherwise.
    bool keep_plan_folder(Handoff& handoff, const Group& g, const Plan& p);
    // After a plan's pages (`pages` of them) were handed on one by one: their folder entry, for
    // the next build.
    void end_plan_folder(const Group& g, const Plan& p, size_t pages);

    [[nodiscard]] bool plan_history_kept(const Group& g, const Plan& p);

    // An activity that left a plan: its file deleted from the plan's activities' folder, or moved
    // out of it (to another plan or elsewhere). Its changes until then are in the plan's history.
    struct Departed {
        std::string file;  // where the history knows its revisions (history::History::file_revisions)
        std::string key;   // its versions' key in versions_ (the plan's path and `file`)
        size_t revision;   // the newest commit that took it out of the plan
    };
    // The activities that left the plan, newest departure first (removed_activities_).
    [[nodiscard]] const std::vector<Departed>& removed_activities(const Plan& p) const;

    void add_activity(Handoff& handoff, const Group& g, const Plan& p, const Activity& a);

    Data activity_data(const std::string& path, const Group& g, const Plan& p, const Activity& a) const;

    void add_evaluation(const Group& g, const GroupEvaluation& e);

    void add_processes();
    Data processes_data(const std::string& path) const;

    void add_process(const Process& pr);
    Data process_data(const std::string& path, const Process& pr) const;

    // A process's steps as a diagram (site/chart.h), with its steps in words for the diagram's
    // description; `caption_href` links the process's page from elsewhere.
    Data process_diagram_view(const Process& pr, const std::string& id, const std::string& caption_href) const;

    void add_page(Changelog& changelog, const Page& p);

    void add_accessibility();

    void add_search();

    void add_not_found();

    // A record whose history lists its commits without structured differences (groups, the
    // regional plan, pages). Their folders below history/ start with "_", which no id can.
    void add_plain_history(Changelog& changelog, Data& d, const std::string& from, const std::string& record_path, std::string history_page,
                           const std::string& title, std::vector<std::pair<std::string, std::string>> trail);

    void set_last_changed(Data& d, const std::string& from, const std::string& record_path, const std::string& history_page) const;

    // The newest change of the files `record_paths` and of the commits `revisions`.
    void set_last_changed(Data& d, const std::string& from, const std::vector<std::string>& record_paths,
                          const std::string& history_page, const std::vector<size_t>& revisions = {}) const;

    // A change of step as "5 Avrapportering": the number with the name of that step of the
    // activity's process (the history page `path` tells which activity).
    history::Difference with_step_names(const std::string& path, const history::Difference& diff) const;

    // Why the history is incomplete, in the site's language (the history stage's note is for
    // the command line, in English); empty when it is complete.
    std::string history_note() const;

    // One difference in the site's language; "text" differences carry their word runs.
    Data difference_data(const history::Difference& diff) const;

    // Makes an older version's page (the record as it was, at the path given), from what
    // `versions` holds.
    using OldPage = std::function<Data(const Builder&, const std::string&)>;

    // The history page at `path` of the record whose page is `current_page`, and a page of layout
    // `layout` for each older version that `page_of` can make. The pages are made later, on the
    // render threads; here only the change log takes what it shows.
    void add_record_history(Changelog& changelog, const std::string& path, const std::string& title, const std::string& current_page,
                            const std::shared_ptr<const std::vector<history::RecordVersion>>& shared_versions,
                            const std::string& layout, const std::function<OldPage(const history::RecordVersion&)>& page_of, std::vector<std::pair<std::string, std::string>> trail,
                            const std::string& key = {});

    // The history page at `path` and the older versions' pages of a record whose history the
    // previous build published from the same inputs (`key`): kept as they are. `versions` holds
    // only the newest versions, those the change log needs.
    void keep_record_history(Changelog& changelog, const std::string& path, const std::string& title, const std::string& record_path,
                             const std::vector<history::RecordVersion>& versions, const std::string& key);

    // What the change log shows of a record's versions: those of its newest commits.
    void note_changes(Changelog& changelog, const std::string& path, const std::string& title, const std::vector<history::RecordVersion>& versions);

    // A difference that names a draft activity, which stays unpublished, in the history too.
    bool draft_difference(const history::Difference& diff) const;

    // What a record's history page shows: every version, what changed in it, and a link to the
    // page of each version that has one (`has_page`) or to the record's own page for the current.
    Data history_data(const std::string& path, const std::string& title, const std::string& current_page,
                      const std::vector<history::RecordVersion>& versions, const std::vector<char>& has_page,
                      const std::vector<std::pair<std::string, std::string>>& trail) const;

    // The site-wide change log: the newest commits and, per record they touched, what changed
    // (its page and its feed, made later from `changelog`).
    void add_changelog(Changelog&& changelog);
    // The key of the change log's page or feed at `path`: the site inputs, --today, and what they
    // show of the newest `revisions` commits (each by its id and author) and of `changelog`'s
    // entries for them (each record's title, history page and differences, and a step's process).
    std::string changelog_key(const std::string& path, const Changelog& changelog, size_t revisions) const;
    Data changes_data(const std::string& path, const Changelog& changelog) const;
    Data changes_feed_data(const Changelog& changelog) const;

    void add_versions();

    // The page that shows the record a diagnostic is about, and the group it belongs to.
    struct Subject {
        std::string group;  // group id, empty for regional records
        std::string page;   // output path, empty when no page shows it
        std::string title;
        std::string history;  // its history page
    };

    Subject subject_of(const std::string& path) const;

    // The indexes subject_of, warnings_for and warning_count_for_group look in (made once, by the
    // constructor: the follow-up pages ask for every warning's, the group pages for each group's).
    void index_subjects_and_warnings();
    void index_subjects() const;  // record_subjects_, once (subjects_once_)
    // The groups whose folder ("groups/<id>/") is a prefix of `path`, by their index in the site.
    std::vector<size_t> groups_holding(const std::string& path) const;

    // The warning in the site's language: the theme's "warning_<rule>" with {0}, {1}… filled
    // from the warning's values, else the checker's own message.
    std::string warning_text(const Diagnostic& d) const;

    // A warning as text with its dates apart: {text, date} pieces, so that a theme can keep each
    // date on one line (<span class="date">).
    static Data text_with_dates(const std::string& text);

    std::vector<const Diagnostic*> warnings_for(const std::string& path) const;

    size_t warning_count_for_group(const std::string& group_id) const;

    // A warning on the follow-up page; `s` is subject_of(d.path).
    Data warning_item(const std::string& from, const Diagnostic& d, const Subject& s) const;

    void add_follow_up();
    Data follow_up_data(const std::string& path) const;

    // Non-cancelled activities of a group's current plan, by focus area or goal id.
    std::map<std::string, size_t> coverage_counts(const Group& g, bool by_goal) const;

    void add_coverage();
    Data coverage_data(const std::string& path) const;

    // An indicator's on-track verdict (model/queries.h) as a UI string key ("track_on").
    static std::string verdict_key(model::Track track);
    static std::string regional_verdict(const RegionalIndicator& ind);
    static std::string local_verdict(const LocalIndicator& ind);

    void add_indicator_page(const std::string& path, const std::string& title, const std::string& unit,
                            const std::string& owner, const std::string& owner_href_target,
                            std::vector<ChartPoint> points, bool yearly, const std::string& verdict,
                            std::vector<std::pair<std::string, std::string>> trail, const std::string& plan_target = "",
                            std::string key = {});

    void add_indicators();
    Data indicators_data(const std::string& path) const;

    // The standing agenda item "follow-up of the plan", on one printable page per group.
    void add_meeting_paper(const Group& g);
    Data meeting_paper_data(const std::string& path, const Group& g) const;
    // The key of a group's meeting paper from its inputs: the site inputs, --today, the group's
    // id and name, the plan it follows up with the blob ids of its file and its activities'
    // (content_id) and the warnings about them; empty when one cannot be read.
    std::string meeting_paper_key(const Group& g) const;

    // iCalendar text: escape , ; \ and newlines, fold lines at 75 octets (RFC 5545). TEXT allows
    // no control character but tab: the others, and what no published format allows, become U+FFFD.
    static std::string ics_text(const std::string& s);

    static void ics_line(std::string& out, const std::string& line);

    static std::string ics_date(const Date& d);

    std::string calendar(const Group& g) const;
    // The key of a group's calendar from its inputs: the site inputs, --today (its stamp), the
    // group's id and name and each of its plans' page keys (plan_page_key: the plan's and its
    // activities' files); empty when a plan has none (a file edited in the working folder).
    std::string calendar_key(const Group& g) const;

    const Site& site_;
    const SiteOptions& options_;
    const PageSink& sink_;
    const Strings& s_;
    std::string lang_;
    std::map<std::string, const FocusArea*> goal_area_;
    std::map<std::string, std::vector<Linked>> activities_by_goal_;
    std::map<std::string, const Process*> process_of_history_;
    std::set<std::string> noted_;  // the history pages whose changes the change log has
    std::map<std::string, std::vector<history::RecordVersion>> plan_versions_;  // from add_plan to add_plan_history
    // By plan path: the activities once in its folder and not there now, newest departure first.
    std::map<std::string, std::vector<Departed>> removed_activities_;
    // Each plan's activities' versions, from add_activity until add_plan_history takes them.
    std::map<std::string, std::vector<std::pair<const Activity*, std::shared_ptr<const std::vector<history::RecordVersion>>>>>
        activity_histories_;
    // A hash that finds a string key by a view of it (no string made for each look-up).
    struct ViewHash {
        using is_transparent = void;
        size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
    };
    // "groups/<id>/" → the first group with it (looked up by views: groups_holding asks of every
    // folder above each warning's path).
    std::unordered_map<std::string, size_t, ViewHash, std::equal_to<>> group_by_folder_;
    // The warnings' records (plans and activities) by path: each group that has one there, and what subject_of tells of it.
    mutable std::unordered_map<std::string, std::vector<std::pair<size_t, Subject>>> record_subjects_;
    mutable std::once_flag subjects_once_;
    std::unordered_map<std::string, std::vector<const Diagnostic*>> warnings_by_path_;  // in the check's order
    std::unordered_map<std::string, size_t> warnings_by_group_;  // by group id
    SiteView view_;
    std::string sitemap_pages_;  // note_page: the sitemap's pages handed to the sink, in order, each followed by '\n'
    std::map<std::string, RecordKeys> record_keys_;  // by record path, in incremental builds
    std::unordered_map<std::string, std::string> plan_history_keys_;  // by plan path, in incremental builds
    std::unordered_map<std::string, PlanKeys> plan_keys_;  // by plan path, in incremental builds
    // content_id(): each record's blob id in the model, by its path (made once, content_ids_once_).
    mutable std::unordered_map<std::string_view, const std::string*> content_ids_;
    mutable std::once_flag content_ids_once_;
    // add_linked(): each activity's files as one word, none when one cannot be read (the
    // builder's thread only).
    mutable std::unordered_map<const Activity*, std::optional<std::uint64_t>> linked_;
    size_t handed_ = 0;  // pages handed on so far (not folder entries)
    std::unique_ptr<VersionPrefetch> versions_;  // set when there is history
    std::vector<size_t> group_order_;  // the order the groups' pages are made in (indices into site_.groups)
    mutable std::mutex common_mutex_;
    mutable std::map<std::string, std::shared_ptr<const Data>> common_cache_;  // shared_common(), by root and section
};

}  // namespace samplan::site
