// The hosted editor's configuration (edit/cms.h, `samplan cms`): from the example content, valid
// JSON (which is YAML) with a collection for every kind of record in its place, the fields of the
// JSON Schemas with their Swedish titles and descriptions, and the references' options taken
// from the content.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "build/build.h"
#include "cli/cli.h"
#include "content/content.h"
#include "content/layout.h"
#include "edit/cms.h"
#include "edit/json.h"
#include "edit/schemas.h"

using namespace samplan;
using namespace samplan::edit;
namespace fs = std::filesystem;

namespace {

const build::Loaded& example() {
    static build::Loaded loaded = [] {
        build::Loaded l;
        build::LoadOptions options;
        options.today = Date{2026, 6, 1};
        options.check = false;
        options.history = false;
        build::load_and_check(*content::make_disk_source(SAMPLAN_EXAMPLE_CONTENT), options, l);
        return l;
    }();
    return loaded;
}

// The configuration as a CMS reads it: written out and parsed again.
Json config_of(const CmsSettings& settings) {
    Json parsed;
    std::string error;
    REQUIRE_MESSAGE(parse_json(to_pretty_json(cms_config(example().site, settings)), parsed, error), error);
    return parsed;
}

Json schema(const std::string& kind) {
    for (const auto& f : schema_files())
        if (f.path == kind + ".json") {
            Json s;
            std::string error;
            REQUIRE(parse_json(f.bytes, s, error));
            return s;
        }
    FAIL("no schema " << kind);
    return {};
}

const Json* collection(const Json& config, const std::string& name) {
    for (const auto& c : config.find("collections")->items)
        if (c.string_or("name") == name) return &c;
    return nullptr;
}

const Json* field(const Json& fields, const std::string& name) {
    for (const auto& f : fields.items)
        if (f.string_or("name") == name) return &f;
    return nullptr;
}

const Json* groups_file_fields(const Json& config, const std::string& group) {
    for (const auto& f : collection(config, "grupper")->find("files")->items)
        if (f.string_or("name") == group) return f.find("fields");
    return nullptr;
}

// The values of a list of options ({label, value}), or of a field's "options".
std::vector<std::string> option_values(const Json& f) {
    std::vector<std::string> out;
    for (const auto& o : (f.kind == Json::Kind::Array ? f : *f.find("options")).items) out.push_back(o.string_or("value"));
    return out;
}

// Every property of the schema is a field, in the schema's order, labelled with its title and
// with its description as the hint.
void same_fields(const Json& fields, const Json& root, const Json& object_schema) {
    const Json* props = object_schema.find("properties");
    REQUIRE(props);
    size_t i = 0;
    for (const auto& [key, raw] : props->members) {
        REQUIRE(i < fields.items.size());
        const Json& f = fields.items[i++];
        CHECK(f.string_or("name") == key);
        Json s = raw;
        if (const std::string ref = raw.string_or("$ref"); !ref.empty())
            s = *root.find("definitions")->find(ref.substr(ref.rfind('/') + 1));
        CHECK(f.string_or("label") == raw.string_or("title", s.string_or("title", key)));
        CHECK(f.string_or("hint").find(raw.string_or("description", s.string_or("description"))) != std::string::npos);
        if (const Json* sub = f.find("fields")) {
            const Json* items = s.find("items");
            Json item = items ? *items : s;
            if (items && !items->string_or("$ref").empty()) {
                const std::string ref = items->string_or("$ref");
                item = *root.find("definitions")->find(ref.substr(ref.rfind('/') + 1));
            }
            same_fields(*sub, root, item);
        }
    }
}

}  // namespace

