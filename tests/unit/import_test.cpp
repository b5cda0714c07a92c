// The pieces of `samplan import values`: the CSV reader, the format-keeping TOML edits, and the
// engine (build/import_values.h).
#include <doctest/doctest.h>

#include "build/import_values.h"
#include "content/content.h"
#include "content/csv.h"
#include "content/toml_edit.h"
#include "content/toml_reader.h"

using namespace samplan;
using namespace samplan::content;

namespace {

std::vector<std::vector<std::string>> cells(const CsvTable& t) {
    std::vector<std::vector<std::string>> out;
    for (const auto& r : t.rows) {
        out.emplace_back();
        for (const auto& f : r.fields) out.back().push_back(f.text);
    }
    return out;
}

using Cells = std::vector<std::vector<std::string>>;

Value parse(const std::string& text) {
    TomlError error;
    auto v = parse_toml(text, 0, error);
    REQUIRE_MESSAGE(v, error.message);
    return *v;
}

const Value& at(const Value& v, std::initializer_list<const char*> path) {
    const Value* cur = &v;
    for (const char* key : path) {
        cur = cur->get(key);
        REQUIRE(cur);
        if (cur->type == Value::Type::Array && !cur->items.empty() && cur->items[0].type == Value::Type::Table &&
            std::string(key) != "values")
            cur = &cur->items[0];
    }
    return *cur;
}

// Appends to the array at `key` of the first table of `table` and checks that the result parses.
std::string appended(const std::string& text, const std::vector<std::string>& items) {
    const Value doc = parse(text);
    const std::string out = apply_edits(text, append_to_array(text, at(doc, {"indicators", "values"}), items));
    parse(out);
    return out;
}

}  // namespace

TEST_CASE("CSV: commas, CRLF, a byte order mark and blank lines") {
    CsvTable t;
    CsvError e;
    REQUIRE(read_csv("\xEF\xBB\xBFindicator,date,value\r\nx,2025-06-30,48\r\n\r\ny,2025-07-01,3\r\n", t, e));
    CHECK(t.delimiter == ',');
    CHECK(cells(t) == Cells{{"indicator", "date", "value"}, {"x", "2025-06-30", "48"}, {"y", "2025-07-01", "3"}});
    CHECK(t.rows[2].line == 4);
    CHECK(t.rows[0].fields[0].pos == SourcePos{1, 1});
    CHECK(t.rows[1].fields[2].pos == SourcePos{2, 14});
}

TEST_CASE("CSV: semicolons are taken from the header, decimal commas stay in the field") {
    CsvTable t;
    CsvError e;
    REQUIRE(read_csv("indikator;år;värde\nvantetid;2025;12,5\n", t, e));
    CHECK(t.delimiter == ';');
    CHECK(cells(t) == Cells{{"indikator", "år", "värde"}, {"vantetid", "2025", "12,5"}});
    // Columns count in code points: 'å' is one.
    CHECK(t.rows[0].fields[2].pos == SourcePos{1, 14});
}

TEST_CASE("CSV: quoted fields with \"\" escapes, delimiters and line breaks") {
    CsvTable t;
    CsvError e;
    REQUIRE(read_csv("a,b\n\"x, \"\"y\"\"\",\"12,5\"\n\"two\r\nlines\",z\nlast,\"\"\n", t, e));
    CHECK(cells(t) == Cells{{"a", "b"}, {"x, \"y\"", "12,5"}, {"two\nlines", "z"}, {"last", ""}});
    CHECK(t.rows[1].fields[1].quoted);
    CHECK_FALSE(t.rows[1].fields[0].text.empty());
    CHECK(t.rows[3].line == 5);
    CHECK(t.rows[3].fields[1].pos == SourcePos{5, 6});
}

TEST_CASE("CSV: an unclosed quote, text after a quote and invalid UTF-8 are errors with a position") {
    CsvTable t;
    CsvError e;
    CHECK_FALSE(read_csv("a,b\nx,\"open\n", t, e));
    CHECK(e.pos == SourcePos{2, 3});
    CHECK(e.message.find("never closed") != std::string::npos);
    CHECK_FALSE(read_csv("a,b\n\"x\"y,z\n", t, e));
    CHECK(e.pos == SourcePos{2, 4});
    CHECK_FALSE(read_csv("a,b\nx,\xFF\n", t, e));
    CHECK(e.pos == SourcePos{2, 3});
    CHECK(e.message.find("UTF-8") != std::string::npos);
}

TEST_CASE("TOML edit: a one-line array gets the new items on its line, comments untouched") {
    const std::string text =
        "# top comment\n[[indicators]]\nid = \"x\"   # the id\nvalues = [ { date = 2025-05-30, value = 48 } ]  # keep\n"
        "title = \"T\"\n";
    CHECK(appended(text, {"{ date = 2025-09-30, value = 80 }"}) ==
          "# top comment\n[[indicators]]\nid = \"x\"   # the id\n"
          "values = [ { date = 2025-05-30, value = 48 }, { date = 2025-09-30, value = 80 } ]  # keep\ntitle = \"T\"\n");
    CHECK(appended("[[indicators]]\nvalues = []\n", {"{ a = 1 }", "{ a = 2 }"}) ==
          "[[indicators]]\nvalues = [ { a = 1 }, { a = 2 } ]\n");
    CHECK(appended("[[indicators]]\nvalues = [ 1, ]\n", {"2"}) == "[[indicators]]\nvalues = [ 1, 2, ]\n");
}

