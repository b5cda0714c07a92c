#include <doctest/doctest.h>

#include "content/content.h"
#include "content/toml_reader.h"
#include "core/big_stack.h"
#include "pipeline.h"

using namespace samplan;
using namespace samplan::content;

namespace {

std::vector<std::string> lines(const Diagnostics& d) {
    std::vector<std::string> out;
    for (const auto& x : d.all()) out.push_back(format_text(x));
    return out;
}

}  // namespace

TEST_CASE("front matter is split with the body's line number") {
    FrontMatter fm;
    SourcePos pos;
    std::string error;
    REQUIRE(split_front_matter("+++\ntitle = \"x\"\n+++\nBody\n", fm, pos, error));
    CHECK(fm.toml == "title = \"x\"\n");
    CHECK(fm.body == "Body\n");
    CHECK(fm.body_line == 4);
    REQUIRE(split_front_matter("+++\r\na = 1\r\n+++  \r\n", fm, pos, error));
    CHECK(fm.body == "");
    CHECK_FALSE(split_front_matter("title = 1\n", fm, pos, error));
    CHECK(error.find("missing front matter") == 0);
    CHECK_FALSE(split_front_matter("+++\ntitle = 1\n", fm, pos, error));
    CHECK(error.find("never closed") != std::string::npos);
    CHECK_FALSE(split_front_matter("", fm, pos, error));
}

TEST_CASE("TOML positions include the front matter offset") {
    TomlError error;
    auto v = parse_toml("a = 1\nb = \"x\"\n", 1, error);
    REQUIRE(v);
    REQUIRE(v->find("b"));
    CHECK(v->find("b")->key_pos == SourcePos{3, 1});
    CHECK(v->get("b")->pos == SourcePos{3, 5});
    CHECK_FALSE(parse_toml("a = \n", 1, error));
    CHECK(error.pos.line == 2);
}

// Issue 18, finding 8: a Value kept only the type of a date-time or a local time; it keeps the
// value now, so that a schema, `import values` or a later key can use it.
TEST_CASE("TOML date-times and local times keep their values") {
    TomlError error;
    const auto v = parse_toml("a = 1979-05-27T07:32:00Z\nb = 1979-05-27 00:32:00.999999-07:00\n"
                              "c = 07:32:00\nd = 1979-05-27T07:32:00.5\ne = 2025-03-01\n", 0, error);
    REQUIRE(v);
    const Value& a = *v->get("a");
    CHECK(a.type == Value::Type::DateTime);
    CHECK(a.date == samplan::Date{1979, 5, 27});
    CHECK(a.time == TimeOfDay{7, 32, 0, 0});
    CHECK(a.has_offset);
    CHECK(a.offset_minutes == 0);
    CHECK(date_time_text(a) == "1979-05-27T07:32:00Z");
    const Value& b = *v->get("b");
    CHECK(b.time == TimeOfDay{0, 32, 0, 999999000});
    CHECK(b.offset_minutes == -420);
    CHECK(date_time_text(b) == "1979-05-27T00:32:00.999999-07:00");
    CHECK(v->get("c")->type == Value::Type::Time);
    CHECK(date_time_text(*v->get("c")) == "07:32:00");
    CHECK_FALSE(v->get("d")->has_offset);
    CHECK(date_time_text(*v->get("d")) == "1979-05-27T07:32:00.5");
    CHECK(date_time_text(*v->get("e")) == "2025-03-01");
    // Two documents that differ only in a date-time's value differ.
    const auto w = parse_toml("a = 1979-05-27T07:32:01Z\n", 0, error);
    const auto x = parse_toml("a = 1979-05-27T07:32:00Z\n", 0, error);
    REQUIRE((w && x));
    CHECK(first_difference(*w, *x) == "a: 1979-05-27T07:32:01Z vs 1979-05-27T07:32:00Z");
}

TEST_CASE("deeply nested TOML is parsed or refused without overflowing the stack") {
    std::string deep = "a = " + std::string(5000, '[') + std::string(5000, ']') + "\n";
    TomlError error;
    CHECK_FALSE(parse_toml(deep, 0, error));
    CHECK(error.message == "tables and arrays nested too deeply (at most 64 levels)");
    std::string ok = "a = " + std::string(64, '[') + std::string(64, ']') + "\n";
    CHECK(parse_toml(ok, 0, error));
}

TEST_CASE("a big-stack thread parses deep TOML itself, and the loader's threads are such threads") {
    CHECK_FALSE(on_big_stack());
    bool inside = false, parsed = false, refused = false;
    BigStackThread thread([&] {
        inside = on_big_stack();
        TomlError error;
        parsed = parse_toml("\"a\" = " + std::string(64, '[') + std::string(64, ']') + "\n", 0, error).has_value();
        refused = !parse_toml("a = " + std::string(5000, '[') + std::string(5000, ']') + "\n", 0, error);
    });
    thread.join();
    CHECK(inside);
    CHECK(parsed);
    CHECK(refused);

    // Enough activities for the loader to use its worker threads; one nested as deep as TOML allows.
    std::map<std::string, std::string> files = {
        {"site.toml", "title = \"T\"\n"},
        {"groups/alfa/group.toml", "name = \"A\"\n"},
        {"groups/alfa/plans/2025/plan.toml", "title = \"P\"\nx = " + std::string(64, '[') + std::string(64, ']') + "\n"},
    };
    for (int i = 0; i < 40; ++i)
        files["groups/alfa/plans/2025/activities/a" + std::to_string(i) + ".md"] = "+++\ntitle = \"A\"\n+++\nText\n";
    MemorySource source(files);
    Diagnostics d;
    const auto records = load_records(source, d);
    size_t readable = 0;
    for (const auto& r : records)
        if (files.count(r.path)) readable += r.readable ? 1 : 0;
    CHECK(readable == files.size());
}

