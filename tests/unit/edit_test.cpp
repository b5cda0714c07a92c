// The editor's engine (src/edit/): the page's JSON written surgically into a record's text, and
// the editor's refusals (token, Host, Origin, ids that are not ids, conflicts, folders outside).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "content/content.h"
#include "edit/content_cache.h"
#include "edit/editor.h"
#include "edit/git_save.h"
#include "edit/json.h"
#include "edit/record_edit.h"
#include "history/history.h"

using namespace samplan;
using namespace samplan::edit;
namespace fs = std::filesystem;

namespace {

content::Record parse_record(const std::string& path, const std::string& text) {
    content::Record record;
    record.path = path;
    Diagnostics diagnostics;
    REQUIRE(content::parse_record_text(path, text, path.ends_with(".md"), record, diagnostics));
    return record;
}

// The record as the page loaded it, changed by `change`, written back into `text`.
std::string round_trip(const std::string& path, const std::string& text, void (*change)(Json&)) {
    const content::Record record = parse_record(path, text);
    Json page = record_to_json(record);
    change(page);
    std::string out, error;
    REQUIRE_MESSAGE(write_record(text, path.ends_with(".md"), record.data, page, out, error), error);
    return out;
}

Json& data(Json& page) { return const_cast<Json&>(*page.find("data")); }
Json& member(Json& j, const std::string& key) { return const_cast<Json&>(*j.find(key)); }
Json number(std::string text) {
    Json j;
    j.kind = Json::Kind::Number;
    j.text = std::move(text);
    return j;
}
Json date(std::string text) {
    Json j = Json::object();
    j.set("$date", Json::string_value(std::move(text)));
    return j;
}

const std::string kActivity = R"(+++
# A comment that stays.
title = "Gemensam utbildning"   # trailing comment
target_group = "vuxna"
start = 2025-03-01
end = 2025-12-31
priority = 1

[assignment]
scope = """
Vad det gäller.
"""
goal = "Målet"

[[working_group]]
name = "Sara Lind"
principal = "Regionen"
convener = true

[[working_group]]
name = "Per Ek"
principal = "Kommunen"
convener = false

[[indicators]]
id = "antal"
values = [ { date = 2025-06-30, value = 48 } ]
+++
Beskrivning.
)";

}  // namespace

TEST_CASE("edit: an untouched record is written back byte for byte") {
    CHECK(round_trip("a.md", kActivity, [](Json&) {}) == kActivity);
    const std::string crlf = "title = \"T\"\r\nstart = 2025-01-01\r\n";
    CHECK(round_trip("plan.toml", crlf, [](Json&) {}) == crlf);
    const std::string bom = "\xEF\xBB\xBFtitle = \"T\"\nstart = 2025-01-01\n";
    CHECK(round_trip("plan.toml", bom, [](Json&) {}) == bom);
    CHECK(round_trip("plan.toml", bom, [](Json& p) { data(p).set("title", Json::string_value("Ny")); }) ==
          "\xEF\xBB\xBFtitle = \"Ny\"\nstart = 2025-01-01\n");
}

TEST_CASE("edit: publishing a draft removes its line, comment and all") {
    const std::string text = "+++\ntitle = \"T\"\ndraft = true                      # utkast\nstart = 2025-01-01\n+++\nText.\n";
    CHECK(round_trip("a.md", text, [](Json& p) { data(p).set("draft", Json{}); }) ==
          "+++\ntitle = \"T\"\nstart = 2025-01-01\n+++\nText.\n");
}

TEST_CASE("edit: one changed field changes exactly its line, comments and order kept") {
    const std::string out = round_trip("a.md", kActivity, [](Json& p) { data(p).set("title", Json::string_value("Ny titel")); });
    std::string expected = kActivity;
    expected.replace(expected.find("\"Gemensam utbildning\""), 21, "\"Ny titel\"");
    CHECK(out == expected);
    const std::string dated = round_trip("a.md", kActivity, [](Json& p) { data(p).set("end", date("2026-01-31")); });
    CHECK(dated.find("end = 2026-01-31\n") != std::string::npos);  // a TOML date, not a string
    const std::string nested = round_trip("a.md", kActivity, [](Json& p) {
        member(member(data(p), "working_group").items[1], "convener").boolean = true;
    });
    CHECK(nested.find("name = \"Per Ek\"\nprincipal = \"Kommunen\"\nconvener = true\n") != std::string::npos);
    CHECK(nested.size() == kActivity.size() - 1);
}

