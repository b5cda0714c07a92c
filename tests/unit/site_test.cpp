#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <map>

#include "core/collate.h"
#include "pipeline.h"
#include "render/render.h"
#include "site/meta_description.h"
#include "site/open_data.h"
#include "site/site.h"

using namespace samplan;

TEST_CASE("Swedish collation puts Å, Ä and Ö after Z") {
    std::vector<std::string> names = {"Östersund", "Alingsås", "Ängelholm", "Zeta", "Åmål", "ale"};
    collate_sort(names, "sv", [](const std::string& s) { return s; });
    CHECK(names == std::vector<std::string>{"ale", "Alingsås", "Zeta", "Åmål", "Ängelholm", "Östersund"});
}

TEST_CASE("links are relative to the page") {
    CHECK(site::root_prefix("index.html") == "");
    CHECK(site::root_prefix("groups/a/2025/x/index.html") == "../../../../");
}

TEST_CASE("a UI string the theme lacks shows its key, also when the key was a temporary") {
    const site::Strings strings(std::map<std::string, std::string>{{"search_button", "Sök"}});
    CHECK(strings.get("search_button") == "Sök");
    // The key is made for the call and gone after it: what is returned must not refer to it
    // (AddressSanitizer's build of this test reads freed memory otherwise).
    const std::string& missing = strings.get(std::string("history_") + "missing_key_of_some_length");
    CHECK(missing == "history_missing_key_of_some_length");
}

TEST_CASE("CSV fields are quoted and formulas neutralised") {
    CHECK(site::csv_field("enkel") == "enkel");
    CHECK(site::csv_field("a,b") == "\"a,b\"");
    CHECK(site::csv_field("säger \"hej\"") == "\"säger \"\"hej\"\"\"");
    CHECK(site::csv_field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"");
    CHECK(site::csv_field("-12") == "-12");
    CHECK(site::csv_field("@x") == "'@x");
    // OWASP's list: = + - @ tab and carriage return; a plain number stays a number.
    CHECK(site::csv_field("-1+cmd|' /C calc'!A0") == "'-1+cmd|' /C calc'!A0");
    CHECK(site::csv_field("+1+1") == "'+1+1");
    CHECK(site::csv_field("-2-3") == "'-2-3");
    CHECK(site::csv_field("\t=1+1") == "'\t=1+1");
    CHECK(site::csv_field("\r=1+1") == "\"'\r=1+1\"");
    CHECK(site::csv_field("-") == "'-");
    CHECK(site::csv_field("-1.") == "'-1.");
    for (const char* number : {"-1.5", "+3", "-0", "2.5e-07", "-1E+06", "12"}) CHECK(site::csv_field(number) == number);
    CHECK(site::csv_field(" =1") == " =1");  // only the first character counts
    CHECK(site::csv_field("\x01=1\xEF\xBF\xBE") == "\xEF\xBF\xBD=1\xEF\xBF\xBD");
}

TEST_CASE("the open data tables write each field as csv_field does, wherever in it a byte that needs care stands") {
    // The tables look at a field's bytes eight at a time: each kind of byte that csv_field
    // changes or checks, at each place of a title longer than that.
    auto files = test::minimal_site();
    files["groups/g/plans/p1/activities/b.md"] = test::activity("");
    const auto r = test::run_pipeline(files);
    REQUIRE(r.site.groups.size() == 1);
    REQUIRE(r.site.groups[0].plans.at(0).activities.size() == 1);
    size_t wrong = 0;
    for (const std::string special : {",", "\"", "\x7f", "\x01", "\n", "\r", "\t", "å", "\xff", "\xef\xbf\xbe", "="})
        for (size_t at = 0; at < 21; ++at) {
            std::string title = "Aktivitetens titel ok";
            title.insert(at, special);
            model::Site site = r.site;
            site.groups[0].plans[0].activities[0].title = title;
            const auto data = site::open_data_files(site, {});
            const auto csv = std::find_if(data.begin(), data.end(), [](const site::FileView& f) {
                return f.path == "data/activities.csv";
            });
            REQUIRE(csv != data.end());
            if (csv->content.find(",b," + site::csv_field(title) + ",") == std::string::npos) ++wrong;
        }
    CHECK(wrong == 0);
}