TEST_CASE("the CMS configuration has a collection for every kind of record, where content/layout.h puts it") {
    CmsSettings settings;
    settings.backend = "github";
    settings.repo = "region/planer";
    const Json config = config_of(settings);
    CHECK(config.find("backend")->string_or("name") == "github");
    CHECK(config.find("backend")->string_or("repo") == "region/planer");
    CHECK(config.find("locale")->text == "sv");

    const Json* groups = collection(config, "grupper");
    REQUIRE(groups);
    CHECK(groups->find("files")->items.size() == example().site.groups.size());
    size_t activities = 0;
    for (const auto& g : example().site.groups) {
        const Json* plans = collection(config, "planer__" + g.id);
        REQUIRE(plans);
        CHECK(plans->string_or("folder") == "content/" + content::layout::plans_dir(g.id));
        CHECK(plans->string_or("path") == "{{slug}}/plan");
        CHECK(plans->string_or("format") == "samplan-toml");
        const Json* evaluations = collection(config, "utvarderingar__" + g.id);
        REQUIRE(evaluations);
        CHECK(evaluations->string_or("folder") == "content/" + content::layout::evaluations_dir(g.id));
        for (const auto& p : g.plans) {
            const Json* a = collection(config, "aktiviteter__" + g.id + "__" + p.id);
            REQUIRE(a);
            CHECK(a->string_or("folder") == "content/" + content::layout::activities_dir(g.id, p.id));
            CHECK(a->string_or("extension") == "md");
            CHECK(a->string_or("format") == "samplan-toml-frontmatter");
            ++activities;
        }
    }
    CHECK(activities >= 2);
    CHECK(config.find("collections")->items.size() == 1 + 2 * example().site.groups.size() + activities);
}

TEST_CASE("the CMS's fields are the JSON Schemas' keys, with their Swedish titles and descriptions") {
    const Json config = config_of(CmsSettings{});
    const auto& g = example().site.groups.front();
    same_fields(*groups_file_fields(config, g.id), schema("group"), schema("group"));
    same_fields(*collection(config, "planer__" + g.id)->find("fields"), schema("plan"), schema("plan"));
    const auto& plan_group = *std::find_if(example().site.groups.begin(), example().site.groups.end(),
                                           [](const auto& x) { return !x.plans.empty(); });
    const Json& activity = *collection(config, "aktiviteter__" + plan_group.id + "__" + plan_group.plans.front().id)->find("fields");
    same_fields(activity, schema("activity"), schema("activity"));
    same_fields(*collection(config, "utvarderingar__" + g.id)->find("fields"), schema("evaluation"), schema("evaluation"));

    // The record's text, dates as dates, what the schema requires required.
    CHECK(activity.items.back().string_or("name") == "body");
    CHECK(activity.items.back().string_or("widget") == "markdown");
    CHECK(field(activity, "title")->string_or("label") == "Aktivitetens namn");
    CHECK(!field(activity, "title")->find("required"));  // required: Decap's default
    CHECK(field(activity, "priority")->find("required")->boolean == false);
    CHECK(field(activity, "start")->string_or("widget") == "datetime");
    CHECK(field(activity, "start")->string_or("format") == "YYYY-MM-DD");
    CHECK(field(activity, "status")->string_or("widget") == "select");
    CHECK(field(activity, "draft")->find("default")->boolean == true);
    const Json* funding = field(activity, "funding");
    CHECK(funding->string_or("widget") == "object");
    CHECK(field(*funding->find("fields"), "amount_sek")->string_or("value_type") == "int");
    const Json* indicators = field(activity, "indicators");
    CHECK(indicators->string_or("widget") == "list");
    const Json* baseline = field(*indicators->find("fields"), "baseline");
    CHECK(field(*baseline->find("fields"), "date")->string_or("widget") == "datetime");
    // A date of a table the record may leave out is not asked for when the table is absent.
    CHECK(field(*field(activity, "final_report")->find("fields"), "date")->find("required")->boolean == false);
    // The keys samplan-cms.js writes as TOML dates.
    const std::string dates = " " + cms_date_keys() + " ";
    for (const char* key : {"start", "end", "date", "due", "decided", "revised", "sent_to_office", "applied"})
        CHECK_MESSAGE(dates.find(std::string(" ") + key + " ") != std::string::npos, key);
    CHECK(dates.find(" title ") == std::string::npos);
}

