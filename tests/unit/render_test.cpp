#include <doctest/doctest.h>

#include <cmark-gfm.h>

#include <algorithm>
#include <string>

#include "render/markdown.h"
#include "render/markdown_memory.h"
#include "render/markdown_tame.h"
#include "render/render.h"
#include "render/searched_text.h"

using namespace samplan::render;

namespace {

// `html` without the marks mark_unsearched adds.
std::string unmarked(std::string html) {
    for (std::string_view mark : {"<span data-pagefind-ignore>", " data-pagefind-ignore"})
        for (size_t at; (at = html.find(mark)) != std::string::npos;) html.erase(at, mark.size());
    // Each span it opened closes at the end of its text run, before the next tag.
    for (size_t at; (at = html.find("</span>")) != std::string::npos;) html.erase(at, 7);
    return html;
}

}  // namespace

TEST_CASE("only http, https, mailto, tel and relative links are safe") {
    for (const char* ok : {"https://example.org", "http://x", "mailto:a@b.se", "tel:+4610", "../a/index.html", "#x",
                           "sida.html", "a/b:c"})
        CHECK_MESSAGE(is_safe_link(ok), ok);
    for (const char* bad : {"javascript:alert(1)", " JAVASCRIPT:x", "\tjavascript:x", "data:text/html,x", "vbscript:x",
                            "ftp://host", "//evil.example", "\\\\evil.example", "file:///etc/passwd", ":x"})
        CHECK_MESSAGE(!is_safe_link(bad), bad);
}

TEST_CASE("Markdown is rendered with GFM and without raw HTML") {
    CHECK(markdown_to_html("# Rubrik\n\n~~bort~~ och https://example.org\n") ==
          "<h2>Rubrik</h2>\n<p><del>bort</del> och <a href=\"https://example.org\">https://example.org</a></p>\n");
    CHECK(markdown_to_html("## Två\n\n#### Fyra\n") == "<h2>Två</h2>\n<h4>Fyra</h4>\n");
    CHECK(markdown_to_html("### Tre\n", {3}) == "<h3>Tre</h3>\n");
    CHECK(markdown_to_html("| a | b |\n|---|---|\n| 1 | 2 |\n").find("<table>") != std::string::npos);
    CHECK(markdown_to_html("- [x] klart\n").find("checked") != std::string::npos);
    CHECK(markdown_to_html("<script>alert(1)</script>\n") == "<!-- raw HTML omitted -->\n");
    CHECK(markdown_to_html("a <b onclick=x>b</b>") == "<p>a <!-- raw HTML omitted -->b<!-- raw HTML omitted --></p>\n");
    CHECK(markdown_to_html("[x](javascript:alert(1)) [y](ftp://h) [z](//h)") ==
          "<p><a href=\"\">x</a> <a href=\"\">y</a> <a href=\"\">z</a></p>\n");
    CHECK(markdown_to_html("![logo](bilder/logo.png)") == "<p><img src=\"bilder/logo.png\" alt=\"logo\" /></p>\n");
    CHECK(markdown_to_html("![spår](https://evil.example/p.png)") ==
          "<p><a href=\"https://evil.example/p.png\">spår</a></p>\n");
    CHECK(markdown_to_html("   \n") == "");
}

TEST_CASE("a Markdown table scrolls in its own region, reachable with the keyboard and named by its header row") {
    const std::string html = markdown_to_html("Före\n\n| Steg | Vem & *hur* | `kod` |\n|---|---|---|\n| 1 | 2 | 3 |\n\n| x |\n|---|\n| 1 \\<table> |\n");
    CHECK(html.find("<p>Före</p>\n<section class=\"table-scroll\" tabindex=\"0\" aria-label=\"Steg, Vem &amp; hur, kod\"><table>") == 0);
    CHECK(html.find("</table>\n</section>\n<section class=\"table-scroll\" tabindex=\"0\" aria-label=\"x\"><table>") != std::string::npos);
    CHECK(html.find("&lt;table&gt;") != std::string::npos);  // text that looks like a table tag stays text
    CHECK(html.substr(html.size() - 20) == "</table>\n</section>\n");
    CHECK(markdown_to_html("`<table>` och <table>\n").find("table-scroll") == std::string::npos);
}