TEST_CASE("the open data files' key changes with whatever they show, and not with what they leave out") {
    auto files = test::minimal_site();
    files["groups/g/plans/p1/activities/b.md"] = test::activity(
        "[[indicators]]\nid = \"n\"\ntitle = \"Antal\"\nunit = \"st\"\nbaseline = { date = 2025-01-01, value = 3 }\n"
        "values = [{ date = 2025-03-01, value = 5 }]\n");
    files["groups/g/plans/p1/plan.toml"] += "analysis = \"Analys\"\n";
    const auto r = test::run_pipeline(files);
    REQUIRE(r.site.groups.size() == 1);
    REQUIRE(r.site.groups[0].plans.at(0).activities.size() == 1);
    REQUIRE(r.site.groups[0].plans[0].activities[0].indicators.size() == 1);
    auto contents = [](const model::Site& site) {
        std::string all;
        for (const auto& f : site::open_data_files(site, {})) all += f.path + "\n" + f.content + "\n";
        return all;
    };
    const std::string before = contents(r.site), key = site::open_data_key(r.site, "inputs");
    CHECK(site::open_data_key(r.site, "inputs") == key);
    CHECK(site::open_data_key(r.site, "other inputs") != key);  // samplan itself, among others
    const std::vector<std::pair<const char*, std::function<void(model::Site&)>>> shown = {
        {"an activity's title", [](model::Site& s) { s.groups[0].plans[0].activities[0].title += "!"; }},
        {"an activity's text", [](model::Site& s) { s.groups[0].plans[0].activities[0].body += "!"; }},
        {"an activity's step", [](model::Site& s) { s.groups[0].plans[0].activities[0].step = 2; }},
        {"an activity's end", [](model::Site& s) { s.groups[0].plans[0].activities[0].end->day = 29; }},
        {"a local indicator's value",
         [](model::Site& s) { s.groups[0].plans[0].activities[0].indicators[0].values[0].value = 6; }},
        {"a target group's label", [](model::Site& s) { s.settings.target_groups.at(0).label += "!"; }},
        {"a goal's title", [](model::Site& s) { s.regional.focus_areas[0].goals[0].title += "!"; }},
        {"a process's step", [](model::Site& s) { s.processes.at(0).steps.at(0).title += "!"; }},
        {"the group's name", [](model::Site& s) { s.groups[0].name += "!"; }},
        {"the plan's status", [](model::Site& s) { s.groups[0].plans[0].status = model::PlanStatus::Finished; }},
        {"the site's title", [](model::Site& s) { s.settings.title += "!"; }},
    };
    for (const auto& item : shown) {
        INFO(item.first);  // (clang 14 cannot capture a structured binding in INFO)
        model::Site site = r.site;
        item.second(site);
        CHECK(contents(site) != before);
        CHECK(site::open_data_key(site, "inputs") != key);
    }
    // What the files leave out keeps the key, so the files are kept.
    model::Site site = r.site;
    site.groups[0].plans[0].analysis += "!";
    site.groups[0].description += "!";
    CHECK(contents(site) == before);
    CHECK(site::open_data_key(site, "inputs") == key);
}

