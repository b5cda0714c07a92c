// The history's differences in plain words, held against the contract: every key of an activity
// and of a plan, as the JSON Schemas in schemas/ list them, gives a difference that the theme
// says in words (Swedish and English) when its value changes.
#include <doctest/doctest.h>

#include <cctype>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "content/content.h"
#include "history/versions.h"
#include "model/build.h"
#include "render/render.h"
#include "site/site.h"

using namespace samplan;

namespace {

// Just enough JSON for the schemas: objects, arrays, strings, numbers, true/false/null.
struct Json {
    enum class Kind { Null, Bool, Number, String, Array, Object } kind = Kind::Null;
    std::string text;
    std::vector<Json> items;
    std::vector<std::string> keys;  // an object's keys, in order; `items` holds their values
    [[nodiscard]] const Json* get(const std::string& key) const;
};

const Json* Json::get(const std::string& key) const {
    for (size_t i = 0; i < keys.size(); ++i)
        if (keys[i] == key) return &items[i];
    return nullptr;
}

class JsonReader {
public:
    explicit JsonReader(std::string text) : s_(std::move(text)) {}
    Json read() {
        space();
        Json j;
        const char c = s_.at(i_);
        if (c == '{') {
            j.kind = Json::Kind::Object;
            ++i_;
            space();
            if (s_.at(i_) == '}') { ++i_; return j; }
            for (;;) {
                space();
                std::string key = string();
                space();
                REQUIRE(s_.at(i_) == ':');
                ++i_;
                j.keys.push_back(std::move(key));
                j.items.push_back(read());
                space();
                if (s_.at(i_++) == '}') return j;
            }
        }
        if (c == '[') {
            j.kind = Json::Kind::Array;
            ++i_;
            space();
            if (s_.at(i_) == ']') { ++i_; return j; }
            for (;;) {
                j.items.push_back(read());
                space();
                if (s_.at(i_++) == ']') return j;
            }
        }
        if (c == '"') {
            j.kind = Json::Kind::String;
            j.text = string();
            return j;
        }
        const size_t start = i_;
        while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '-' || s_[i_] == '.')) ++i_;
        j.text = s_.substr(start, i_ - start);
        j.kind = j.text == "null" ? Json::Kind::Null : (j.text == "true" || j.text == "false") ? Json::Kind::Bool : Json::Kind::Number;
        return j;
    }

private:
    void space() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    std::string string() {
        REQUIRE(s_.at(i_) == '"');
        std::string out;
        for (++i_; s_.at(i_) != '"'; ++i_) {
            if (s_[i_] == '\\') ++i_;  // the schemas escape only quotes and backslashes in patterns
            out += s_.at(i_);
        }
        ++i_;
        return out;
    }
    std::string s_;
    size_t i_ = 0;
};

Json read_schema(const std::string& name) {
    std::ifstream in(std::string(SAMPLAN_SOURCE) + "/schemas/" + name);
    std::stringstream text;
    text << in.rdbuf();
    REQUIRE_FALSE(text.str().empty());
    return JsonReader(text.str()).read();
}

// Every key with a value of its own: "assignment.scope", "reports[].on_schedule",
// "indicators[].baseline.date", "revised[]".
void leaf_keys(const Json& root, const Json& schema, const std::string& path, std::vector<std::string>& out) {
    const Json* node = &schema;
    if (const Json* ref = schema.get("$ref")) {
        const std::string name = ref->text.substr(ref->text.rfind('/') + 1);
        node = root.get("definitions")->get(name);
        REQUIRE(node);
    }
    if (const Json* props = node->get("properties"); props && !props->keys.empty()) {
        for (size_t i = 0; i < props->keys.size(); ++i) {
            const std::string& key = props->keys[i];
            leaf_keys(root, props->items[i], path.empty() ? key : path + "." + key, out);
        }
        return;
    }
    if (const Json* items = node->get("items")) {
        leaf_keys(root, *items, path + "[]", out);
        return;
    }
    out.push_back(path);
}

std::vector<std::string> contract_keys(const std::string& schema_name) {
    const Json schema = read_schema(schema_name);
    std::vector<std::string> keys;
    leaf_keys(schema, schema, "", keys);
    return keys;
}

