#include "edit/templates.h"

#include "edit/record_edit.h"

namespace samplan::edit {

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

}  // namespace samplan::edit
