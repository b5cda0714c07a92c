#include <doctest/doctest.h>

#include "render/markdown.h"
#include "render/render.h"

using namespace samplan::render;

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
