// render/markdown.h — GitHub-flavoured Markdown to safe HTML: raw HTML is never passed through,
// only http, https, mailto, tel and relative URLs reach an href, and images load only from
// the site itself.
#pragma once

#include <string>
#include <string_view>

namespace samplan::render {

struct MarkdownOptions {
    int heading_offset = 1;  // "# x" becomes <h2>: the page's own title is the only <h1>
};

std::string markdown_to_html(std::string_view source, const MarkdownOptions& options = {});

// Whether `url` may appear in an href: http(s), mailto, tel, or relative (not "//host").
bool is_safe_link(std::string_view url);

}  // namespace samplan::render