TEST_CASE("a goal page lists the linked activities and the start page counts gaps") {
    auto files = test::minimal_site();
    files["groups/g/plans/p1/activities/b.md"] = test::activity("", "pågår");
    const auto r = test::run_pipeline(files);
    REQUIRE(r.lines.empty());
    site::Strings strings({{"activity_one", "aktivitet"}, {"activity_many", "aktiviteter"}});
    site::SiteOptions options;
    options.today = {2025, 6, 1};
    options.strings = &strings;
    const auto view = site::build_site(r.site, options);
    const site::PageView* goal = nullptr;
    const site::PageView* home = nullptr;
    for (const auto& p : view.pages) {
        if (p.path == "regional/fa/fa-1/index.html") goal = &p;
        if (p.path == "index.html") home = &p;
    }
    REQUIRE(goal);
    REQUIRE(home);
    const auto& activities = goal->data.get("activities")->items();
    REQUIRE(activities.size() == 1);
    CHECK(activities[0].get("href")->text() == "../../../groups/g/p1/b/index.html");
    CHECK(goal->data.get("activity_count_text")->text() == "1 aktivitet");
    CHECK_FALSE(goal->data.get("gap")->flag());
    const auto* figures = home->data.get("figures");
    CHECK(figures->get("goals_covered")->text() == "1");
    CHECK(figures->get("goals_uncovered")->text() == "1");
    CHECK(home->data.get("gaps")->items().at(0).get("href")->text() == "regional/fb/fb-1/index.html");
}

TEST_CASE("differences are told in the site's language, status words included") {
    site::Strings sv({{"diff_status", "Status ändrad från {0} till {1}"}, {"status_planned", "Planerad"},
                      {"status_ongoing", "Pågår"}, {"diff_step", "Steg {0} → {1}"}, {"diff_step_set", "Steg {1}"}});
    site::Strings en({{"diff_status", "Status changed from {0} to {1}"}, {"status_planned", "Planned"},
                      {"status_ongoing", "Ongoing"}});
    const history::Difference status{"status", {"planerad", "pågår"}, {}};
    CHECK(site::describe_difference(status, sv) == "Status ändrad från planerad till pågår");
    CHECK(site::describe_difference(status, en) == "Status changed from planned to ongoing");
    CHECK(site::describe_difference({"step", {"", "3"}, {}}, sv) == "Steg 3");
    CHECK(site::describe_difference({"step", {"3", "5"}, {}}, sv) == "Steg 3 → 5");
}

TEST_CASE("a map's own values hide those of the base it shares with other maps") {
    auto base = std::make_shared<const site::Data>(site::Data::map({{"lang", "sv"}, {"title", "Bas"}}));
    site::Data a = site::Data::map(), b = site::Data::map();
    a.inherit(base);
    b.inherit(base);
    a.set("title", "Sida A");
    REQUIRE(a.get("title"));
    CHECK(a.get("title")->text() == "Sida A");
    CHECK(b.get("title")->text() == "Bas");
    CHECK(a.get("lang")->text() == "sv");
    CHECK(a.get("missing") == nullptr);
    CHECK(a.entries().size() == 1);
}

TEST_CASE("view-model maps find every key, small or indexed, set again or inherited") {
    using samplan::site::Data;
    for (const int count : {3, 11, 12, 13, 40, 300}) {
        CAPTURE(count);
        Data d = Data::map();
        for (int i = 0; i < count; ++i) d.set("key_" + std::to_string(i), "v" + std::to_string(i));
        d.set("key_0", "replaced");  // setting a key again replaces its value, in place
        CHECK(d.entries().size() == static_cast<size_t>(count));
        CHECK(d.get("key_0")->text() == "replaced");
        for (int i = 1; i < count; ++i) REQUIRE(d.get("key_" + std::to_string(i))->text() == "v" + std::to_string(i));
        CHECK(d.get("key_" + std::to_string(count)) == nullptr);
        CHECK(d.get("") == nullptr);
        Data child = Data::map({{"own", "o"}, {"key_1", "shadow"}});
        child.inherit(std::make_shared<const Data>(d));
        CHECK(child.get("own")->text() == "o");
        CHECK(child.get("key_1")->text() == "shadow");  // a map's own key hides its base's
        CHECK(child.get("key_" + std::to_string(count - 1))->text() == (count > 1 ? "v" + std::to_string(count - 1) : "replaced"));
        CHECK(child.get("missing") == nullptr);
    }
}

