// tests/unit/pipeline.h — builds a small site from strings and runs it through the stages.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "check/check.h"
#include "content/content.h"
#include "model/build.h"

namespace doctest {
// Shows diagnostics lines one per line when an assertion fails.
template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& lines) {
        std::string out = "{\n";
        for (const auto& l : lines) out += "  " + l + "\n";
        return (out + "}").c_str();
    }
};
}  // namespace doctest

namespace samplan::test {

// A minimal valid site; tests override or add files.
inline std::map<std::string, std::string> minimal_site() {
    return {
        {"site.toml", "title = \"T\"\n"},
        {"regional/plan.toml",
         "title = \"R\"\n[[focus_areas]]\nid = \"fa\"\ntitle = \"F\"\n[[focus_areas.goals]]\nid = \"fa-1\"\n"
         "title = \"G\"\n[[focus_areas]]\nid = \"fb\"\ntitle = \"F2\"\n[[focus_areas.goals]]\nid = \"fb-1\"\n"
         "title = \"G2\"\n"},
        {"processes/p.toml", "title = \"P\"\n[[steps]]\nid = \"s1\"\ntitle = \"S1\"\n[[steps]]\nid = \"s2\"\ntitle = \"S2\"\n"},
        {"groups/g/group.toml", "name = \"G\"\nprincipals = [\"K\", \"R\"]\n"},
        {"groups/g/plans/p1/plan.toml",
         "title = \"P\"\nstart = 2025-01-01\nend = 2025-12-31\nstatus = \"beslutad\"\ndecided = 2025-01-10\n"
         "sent_to_office = 2025-01-20\nprocess = \"p\"\n"},
    };
}

// An activity's front matter with a valid working group; `extra` is appended to the TOML.
inline std::string activity(const std::string& extra = "", const std::string& status = "planerad") {
    return "+++\ntitle = \"A\"\ntarget_group = \"vuxna\"\nfocus_area = \"fa\"\ngoal = \"fa-1\"\nstatus = \"" + status +
           "\"\nstart = 2025-02-01\nend = 2025-11-30\n" + extra +
           "[[working_group]]\nname = \"X\"\nprincipal = \"K\"\nconvener = true\n[[working_group]]\nname = \"Y\"\n"
           "principal = \"R\"\n+++\nBody\n";
}

struct PipelineResult {
    model::Site site;
    std::vector<std::string> lines;
};

inline PipelineResult run_pipeline(const std::map<std::string, std::string>& files, Date today = {2025, 6, 1}) {
    content::MemorySource source(files);
    Diagnostics d;
    const auto records = content::load_records(source, d);
    PipelineResult result{model::build_model(records, d), {}};
    check::run_checks(result.site, check::CheckOptions{today, nullptr}, d);
    d.sort();
    for (const auto& x : d.all()) result.lines.push_back(format_text(x));
    return result;
}

}  // namespace samplan::test