// An activity that sets every key of the contract once, with each key's value.
const std::string kActivity = R"(+++
title = "Utbildning"
target_group = "vuxna"
focus_area = "fa"
goal = "fa-1"
process = "vagledning"
step = 4
status = "pågår"
start = 2025-03-01
end = 2025-12-31
priority = 1
draft = false

[assignment]
scope = "Vad det gäller"
goal = "Vad vi vill"
reporting = "Två gånger om året"
final_report_form = "Skriftligt"
resources = "Egen tid"

[[working_group]]
name = "Sara Lind"
principal = "Regionen"
convener = true

[[working_group]]
name = "Per Ek"
principal = "Kommunen"

[[subgoals]]
title = "Kartlägga"
responsible = "Sara Lind"
due = 2025-06-30
done = false

[[indicators]]
id = "antal"
title = "Antal utbildade"
unit = "personer"
baseline = { date = 2025-01-01, value = 0 }
target = { date = 2025-12-31, value = 120 }
values = [ { date = 2025-06-30, value = 48 } ]

[[reports]]
date = 2025-06-15
progress = "Det går bra"
works_well = "Samarbetet"
works_less_well = "Lokaler"
on_schedule = true

[final_report]
date = 2025-12-15
goal_reached = "Ja"
added_value = "Mycket"
use_of_results = "Sprids"
sent_to_office = 2025-12-20

[evaluation]
learned_target_group = "Om målgruppen"
learned_prevention = "Om förebyggande"
learned_collaboration = "Om samverkan"

[funding]
applied = 2025-01-15
amount_sek = 450000
board_decision = 2025-02-28
granted = true
+++
Beskrivning för allmänheten.
)";

const std::string kPlan = R"(title = "Plan 2025"
start = 2025-01-01
end = 2025-12-31
status = "beslutad"
decided = 2025-02-10
sent_to_office = 2025-02-20
revised = [2025-09-01]
analysis = "Analysen"
process = "vagledning"
draft = false
)";

// How each key's value is changed: the text that sets it and the text that sets another value.
// A key of the contract missing here fails the test: add it here, and a difference for it.
const std::map<std::string, std::pair<std::string, std::string>> kActivityEdits = {
    {"title", {"title = \"Utbildning\"", "title = \"Utbildningen\""}},
    {"target_group", {"target_group = \"vuxna\"", "target_group = \"barn-och-unga\""}},
    {"focus_area", {"focus_area = \"fa\"", "focus_area = \"fb\""}},
    {"goal", {"goal = \"fa-1\"", "goal = \"fa-2\""}},
    {"process", {"process = \"vagledning\"", "process = \"annan\""}},
    {"step", {"step = 4", "step = 5"}},
    {"status", {"status = \"pågår\"", "status = \"avbruten\""}},
    {"start", {"start = 2025-03-01", "start = 2025-04-01"}},
    {"end", {"end = 2025-12-31", "end = 2026-01-31"}},
    {"priority", {"priority = 1", "priority = 2"}},
    {"draft", {"draft = false", "draft = true"}},
    {"assignment.scope", {"scope = \"Vad det gäller\"", "scope = \"Vad det nu gäller\""}},
    {"assignment.goal", {"goal = \"Vad vi vill\"", "goal = \"Vad vi vill nå\""}},
    {"assignment.reporting", {"Två gånger om året", "En gång om året"}},
    {"assignment.final_report_form", {"Skriftligt", "Muntligt"}},
    {"assignment.resources", {"Egen tid", "Egen tid och pengar"}},
    {"working_group[].name", {"name = \"Per Ek\"", "name = \"Per Eklund\""}},
    {"working_group[].principal", {"principal = \"Kommunen\"", "principal = \"Kommunen 2\""}},
    {"working_group[].convener", {"convener = true", "convener = false"}},
    {"subgoals[].title", {"title = \"Kartlägga\"", "title = \"Kartlägga behoven\""}},
    {"subgoals[].responsible", {"responsible = \"Sara Lind\"", "responsible = \"Per Ek\""}},
    {"subgoals[].due", {"due = 2025-06-30", "due = 2025-08-31"}},
    {"subgoals[].done", {"done = false", "done = true"}},
    {"indicators[].id", {"id = \"antal\"", "id = \"antal-2\""}},
    {"indicators[].title", {"title = \"Antal utbildade\"", "title = \"Utbildade\""}},
    {"indicators[].unit", {"unit = \"personer\"", "unit = \"deltagare\""}},
    {"indicators[].baseline.date", {"baseline = { date = 2025-01-01", "baseline = { date = 2025-02-01"}},
    {"indicators[].baseline.value", {"value = 0 }", "value = 5 }"}},
    {"indicators[].target.date", {"target = { date = 2025-12-31", "target = { date = 2026-06-30"}},
    {"indicators[].target.value", {"value = 120 }", "value = 150 }"}},
    {"indicators[].values[].date", {"{ date = 2025-06-30, value = 48 }", "{ date = 2025-07-31, value = 48 }"}},
    {"indicators[].values[].value", {"{ date = 2025-06-30, value = 48 }", "{ date = 2025-06-30, value = 50 }"}},
    {"reports[].date", {"date = 2025-06-15", "date = 2025-06-16"}},
    {"reports[].progress", {"Det går bra", "Det går mycket bra"}},
    {"reports[].works_well", {"\"Samarbetet\"", "\"Samarbetet och tiden\""}},
    {"reports[].works_less_well", {"Lokaler", "Lokalerna"}},
    {"reports[].on_schedule", {"on_schedule = true", "on_schedule = false"}},
    {"final_report.date", {"date = 2025-12-15", "date = 2025-12-16"}},
    {"final_report.goal_reached", {"goal_reached = \"Ja\"", "goal_reached = \"Delvis\""}},
    {"final_report.added_value", {"Mycket", "Stort"}},
    {"final_report.use_of_results", {"Sprids", "Sprids i regionen"}},
    {"final_report.sent_to_office", {"sent_to_office = 2025-12-20", "sent_to_office = 2025-12-22"}},
    {"evaluation.learned_target_group", {"Om målgruppen", "Om målgruppen och familjen"}},
    {"evaluation.learned_prevention", {"Om förebyggande", "Om förebyggande arbete"}},
    {"evaluation.learned_collaboration", {"Om samverkan", "Om samverkan mellan huvudmän"}},
    {"funding.applied", {"applied = 2025-01-15", "applied = 2025-01-20"}},
    {"funding.amount_sek", {"amount_sek = 450000", "amount_sek = 500000"}},
    {"funding.board_decision", {"board_decision = 2025-02-28", "board_decision = 2025-03-15"}},
    {"funding.granted", {"granted = true", "granted = false"}},
};

