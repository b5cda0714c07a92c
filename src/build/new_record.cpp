#include "build/new_record.h"

#include <filesystem>
#include <fstream>

#include "build/build.h"
#include "content/content.h"
#include "content/layout.h"
#include "core/date.h"
#include "core/text.h"

namespace samplan::build {
namespace fs = std::filesystem;
namespace {

std::string toml_string(const std::string& s) {
    std::string out = "\"";
    for (const char c : s) out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return out + "\"";
}

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

std::string group_text(const std::string& id, const Date& today) {
    return "# Lokal samverkansgrupp. Se docs/ och samplan check.\n"
           "name = " + toml_string("Lokal samverkansgrupp " + id) + "   # gruppens namn (krävs)\n"
           "kind = \"lokal\"                   # \"lokal\" eller \"politisk\"\n"
           "draft = true                      # utkast: publiceras inte förrän raden tas bort\n"
           "municipality = \"\"                # kommunen\n"
           "principals = [\"Kommunen\", \"Regionen\"]   # huvudmännen: minst två (krävs)\n"
           "description = \"\"\"\nVad gruppen arbetar med.\n\"\"\"\n\n"
           "[[members]]                       # en tabell per ledamot\n"
           "name = \"Förnamn Efternamn\"\n"
           "principal = \"Kommunen\"           # en av huvudmännen ovan\n"
           "role = \"ordförande\"\n\n"
           "[[meetings]]                      # ett möte per tabell\n"
           "date = " + today.iso() + "\n"
           "plan_followed_up = true           # stående punkt: uppföljning av handlingsplanen\n"
           "notes = \"\"\n";
}

std::string plan_text(const std::string& group, const std::string& process, const Date& today) {
    const Date start{today.year, 1, 1}, end{today.year, 12, 31};
    return "# Lokal handlingsplan för " + group + ".\n"
           "title = " + toml_string("Lokal handlingsplan " + std::to_string(today.year)) + "   # (krävs)\n"
           "start = " + start.iso() + "              # (krävs)\n"
           "end = " + end.iso() + "                # (krävs), inte före start\n"
           "status = \"utkast\"                 # utkast | beslutad | avslutad\n"
           "# decided = " + today.iso() + "       # beslutsdatum: krävs när planen är beslutad\n"
           "# sent_to_office = " + today.iso() + "  # skickad till kansliet för kännedom\n"
           "revised = []                      # datum för årliga revideringar\n"
           "analysis = \"\"\"\nSteg 1, lokal analys: hinder, \"gap/skav\" och förslag till utvecklingsområden.\n\"\"\"\n"
           "process = " + toml_string(process) + "            # process för planens aktiviteter\n";
}

std::string activity_text(const model::Site& site, const model::Group& group, const Date& today) {
    std::string focus_area, goal, target_group = "vuxna";
    if (!site.regional.focus_areas.empty()) {
        focus_area = site.regional.focus_areas.front().id;
        if (!site.regional.focus_areas.front().goals.empty()) goal = site.regional.focus_areas.front().goals.front().id;
    }
    if (!site.settings.target_groups.empty()) target_group = site.settings.target_groups.front().id;
    std::string text =
        "+++\n"
        "title = \"Ny aktivitet\"            # aktivitetens namn (krävs)\n"
        "draft = true                      # utkast: publiceras inte förrän raden tas bort\n"
        "target_group = " + toml_string(target_group) + "   # en nyckel i [target_groups] i site.toml (krävs)\n"
        "focus_area = " + toml_string(focus_area) + "   # ett fokusområde i den regionala planen (krävs)\n"
        "goal = " + toml_string(goal) + "   # ett mål inom fokusområdet (krävs)\n"
        "step = 1                          # steg i processen just nu\n"
        "status = \"planerad\"               # planerad | pågår | avslutad | avbruten\n"
        "start = " + today.iso() + "              # (krävs)\n"
        "end = " + Date{today.year, 12, 31}.iso() + "                # (krävs), inte före start\n"
        "priority = 1                      # ordning i planen\n\n"
        "[assignment]                      # uppdragshandling (steg 3)\n"
        "scope = \"\"                        # vad uppdraget gäller: målgrupp, syfte, aktivitet\n"
        "goal = \"\"                         # vad vill vi uppnå?\n"
        "reporting = \"\"                    # former för avrapportering\n"
        "final_report_form = \"\"            # form för slutrapportering\n"
        "resources = \"\"                    # resurser utöver egen insats\n";
    bool first = true;
    for (const auto& p : group.principals) {
        text += "\n[[working_group]]                  # minst en person från varje huvudman\n"
                "name = \"Förnamn Efternamn\"\n"
                "principal = " + toml_string(p) + "\n"
                "convener = " + (first ? "true" : "false") + "                   # exakt en sammankallande\n";
        first = false;
    }
    text +=
        "\n[[subgoals]]                      # delmål: vem gör vad, när (steg 4)\n"
        "title = \"Första delmålet\"\nresponsible = \"\"\ndue = " + Date{today.year, 12, 31}.iso() + "\ndone = false\n\n"
        "# [[indicators]]                  # lokala indikatorer: hur resultatet mäts\n"
        "# id = \"antal\"\n# title = \"\"\n# unit = \"personer\"\n"
        "# baseline = { date = " + today.iso() + ", value = 0 }\n"
        "# target = { date = " + Date{today.year, 12, 31}.iso() + ", value = 100 }\n# values = []\n\n"
        "# [[reports]]                     # avrapportering till gruppen (steg 5)\n"
        "# date = " + today.iso() + "\n# progress = \"\"\n# works_well = \"\"\n# works_less_well = \"\"\n# on_schedule = true\n\n"
        "# [final_report]                  # slutrapport (steg 6): krävs när status = \"avslutad\"\n"
        "# date = " + today.iso() + "\n# goal_reached = \"\"\n# added_value = \"\"\n# use_of_results = \"\"\n"
        "# sent_to_office = " + today.iso() + "\n\n"
        "# [evaluation]                    # utvärdering (steg 8)\n"
        "# learned_target_group = \"\"\n# learned_prevention = \"\"\n# learned_collaboration = \"\"\n\n"
        "# [funding]                       # finansiering (samordningsförbund)\n"
        "# applied = " + today.iso() + "\n# amount_sek = 0\n# board_decision = " + today.iso() + "\n# granted = true\n"
        "+++\nBeskriv aktiviteten för allmänheten.\n";
    return text;
}

std::string evaluation_text(const Date& today) {
    return "+++\n"
           "title = " + toml_string("Utvärdering " + std::to_string(today.year)) + "\n"
           "date = " + today.iso() + "\n"
           "draft = true            # utkast: publiceras inte förrän raden tas bort\n"
           "went_well = \"\"          # Vad har vi gjort som har varit bra?\n"
           "worked_less_well = \"\"   # Vad har fungerat mindre bra?\n"
           "carry_forward = \"\"      # Vilka erfarenheter tar vi med oss?\n"
           "+++\nMinnesanteckningar från utvärderingen.\n";
}

NewRecordResult new_record(const std::string& content, const std::vector<std::string>& words, const Date& today) {
    const auto fail = [](std::string message) { return NewRecordResult{kFailed, std::move(message)}; };
    // The model only: what is there to refer to (its diagnostics are samplan check's business).
    Loaded loaded;
    load_and_check(*content::make_disk_source(content), LoadOptions{today, false, false, {}, {}, false}, loaded);
    const model::Site& site = loaded.site;
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
        return fail("no group " + quote(words[1]) + suggestion(words[1], ids));
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
            return fail("group " + quote(words[1]) + " has no plan " + quote(words[2]) + suggestion(words[2], ids));
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
        return fail(full.string() + " exists already; not overwritten");
    }
    fs::create_directories(full.parent_path(), ec);
    std::ofstream file(full, std::ios::binary);
    file << text;
    if (!file) {
        return fail("cannot write " + full.string());
    }
    return {kOk, full.string()};
}

}  // namespace samplan::build
