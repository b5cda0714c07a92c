// publish/search_index_cut.cpp — cut_for_search (search_index_cut.h). The page is read the way
// lol_html 0.4 reads it for Pagefind (its tokenizer, its simulation of the tree builder's text
// types and foreign content, its stack of open elements: a void element in HTML is closed at once,
// an element in SVG or MathML closed by "/>", any other only by its end tag), and anything this
// does not follow exactly makes it give up, so that the page is given to Pagefind whole.
//
// Why what is taken out changes nothing (pagefind/src/fossick/parser.rs, Pagefind 1.4):
// - Text and elements outside the data-pagefind-body element flow into its ancestors' content,
//   which is replaced by the body's when the body ends, or (after it) are dropped; what Pagefind
//   reads outside the body is attributes (data-pagefind-filter, -meta, -default-meta, -sort), the
//   first non-empty <h1> (the title), the first <img> after a title, the first <title>, the lang
//   of <html> and <script>/<link> naming /_pagefind/: an element holding none of those cannot
//   change the index. An element with data-pagefind-ignore="all" is excluded whole, attributes,
//   titles and images included.
// - Inside the body, an element with data-pagefind-ignore adds nothing to its parent's content;
//   what reaches the index from inside it is again those attributes and titles and images, and,
//   for an inline element inside an element with an id, the text of its inline children, which
//   Pagefind adds to the anchor's text. Ids inside it only number anchors, never in the index.
#include "publish/search_index_cut.h"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace samplan::publish {
namespace {

enum class Namespace { Html, Svg, MathMl };
enum class Ignore { None, Index, All, Other };

// An element of the page: where it is, and what Pagefind could read from it.
struct Element {
    std::string name;  // lower case
    unsigned kind = 0;
    int parent = -1;
    size_t begin = 0, end = 0;  // from its start tag's '<' to after its end tag's '>'
    bool open = true;
    bool is_void = false;  // closed with its start tag
    bool has_id = false;
    bool body = false;                  // data-pagefind-body
    bool pagefind_attribute = false;    // another data-pagefind- attribute than -ignore and -body
    bool pagefind_reference = false;    // a <script> or <link> naming _pagefind
    Ignore ignore = Ignore::None;
};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string lowered(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = lower(c);
    return out;
}
bool starts_with_lowered(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (lower(s[i]) != prefix[i]) return false;
    return true;
}
// The tokenizer's white space ('\r' is not taken for any: a tag with one is given up on).
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f'; }

// What a tag's name means here, a bit each.
enum Kind : unsigned {
    kInline = 1u << 0,          // Pagefind's INLINE_SELECTORS (fossick/parser.rs)
    kVoid = 1u << 1,            // lol_html's void elements (selectors_vm/stack.rs)
    kLeavesForeign = 1u << 2,   // a start tag that leaves SVG or MathML (tree_builder_simulator): given up on
    kRawText = 1u << 3,         // RCDATA or RAWTEXT after its start tag, in HTML
    kScript = 1u << 4,          // script data after its start tag, in HTML
    kPlainText = 1u << 5,       // given up on
    kRead = 1u << 6,            // read by Pagefind wherever it is: <h1>, <img>, <html>, <head> (kept whole)
    kTitle = 1u << 7,
    kSvgPoint = 1u << 8,        // an HTML integration point in SVG
    kMathPoint = 1u << 9,       // a text integration point in MathML
    kScriptOrLink = 1u << 10,   // may name /_pagefind/
};

unsigned kind_of(const std::string& name) {
    static const std::unordered_map<std::string, unsigned> kinds = [] {
        std::unordered_map<std::string, unsigned> k;
        auto add = [&](unsigned kind, std::initializer_list<const char*> names) {
            for (const char* n : names) k[n] |= kind;
        };
        add(kInline, {"a", "abbr", "acronym", "b", "bdo", "big", "br", "button", "cite", "code", "dfn", "em", "i", "img",
                      "input", "kbd", "label", "map", "object", "output", "q", "samp", "script", "select", "small",
                      "span", "strong", "sub", "sup", "textarea", "time", "tt", "var"});
        add(kVoid, {"area", "base", "basefont", "bgsound", "br", "col", "embed", "hr", "img", "input", "keygen", "link",
                    "meta", "param", "source", "track", "wbr"});
        add(kLeavesForeign, {"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em",
                             "embed", "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing",
                             "menu", "meta", "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike",
                             "sub", "sup", "table", "tt", "u", "ul", "var", "font", "annotation-xml"});
        add(kRawText, {"title", "textarea", "style", "iframe", "xmp", "noembed", "noframes", "noscript"});
        add(kScript, {"script"});
        add(kPlainText, {"plaintext"});
        add(kRead, {"h1", "img", "html", "head"});
        add(kTitle, {"title"});
        add(kSvgPoint, {"desc", "title", "foreignobject"});
        add(kMathPoint, {"mi", "mo", "mn", "ms", "mtext"});
        add(kScriptOrLink, {"script", "link"});
        return k;
    }();
    const auto it = kinds.find(name);
    return it == kinds.end() ? 0u : it->second;
}

bool is_integration_point(Namespace ns, unsigned kind) {
    return (ns == Namespace::Svg && (kind & kSvgPoint)) || (ns == Namespace::MathMl && (kind & kMathPoint));
}

struct Tag {
    std::string name;
    size_t end = 0;  // after its '>'
    bool self_closing = false;
    std::vector<std::pair<std::string_view, std::string_view>> attributes;  // name and value as written
};

// Reads the tag whose name starts at `at` (after "<" or "</") as lol_html's tokenizer does;
// false when it does not end or has a NUL or CR outside a quoted value.
bool read_tag(std::string_view html, size_t at, Tag& tag) {
    const size_t n = html.size();
    size_t i = at;
    while (i < n && !is_space(html[i]) && html[i] != '/' && html[i] != '>') {
        if (html[i] == '\r') return false;
        ++i;
    }
    tag.name = lowered(html.substr(at, i - at));
    for (;;) {
        while (i < n && is_space(html[i])) ++i;
        if (i >= n || html[i] == '\r') return false;
        if (html[i] == '>') {
            tag.end = i + 1;
            return true;
        }
        if (html[i] == '/') {
            ++i;
            if (i < n && html[i] == '>') {
                tag.self_closing = true;
                tag.end = i + 1;
                return true;
            }
            continue;
        }
        const size_t name_start = i++;  // (a first '=' belongs to the name)
        while (i < n && !is_space(html[i]) && html[i] != '/' && html[i] != '>' && html[i] != '=') {
            if (html[i] == '\r') return false;
            ++i;
        }
        const std::string_view name = html.substr(name_start, i - name_start);
        while (i < n && is_space(html[i])) ++i;
        std::string_view value;
        if (i < n && html[i] == '=') {
            ++i;
            while (i < n && is_space(html[i])) ++i;
            if (i >= n) return false;
            if (html[i] == '"' || html[i] == '\'') {
                const size_t close = html.find(html[i], i + 1);
                if (close == std::string_view::npos) return false;
                value = html.substr(i + 1, close - i - 1);
                i = close + 1;
            } else if (html[i] != '>') {
                const size_t start = i;
                while (i < n && !is_space(html[i]) && html[i] != '>') {
                    if (html[i] == '\r') return false;
                    ++i;
                }
                value = html.substr(start, i - start);
            }
        }
        tag.attributes.emplace_back(name, value);
    }
}

// Where the raw text of `name` (script, style, title, …) ends: its end tag's "</", as lol_html
// finds it (the name in any case, then white space, '/' or '>'); npos when it does not end or
// (`script`) holds "<!--", after which the tokenizer's escaped states would decide.
size_t raw_text_end(std::string_view html, size_t from, const std::string& name, bool script) {
    for (size_t at = from;; at += 2) {
        at = html.find("</", at);
        if (at == std::string_view::npos) return at;
        const size_t after = at + 2 + name.size();
        if (after >= html.size()) return std::string_view::npos;
        bool same = true;
        for (size_t k = 0; k < name.size() && same; ++k) same = lower(html[at + 2 + k]) == name[k];
        if (!same) continue;
        const char c = html[after];
        if (c == '\r') return std::string_view::npos;
        if (!is_space(c) && c != '/' && c != '>') continue;
        if (script && html.substr(from, at - from).find("<!--") != std::string_view::npos) return std::string_view::npos;
        return at;
    }
}

// The page's elements, in the order of their start tags; false when the page is given up on.
bool read_elements(std::string_view html, std::vector<Element>& elements) {
    const size_t n = html.size();
    if (n >= 3 && static_cast<unsigned char>(html[0]) == 0x1f && static_cast<unsigned char>(html[1]) == 0x8b &&
        html[2] == 0x08)
        return false;  // Pagefind would unpack it
    if (html.find('\0') != std::string_view::npos) return false;
    std::vector<int> open;
    std::vector<Namespace> spaces = {Namespace::Html};
    size_t pos = 0;
    Tag tag;
    while (pos < n) {
        const size_t lt = html.find('<', pos);
        if (lt == std::string_view::npos || lt + 1 >= n) break;
        const char c = html[lt + 1];
        if (c == '!') {
            if (html.compare(lt, 4, "<!--") == 0) {
                if (html.compare(lt + 4, 1, ">") == 0 || html.compare(lt + 4, 2, "->") == 0) return false;
                const size_t close = html.find("-->", lt + 4);
                if (close == std::string_view::npos) return false;
                if (html.substr(lt + 4, close - lt - 4).find("--!") != std::string_view::npos) return false;
                pos = close + 3;
                continue;
            }
            if (lt + 9 <= n && lowered(html.substr(lt, 9)) == "<!doctype") {
                const size_t close = html.find('>', lt);
                if (close == std::string_view::npos) return false;
                const std::string_view inside = html.substr(lt, close - lt);
                if (inside.find_first_of("\"'") != std::string_view::npos) return false;
                pos = close + 1;
                continue;
            }
            return false;  // CDATA or a bogus comment
        }
        if (c == '?') return false;
        if (c == '/') {
            if (lt + 2 >= n || !is_letter(html[lt + 2])) return false;
            tag.attributes.clear();
            tag.self_closing = false;
            if (!read_tag(html, lt + 2, tag)) return false;
            if (open.empty() || elements[static_cast<size_t>(open.back())].name != tag.name) return false;
            Element& e = elements[static_cast<size_t>(open.back())];
            e.end = tag.end;
            e.open = false;
            open.pop_back();
            if (spaces.back() == Namespace::Html) {
                if (spaces.size() >= 2 && is_integration_point(spaces[spaces.size() - 2], kind_of(tag.name))) spaces.pop_back();
            } else if ((spaces.back() == Namespace::Svg && tag.name == "svg") ||
                       (spaces.back() == Namespace::MathMl && tag.name == "math")) {
                spaces.pop_back();
            }
            pos = tag.end;
            continue;
        }
        if (!is_letter(c)) {
            pos = lt + 1;  // text
            continue;
        }
        tag.attributes.clear();
        tag.self_closing = false;
        if (!read_tag(html, lt + 1, tag)) return false;
        Element e;
        e.name = tag.name;
        e.kind = kind_of(tag.name);
        e.parent = open.empty() ? -1 : open.back();
        e.begin = lt;
        std::vector<std::string_view> seen;
        for (const auto& [name, value] : tag.attributes) {
            if (name.size() == 2 && lower(name[0]) == 'i' && lower(name[1]) == 'd') e.has_id = true;
            if ((e.kind & kScriptOrLink) && value.find("_pagefind") != std::string_view::npos) e.pagefind_reference = true;
            if (!starts_with_lowered(name, "data-pagefind")) continue;
            if (lowered(name) != name || value.find('&') != std::string_view::npos) return false;
            if (std::find(seen.begin(), seen.end(), name) != seen.end()) return false;
            seen.push_back(name);
            if (name == "data-pagefind-body") {
                e.body = true;
            } else if (name == "data-pagefind-ignore") {
                const std::string v = lowered(value);
                e.ignore = v.empty() || v == "index" || v == "true" ? Ignore::Index : v == "all" ? Ignore::All : Ignore::Other;
            } else {
                e.pagefind_attribute = true;
            }
        }
        // lol_html's tree builder simulation: the namespace, and the text that follows.
        const Namespace before = spaces.back();
        enum class Text { Data, Raw, Script } text = Text::Data;
        if (tag.name == "svg" || tag.name == "math") {
            if (tag.self_closing) return false;
            spaces.push_back(tag.name == "svg" ? Namespace::Svg : Namespace::MathMl);
        } else if (before != Namespace::Html) {
            if (e.kind & kLeavesForeign) return false;
            if (is_integration_point(before, e.kind) && !tag.self_closing) spaces.push_back(Namespace::Html);
        } else if (e.kind & kPlainText) {
            return false;
        } else if (e.kind & kScript) {
            text = Text::Script;
        } else if (e.kind & kRawText) {
            text = Text::Raw;
        }
        // lol_html's stack: in HTML a void element is closed at once and "/>" means nothing; in
        // SVG and MathML "/>" closes the element.
        e.is_void = before == Namespace::Html ? (e.kind & kVoid) != 0 : tag.self_closing;
        if (e.is_void) {
            e.end = tag.end;
            e.open = false;
        }
        elements.push_back(std::move(e));
        if (!elements.back().is_void) open.push_back(static_cast<int>(elements.size() - 1));
        pos = tag.end;
        if (text != Text::Data && !elements.back().is_void) {
            pos = raw_text_end(html, tag.end, tag.name, text == Text::Script);
            if (pos == std::string_view::npos) return false;
        }
    }
    return open.empty() && spaces.size() == 1;
}

}  // namespace

