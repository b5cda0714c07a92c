// core/rules.h: the registry of rules agrees with docs/rules.md, with the theme's strings in both
// languages, and with what the checker reports on every fixture.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/rules.h"
#include "pipeline.h"

using namespace samplan;
namespace fs = std::filesystem;

namespace {

const fs::path kRepository = fs::path(SAMPLAN_EXAMPLE_CONTENT).parent_path();

std::string read(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The numbers n of the {n} in `text`.
std::set<int> placeholders(const std::string& text) {
    std::set<int> found;
    for (size_t at = text.find('{'); at != std::string::npos; at = text.find('{', at + 1)) {
        const size_t end = text.find('}', at);
        if (end == std::string::npos) break;
        const std::string inside = text.substr(at + 1, end - at - 1);
        if (!inside.empty() && inside.find_first_not_of("0123456789") == std::string::npos) found.insert(std::stoi(inside));
    }
    return found;
}

// The "warning_<rule>" strings of a theme's i18n file, by rule.
std::map<std::string, std::string> warning_strings(const std::string& language, const std::string& prefix = "warning_") {
    std::map<std::string, std::string> out;
    std::istringstream lines(read(kRepository / "themes/default/i18n" / (language + ".toml")));
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(prefix, 0) != 0) continue;
        const size_t eq = line.find(" = ");
        if (eq == std::string::npos) continue;
        out[line.substr(prefix.size(), eq - prefix.size())] = line.substr(eq + 3);
    }
    return out;
}

// Every file under `root`, by its path relative to it, into `files`.
void add_files(const fs::path& root, std::map<std::string, std::string>& files) {
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file()) files[fs::relative(e.path(), root).generic_string()] = read(e.path());
}

}  // namespace

TEST_CASE("docs/rules.md lists every rule of the registry, with its kind, and no other") {
    std::map<std::string, std::string> documented;  // rule → "error" or "warning"
    std::istringstream lines(read(kRepository / "docs/rules.md"));
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind("| `", 0) != 0) continue;
        const size_t cell_end = line.find(" | ", 2);
        const std::string ids = line.substr(2, cell_end - 2);
        const std::string kind = line.substr(cell_end + 3, line.find(" | ", cell_end + 3) - cell_end - 3);
        for (size_t at = ids.find('`'); at != std::string::npos; at = ids.find('`', ids.find('`', at + 1) + 1)) {
            const size_t end = ids.find('`', at + 1);
            documented[ids.substr(at + 1, end - at - 1)] = kind;
        }
    }
    for (const rules::Rule* rule : rules::all()) {
        INFO("rule: " << rule->id);
        REQUIRE(documented.count(std::string(rule->id)) == 1);
        CHECK(documented.at(std::string(rule->id)) == (rule->severity == Severity::Error ? "error" : "warning"));
    }
    for (const auto& entry : documented) {  // (clang 14: no structured binding inside INFO)
        const std::string& id = entry.first;
        INFO("documented rule: " << id);
        CHECK(rules::find(id) != nullptr);
    }
}

TEST_CASE("every rule whose warnings carry values has a Swedish and an English message, with the same placeholders") {
    const auto sv = warning_strings("sv"), en = warning_strings("en");
    for (const rules::Rule* rule : rules::all()) {
        if (rule->args.empty()) continue;
        INFO("rule: " << rule->id);
        const std::string id(rule->id);
        REQUIRE(sv.count(id) == 1);
        REQUIRE(en.count(id) == 1);
        CHECK(placeholders(sv.at(id)) == placeholders(en.at(id)));
        for (const int n : placeholders(sv.at(id))) CHECK(n < static_cast<int>(rule->args.size()));
    }
    // And no message is for a rule the registry does not know.
    for (const auto* strings : {&sv, &en})
        for (const auto& entry : *strings) {
            const std::string& id = entry.first;
            INFO("string: warning_" << id);
            CHECK(rules::find(id) != nullptr);
        }
}