TEST_CASE("edit: an item removed from a list of tables loses its block and the others keep theirs") {
    // Per Ek's block has a comment, which stays beside him.
    const std::string text = [] {
        std::string t = kActivity;
        const std::string per = "name = \"Per Ek\"\n";
        t.insert(t.find(per) + per.size(), "# Nås på fredagar.\n");
        return t;
    }();
    const std::string sara = "\n[[working_group]]\nname = \"Sara Lind\"\nprincipal = \"Regionen\"\nconvener = true\n";
    REQUIRE(text.find(sara) != std::string::npos);
    std::string expected = text;
    expected.erase(expected.find(sara), sara.size());
    // The first of two removed: its block goes (was: the first took Per Ek's values, the second's
    // block went, and the comment with it).
    CHECK(round_trip("a.md", text, [](Json& p) {
              member(data(p), "working_group").items.erase(member(data(p), "working_group").items.begin());
          }) == expected);
    // Removed while the other is edited: its block, and that line.
    std::string edited = expected;
    edited.replace(edited.find("convener = false"), 16, "convener = true");
    CHECK(round_trip("a.md", text, [](Json& p) {
              Json& group = member(data(p), "working_group");
              group.items.erase(group.items.begin());
              member(group.items[0], "convener").boolean = true;
          }) == edited);
    // The last removed: its block, with the blank line before it.
    std::string last = text;
    const std::string per = "\n[[working_group]]\nname = \"Per Ek\"\n# Nås på fredagar.\nprincipal = \"Kommunen\"\nconvener = false\n";
    REQUIRE(last.find(per) != std::string::npos);
    last.erase(last.find(per), per.size());
    CHECK(round_trip("a.md", text, [](Json& p) { member(data(p), "working_group").items.pop_back(); }) == last);
    // Another like the first after Per Ek: it is the one removed when the page drops the last.
    std::string three = text;
    three.insert(three.find("\n[[indicators]]"), sara);
    CHECK(round_trip("a.md", three, [](Json& p) { member(data(p), "working_group").items.pop_back(); }) == text);
    // Two alike, the first with a comment, one of them removed: the later one is taken for removed.
    std::string twins = text;
    twins.insert(twins.find(sara) + sara.size(), sara);
    twins.insert(twins.find("convener = true\n") + 16, "# Sammankallande sedan 2025.\n");
    std::string kept = text;
    kept.insert(kept.find("convener = true\n") + 16, "# Sammankallande sedan 2025.\n");
    CHECK(round_trip("a.md", twins, [](Json& p) {
              Json& group = member(data(p), "working_group");
              group.items.erase(group.items.begin());
          }) == kept);
}

TEST_CASE("edit: keys, sections and array items are added and removed in place") {
    const std::string out = round_trip("a.md", kActivity, [](Json& p) {
        Json& d = data(p);
        d.set("priority", Json{});  // null: removed
        d.set("step", number("3"));
        Json funding = Json::object();
        funding.set("amount_sek", number("1000"));
        d.set("funding", funding);
        Json person = Json::object();
        person.set("name", Json::string_value("Ny Person"));
        member(d, "working_group").items.push_back(person);
        member(d, "working_group").items.erase(member(d, "working_group").items.begin());
        Json value = Json::object();
        value.set("date", date("2025-12-31"));
        value.set("value", number("60"));
        member(member(d, "indicators").items[0], "values").items.push_back(value);
        p.set("body", Json::string_value("Ny beskrivning.\n"));
    });
    // Items are the page's whole, by position: the first takes Per Ek's values, the second is
    // the new person (the keys it lacks are removed).
    CHECK(out == R"(+++
# A comment that stays.
title = "Gemensam utbildning"   # trailing comment
target_group = "vuxna"
start = 2025-03-01
end = 2025-12-31
step = 3

[assignment]
scope = """
Vad det gäller.
"""
goal = "Målet"

[[working_group]]
name = "Per Ek"
principal = "Kommunen"
convener = false

[[working_group]]
name = "Ny Person"

[[indicators]]
id = "antal"
values = [ { date = 2025-06-30, value = 48 }, { date = 2025-12-31, value = 60 } ]

[funding]
amount_sek = 1000
+++
Ny beskrivning.
)");
    CHECK(out.find("priority") == std::string::npos);
    CHECK(out.find("step = 3\n") != std::string::npos);
    CHECK(out.find("\n[funding]\namount_sek = 1000\n+++\n") != std::string::npos);
    CHECK(out.find("values = [ { date = 2025-06-30, value = 48 }, { date = 2025-12-31, value = 60 } ]") != std::string::npos);
    CHECK(out.ends_with("+++\nNy beskrivning.\n"));
    parse_record("a.md", out);  // and it parses
}

