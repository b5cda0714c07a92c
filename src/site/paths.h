// site/paths.h — the output path of every file the site has: one function per kind of page or
// file, so that no two records can share a path and no other file spells one out. Used by the
// page families (site/builder.h) and by the build stage (the theme's assets, archived versions,
// the parts of the search index).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace samplan::site {

inline std::string home_path() { return "index.html"; }
inline std::string regional_path() { return "regional/index.html"; }
inline std::string focus_path(const std::string& fa) { return "regional/" + fa + "/index.html"; }
inline std::string goal_path(const std::string& fa, const std::string& goal) { return "regional/" + fa + "/" + goal + "/index.html"; }
// A group's own pages, its plans' and activities' are under groups/<g>/, its evaluations under
// evaluations/<g>/ (see group_of_path).
inline constexpr const char* kGroupsFolder = "groups/";
inline constexpr const char* kEvaluationsFolder = "evaluations/";
inline std::string groups_path() { return kGroupsFolder + std::string("index.html"); }
inline std::string group_path(const std::string& g) { return kGroupsFolder + g + "/index.html"; }
inline std::string plan_path(const std::string& g, const std::string& p) { return kGroupsFolder + g + "/" + p + "/index.html"; }
inline std::string activity_path(const std::string& g, const std::string& p, const std::string& a) {
    return kGroupsFolder + g + "/" + p + "/" + a + "/index.html";
}
inline std::string evaluation_path(const std::string& g, const std::string& e) { return kEvaluationsFolder + g + "/" + e + "/index.html"; }
// The group whose folder holds the file at `path` (groups/<g>/… or evaluations/<g>/…), or none.
inline std::optional<std::string_view> group_of_path(std::string_view path) {
    for (const std::string_view folder : {kGroupsFolder, kEvaluationsFolder}) {
        if (path.substr(0, folder.size()) != folder) continue;
        const size_t end = path.find('/', folder.size());
        if (end != std::string_view::npos) return path.substr(folder.size(), end - folder.size());
    }
    return std::nullopt;
}
inline std::string processes_path() { return "processes/index.html"; }
inline std::string process_path(const std::string& id) { return "processes/" + id + "/index.html"; }
inline std::string page_path(const std::string& id) { return "pages/" + id + "/index.html"; }
inline std::string accessibility_path() { return "tillganglighet/index.html"; }
inline std::string search_path() { return "search/index.html"; }
inline std::string follow_up_path() { return "follow-up/index.html"; }
inline std::string coverage_path() { return "follow-up/coverage/index.html"; }
inline std::string indicators_path() { return "indicators/index.html"; }
inline std::string regional_indicator_path(const std::string& id) { return "indicators/regional/" + id + "/index.html"; }
// An activity's indicator and history pages are files in its plan's folder, not folders of their
// own (a large site has tens of thousands of activities, and every folder costs the file system
// more than a file): "_" cannot be in an id, so "<activity>_<indicator>" clashes with nothing.
inline std::string local_indicator_path(const std::string& g, const std::string& p, const std::string& a, const std::string& id) {
    return "indicators/local/" + g + "/" + p + "/" + a + "_" + id + ".html";
}
inline std::string meeting_paper_path(const std::string& g) { return "meeting-papers/" + g + "/index.html"; }
inline std::string calendar_path(const std::string& g) { return "calendars/" + g + ".ics"; }
inline std::string plan_history_path(const std::string& g, const std::string& p) { return "history/" + g + "/" + p + "/index.html"; }
// The name of a plan's folder entry in incremental builds (PageView::folder): the plan's page and
// its activities' (groups/<g>/<p>/), their history pages and older versions (history/<g>/<p>/).
inline std::string plan_folder_path(const std::string& g, const std::string& p) { return kGroupsFolder + g + "/" + p + "/"; }
// (In a folder of the plan's history folder: an activity may be called "index".)
inline std::string activity_history_path(const std::string& g, const std::string& p, const std::string& a) {
    return "history/" + g + "/" + p + "/activities/" + a + ".html";
}
// Revisions live beside the history page, one file each (not a folder each: a site with a long
// history has thousands): "history/<g>/<p>/_<commit>.html" beside a plan's history page
// (…/index.html), "history/<g>/<p>/activities/<activity>_<commit>.html" beside an activity's.
// "_" cannot be in an id, so none of them clashes with an activity's history page.
inline std::string revision_path(const std::string& history_page, const std::string& short_id) {
    const std::string index = "index.html";
    if (history_page.size() >= index.size() && history_page.compare(history_page.size() - index.size(), index.size(), index) == 0)
        return history_page.substr(0, history_page.size() - index.size()) + "_" + short_id + ".html";
    return history_page.substr(0, history_page.size() - 5) + "_" + short_id + ".html";
}
// The plain history pages of what has no history page of its own kind: the regional plan, a
// group, a page ("_" cannot be in an id: no group is called "_regional" or "_pages").
inline std::string regional_history_path() { return "history/_regional/index.html"; }
inline std::string group_history_path(const std::string& g) { return "history/" + g + "/index.html"; }
inline std::string page_history_path(const std::string& id) { return "history/_pages/" + id + "/index.html"; }
inline std::string changes_path() { return "changes/index.html"; }
inline std::string versions_path() { return "versions/index.html"; }
// The folder of an archived version (a tag): the whole site as it was, under it.
inline std::string version_prefix(const std::string& tag) { return "versions/" + tag + "/"; }

// Files that are not pages.
inline std::string not_found_path() { return "404.html"; }
inline std::string feed_path() { return "feed.xml"; }
inline std::string changes_feed_path() { return "changes.xml"; }
inline std::string sitemap_path() { return "sitemap.xml"; }
// The n-th (from 1) sitemap of a site with more addresses than one sitemap may hold (sitemap.xml
// is then their index).
inline std::string sitemap_part_path(size_t n) { return "sitemap-" + std::to_string(n) + ".xml"; }
inline std::string site_data_path() { return "data/site.json"; }
inline std::string data_package_path() { return "data/datapackage.json"; }
inline std::string activities_csv_path() { return "data/activities.csv"; }
inline std::string indicators_csv_path() { return "data/indicators.csv"; }
// The theme's assets (CSS, JavaScript, images), by their name in the theme's assets/.
inline std::string asset_path(const std::string& name) { return "assets/" + name; }

// A page's address under the site's address `base` (ending in '/'): a folder's index.html is left
// out, as web servers answer for it ("https://…/changes/" for changes/index.html).
inline std::string page_url(const std::string& base, const std::string& path) {
    const std::string index = "index.html";
    if (path.size() >= index.size() && path.compare(path.size() - index.size(), index.size(), index) == 0)
        return base + path.substr(0, path.size() - index.size());
    return base + path;
}

}  // namespace samplan::site
