// content/layout.h — where each kind of record lives in the content folder (the content model's
// layout), spelled out here only: the loader walks it, `samplan new` writes into it, the history
// follows a plan's activities in it and the build tells the groups' records from the rest.
#pragma once

#include <string>

namespace samplan::content::layout {

inline constexpr const char* kSite = "site.toml";
inline constexpr const char* kRegionalPlan = "regional/plan.toml";
inline constexpr const char* kProcesses = "processes";  // <process>.toml
inline constexpr const char* kPages = "pages";          // <page>.md
inline constexpr const char* kGroups = "groups";        // one folder per group
inline constexpr const char* kTheme = "theme";          // the site's own theme files, over the theme's

inline std::string process_file(const std::string& process) { return std::string(kProcesses) + "/" + process + ".toml"; }
inline std::string page_file(const std::string& page) { return std::string(kPages) + "/" + page + ".md"; }

inline std::string group_dir(const std::string& group) { return std::string(kGroups) + "/" + group; }
inline std::string group_file(const std::string& group) { return group_dir(group) + "/group.toml"; }
inline std::string evaluations_dir(const std::string& group) { return group_dir(group) + "/evaluations"; }
inline std::string evaluation_file(const std::string& group, const std::string& evaluation) {
    return evaluations_dir(group) + "/" + evaluation + ".md";
}
inline std::string plans_dir(const std::string& group) { return group_dir(group) + "/plans"; }
inline std::string plan_dir(const std::string& group, const std::string& plan) { return plans_dir(group) + "/" + plan; }
inline std::string plan_file(const std::string& group, const std::string& plan) { return plan_dir(group, plan) + "/plan.toml"; }
inline std::string activities_dir(const std::string& group, const std::string& plan) {
    return plan_dir(group, plan) + "/activities";
}
inline std::string activity_file(const std::string& group, const std::string& plan, const std::string& activity) {
    return activities_dir(group, plan) + "/" + activity + ".md";
}
// The activities' folder beside a plan's file (plan_file), wherever that file was.
inline std::string activities_beside(const std::string& plan_file) {
    return plan_file.substr(0, plan_file.rfind('/') + 1) + "activities";
}
// The plan file beside the activities' folder that holds `activity_file` ("" when that file is
// not in a folder named so): the inverse of activities_beside.
inline std::string plan_beside(const std::string& activity_file) {
    const size_t slash = activity_file.rfind('/');
    const std::string folder = slash == std::string::npos ? std::string() : activity_file.substr(0, slash);
    const size_t start = folder.rfind('/') + 1;  // 0 when the folder is at the top
    if (folder.compare(start, std::string::npos, "activities") != 0) return {};
    return folder.substr(0, start) + "plan.toml";
}
// The group file of the group that holds the plan file `plan_file` ("" when it is not in a group).
inline std::string group_file_beside(const std::string& plan_file) {
    std::string dir = plan_file;  // <group>/plans/<plan>/plan.toml
    for (int up = 0; up < 3; ++up) {
        const size_t slash = dir.rfind('/');
        if (slash == std::string::npos) return {};
        dir.resize(slash);
    }
    return dir + "/group.toml";
}

}  // namespace samplan::content::layout