TEST_CASE("TOML edit: a multi-line array keeps its indentation, trailing commas and comments") {
    CHECK(appended("[[indicators]]\nvalues = [\n    { date = 2025-01-01, value = 1 },  # first\n    { date = 2025-02-01, value = 2 },  # second\n]\n",
                 {"{ date = 2025-03-01, value = 3 }"}) ==
          "[[indicators]]\nvalues = [\n    { date = 2025-01-01, value = 1 },  # first\n    { date = 2025-02-01, value = 2 },  # second\n"
          "    { date = 2025-03-01, value = 3 },\n]\n");
    // Without a trailing comma: the comma goes after the item, before its comment.
    CHECK(appended("[[indicators]]\r\nvalues = [\r\n  1,\r\n  2 # two\r\n]\r\n", {"3", "4"}) ==
          "[[indicators]]\r\nvalues = [\r\n  1,\r\n  2, # two\r\n  3,\r\n  4\r\n]\r\n");
    // The closing bracket on the last item's line.
    CHECK(appended("[[indicators]]\nvalues = [ 1,\n           2 ]\n", {"3"}) ==
          "[[indicators]]\nvalues = [ 1,\n           2,\n           3 ]\n");
    CHECK(appended("[[indicators]]\nvalues = [\n  # none yet\n]\n", {"1"}) == "[[indicators]]\nvalues = [\n  # none yet\n  1,\n]\n");
    // Strings with brackets and quotes do not confuse the scanner.
    CHECK(appended("[[indicators]]\nvalues = [ \"a]\", 'b]', \"\"\"c]\"\"\", '''#]''' ]\n", {"\"d\""}) ==
          "[[indicators]]\nvalues = [ \"a]\", 'b]', \"\"\"c]\"\"\", '''#]''', \"d\" ]\n");
}

TEST_CASE("TOML edit: a missing key is added after the table's last key, in a front matter too") {
    const std::string text =
        "+++\ntitle = \"A\"\n\n[[indicators]]\n  id = \"x\"\n  target = { date = 2025-12-31, value = 120 }  # goal\n\n"
        "[[indicators]]\nid = \"y\"\n+++\nBody with values = [ ]\n";
    FrontMatter fm;
    SourcePos pos;
    std::string error;
    REQUIRE(split_front_matter(text, fm, pos, error));
    TomlError te;
    const auto doc = parse_toml(fm.toml, 1, te);
    REQUIRE(doc);
    const Value& first = doc->get("indicators")->items[0];
    const Value& second = doc->get("indicators")->items[1];
    CHECK(apply_edits(text, {add_key_line(text, first, "values = [ 1 ]"), add_key_line(text, second, "values = [ 2 ]")}) ==
          "+++\ntitle = \"A\"\n\n[[indicators]]\n  id = \"x\"\n  target = { date = 2025-12-31, value = 120 }  # goal\n"
          "  values = [ 1 ]\n\n[[indicators]]\nid = \"y\"\nvalues = [ 2 ]\n+++\nBody with values = [ ]\n");
}

TEST_CASE("TOML edit: a value is replaced in place, and a key written as a header is recognised") {
    const std::string text = "[[a]]\nvalues = [ { year = 2024, value = 55 }, { year = 2025, value = 5.5 } ]\n[[a.b]]\nx = 1\n";
    const Value doc = parse(text);
    const Value& values = *doc.get("a")->items[0].get("values");
    CHECK(apply_edits(text, {replace_scalar(text, *values.items[1].get("value"), "6")}) ==
          "[[a]]\nvalues = [ { year = 2024, value = 55 }, { year = 2025, value = 6 } ]\n[[a.b]]\nx = 1\n");
    CHECK_FALSE(written_as_header(text, *doc.get("a")->items[0].find("values")));
    CHECK(written_as_header(text, *doc.get("a")->items[0].find("b")));
    CHECK(offset_at("åäö = 1\nb", {1, 7}) == 9);
    CHECK(offset_at("a\nb", {2, 1}) == 2);
    CHECK(value_end("x = 'a' # c", 4) == 7);
    CHECK(value_end("{ a = [1, { b = \"}\" }] } tail", 0) == 24);
}

TEST_CASE("import: the engine places each row by the model, in its record, and a dry run writes nothing") {
    const std::string content = std::string(SAMPLAN_FIXTURES) + "/base";
    const std::string csv = std::string(SAMPLAN_FIXTURES) + "/import/values.csv";
    const auto result = samplan::build::import_values({content, csv, true});
    CHECK(result.status == 0);
    CHECK(result.problems.empty());
    CHECK(result.messages.empty());
    CHECK(result.rows == 4);
    CHECK(result.files_edited == 2);
    CHECK(!result.written);
    using Kind = samplan::build::ImportedValue::Kind;
    REQUIRE(result.files.size() == 2);
    CHECK(result.files[0].path == "regional/plan.toml");
    REQUIRE(result.files[0].values.size() == 2);
    CHECK(result.files[0].values[0].kind == Kind::Add);
    CHECK(result.files[0].values[0].when == "2025");
    CHECK(result.files[0].values[1].kind == Kind::Change);
    CHECK(result.files[0].values[1].old_number == "55");
    CHECK(result.files[0].values[1].line == 3);
    CHECK(result.files[1].path == "groups/alfa/plans/2025/activities/utbildning.md");
    REQUIRE(result.files[1].values.size() == 2);
    CHECK(result.files[1].values[0].kind == Kind::Add);
    CHECK(result.files[1].values[0].when == "2025-09-30");
    CHECK(result.files[1].values[1].kind == Kind::Same);

    const auto missing = samplan::build::import_values({content, "/nonexistent/x.csv", true});
    CHECK(missing.status == 2);
    REQUIRE(missing.messages.size() == 1);
    CHECK(missing.messages[0].rfind("cannot read '/nonexistent/x.csv'", 0) == 0);
}