TEST_CASE("every rule without values has its own sentence in Swedish and English (the editor shows it at the field)") {
    const auto sv = warning_strings("sv", "rule_"), en = warning_strings("en", "rule_");
    for (const rules::Rule* rule : rules::all()) {
        if (!rule->args.empty()) continue;  // said by its warning_ string, with its values
        INFO("rule: " << rule->id);
        CHECK(sv.count(std::string(rule->id)) == 1);
        CHECK(en.count(std::string(rule->id)) == 1);
    }
    for (const auto* strings : {&sv, &en})
        for (const auto& entry : *strings) {
            const std::string& id = entry.first;
            INFO("string: rule_" << id);
            const size_t form = id.find('_');
            if (form != std::string::npos) continue;  // a form's sentence: below
            CHECK(rules::find(id) != nullptr);
            CHECK(entry.second.find('{') == std::string::npos);  // the diagnostic carries no values for it
        }
}

TEST_CASE("every form of a rule has its sentence with its values in Swedish and English, and no other form has one") {
    const auto sv = warning_strings("sv", "rule_"), en = warning_strings("en", "rule_");
    for (const rules::Form* form : rules::forms()) {
        const std::string key = std::string(form->rule.id) + "_" + std::string(form->name);
        INFO("form: rule_" << key);
        REQUIRE(sv.count(key) == 1);
        REQUIRE(en.count(key) == 1);
        CHECK(placeholders(sv.at(key)) == placeholders(en.at(key)));
        CHECK(placeholders(sv.at(key)).size() == form->args.size());  // every value said
        for (const int n : placeholders(sv.at(key))) CHECK(n < static_cast<int>(form->args.size()));
        CHECK(rules::find_form(form->rule.id, form->name) == form);
    }
    for (const auto* strings : {&sv, &en})
        for (const auto& entry : *strings) {
            const size_t at = entry.first.find('_');
            if (at == std::string::npos) continue;
            INFO("string: rule_" << entry.first);
            CHECK(rules::find_form(entry.first.substr(0, at), entry.first.substr(at + 1)) != nullptr);
        }
}

TEST_CASE("on every fixture, each diagnostic is of a rule of the registry, with its severity and its values") {
    std::map<std::string, std::string> base;
    add_files(fs::path(SAMPLAN_FIXTURES) / "base", base);
    size_t seen = 0, forms_seen = 0;
    for (const auto& c : fs::directory_iterator(fs::path(SAMPLAN_FIXTURES) / "cases")) {
        INFO("fixture: " << c.path().filename().string());
        auto files = base;
        if (fs::exists(c.path() / "files")) add_files(c.path() / "files", files);
        std::istringstream removed(fs::exists(c.path() / "remove") ? read(c.path() / "remove") : "");
        for (std::string line; std::getline(removed, line);) {
            while (!line.empty() && (line.back() == '/' || line.back() == ' ' || line.back() == '\r')) line.pop_back();
            if (line.empty()) continue;
            for (auto it = files.begin(); it != files.end();)
                it = it->first == line || it->first.rfind(line + "/", 0) == 0 ? files.erase(it) : std::next(it);
        }
        content::MemorySource source(files);
        Diagnostics d;
        const auto records = content::load_records(source, d);
        const auto site = model::build_model(records, d);
        check::run_checks(site, check::CheckOptions{{2025, 6, 1}, nullptr}, d);
        for (const auto& diagnostic : d.all()) {
            INFO("diagnostic: " << format_text(diagnostic));
            const rules::Rule* rule = rules::find(diagnostic.rule);
            REQUIRE(rule != nullptr);
            CHECK(diagnostic.severity == rule->severity);
            if (diagnostic.form.empty()) {
                CHECK(diagnostic.args.size() == rule->args.size());
            } else {  // a form of the rule, with its own values
                const rules::Form* form = rules::find_form(diagnostic.rule, diagnostic.form);
                REQUIRE(form != nullptr);
                CHECK(diagnostic.args.size() == form->args.size());
                ++forms_seen;
            }
            ++seen;
        }
    }
    CHECK(seen >= 50);
    CHECK(forms_seen >= 2);  // a text too long and a word outside its set, at least
}