const std::map<std::string, std::pair<std::string, std::string>> kPlanEdits = {
    {"title", {"title = \"Plan 2025\"", "title = \"Plan för 2025\""}},
    {"start", {"start = 2025-01-01", "start = 2025-02-01"}},
    {"end", {"end = 2025-12-31", "end = 2026-01-31"}},
    {"status", {"status = \"beslutad\"", "status = \"avslutad\""}},
    {"decided", {"decided = 2025-02-10", "decided = 2025-02-11"}},
    {"sent_to_office", {"sent_to_office = 2025-02-20", "sent_to_office = 2025-02-21"}},
    {"revised[]", {"revised = [2025-09-01]", "revised = [2025-09-01, 2025-10-01]"}},
    {"analysis", {"analysis = \"Analysen\"", "analysis = \"Den nya analysen\""}},
    {"process", {"process = \"vagledning\"", "process = \"annan\""}},
    {"draft", {"draft = false", "draft = true"}},
};

content::Record parse(const std::string& path, const std::string& text, bool markdown, content::RecordKind kind) {
    content::Record rec;
    rec.kind = kind;
    rec.path = path;
    rec.group = "g";
    rec.plan = "p";
    rec.id = markdown ? "a" : "p";
    Diagnostics d;
    REQUIRE(content::parse_record_text(path, text, markdown, rec, d));
    return rec;
}

std::string edited(const std::string& text, const std::pair<std::string, std::string>& edit) {
    const size_t at = text.find(edit.first);
    INFO("the text changed: " << edit.first);
    REQUIRE(at != std::string::npos);
    REQUIRE(text.find(edit.first, at + 1) == std::string::npos);  // it names one place
    return text.substr(0, at) + edit.second + text.substr(at + edit.first.size());
}

const site::Strings& theme_strings(const std::string& language) {
    static std::map<std::string, std::unique_ptr<site::Strings>> loaded;
    auto& s = loaded[language];
    if (!s) {
        Diagnostics d;
        const render::ThemeFolder folder{std::string(SAMPLAN_SOURCE) + "/themes", "default", "themes folder"};
        s = std::make_unique<site::Strings>(render::load_theme(folder, std::nullopt, language, d).strings);
        REQUIRE_FALSE(d.has_errors());
    }
    return *s;
}

