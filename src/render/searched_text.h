// render/searched_text.h — bounds what Pagefind indexes of one text (issue 18, finding 5):
// Pagefind took about a second of CPU (several of wall time) for each megabyte of prose. Internal
// to render; exposed for the tests.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace samplan::render {

// `html` (as cmark-gfm writes it: no `>` inside a tag, no raw HTML) with everything after its
// first `searched` bytes of text marked `data-pagefind-ignore`: the rest of the text run that
// crosses the limit, cut before the word it crosses in, and each later text run
// not inside a marked element are wrapped in `<span data-pagefind-ignore>`; each later element
// not inside a marked one gets the attribute. Shown the same; unchanged when it holds no more
// text than that.
std::string mark_unsearched(std::string_view html, size_t searched);

}  // namespace samplan::render