TEST_CASE("the loader walks the layout and reports every broken file") {
    MemorySource source({
        {"site.toml", "title = \"T\"\n"},
        {"regional/plan.toml", "title = \n"},
        {"processes/vagledning.toml", "title = \"P\"\n"},
        {"processes/notes.txt", "x"},
        {"pages/om.md", "no front matter"},
        {"groups/alfa/group.toml", "name = \"A\"\n"},
        {"groups/alfa/plans/2025/plan.toml", "title = \"P\"\n"},
        {"groups/alfa/plans/2025/activities/a.md", "+++\ntitle = \"A\"\n+++\nText\n"},
        {"groups/alfa/plans/2025/activities/Bad.md", "+++\n+++\n"},
        {"groups/Beta/group.toml", "name = \"B\"\n"},
        {"groups/gamma/plans/x/plan.toml", "title = \"P\"\n"},
    });
    Diagnostics d;
    const auto records = load_records(source, d);
    d.sort();
    CHECK(lines(d) == std::vector<std::string>{
                          "groups/Beta:1:1: error: bad id 'Beta': an id is 1 to 64 characters of a-z, 0-9 and '-', "
                          "starting with a letter or digit [bad-id]",
                          "groups/alfa/plans/2025/activities/Bad.md:1:1: error: bad id 'Bad': an id is 1 to 64 "
                          "characters of a-z, 0-9 and '-', starting with a letter or digit [bad-id]",
                          "groups/gamma/group.toml:1:1: error: missing file: a group's group.toml is required "
                          "[missing-file]",
                          "pages/om.md:1:1: error: missing front matter: a .md record starts with a line '+++', then "
                          "TOML, then a line '+++' [front-matter]",
                          "processes/notes.txt:1:1: warning: unexpected file: process files end in .toml; this file "
                          "is ignored [unexpected-file]",
                          "regional/plan.toml:1:9: error: TOML: Error while parsing key-value pair: expected value, saw "
                          "'\\n' [toml]",
                      });
    std::vector<std::string> unreadable;
    for (const auto& r : records)
        if (!r.readable) unreadable.push_back(r.path);
    CHECK(unreadable == std::vector<std::string>{"regional/plan.toml", "pages/om.md", "groups/gamma/group.toml"});
    REQUIRE(records.size() == 9);
    const Record& activity = records[6];
    CHECK(activity.kind == RecordKind::Activity);
    CHECK(activity.id == "a");
    CHECK(activity.group == "alfa");
    CHECK(activity.plan == "2025");
    CHECK(activity.body == "Text\n");
    CHECK(activity.body_line == 4);
}

TEST_CASE("very wide table rows are refused before Markdown sees them") {
    MemorySource source({{"pages/bred.md", "+++\ntitle = \"x\"\n+++\nText\n" + std::string(25000, '|') + "\n"}});
    Diagnostics d;
    load_records(source, d);
    d.sort();
    REQUIRE(!d.all().empty());
    CHECK(format_text(d.all().front()) ==
          "pages/bred.md:5:1: error: line has 25000 '|' characters; at most 500 (a table of more columns cannot be "
          "shown) [markdown-limits]");
}

TEST_CASE("invalid UTF-8, NUL bytes, two BOMs and oversized files are refused with their position") {
    MemorySource source({
        {"site.toml", "title = \"T\"\nx = \"\xc3\x28\"\n"},
        {"regional/plan.toml", std::string("title = \"R\"\n\0", 13)},
        {"processes/big.toml", std::string(2000, '#')},
        {"processes/bom.toml", "\xEF\xBB\xBFtitle = \"One BOM is fine\"\nsteps = []\n"},
        {"processes/two-boms.toml", "\xEF\xBB\xBF\xEF\xBB\xBFtitle = \"P\"\n"},
        {"pages/two-boms.md", "\xEF\xBB\xBF\xEF\xBB\xBF+++\ntitle = \"P\"\n+++\nText\n"},
    });
    Diagnostics d;
    LoadOptions options;
    options.max_record_bytes = 1000;
    const auto records = load_records(source, d, options);
    d.sort();
    for (const auto& r : records)
        if (r.path == "processes/bom.toml") CHECK((r.readable && r.data.get("title")));
    CHECK(lines(d) == std::vector<std::string>{
                          "pages/two-boms.md:1:1: error: the file starts with two byte order marks (BOM): save it "
                          "as UTF-8 with at most one [utf8]",
                          "processes/big.toml:1:1: error: file is larger than the limit of 1000 bytes; split it or "
                          "shorten it [file-too-large]",
                          "processes/two-boms.toml:1:1: error: the file starts with two byte order marks (BOM): save "
                          "it as UTF-8 with at most one [utf8]",
                          "regional/plan.toml:2:1: error: NUL byte in text [utf8]",
                          "site.toml:2:6: error: invalid UTF-8: save the file as UTF-8 [utf8]",
                      });
}
