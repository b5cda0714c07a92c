// render/markdown.h — GitHub-flavoured Markdown to safe HTML: raw HTML is never passed through,
// only http, https, mailto, tel and relative URLs reach an href, and images load only from
// the site itself.
#pragma once

#include <string>
#include <string_view>

namespace samplan::render {

struct MarkdownOptions {
    // The level the text's highest heading is shown at; the others keep their distance to it.
    // The page's own title is its only <h1>, so a text's "#" or "##" both become <h2>.
    int top_heading_level = 2;
};

std::string markdown_to_html(std::string_view source, const MarkdownOptions& options = {});

// Whether `url` may appear in an href: http(s), mailto, tel, or relative (not "//host").
bool is_safe_link(std::string_view url);

}  // namespace samplan::render
