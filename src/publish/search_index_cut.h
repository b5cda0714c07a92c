// publish/search_index_cut.h — what of a page Pagefind is given (publish stage, internal): the
// page without the elements that cannot change its index, so that Pagefind parses less.
#pragma once

#include <string>
#include <string_view>

namespace samplan::publish {

// The page `html` with whole elements taken out, none of which Pagefind 1.4 (lol_html 0.4) reads
// for the index: it makes the very same index from `cut` as from `html`. Kept: everything outside
// the elements taken out, so the <html> element (its lang), the head, the one element with
// data-pagefind-body and its ancestors, and every element anywhere that Pagefind reads outside
// the body: an <h1> or <img>, the first <title>, an element with any data-pagefind- attribute
// other than -ignore, a <script> or <link> naming _pagefind. Taken out:
// - outside the body, an element with data-pagefind-ignore="all", and an element with none of
//   the above in it (a site's header, menu, breadcrumbs, footer);
// - inside the body, an element with data-pagefind-ignore="all", and a (non-void) element with
//   data-pagefind-ignore (or ="index" or ="true") that has none of the above in it, unless it is
//   an inline element (Pagefind's list) inside one with an id, whose anchor text it can reach;
// never where that would join the bytes of a broken UTF-8 sequence on its two sides.
// False (and `cut` is unspecified) when the page is not one this can judge, and it is then to be
// given whole: no or several data-pagefind-body elements, the body inside an excluded element or
// below an element with data-pagefind- attributes, not exactly one <html> element, an element
// not closed by its own end tag, markup the tokenizer does not follow here (<plaintext>, a
// comment in a <script>, CDATA, a bogus comment, an HTML element inside SVG or MathML, …),
// data-pagefind- attributes in capitals, twice on an element or with '&' in their value, NUL or
// CR in a tag, a gzip file; also when nothing would be taken out.
bool cut_for_search(std::string_view html, std::string& cut);

}  // namespace samplan::publish
