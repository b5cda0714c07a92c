// End-to-end tests of hostile content that would cost time out of proportion to its size (issue
// 18, finding 5): Markdown nested too deeply for search to index. No test here is timed.
#include <doctest/doctest.h>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

std::string repeat(std::string_view unit, int times) {
    std::string s;
    for (int i = 0; i < times; ++i) s += unit;
    return s;
}

const std::string kTooDeep =
    ": error: Markdown nested too deeply: at most 32 lists and block quotes inside one another [markdown-limits]\n";

}  // namespace

// Pagefind took 61 s to index a page of 20,000 nested list items (0.23 s without search), 604 s
// for 100,000. Such a text is refused where it is written, before anything is built.
TEST_CASE("Markdown lists and block quotes nested more than 32 deep are refused with their position") {
    TempDir dir, out;
    copy_base_fixture(dir.path());
    const fs::path page = dir.path() / "pages/vagledning.md";
    const fs::path activity = dir.path() / "groups/alfa/plans/2025/activities/sip.md";
    write_file(page, "+++\ntitle = \"Vägledning\"\nweight = 1\n+++\nSå här.\n\n" + repeat("- ", 20000) + "a\n");
    // In a TOML string (a description is Markdown too), with the nesting behind `\n` escapes.
    std::string text = read_file(activity);
    text.insert(text.find("\n[[working_group]]"),
                "\ndescription = \"Text.\\n" + repeat("> ", 16) + repeat("1. ", 17) + "djupt\"\n");
    write_file(activity, text);
    auto r = run_samplan({"check", "--content", dir.path().string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("groups/alfa/plans/2025/activities/sip.md:12:15" + kTooDeep) != std::string::npos);
    CHECK(r.out.find("pages/vagledning.md:7:65" + kTooDeep) != std::string::npos);
    r = run_samplan({"build", "--content", dir.path().string(), "--output", (out.path() / "site").string()});
    CHECK(r.exit_code == 1);
    CHECK(!fs::exists(out.path() / "site"));

    // 32 levels, a thematic break of many marks, and fenced code with many `>` are fine.
    write_file(page, "+++\ntitle = \"Vägledning\"\nweight = 1\n+++\n" + repeat("> ", 16) + repeat("- ", 16) +
                         "a\n\n" + repeat("- ", 40) + "\n\n```\n" + repeat(">", 80) + "\n```\n");
    text.replace(text.find("description = "), text.find("djupt\"") - text.find("description = "),
                 "description = \"" + repeat("* ", 32));
    write_file(activity, text);
    r = run_samplan({"check", "--content", dir.path().string()});
    CHECK(r.out.find("markdown-limits") == std::string::npos);
    CHECK(r.exit_code == 0);
}

// cmark-gfm makes a node for each table cell: a megabyte of one-letter rows under a two-column
// header took 2 s and 480 MB. A table of more than 50,000 cells is refused at its delimiter row;
// one of 50,000 is read.
TEST_CASE("a Markdown table of more than 50,000 cells is refused at its delimiter row") {
    TempDir dir;
    copy_base_fixture(dir.path());
    const fs::path page = dir.path() / "pages/vagledning.md";
    const std::string head = "+++\ntitle = \"Vägledning\"\nweight = 1\n+++\nSå här.\n\n| a | b |\n|---|:-:|\n";
    write_file(page, head + repeat("x\n", 25001));
    auto r = run_samplan({"check", "--content", dir.path().string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("pages/vagledning.md:8:1: error: table with more than 50000 cells (2 columns): split it "
                     "[markdown-limits]\n") != std::string::npos);
    write_file(page, head + repeat("x\n", 25000) + "\n" + repeat("x\n", 25000));
    r = run_samplan({"check", "--content", dir.path().string()});
    CHECK(r.out.find("markdown-limits") == std::string::npos);
    CHECK(r.exit_code == 0);
}

// cmark-gfm's table extension takes time growing with the square of a row's cells: a line of more
// than 500 '|' is refused. The check reads the decoded text, so a TOML string's `\u007c` escapes
// count as the '|' they stand for (the old check read the file's lines and let them through).
TEST_CASE("a line of more than 500 '|' is refused, also when a TOML string writes them as \\u007c") {
    TempDir dir;
    copy_base_fixture(dir.path());
    const fs::path activity = dir.path() / "groups/alfa/plans/2025/activities/sip.md";
    const std::string original = read_file(activity);
    std::string text = original;
    text.insert(text.find("\n[[working_group]]"), "\ndescription = \"| a | b |\\n|---|---|\\n" + repeat("\\u007c", 501) + "\"\n");
    write_file(activity, text);
    auto r = run_samplan({"check", "--content", dir.path().string()});
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("groups/alfa/plans/2025/activities/sip.md:12:15: error: line has 501 '|' characters; at most 500 "
                     "(a table of more columns cannot be shown) [markdown-limits]\n") != std::string::npos);
    // 500 are read.
    text = original;
    text.insert(text.find("\n[[working_group]]"), "\ndescription = \"" + repeat("\\u007c", 500) + "\"\n");
    write_file(activity, text);
    r = run_samplan({"check", "--content", dir.path().string()});
    CHECK(r.out.find("markdown-limits") == std::string::npos);
    CHECK(r.exit_code == 0);
}

// Pagefind took about a second of CPU for each megabyte of prose (and several of wall time): of
// each Markdown text, search indexes the first 64 KiB of text; the rest is shown as before and
// marked data-pagefind-ignore. Shorter texts are unchanged.
TEST_CASE("search indexes the first 64 KiB of a long page: the rest is marked data-pagefind-ignore") {
    TempDir dir, out;
    copy_base_fixture(dir.path());
    std::string body;
    for (int i = 0; body.size() < 200000; ++i) body += "Stycke " + std::to_string(i) + " om arbetet i gruppen.\n\n";
    write_file(dir.path() / "pages/vagledning.md", "+++\ntitle = \"Vägledning\"\nweight = 1\n+++\n" + body);
    auto r = run_samplan({"build", "--content", dir.path().string(), "--output", (out.path() / "site").string()});
    REQUIRE(r.exit_code == 0);
    const std::string page = read_file(out.path() / "site/pages/vagledning/index.html");
    // Paragraphs of 30-odd bytes: the first 64 KiB of text is about 2,000 of them.
    const size_t first = page.find("<p data-pagefind-ignore>Stycke ");
    REQUIRE(first != std::string::npos);
    CHECK(page.find("<p>Stycke 1000 om") < first);
    CHECK(page.find("<p data-pagefind-ignore>Stycke 3000 om") != std::string::npos);
    CHECK(page.find("<p data-pagefind-ignore>Stycke " + std::to_string(body.size() / 35) + " om") != std::string::npos);
    CHECK(page.find("<p>Stycke 3000") == std::string::npos);
    // The home page and the other pages are not marked (but for the theme's own mark on the home
    // page's list of the latest events, which search leaves out).
    std::string home = read_file(out.path() / "site/index.html");
    const std::string events = "<ul class=\"recent\" data-pagefind-ignore>";
    REQUIRE(home.find(events) != std::string::npos);
    home.erase(home.find(events), events.size());
    CHECK(home.find("data-pagefind-ignore") == std::string::npos);
}

// A megabyte of `[` made cmark-gfm hold 256 MB (a node for each before it merges them). The parse
// is given up at 48 MiB and the text shown as plain text, whose first 64 KiB search indexes.
TEST_CASE("a page of a megabyte of opening brackets is built, shown as plain text, and searched for its first 64 KiB") {
    TempDir dir, out;
    copy_base_fixture(dir.path());
    write_file(dir.path() / "pages/vagledning.md",
               "+++\ntitle = \"Vägledning\"\nweight = 1\n+++\n" + std::string(1000000, '[') + "\n");
    auto r = run_samplan({"build", "--content", dir.path().string(), "--output", (out.path() / "site").string()});
    REQUIRE(r.exit_code == 0);
    const std::string page = read_file(out.path() / "site/pages/vagledning/index.html");
    const std::string shown = "<p>" + std::string(64 << 10, '[') + "<span data-pagefind-ignore>" +
                              std::string(1000000 - (64 << 10), '[') + "\n</span></p>";
    CHECK(page.find(shown) != std::string::npos);
}