TEST_CASE("edit: whatever is typed stays text") {
    const std::string typed = "\"\"\"\n[[x]]\nevil = true\n\\u0000 \x01 '''";
    const content::Record record = parse_record("plan.toml", "title = \"T\"\n");
    Json page = record_to_json(record);
    data(page).set("title", Json::string_value(typed));
    std::string out, error;
    REQUIRE(write_record("title = \"T\"\n", false, record.data, page, out, error));
    const content::Record back = parse_record("plan.toml", out);
    REQUIRE(back.data.get("title"));
    CHECK(back.data.get("title")->string == typed);
    CHECK(back.data.entries.size() == 1);
    // A date that is not one is refused, not written.
    data(page).set("title", Json::string_value("T"));
    data(page).set("start", date("2025-02-30"));
    CHECK_FALSE(write_record("title = \"T\"\n", false, record.data, page, out, error));
    CHECK(error.find("2025-02-30") != std::string::npos);
}

TEST_CASE("edit: the JSON reader refuses what is not JSON") {
    Json j;
    std::string error;
    CHECK(parse_json(R"({"a":[1,-2.5e3,true,null,"\u00e5\ud83d\ude00"]})", j, error));
    CHECK(j.find("a")->items[4].text == "å😀");
    CHECK_FALSE(parse_json("{\"a\":1,}", j, error));
    CHECK_FALSE(parse_json(std::string(100, '['), j, error));
    CHECK_FALSE(parse_json("\"\\ud800\"", j, error));
}