// Every difference is said in words in both languages: a string of the theme, every placeholder filled.
void check_worded(const std::vector<history::Difference>& diffs, const std::string& key) {
    INFO("key: " << key);
    REQUIRE_FALSE(diffs.empty());
    for (const auto& diff : diffs)
        for (const std::string language : {"sv", "en"}) {
            const std::string text = site::describe_difference(diff, theme_strings(language));
            INFO("difference " << diff.kind << " in " << language << ": " << text);
            CHECK(text != diff.kind);
            CHECK(text.find('{') == std::string::npos);
            CHECK(text.find("diff_") == std::string::npos);
        }
}

}  // namespace

TEST_CASE("every key of an activity in the contract changes in plain words") {
    Diagnostics d;
    const model::Activity base = model::build_activity(parse("a.md", kActivity, true, content::RecordKind::Activity), d);
    const auto keys = contract_keys("activity.json");
    CHECK(keys.size() >= 45);
    for (const auto& key : keys) {
        INFO("key: " << key);
        const auto edit = kActivityEdits.find(key);
        INFO("a key of the contract that this test does not change: add it to kActivityEdits");
        REQUIRE(edit != kActivityEdits.end());
        Diagnostics ignored;
        const model::Activity after =
            model::build_activity(parse("a.md", edited(kActivity, edit->second), true, content::RecordKind::Activity), ignored);
        check_worded(history::diff_activities(base, after), key);
        check_worded(history::diff_activities(after, base), key);  // and back
    }
    // The body, which is no key.
    Diagnostics ignored;
    const model::Activity body = model::build_activity(
        parse("a.md", edited(kActivity, {"Beskrivning för", "Ny beskrivning för"}), true, content::RecordKind::Activity), ignored);
    check_worded(history::diff_activities(base, body), "(body)");
}

TEST_CASE("every key of a plan in the contract changes in plain words") {
    Diagnostics d;
    const model::Plan base = model::build_plan(parse("plan.toml", kPlan, false, content::RecordKind::Plan), d);
    const auto keys = contract_keys("plan.json");
    CHECK(keys.size() >= 10);
    for (const auto& key : keys) {
        INFO("key: " << key);
        const auto edit = kPlanEdits.find(key);
        INFO("a key of the contract that this test does not change: add it to kPlanEdits");
        REQUIRE(edit != kPlanEdits.end());
        Diagnostics ignored;
        const model::Plan after = model::build_plan(parse("plan.toml", edited(kPlan, edit->second), false, content::RecordKind::Plan), ignored);
        check_worded(history::diff_plans(base, after), key);
        check_worded(history::diff_plans(after, base), key);
    }
}

TEST_CASE("a report's changed on_schedule and a sub-goal's new date are told, with which report and sub-goal") {
    Diagnostics d;
    const model::Activity base = model::build_activity(parse("a.md", kActivity, true, content::RecordKind::Activity), d);
    const model::Activity late = model::build_activity(
        parse("a.md", edited(kActivity, {"on_schedule = true", "on_schedule = false"}), true, content::RecordKind::Activity), d);
    auto diffs = history::diff_activities(base, late);
    REQUIRE(diffs.size() == 1);
    CHECK(site::describe_difference(diffs[0], theme_strings("sv")) == "Avrapporteringen 2025-06-15: tidplanen håller inte");
    const model::Activity moved = model::build_activity(
        parse("a.md", edited(kActivity, {"due = 2025-06-30", "due = 2025-08-31"}), true, content::RecordKind::Activity), d);
    diffs = history::diff_activities(base, moved);
    REQUIRE(diffs.size() == 1);
    CHECK(site::describe_difference(diffs[0], theme_strings("sv")) == "Delmålet ”Kartlägga”: klart senast 2025-06-30 → 2025-08-31");
    const model::Activity unset = model::build_activity(
        parse("a.md", edited(kActivity, {"due = 2025-06-30\n", ""}), true, content::RecordKind::Activity), d);
    diffs = history::diff_activities(base, unset);
    REQUIRE(diffs.size() == 1);
    CHECK(site::describe_difference(diffs[0], theme_strings("sv")) == "Delmålet ”Kartlägga”: datum borttaget (var 2025-06-30)");
}