TEST_CASE("a page's meta description is the first paragraph of its text, in plain words") {
    CHECK(site::plain_first_paragraph("## Rubrik\n\nFörsta *stycket* med [en länk](https://example.org/) och `kod`.\nRad två.\n\nAndra stycket.") ==
          "Första stycket med en länk och kod. Rad två.");
    CHECK(site::plain_first_paragraph("- punkt ett\n- punkt <script>alert(1)</script>två") == "punkt ett punkt alert(1) två");
    CHECK(site::plain_first_paragraph("") == "");
    const std::string cut = site::plain_first_paragraph(std::string(100, 'a') + " " + std::string(200, 'b') + " c", 160);
    CHECK(cut == std::string(100, 'a') + "…");
    const std::string long_words = site::plain_first_paragraph("ord " + std::string(300, 'x'), 160);
    CHECK(long_words.size() <= 160 + 3);
    CHECK(long_words.substr(long_words.size() - 3) == "…");
    site::Data page = site::Data::map({{"title", "T"}, {"description", site::Data::markdown("")}, {"body", site::Data::markdown("Brödtext.")}});
    site::add_meta_description(page);
    CHECK(page.get("meta_description")->text() == "Brödtext.");
}

TEST_CASE("a site with more addresses than one sitemap may hold gets a sitemap index") {
    auto files = test::minimal_site();
    files["site.toml"] = "title = \"T\"\nbase_url = \"https://example.org/plan\"\n";
    for (const char* id : {"a", "b", "c"}) files[std::string("groups/g/plans/p1/activities/") + id + ".md"] = test::activity();
    const auto r = test::run_pipeline(files);
    REQUIRE(r.lines.empty());
    Diagnostics d;
    const auto theme = render::load_theme(render::kBuiltinTheme, std::nullopt, "sv", d);
    REQUIRE(d.all().empty());
    const render::Renderer renderer(theme);
    // The sitemaps' files by path, rendered, for a given limit.
    auto sitemaps = [&](size_t limit) {
        site::SiteOptions options;
        options.today = {2025, 6, 1};
        options.strings = &theme.strings;
        options.sitemap_limit = limit;
        std::map<std::string, std::string> out;
        for (const auto& p : site::build_site(r.site, options).pages)
            if (p.path.rfind("sitemap", 0) == 0) out[p.path] = renderer.render(p);
        return out;
    };
    auto locs = [](const std::string& xml, const std::string& tag) {
        std::vector<std::string> found;
        for (size_t at = 0; (at = xml.find("<" + tag + "><loc>", at)) != std::string::npos;) {
            at += tag.size() + 7;
            found.push_back(xml.substr(at, xml.find("</loc>", at) - at));
        }
        return found;
    };
    const auto whole = sitemaps(50000);
    REQUIRE(whole.size() == 1);
    const auto all = locs(whole.at("sitemap.xml"), "url");
    REQUIRE(all.size() > 7);  // home, groups, the group, its plan, the three activities, …
    CHECK(std::find(all.begin(), all.end(), "https://example.org/plan/groups/g/p1/b/") != all.end());
    CHECK(whole.at("sitemap.xml").find("<sitemapindex") == std::string::npos);

    const auto split = sitemaps(3);
    const size_t parts = (all.size() + 2) / 3;
    REQUIRE(split.size() == parts + 1);
    const std::string& index = split.at("sitemap.xml");
    CHECK(index.find("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">") != std::string::npos);
    std::vector<std::string> listed = locs(index, "sitemap"), expected, joined;
    for (size_t n = 1; n <= parts; ++n) {
        expected.push_back("https://example.org/plan/sitemap-" + std::to_string(n) + ".xml");
        const auto part = locs(split.at("sitemap-" + std::to_string(n) + ".xml"), "url");
        CHECK(part.size() <= 3);
        joined.insert(joined.end(), part.begin(), part.end());
    }
    CHECK(listed == expected);
    CHECK(joined == all);  // every address once, in the same order
}