TEST_CASE("the CMS's references are chosen from the content") {
    const Json config = config_of(CmsSettings{});
    const auto& site = example().site;
    for (const auto& g : site.groups)
        for (const auto& p : g.plans) {
            const Json& fields = *collection(config, "aktiviteter__" + g.id + "__" + p.id)->find("fields");
            std::vector<std::string> areas, goals, targets, principals;
            for (const auto& fa : site.regional.focus_areas) {
                areas.push_back(fa.id);
                for (const auto& goal : fa.goals) goals.push_back(goal.id);
            }
            for (const auto& t : site.settings.target_groups) targets.push_back(t.id);
            CHECK(option_values(*field(fields, "focus_area")) == areas);
            CHECK(option_values(*field(fields, "goal")) == goals);
            CHECK(option_values(*field(fields, "target_group")) == targets);
            CHECK(field(fields, "process")->string_or("widget") == "samplan-select");
            CHECK(field(fields, "focus_area")->string_or("widget") == "samplan-select");
            // A working group member's principal: one of this group's principals.
            const Json* wg = field(fields, "working_group");
            CHECK(option_values(*field(*wg->find("fields"), "principal")) == g.principals);
            // The goal: the goals of the focus area chosen (samplan-cms.js), for each focus area.
            const Json* goal = field(fields, "goal");
            CHECK(goal->string_or("widget") == "samplan-goal");
            for (const auto& fa : site.regional.focus_areas) {
                std::vector<std::string> own;
                for (const auto& x : fa.goals) own.push_back(x.id);
                const Json* by_area = goal->find("options_by_focus_area")->find(fa.id);
                REQUIRE(by_area);
                CHECK(option_values(*by_area) == own);
            }
            // The step: the named steps of every process, the plan's process first in mind.
            const Json* step = field(fields, "step");
            CHECK(step->string_or("widget") == "samplan-step");
            CHECK(step->string_or("plan_process") == p.process.id);
            for (const auto& proc : site.processes) {
                const Json* steps = step->find("options_by_process")->find(proc.id);
                REQUIRE(steps);
                REQUIRE(steps->items.size() == proc.steps.size());
                CHECK(steps->items.front().string_or("label") == "1. " + proc.steps.front().title);
                CHECK(steps->items.back().string_or("value") == std::to_string(proc.steps.size()));
            }
        }
    // A goal is labelled with its focus area in the list of every goal, and by its title among its
    // focus area's goals.
    const auto& fa = site.regional.focus_areas.front();
    const auto& g = *std::find_if(site.groups.begin(), site.groups.end(), [](const auto& x) { return !x.plans.empty(); });
    const auto& any = *collection(config, "aktiviteter__" + g.id + "__" + g.plans.front().id);
    const Json* goal = field(*any.find("fields"), "goal");
    CHECK(goal->find("options")->items.front().string_or("label") ==
          fa.title + ": " + fa.goals.front().title + " (" + fa.goals.front().id + ")");
    CHECK(goal->find("options_by_focus_area")->find(fa.id)->items.front().string_or("label") ==
          fa.goals.front().title + " (" + fa.goals.front().id + ")");
}

TEST_CASE("a collection with a path keeps the CMS's media out of the content folder") {
    // Decap would take each plan's own folder (with its activities) for its media.
    const Json config = config_of(CmsSettings{});
    const Json* plans = collection(config, "planer__" + example().site.groups.front().id);
    REQUIRE(plans != nullptr);
    CHECK(plans->string_or("path") == "{{slug}}/plan");
    CHECK(plans->string_or("media_folder") == "/cms-media");
    CHECK(plans->string_or("public_folder") == "/cms-media");
}

TEST_CASE("the CMS checks lengths and bounds of the schemas as the user types") {
    const Json config = config_of(CmsSettings{});
    const auto& g = *std::find_if(example().site.groups.begin(), example().site.groups.end(),
                                  [](const auto& x) { return !x.plans.empty(); });
    const Json& fields = *collection(config, "aktiviteter__" + g.id + "__" + g.plans.front().id)->find("fields");
    // The title: not empty and at most the schema's maxLength, one pattern with its Swedish message.
    const Json* title = field(fields, "title");
    REQUIRE(title->find("pattern"));
    const std::string max = schema("activity").find("properties")->find("title")->find("maxLength")->text;
    // Characters counted as samplan check counts them (code points): a surrogate pair is one.
    const std::string one = "(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^\\uD800-\\uDBFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF]))";
    CHECK(title->find("pattern")->items.front().text == "^(?=[\\s\\S]*[^ \\t\\r\\n])" + one + "{0," + max + "}$");
    CHECK(title->find("pattern")->items.back().text.find(max + " tecken") != std::string::npos);
    // A number with a minimum in the schema has it as the field's min: [funding]'s amount.
    const Json* amount = field(*field(fields, "funding")->find("fields"), "amount_sek");
    REQUIRE(amount->find("min"));
    CHECK(amount->find("min")->text == "0");
    CHECK(!amount->find("max"));
}