namespace {

struct Site {
    fs::path dir;
    Site() {
        dir = fs::temp_directory_path() / ("samplan-edit-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir);
        fs::copy(SAMPLAN_EXAMPLE_CONTENT, dir / "content", fs::copy_options::recursive);
    }
    ~Site() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    std::string content() const { return (dir / "content").string(); }
};

const std::string kOrigin = "http://127.0.0.1:4000";

Request post(const std::string& path, const std::string& body) {
    return Request{"POST", path, {}, "127.0.0.1:4000", kOrigin, "samplan_edit=secret", body};
}

Editor make_editor(const Site& site) {
    return Editor(EditorSettings{site.content(), "", 4000, "secret", [] { return Date{2025, 6, 1}; }, {}});
}

}  // namespace

TEST_CASE("edit: requests without the token, from another Host or another origin are refused") {
    Site site;
    Editor editor = make_editor(site);
    Request r = post("/_edit/api/markdown", R"({"text":"*a*"})");
    CHECK(editor.handle(r).status == 200);
    r.cookie = "samplan_edit=wrong";
    CHECK(editor.handle(r).status == 403);
    r.cookie = "";
    CHECK(editor.handle(r).status == 403);
    r = post("/_edit/api/markdown", R"({"text":"*a*"})");
    r.origin = "http://evil.example";
    CHECK(editor.handle(r).status == 403);
    r.origin = "";
    CHECK(editor.handle(r).status == 403);
    r = post("/_edit/api/markdown", R"({"text":"*a*"})");
    r.host = "evil.example:4000";
    CHECK(editor.handle(r).status == 421);
    // The token in the address becomes a strict, HttpOnly cookie.
    Request hand{"GET", "/_edit/", {{"token", "secret"}}, "127.0.0.1:4000", "", "", ""};
    const Response handed = editor.handle(hand);
    CHECK(handed.status == 303);
    bool strict = false;
    for (const auto& [name, value] : handed.headers)
        if (name == "Set-Cookie") strict = value == "samplan_edit=secret; Path=/_edit/; HttpOnly; SameSite=Strict";
    CHECK(strict);
    hand.query["token"] = "secreT";
    CHECK(editor.handle(hand).status == 403);
}

TEST_CASE("edit: records are addressed by ids, never by paths") {
    Site site;
    Editor editor = make_editor(site);
    for (const char* body : {R"({"kind":"activity","group":"..","plan":"2025","id":"x"})",
                             R"({"kind":"activity","group":"uddevalla","plan":"2025","id":"../../../site"})",
                             R"({"kind":"activity","group":"uddevalla","plan":"2025","id":"a/b"})",
                             R"({"kind":"file","group":"uddevalla","plan":"2025","id":"x"})"})
        CHECK(editor.handle(post("/_edit/api/open", body)).status == 400);
}

TEST_CASE("edit: a folder that leads out of the content folder is not written") {
    Site site;
    const fs::path outside = site.dir / "outside";
    fs::create_directories(outside);
    fs::create_directory_symlink(outside, site.dir / "content/groups/uddevalla/evaluations");
    Editor editor = make_editor(site);
    const Response opened =
        editor.handle(post("/_edit/api/new", R"({"kind":"evaluation","group":"uddevalla","plan":"","id":"ny"})"));
    REQUIRE(opened.status == 200);
    Json page;
    std::string error;
    REQUIRE(parse_json(opened.body, page, error));
    Json save = Json::object();
    save.set("address", *page.find("address"));
    save.set("base", Json::string_value(""));
    save.set("record", *page.find("record"));
    Json author = Json::object();
    author.set("name", Json::string_value("A"));
    author.set("email", Json::string_value("a@example.org"));
    save.set("author", author);
    const Response saved = editor.handle(post("/_edit/api/save", to_json(save)));
    CHECK(saved.status == 403);
    CHECK(fs::is_empty(outside));

    // A new plan under a plans folder that leads out: no folder is made there either.
    fs::rename(site.dir / "content/groups/lysekil/plans", site.dir / "lysekil-plans");
    fs::create_directory_symlink(outside, site.dir / "content/groups/lysekil/plans");
    const Response plan = editor.handle(post("/_edit/api/new", R"({"kind":"plan","group":"lysekil","plan":"2030","id":""})"));
    REQUIRE(plan.status == 200);
    REQUIRE(parse_json(plan.body, page, error));
    save.set("address", *page.find("address"));
    save.set("record", *page.find("record"));
    CHECK(editor.handle(post("/_edit/api/save", to_json(save))).status == 403);
    CHECK(fs::is_empty(outside));
}

TEST_CASE("edit: a save over a record changed since it was loaded is refused") {
    Site site;
    Editor editor = make_editor(site);
    const std::string address = R"({"kind":"activity","group":"uddevalla","plan":"2025","id":"sip-skola-bup"})";
    const Response opened = editor.handle(post("/_edit/api/open", address));
    REQUIRE(opened.status == 200);
    Json page;
    std::string error;
    REQUIRE(parse_json(opened.body, page, error));
    const fs::path file = site.dir / "content/groups/uddevalla/plans/2025/activities/sip-skola-bup.md";
    std::ifstream in(file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(page.string_or("base") == blob_id(text));
    std::ofstream(file, std::ios::binary | std::ios::app) << "Någon annans rad.\n";
    Json save = Json::object();
    save.set("address", *page.find("address"));
    save.set("base", *page.find("base"));
    save.set("record", *page.find("record"));
    const Response refused = editor.handle(post("/_edit/api/save", to_json(save)));
    CHECK(refused.status == 409);
    CHECK(refused.body.find("Någon annan har sparat") != std::string::npos);
    // A new record whose id is taken is refused too.
    save.set("base", Json::string_value(""));
    CHECK(editor.handle(post("/_edit/api/save", to_json(save))).status == 409);
}

namespace {

// The page's check of the record that `open` (the open request's JSON) names after `change`, as
// the response's JSON.
Json check_record(Editor& editor, const std::string& open, void (*change)(Json&)) {
    const Response opened = editor.handle(post("/_edit/api/open", open));
    REQUIRE(opened.status == 200);
    Json page;
    std::string error;
    REQUIRE(parse_json(opened.body, page, error));
    Json check = Json::object();
    check.set("address", *page.find("address"));
    check.set("base", *page.find("base"));
    Json record = *page.find("record");
    change(data(record));
    check.set("record", record);
    const Response checked = editor.handle(post("/_edit/api/check", to_json(check)));
    REQUIRE(checked.status == 200);
    Json out;
    REQUIRE(parse_json(checked.body, out, error));
    return out;
}

// The same for the activity sip-skola-bup.
Json check_activity(Editor& editor, void (*change)(Json&)) {
    return check_record(editor, R"({"kind":"activity","group":"uddevalla","plan":"2025","id":"sip-skola-bup"})", change);
}

// The diagnostic of `rule` in a check's response, or nothing.
const Json* diagnostic(const Json& checked, const std::string& rule) {
    for (const auto& d : checked.find("diagnostics")->items)
        if (d.string_or("rule") == rule) return &d;
    return nullptr;
}

void append(const fs::path& file, const std::string& text) { std::ofstream(file, std::ios::binary | std::ios::app) << text; }

}  // namespace

TEST_CASE("edit: the check reports rule errors at their fields") {
    Site site;
    Editor editor = make_editor(site);
    const Json checked = check_activity(editor, [](Json& d) { d.set("end", date("2020-01-01")); });
    const Json* d = diagnostic(checked, "date-order");
    REQUIRE(d != nullptr);
    CHECK(d->string_or("field") == "end");
    CHECK(d->string_or("severity") == "error");
}

TEST_CASE("edit: a rule error is said in Swedish at its field, with the nearest valid value") {
    Site site;
    Editor editor = make_editor(site);
    const Json checked = check_activity(editor, [](Json& d) { d.set("target_group", Json::string_value("vuxen")); });
    const Json* d = diagnostic(checked, "unknown-reference");
    REQUIRE(d != nullptr);
    CHECK(d->string_or("field") == "target_group");
    CHECK(d->string_or("severity") == "error");
    // The sentence of themes/default/i18n/sv.toml (rule_unknown-reference, did_you_mean).
    CHECK(d->string_or("message_sv") == "Det finns inget sådant att hänvisa till. Menade du ”vuxna”?");
    CHECK(d->string_or("suggestion") == "vuxna");
    // A value from a fixed set: the allowed words, and the nearest one (as samplan check says them).
    const Json status = check_activity(editor, [](Json& d) { d.set("status", Json::string_value("pagar")); });
    REQUIRE(diagnostic(status, "bad-value") != nullptr);
    CHECK(diagnostic(status, "bad-value")->string_or("message_sv") ==
          "”pagar” är inte ett av de tillåtna värdena: planerad, pågår, avslutad, avbruten. Menade du ”pågår”?");
    const Json far = check_activity(editor, [](Json& d) { d.set("status", Json::string_value("xyzzy-plugh")); });
    REQUIRE(diagnostic(far, "bad-value") != nullptr);
    CHECK(diagnostic(far, "bad-value")->string_or("message_sv") ==
          "”xyzzy-plugh” är inte ett av de tillåtna värdena: planerad, pågår, avslutad, avbruten.");
    // A text too long: its length and the limit, in characters (an emoji is one).
    static const auto title_of = [](int chars) {
        std::string t;
        for (int i = 0; i < chars; ++i) t += i % 2 ? "\xF0\x9F\x8E\x89" : "\xC3\xA5";  // 🎉 and å
        return t;
    };
    const Json length = check_activity(editor, [](Json& d) { d.set("title", Json::string_value(title_of(301))); });
    REQUIRE(diagnostic(length, "bad-value") != nullptr);
    CHECK(diagnostic(length, "bad-value")->string_or("field") == "title");
    CHECK(diagnostic(length, "bad-value")->string_or("message_sv") == "Texten har 301 tecken; högst 300 är tillåtna.");
    const Json at_limit = check_activity(editor, [](Json& d) { d.set("title", Json::string_value(title_of(300))); });
    CHECK(diagnostic(at_limit, "bad-value") == nullptr);
    // A negative amount: the amount said.
    const Json negative = check_activity(editor, [](Json& d) {
        Json funding = Json::object();
        funding.set("amount_sek", number("-500"));
        d.set("funding", funding);
    });
    REQUIRE(diagnostic(negative, "bad-value") != nullptr);
    CHECK(diagnostic(negative, "bad-value")->string_or("message_sv") == "Beloppet kan inte vara negativt (-500).");
    // Without a near value, the sentence alone.
    const Json dates = check_activity(editor, [](Json& d) { d.set("end", date("2020-01-01")); });
    REQUIRE(diagnostic(dates, "date-order") != nullptr);
    CHECK(diagnostic(dates, "date-order")->string_or("message_sv") == "Slutdatumet ligger före startdatumet.");
}

TEST_CASE("edit: the kept content follows the files: one changed record is parsed again, a new file loads all") {
    Site site;
    ContentCache cache(site.content());
    cache.refresh();
    CHECK(cache.full_loads() == 1);
    const size_t records = cache.records().size();
    REQUIRE(cache.site().settings.target_groups.size() == 2);
    cache.refresh();  // nothing changed: nothing read
    CHECK(cache.full_loads() == 1);
    CHECK(cache.reparsed() == 0);
    // An edit in a text editor: the file alone is read again, and the model shows it.
    append(site.dir / "content/site.toml", "aldre = \"Äldre\"\n");
    cache.refresh();
    CHECK(cache.full_loads() == 1);
    CHECK(cache.reparsed() == 1);
    CHECK(cache.site().settings.target_groups.size() == 3);
    // A new record: the folder is read again.
    fs::copy_file(site.dir / "content/groups/uddevalla/plans/2025/activities/sip-skola-bup.md",
                  site.dir / "content/groups/uddevalla/plans/2025/activities/kopia.md");
    cache.refresh();
    CHECK(cache.full_loads() == 2);
    CHECK(cache.records().size() == records + 1);
    // A record swapped in for a check leaves the kept ones as they were.
    content::Record changed = cache.records().back();
    Diagnostics diagnostics;
    changed.readable = false;
    const model::Site with = cache.with_record(changed, diagnostics);
    CHECK(with.unreadable_paths.size() == 1);
    CHECK(cache.records().back().readable);
    CHECK(cache.site().unreadable_paths.empty());
}

TEST_CASE("edit: a check sees a file that was changed outside the editor") {
    Site site;
    Editor editor = make_editor(site);
    auto keep = [](Json&) {};
    CHECK(diagnostic(check_activity(editor, keep), "unknown-reference") == nullptr);
    // The activity's target group is taken out of site.toml in a text editor.
    const fs::path settings = site.dir / "content/site.toml";
    std::ifstream in(settings, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    in.close();
    const size_t at = text.find("barn-och-unga = \"Barn och unga\"\n");
    REQUIRE(at != std::string::npos);
    text.erase(at, std::string("barn-och-unga = \"Barn och unga\"\n").size());
    std::ofstream(settings, std::ios::binary | std::ios::trunc) << text;
    const Json checked = check_activity(editor, keep);
    const Json* d = diagnostic(checked, "unknown-reference");
    REQUIRE(d != nullptr);
    CHECK(d->string_or("field") == "target_group");
}

TEST_CASE("edit: the plan-revision warning counts from the plan's last commit in the history serve read") {
    Site site;
    // The content in git, committed on 2026-03-01, after the plan's decision (2026-02-11).
    const std::string dir = site.dir.string();
    const std::string git = "cd '" + dir + "' && GIT_AUTHOR_DATE=2026-03-01T12:00:00 GIT_COMMITTER_DATE=2026-03-01T12:00:00 " +
                            "git -c user.name=T -c user.email=t@example.org ";
    REQUIRE(std::system((git + "init -q . && " + git + "add content && " + git + "commit -q -m c").c_str()) == 0);
    Editor editor(EditorSettings{site.content(), "", 4000, "secret", [] { return Date{2027, 6, 1}; }, {}});
    const auto check_plan = [&] {
        const Json out = check_record(editor, R"({"kind":"plan","group":"uddevalla","plan":"2026","id":""})", [](Json& d) {
            d.set("end", date("2028-12-31"));
            d.set("revised", Json());  // removed: the revision counts from git, else the decision
        });
        const Json* d = diagnostic(out, "plan-revision");
        return d ? d->string_or("message_sv") : std::string();
    };
    CHECK(check_plan() == "Planen har inte reviderats på 12 månader (senast 2026-02-11).");
    editor.set_history(std::make_shared<const history::History>(history::read_history(site.content())));
    CHECK(check_plan() == "Planen har inte reviderats på 12 månader (senast 2026-03-01).");
}