TEST_CASE("HTML escaping covers attributes and text") {
    CHECK(escape_html("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST_CASE("escaping replaces what XML 1.0 and HTML do not allow, so that feeds stay well formed") {
    const std::string fffd = "\xEF\xBF\xBD";
    CHECK(escape_html("Titel\x01 \xEF\xBF\xBE\xEF\xBF\xBF & \x7F\xC2\x85") ==
          "Titel" + fffd + " " + fffd + fffd + " &amp; " + fffd + fffd);
    CHECK(escape_html("\xC4ndrad\x80") == fffd + "ndrad" + fffd);  // invalid UTF-8
    CHECK(escape_html("Åsa\tå\r\nö \xF0\x9F\x98\x80 \xEE\x80\x80") == "Åsa\tå\r\nö \xF0\x9F\x98\x80 \xEE\x80\x80");
    // In Markdown too, typed or named by a character reference.
    CHECK(markdown_to_html("a\x01" "b &#1; &#xFFFE;") == "<p>a" + fffd + "b " + fffd + " " + fffd + "</p>\n");
}

TEST_CASE("the same Markdown shown at different heading levels gets each level, however often it is shown") {
    const std::string text = "# Bakgrund\n\nText.\n";
    for (int round = 0; round < 2; ++round) {
        CHECK(markdown_to_html(text).find("<h2>Bakgrund</h2>") != std::string::npos);
        CHECK(markdown_to_html(text, MarkdownOptions{3}).find("<h3>Bakgrund</h3>") != std::string::npos);
        CHECK(markdown_to_html(text + "x") != markdown_to_html(text));
    }
}

namespace {

std::string repeat(std::string_view unit, size_t bytes) {
    std::string s;
    s.reserve(bytes + unit.size());
    while (s.size() + unit.size() <= bytes) s += unit;
    return s;
}

}  // namespace

// Issue 18, finding 5. cmark-gfm 0.29 is quadratic on these shapes: a page body of `a <?` repeated
// to 960 KB took 109 s, the others seconds to minutes. No test here is timed: each asserts that
// the work cmark-gfm would do (markdown_cost, the bytes its scans would read, counted by a linear
// pass) is quadratic before taming — far over the limit, for a text under a megabyte — and at most
// a few times the text's length after; and that the text still shows what was written.
TEST_CASE("the shapes cmark-gfm is quadratic on are tamed: what it is given costs linear work") {
    constexpr size_t kBytes = 960'000;
    struct Shape {
        const char* unit;
        size_t MarkdownCost::*kind;
    };
    const Shape shapes[] = {
        {"a <?", &MarkdownCost::html},          {"x<?\n", &MarkdownCost::html},
        {"2. <?\n", &MarkdownCost::html},        {"a <![CDATA[", &MarkdownCost::html},
        {"a <!A ", &MarkdownCost::html},         {"![[]()", &MarkdownCost::images},
        {"www.a_", &MarkdownCost::www},          {"a@", &MarkdownCost::email},
        {"a.a.a.a.b@", &MarkdownCost::email},
    };
    for (const Shape& shape : shapes) {
        const std::string source = repeat(shape.unit, kBytes);
        INFO(shape.unit);
        CHECK(markdown_cost(source).*shape.kind > size_t{1} << 30);
        const TamedMarkdown tamed = tame_markdown(source, MarkdownOptions{}.cost_limit);
        const MarkdownCost after = markdown_cost(tamed.text);
        for (size_t MarkdownCost::*kind :
             {&MarkdownCost::html, &MarkdownCost::images, &MarkdownCost::www, &MarkdownCost::email})
            CHECK(after.*kind <= 4 * tamed.text.size());
    }
    // The text is shown as it was written: every `<?` as text.
    const std::string pi = repeat("a <?", kBytes);
    CHECK(unmarked(markdown_to_html(pi)) == "<p>" + repeat("a &lt;?", kBytes / 4 * 7) + "</p>\n");
    const std::string at = repeat("a@", kBytes);
    CHECK(unmarked(markdown_to_html(at)) == "<p>" + at + "</p>\n");
}

TEST_CASE("taming changes nothing that was not quadratic") {
    // Ordinary text is far under the limit, and is given to cmark-gfm as it is.
    const std::string ordinary = repeat("Text med <b>fetstil</b>, <!-- en kommentar -->, [en länk](https://a.se), "
                                        "![bild](b.png), <https://a.se>, a@b.se och www.a.se.\n\n", 900'000);
    const MarkdownCost cost = markdown_cost(ordinary);
    CHECK(std::max({cost.html, cost.images, cost.www, cost.email}) < MarkdownOptions{}.cost_limit / 8);
    CHECK(tame_markdown(ordinary, MarkdownOptions{}.cost_limit).text == ordinary);
    // Tamed everywhere (limit 0), these render as they did: code keeps its `<?`, closed raw HTML
    // is still dropped, autolinks and addresses are still links.
    MarkdownOptions everywhere;
    everywhere.cost_limit = 0;
    for (const char* text : {"```php\n<?php echo 1;\n```\n", "`<?x` och `<!A b` <?", "    <![CDATA[ x\n",
                             "a <?php echo 1; ?> b <?", "a <![CDATA[x]]> <!DOCTYPE html> b",
                             "a@b@c.se d@e.se", "_www.a_www.b.se", "_www.a_www.b_c", "![a](b.png) [c](d) ![e](<f.png>)",
                             "\\<? <? <?", "*<?*a <!-- c --> <?", "www.a.se_www.b"}) {
        INFO(text);
        CHECK(markdown_to_html(text, everywhere) == markdown_to_html(text));
    }
}

// Pagefind's indexing grows with the square of a page's nesting; `*` repeated nests as many
// <strong> (20,000 from 40 KB). A text whose HTML would nest more than 128 elements is shown as
// plain text; 100 levels are still rendered.
TEST_CASE("Markdown that would nest elements more than 128 deep, or make more than 200,000 nodes, is shown as plain text") {
    const std::string deep = std::string(2000, '*') + "<b>x" + std::string(2000, '*');
    CHECK(markdown_to_html(deep) == "<p>" + std::string(2000, '*') + "&lt;b&gt;x" + std::string(2000, '*') + "</p>\n");
    const std::string fine = std::string(200, '*') + "x" + std::string(200, '*');
    CHECK(markdown_to_html(fine).find("<strong><strong>") != std::string::npos);
    // More than 200,000 nodes (elements and texts): plain text too. 60,000 one-word list items
    // make 180,001 (a list, and an item, a paragraph and a text each); 70,000 make 210,001.
    std::string items;
    for (int i = 0; i < 70000; ++i) items += "- a\n";
    CHECK(unmarked(markdown_to_html(items)) == "<p>" + items + "</p>\n");
    CHECK(markdown_to_html(items.substr(0, 60000 * 4)).starts_with("<ul>\n<li>a</li>"));
}

namespace {

// What cmark-gfm holds at most while parsing `text` (with the extensions samplan uses), and
// whether it finished within `limit`.
std::pair<bool, size_t> parse_peak(const std::string& text, size_t limit) {
    ParseMemory memory(limit);
    cmark_parser* parser = cmark_parser_new_with_mem(CMARK_OPT_DEFAULT, memory.mem());
    cmark_node* doc = memory.parse(parser, text);
    if (doc) {
        cmark_node_free(doc);
        cmark_parser_free(parser);
    }
    return {doc != nullptr, memory.peak()};
}

}  // namespace

// cmark-gfm makes a node for each character of some shapes before it merges them into one
// text: a megabyte of `<`, `[`, `]`, `!`, `&`, `w`, `:`, `a!` or `a\n` held 170–210 MB while
// parsing. The parse is given up when it would hold more than 48 MiB, and the text is shown as
// plain text; a megabyte of prose, even marked up on every line, holds about half. (Counted,
// not timed.)
TEST_CASE("Markdown whose parse would hold more than 48 MiB is shown as plain text") {
    const size_t limit = MarkdownOptions{}.memory_limit;
    CHECK(limit == size_t{48} << 20);
    auto repeat = [](std::string_view unit, size_t bytes) {
        std::string s;
        while (s.size() < bytes) s += unit;
        return s;
    };
    for (std::string_view unit : {"<", "[", "]", "!!!![", "&", "w", ":", "a!", "a\n", "*a", "\\\\"}) {
        const std::string text = repeat(unit, 1000000);
        INFO(unit);
        const auto [finished, peak] = parse_peak(text, limit);
        CHECK(!finished);
        CHECK(peak <= limit);
        CHECK(unmarked(markdown_to_html(text)) == "<p>" + escape_html(text) + "</p>\n");
    }
    // A megabyte of prose marked up on every line (eight nodes a line): rendered, with a margin.
    const std::string prose = repeat("Det här är en mening om arbetet, med *några* ord och [en länk](a.html).\n", 1000000);
    const auto [finished, peak] = parse_peak(prose, limit);
    CHECK(finished);
    CHECK(peak < limit * 2 / 3);
    CHECK(markdown_to_html(prose).find("<em>några</em>") != std::string::npos);
    // Below the limit the same text renders as ever; a lower limit shows it as plain text.
    const std::string brackets = repeat("[", 10000);
    CHECK(markdown_to_html(brackets) == "<p>" + brackets + "</p>\n");
    MarkdownOptions small;
    small.memory_limit = 64 << 10;
    CHECK(markdown_to_html("*a* " + brackets, small) == "<p>*a* " + brackets + "</p>\n");
    CHECK(markdown_to_html("*a* " + brackets).starts_with("<p><em>a</em> [[["));
}


// Pagefind took about a second of CPU for each megabyte of prose: of each text, search indexes
// the first 64 KiB of text; the rest is marked data-pagefind-ignore and shown as before.
TEST_CASE("search indexes the first 64 KiB of a text's text: the rest is marked data-pagefind-ignore") {
    const std::string html = "<ul>\n<li>\n<p>one two <em>three</em> four</p>\n</li>\n<li>five</li>\n</ul>\n<p>six<br />\nseven</p>\n";
    CHECK(mark_unsearched(html, 1000) == html);
    // Cut inside a paragraph inside a list: the rest of that paragraph, the next item and the next
    // paragraph; a word is never cut.
    CHECK(mark_unsearched(html, 5) ==
          "<ul>\n<li>\n<p><span data-pagefind-ignore>one two </span><em data-pagefind-ignore>three</em>"
          "<span data-pagefind-ignore> four</span></p>\n</li>\n<li data-pagefind-ignore>five</li>\n</ul>\n"
          "<p data-pagefind-ignore>six<br />\nseven</p>\n");
    CHECK(mark_unsearched(html, 6).starts_with("<ul>\n<li>\n<p>one <span data-pagefind-ignore>two </span>"));
    CHECK(mark_unsearched(html, 27).ends_with("</ul>\n<p data-pagefind-ignore>six<br />\nseven</p>\n"));
    CHECK(mark_unsearched(html, 30).ends_with("</ul>\n<p><span data-pagefind-ignore>six</span><br data-pagefind-ignore />"
                                              "<span data-pagefind-ignore>\nseven</span></p>\n"));
    // A run of one word: never inside a character reference or a UTF-8 sequence.
    std::string word;
    for (int i = 0; i < 100; ++i) word += "&lt;ä";
    const std::string cut = mark_unsearched("<p>" + word + "</p>\n", 90);
    CHECK(cut.find("<span data-pagefind-ignore>&lt;") != std::string::npos);
    CHECK(unmarked(cut) == "<p>" + word + "</p>\n");

    // Through markdown_to_html: a long text (the limit counts its HTML's text), and one shown as
    // plain text (a megabyte of `<`).
    CHECK(MarkdownOptions{}.searched_bytes == 64 << 10);
    std::string prose;
    while (prose.size() < 200000) prose += "En mening om arbetet, med *några* ord.\n\n";
    const std::string long_html = markdown_to_html(prose);
    const size_t first_mark = long_html.find("data-pagefind-ignore");
    REQUIRE(first_mark != std::string::npos);
    size_t text_before = 0;  // bytes of text before the first mark
    for (size_t i = 0; i < first_mark; ++i) {
        if (long_html[i] == '<') i = long_html.find('>', i);
        else ++text_before;
    }
    CHECK(text_before <= 64 << 10);
    CHECK(text_before > (64 << 10) - 64);
    MarkdownOptions all;
    all.searched_bytes = size_t{1} << 30;
    CHECK(unmarked(long_html) == markdown_to_html(prose, all));
    const std::string lt(1000000, '<');
    const std::string plain = markdown_to_html(lt);
    CHECK(plain.starts_with("<p>&lt;&lt;"));
    CHECK(plain.find("<span data-pagefind-ignore>&lt;") == 3 + (64 << 10));
    CHECK(unmarked(plain) == "<p>" + escape_html(lt) + "</p>\n");
}