TEST_CASE("the CMS's sign-in: GitLab with PKCE, GitHub through a relay, the page loads the scripts named") {
    CmsSettings gitlab;
    gitlab.backend = "gitlab";
    gitlab.repo = "region/planer";
    gitlab.branch = "huvud";
    gitlab.app_id = "abc123";
    gitlab.review = true;
    gitlab.base_url = "https://gitlab.region.se/";
    const Json c = config_of(gitlab);
    const Json* b = c.find("backend");
    CHECK(b->string_or("auth_type") == "pkce");
    CHECK(b->string_or("app_id") == "abc123");
    CHECK(b->string_or("branch") == "huvud");
    CHECK(b->string_or("api_root") == "https://gitlab.region.se/api/v4");
    CHECK(c.string_or("publish_mode") == "editorial_workflow");

    CmsSettings github;
    github.repo = "region/planer";
    github.base_url = "https://auth.example.org";
    github.content_path = "site/content/";
    const Json h = config_of(github);
    CHECK(h.find("backend")->string_or("base_url") == "https://auth.example.org");
    CHECK(!h.find("backend")->find("auth_type"));
    CHECK(!h.find("publish_mode"));
    CHECK(collection(h, "grupper")->find("files")->items.front().string_or("file").rfind("site/content/groups/", 0) == 0);

    CmsSettings page;
    page.script = "/vendor/decap.js?v=\"><script>";
    const std::string html = cms_page(page);
    CHECK(html.find("src=\"samplan-cms.js\"") != std::string::npos);
    CHECK(html.find("data-cms=\"/vendor/decap.js?v=&quot;&gt;&lt;script&gt;\"") != std::string::npos);
    CHECK(html.find("data-dates=\"" + cms_date_keys() + "\"") != std::string::npos);
    // The limits of the check before a save, by key, in characters (code points).
    CHECK(html.find("data-lengths=\"{&quot;final_report_form&quot;:2000,") != std::string::npos);
    CHECK(cms_lengths().find("\"title\":" + schema("activity").find("properties")->find("title")->find("maxLength")->text) !=
          std::string::npos);
    CHECK(cms_lengths().find("\"principals\":300") != std::string::npos);  // each element of a list of texts
    // The records' shapes for the check before a save: a [final_report] that is there needs its date
    // (a TOML date), the group's principals are a list of texts, and each group's principals.
    Json shapes;
    std::string shapes_error;
    REQUIRE_MESSAGE(parse_json(cms_shapes(), shapes, shapes_error), shapes_error);
    const Json* report = shapes.find("activity")->find("keys")->find("final_report");
    CHECK(report->string_or("type") == "table");
    CHECK(report->find("required")->items.front().text == "date");
    CHECK(report->find("keys")->find("date")->string_or("type") == "date");
    CHECK(!report->find("open"));
    CHECK(shapes.find("group")->find("keys")->find("principals")->find("items")->string_or("type") == "string");
    CHECK(shapes.find("activity")->find("keys")->find("priority")->string_or("type") == "integer");
    CHECK(html.find("data-shapes=\"{&quot;group&quot;:") != std::string::npos);
    page.principals["trollhattan"] = {"Trollhättans kommun", "\"Regionen\""};
    CHECK(cms_page(page).find("data-principals=\"{&quot;trollhattan&quot;:[&quot;Trollhättans kommun&quot;,&quot;\\&quot;Regionen\\&quot;&quot;]}\"") !=
          std::string::npos);
    CHECK(html.find("noindex") != std::string::npos);
}

