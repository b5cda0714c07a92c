// render/markdown_tame.h — keeps cmark-gfm 0.29 linear: the few shapes it parses in quadratic
// time (issue 18, finding 5) are found and, only when a text would cost more than a bound, made
// harmless before cmark-gfm sees them. Internal to render; exposed for the tests.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace samplan::render {

// An upper bound, in bytes scanned, of the work each quadratic shape makes cmark-gfm 0.29 do:
// - html: each `<?`, `<![CDATA[` and `<!X` (a declaration) is scanned up to its closer (`?>`,
//   `]]>`, `>`) or the end of its paragraph; unclosed, every one scans the rest of it;
// - images: each `]` that closes a link walks back over every `![` still open before it;
// - www: the autolink extension scans from each `www.` after a `_` to the end of the word;
// - email: the autolink extension scans from each `@` to the end of the word.
// A paragraph is bounded by the run of non-blank lines that holds it.
struct MarkdownCost {
    size_t html = 0, images = 0, www = 0, email = 0;
};
MarkdownCost markdown_cost(std::string_view source);

// What cmark-gfm is given: the source with, for each kind whose cost is over `limit` (8 MiB by
// default: ordinary text, however long, costs a small fraction of it; a megabyte of `a <?` costs
// 10^11), the characters that
// start the quadratic shape replaced by sentinels — characters that do not occur in the source and
// that cmark-gfm reads as it reads the replaced one in every other way (a punctuation mark
// for `<`, `!`, `@` and `_`), so the document parses as before except that
// - an unclosed `<?`, `<![CDATA[` or `<!X` (and one inside another before the first's closer) is
//   text, as it was inline; at the start of a line it no longer opens an HTML block that hides the
//   rest of the text (which, raw HTML being dropped, only removed text);
// - in a paragraph with too many `![`, no image is made (`!` and a link are shown);
// - a `www.` after `_` after another in the same word is not tried as a link of its own;
// - all but the last `@` of a word are left as text (they could never make an address).
// `restore` maps each sentinel back to the character it replaced: the caller puts them back
// in every text, code, URL and title of the parsed document.
struct TamedMarkdown {
    std::string text;
    std::vector<std::pair<std::string, char>> restore;
};
TamedMarkdown tame_markdown(std::string_view source, size_t limit);

}  // namespace samplan::render
