#include "cli/new_record.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>

#include "build/build.h"
#include "content/content.h"
#include "content/layout.h"
#include "core/date.h"
#include "core/text.h"
#include "edit/templates.h"

namespace samplan::cli {
namespace fs = std::filesystem;
using edit::activity_text;
using edit::evaluation_text;
using edit::group_text;
using edit::plan_text;
namespace {

constexpr const char* kHelp = R"(Usage: samplan new KIND IDS… [--content DIR]

  samplan new group ID                  groups/ID/group.toml
  samplan new plan GROUP ID             groups/GROUP/plans/ID/plan.toml
  samplan new activity GROUP PLAN ID    groups/GROUP/plans/PLAN/activities/ID.md
  samplan new evaluation GROUP ID       groups/GROUP/evaluations/ID.md

Writes the record with every key of the content model, commented in Swedish, with today's dates
and the references that can be known (principals, process, focus area) filled in. Never
overwrites a file. Ids are 1 to 64 of a-z, 0-9 and '-'. A group.toml or plan.toml starts with
a '#:schema' line naming its JSON Schema (when schemas/ lies beside the content folder), so that
editors with Taplo validate and complete it while typing.
)";

// The `#:schema` line that makes Taplo (Even Better TOML and other editors) validate and complete
// a new TOML record: a path relative to the record, when the schemas lie beside the content folder
// (schemas/ at the top of a samplan checkout or a site repository); else no line, since an
// absolute path would only hold on this machine.
std::string schema_directive(const std::string& content, const std::string& record, const std::string& schema) {
    std::error_code ec;
    const fs::path file = fs::weakly_canonical(fs::absolute(fs::path(content) / ".." / "schemas" / schema, ec), ec);
    if (ec || !fs::is_regular_file(file, ec)) return "";
    const fs::path folder = fs::weakly_canonical(fs::absolute(fs::path(content) / record, ec), ec).parent_path();
    if (ec) return "";
    const fs::path relative = file.lexically_relative(folder);
    return relative.empty() ? "" : "#:schema " + relative.generic_string() + "\n";
}

}  // namespace

int new_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::string content = "content";
    std::vector<std::string> words;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "-h" || args[i] == "--help") {
            out << kHelp;
            return build::kOk;
        }
        if (args[i] == "--content" && i + 1 < args.size()) content = args[++i];
        else if (args[i].rfind("--content=", 0) == 0) content = args[i].substr(10);
        else words.push_back(args[i]);
    }
    const std::vector<std::pair<std::string, size_t>> kinds = {{"group", 1}, {"plan", 2}, {"activity", 3}, {"evaluation", 2}};
    auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return !words.empty() && k.first == words[0]; });
    if (kind == kinds.end() || words.size() != kind->second + 1) {
        err << "samplan new: " << (words.empty() ? std::string("what?") : "unexpected arguments") << "\n" << kHelp;
        return build::kFailed;
    }
    for (size_t i = 1; i < words.size(); ++i)
        if (!is_valid_id(words[i])) {
            err << "samplan new: bad id " << quote(words[i]) << ": use 1 to 64 of a-z, 0-9 and '-'\n";
            return build::kFailed;
        }
    // The model only: what is there to refer to (its diagnostics are samplan check's business).
    build::Loaded loaded;
    build::load_and_check(*content::make_disk_source(content), build::LoadOptions{today_local(), false, false, {}, {}, false},
                          loaded);
    const model::Site& site = loaded.site;
    const Date today = today_local();
    auto find_group = [&](const std::string& id) -> const model::Group* {
        for (const auto& g : site.groups)
            if (g.id == id) return &g;
        return nullptr;
    };
    std::string path, text;
    const std::string& what = words[0];
    if (what != "group" && !find_group(words[1])) {
        std::vector<std::string> ids;
        for (const auto& g : site.groups) ids.push_back(g.id);
        err << "samplan new: no group " << quote(words[1]) << suggestion(words[1], ids) << "\n";
        return build::kFailed;
    }
    if (what == "group") {
        path = content::layout::group_file(words[1]);
        text = group_text(words[1], today);
    } else if (what == "plan") {
        path = content::layout::plan_file(words[1], words[2]);
        text = plan_text(find_group(words[1])->name, site.processes.empty() ? "vagledning" : site.processes.front().id, today);
    } else if (what == "activity") {
        const auto* group = find_group(words[1]);
        if (!fs::exists(fs::path(content) / content::layout::plan_file(words[1], words[2]))) {
            std::vector<std::string> ids;
            for (const auto& p : group->plans) ids.push_back(p.id);
            err << "samplan new: group " << quote(words[1]) << " has no plan " << quote(words[2]) << suggestion(words[2], ids) << "\n";
            return build::kFailed;
        }
        path = content::layout::activity_file(words[1], words[2], words[3]);
        text = activity_text(site, *group, today);
    } else {
        path = content::layout::evaluation_file(words[1], words[2]);
        text = evaluation_text(today);
    }
    if (what == "group") text = schema_directive(content, path, "group.json") + text;
    if (what == "plan") text = schema_directive(content, path, "plan.json") + text;
    const fs::path full = fs::path(content) / path;
    std::error_code ec;
    if (fs::exists(full, ec) || fs::is_symlink(full, ec)) {
        err << "samplan new: " << full.string() << " exists already; not overwritten\n";
        return build::kFailed;
    }
    fs::create_directories(full.parent_path(), ec);
    std::ofstream file(full, std::ios::binary);
    file << text;
    if (!file) {
        err << "samplan new: cannot write " << full.string() << "\n";
        return build::kFailed;
    }
    out << "samplan: created " << full.string() << "\n";
    return build::kOk;
}

}  // namespace samplan::cli