TEST_CASE("the CMS's facts for the warnings beyond the record: the site's rules and each group's plans") {
    Json facts;
    std::string error;
    REQUIRE_MESSAGE(parse_json(cms_facts(example().site, nullptr), facts, error), error);
    const Json* rules = facts.find("rules");
    REQUIRE(rules);
    CHECK(rules->find("reports_per_year")->text == "2");
    CHECK(rules->find("max_activities_per_plan")->text == "8");
    CHECK(rules->find("revision_interval_months")->text == "12");
    const Json* plans = facts.find("plans")->find("trollhattan");
    REQUIRE(plans);
    REQUIRE(plans->items.size() == 2);
    const Json& newest = plans->items[1];  // by id, as samplan check orders them
    CHECK(newest.string_or("id") == "2026");
    CHECK(newest.string_or("start") == "2026-01-01");
    CHECK(newest.string_or("end") == "2026-12-31");
    CHECK(newest.find("activities")->text == "3");
    CHECK(!newest.find("changed"));  // no history given
    CmsSettings page;
    page.facts = cms_facts(example().site, nullptr);
    CHECK(cms_page(page).find("data-facts=\"{&quot;rules&quot;:{&quot;reports_per_year&quot;:2,") != std::string::npos);
}

TEST_CASE("samplan cms writes config.yml, index.html and samplan-cms.js, it refuses a backend without its repository") {
    const fs::path dir = fs::temp_directory_path() / ("samplan-cms-test-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    std::ostringstream out, err;
    CHECK(cli::run({"cms", "--content", SAMPLAN_EXAMPLE_CONTENT, "--output", dir.string(), "--backend", "github"}, out, err) == 2);
    CHECK(err.str().find("--repo") != std::string::npos);
    CHECK(cli::run({"cms", "--content", SAMPLAN_EXAMPLE_CONTENT, "--output", dir.string(), "--backend", "gitlab", "--repo", "a/b"},
                   out, err) == 2);
    CHECK(err.str().find("--app-id") != std::string::npos);
    CHECK(cli::run({"cms", "--content", SAMPLAN_EXAMPLE_CONTENT, "--output", dir.string(), "--backend", "svn"}, out, err) == 2);
    CHECK(!fs::exists(dir));
    CHECK(cli::run({"cms", "--content", SAMPLAN_EXAMPLE_CONTENT, "--output", dir.string(), "--repo", "region/planer"}, out, err) == 0);
    for (const char* name : {"config.yml", "index.html", "samplan-cms.js"}) CHECK_MESSAGE(fs::exists(dir / name), name);
    std::ifstream in(dir / "config.yml");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Json parsed;
    std::string error;
    CHECK_MESSAGE(parse_json(text, parsed, error), error);
    // An absolute --content: the content folder is taken to be content/ in the repository.
    CHECK(collection(parsed, "grupper")->find("files")->items.front().string_or("file").rfind("content/groups/", 0) == 0);
    // The page hands samplan-cms.js the theme's Swedish sentence of each rule it checks before a save.
    std::ifstream page_in(dir / "index.html");
    const std::string page((std::istreambuf_iterator<char>(page_in)), std::istreambuf_iterator<char>());
    for (const char* rule : kCmsRules) CHECK_MESSAGE(page.find(std::string("&quot;") + rule + "&quot;:&quot;") != std::string::npos, rule);
    CHECK(page.find("Slutdatumet ligger före startdatumet.") != std::string::npos);
    for (const char* rule : kCmsWarnings)
        CHECK_MESSAGE(page.find(std::string("&quot;warning_") + rule + "&quot;:&quot;") != std::string::npos, rule);
    CHECK(page.find("Slutrapporten har inte skickats till kansliet.") != std::string::npos);
    CHECK(page.find("rule_") == std::string::npos);  // no sentence missing from the theme
    CHECK(page.find("Arbetsgruppen behöver minst en person från varje huvudman.") != std::string::npos);
    CHECK(page.find("&quot;lysekil&quot;:[&quot;") != std::string::npos);  // the groups' principals
    CHECK(page.find("data-facts=\"{&quot;rules&quot;:") != std::string::npos);  // and what the warnings need
    CHECK(page.find("Gruppens senaste plan gällde till {0}") != std::string::npos);
    fs::remove_all(dir);
}
