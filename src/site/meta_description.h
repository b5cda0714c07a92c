// site/meta_description.h — the text of a page's <meta name="description">: the first paragraph
// of the record's own text, as plain words.
#pragma once

#include <string>
#include <string_view>

#include "site/data.h"

namespace samplan::site {

// The first paragraph of a Markdown text as plain text: markup, links' addresses and HTML tags
// left out, white space made single, at most about `limit` bytes (cut at a word, with "…").
std::string plain_first_paragraph(std::string_view markdown, size_t limit = 160);

// Sets `meta_description` on a page's data, from the first of its texts (description, summary,
// body, analysis) that has words; leaves it unset when there is none (the theme then says what
// the site is). Does nothing when it is set already.
void add_meta_description(Data& page);

}  // namespace samplan::site