bool cut_for_search(std::string_view html, std::string& cut) {
    std::vector<Element> elements;
    if (!read_elements(html, elements)) return false;
    const size_t count = elements.size();

    // Excluded (data-pagefind-ignore="all", or a value Pagefind does not know) with everything in it.
    std::vector<char> excluded(count, 0);
    int body = -1, html_elements = 0;
    for (size_t i = 0; i < count; ++i) {
        const Element& e = elements[i];
        excluded[i] = (!e.body && (e.ignore == Ignore::All || e.ignore == Ignore::Other)) ||
                      (e.parent >= 0 && excluded[static_cast<size_t>(e.parent)]);
        if (e.name == "html") ++html_elements;
        if (e.body) {
            if (body >= 0) return false;
            body = static_cast<int>(i);
        }
    }
    if (body < 0 || html_elements != 1 || excluded[static_cast<size_t>(body)]) return false;
    std::vector<char> ancestor(count, 0);
    for (int a = elements[static_cast<size_t>(body)].parent; a >= 0; a = elements[static_cast<size_t>(a)].parent) {
        const Element& e = elements[static_cast<size_t>(a)];
        if (e.pagefind_attribute || e.ignore != Ignore::None) return false;
        ancestor[static_cast<size_t>(a)] = 1;
    }
    // The first <title> to end that is not excluded: Pagefind's fallback title; later ones are not read.
    int first_title = -1;
    for (size_t i = 0; i < count; ++i)
        if ((elements[i].kind & kTitle) && !excluded[i] &&
            (first_title < 0 || elements[i].end < elements[static_cast<size_t>(first_title)].end))
            first_title = static_cast<int>(i);
    // What Pagefind reads wherever it is; `holds`: the element or one inside it is such.
    std::vector<char> read(count, 0), holds(count, 0), anchored(count, 0);
    for (size_t i = 0; i < count; ++i) {
        const Element& e = elements[i];
        read[i] = e.body || e.pagefind_attribute || e.pagefind_reference || static_cast<int>(i) == first_title ||
                  (e.kind & kRead);
        // (an id or an inline element inside one: Pagefind's anchor_ids, over-approximated)
        anchored[i] = e.has_id || ((e.kind & kInline) && e.parent >= 0 && anchored[static_cast<size_t>(e.parent)]);
    }
    for (size_t i = count; i-- > 0;) {
        holds[i] = holds[i] || read[i];
        if (holds[i] && elements[i].parent >= 0) holds[static_cast<size_t>(elements[i].parent)] = 1;
    }

    const Element& main = elements[static_cast<size_t>(body)];
    std::vector<std::pair<size_t, size_t>> cuts;
    size_t skip_until = 0;  // inside an element taken out or kept whole
    for (size_t i = 0; i < count; ++i) {
        const Element& e = elements[i];
        if (e.begin < skip_until) continue;
        if (ancestor[i] || static_cast<int>(i) == body) continue;
        const bool inside = e.begin > main.begin && e.end <= main.end;
        bool take = false;
        if (!inside)
            take = e.ignore == Ignore::All || !holds[i];
        else
            take = e.ignore == Ignore::All ||
                   (e.ignore == Ignore::Index && !e.is_void && !holds[i] &&
                    !((e.kind & kInline) && e.parent >= 0 && anchored[static_cast<size_t>(e.parent)]));
        // Never join the bytes of a broken UTF-8 sequence: lol_html reads the text on each side of
        // an element on its own (a byte of a character on each side is two U+FFFD, not one character).
        const size_t start = !cuts.empty() && cuts.back().second == e.begin ? cuts.back().first : e.begin;
        if (take && start > 0 && static_cast<unsigned char>(html[start - 1]) >= 0x80 && e.end < html.size() &&
            (static_cast<unsigned char>(html[e.end]) & 0xC0) == 0x80)
            take = false;
        if (take) {
            if (start != e.begin) cuts.pop_back();  // (one cut with the one before it)
            cuts.emplace_back(start, e.end);
            skip_until = e.end;
        } else if (read[i]) {
            skip_until = e.end;  // kept whole: what Pagefind reads of it may be its content
        }
    }
    if (cuts.empty()) return false;
    cut.clear();
    cut.reserve(html.size());
    size_t from = 0;
    for (const auto& [begin, end] : cuts) {
        cut.append(html.data() + from, begin - from);
        from = end;
    }
    cut.append(html.data() + from, html.size() - from);
    return true;
}

}  // namespace samplan::publish
