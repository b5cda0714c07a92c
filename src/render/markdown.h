// render/markdown.h — GitHub-flavoured Markdown to safe HTML: raw HTML is never passed through,
// only http, https, mailto, tel and relative URLs reach an href, and images load only from
// the site itself.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace samplan::render {

struct MarkdownOptions {
    // The level the text's highest heading is shown at; the others keep their distance to it.
    // The page's own title is its only <h1>, so a text's "#" or "##" both become <h2>.
    int top_heading_level = 2;
    // The work (bytes cmark-gfm would scan) over which a quadratic shape is made harmless
    // (render/markdown_tame.h); the tests lower it to see that taming changes no output.
    size_t cost_limit = size_t{8} << 20;
    // The most memory cmark-gfm may hold while it parses the text; a text that needs more is
    // shown as plain text (exposed for the tests).
    size_t memory_limit = size_t{48} << 20;
    // The bytes of the text's HTML text that search indexes: the rest is marked
    // data-pagefind-ignore (render/searched_text.h).
    size_t searched_bytes = size_t{64} << 10;
};

std::string markdown_to_html(std::string_view source, const MarkdownOptions& options = {});

// Whether `url` may appear in an href: http(s), mailto, tel, or relative (not "//host").
bool is_safe_link(std::string_view url);

}  // namespace samplan::render
