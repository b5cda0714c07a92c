// site/paths.h — the output path of every kind of page: one function per kind, so that no two
// records can share a path. Used by the page families (site/builder.h) and nowhere else.
#pragma once

#include <string>

namespace samplan::site {

inline std::string home_path() { return "index.html"; }
inline std::string regional_path() { return "regional/index.html"; }
inline std::string focus_path(const std::string& fa) { return "regional/" + fa + "/index.html"; }
inline std::string goal_path(const std::string& fa, const std::string& goal) { return "regional/" + fa + "/" + goal + "/index.html"; }
inline std::string groups_path() { return "groups/index.html"; }
inline std::string group_path(const std::string& g) { return "groups/" + g + "/index.html"; }
inline std::string plan_path(const std::string& g, const std::string& p) { return "groups/" + g + "/" + p + "/index.html"; }
inline std::string activity_path(const std::string& g, const std::string& p, const std::string& a) {
    return "groups/" + g + "/" + p + "/" + a + "/index.html";
}
inline std::string evaluation_path(const std::string& g, const std::string& e) { return "evaluations/" + g + "/" + e + "/index.html"; }
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
inline std::string changes_path() { return "changes/index.html"; }
inline std::string versions_path() { return "versions/index.html"; }

}  // namespace samplan::site
