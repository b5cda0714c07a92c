#include "render/markdown.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/text.h"
#include "render/markdown_memory.h"
#include "render/markdown_tame.h"
#include "render/mustache.h"
#include "render/render.h"
#include "render/searched_text.h"

namespace samplan::render {
namespace {

struct ParserDeleter {
    void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};
struct NodeDeleter {
    void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterDeleter {
    void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};

std::string lower_scheme(std::string_view url) {
    size_t i = 0;
    while (i < url.size() && (std::isspace(static_cast<unsigned char>(url[i])) || static_cast<unsigned char>(url[i]) < 0x20)) ++i;
    url.remove_prefix(i);
    const size_t colon = url.find(':');
    if (colon == std::string_view::npos) return {};
    const size_t stop = url.find_first_of("/?#");
    if (stop != std::string_view::npos && stop < colon) return {};  // a relative path containing ':'
    std::string scheme;
    for (char c : url.substr(0, colon)) scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return scheme.empty() ? std::string(":") : scheme;
}

bool is_local(std::string_view url) {
    size_t i = 0;
    while (i < url.size() && (std::isspace(static_cast<unsigned char>(url[i])) || static_cast<unsigned char>(url[i]) < 0x20)) ++i;
    url.remove_prefix(i);
    if (url.size() >= 2 && (url[0] == '/' || url[0] == '\\') && (url[1] == '/' || url[1] == '\\')) return false;
    return lower_scheme(url).empty();
}

void ensure_extensions() {
    static std::once_flag once;
    std::call_once(once, [] { cmark_gfm_core_extensions_ensure_registered(); });
}

}  // namespace

bool is_safe_link(std::string_view url) {
    if (is_local(url)) return true;
    const std::string scheme = lower_scheme(url);
    return scheme == "http" || scheme == "https" || scheme == "mailto" || scheme == "tel";
}

namespace {

// Elements inside one another in the HTML of one text: 32 levels of lists (two elements each),
// a table, and inline elements leave a wide margin.
constexpr int kMaxElementDepth = 128;
// Nodes (elements and texts) of one text: a table of 50,000 cells (the most allowed) makes about
// 130,000; a megabyte of prose a few tens of thousands.
constexpr size_t kMaxNodes = 200000;

// A text shown as it was written, escaped, in one paragraph.
std::string plain_text(std::string_view written) { return "<p>" + escape_html(written) + "</p>\n"; }

std::string replace_all(std::string text, const std::vector<std::pair<std::string, char>>& restore) {
    for (const auto& [sentinel, original] : restore) {
        size_t at = text.find(sentinel);
        if (at == std::string::npos) continue;
        std::string out(text, 0, at);
        for (; at != std::string::npos;) {
            out += original;
            const size_t next = text.find(sentinel, at + sentinel.size());
            out.append(text, at + sentinel.size(), (next == std::string::npos ? text.size() : next) - at - sentinel.size());
            at = next;
        }
        text = std::move(out);
    }
    return text;
}

// Puts back the characters that taming replaced, wherever cmark-gfm kept text.
void restore_tamed(cmark_node* doc, const std::vector<std::pair<std::string, char>>& restore) {
    auto fix = [&](const char* text, auto set) {
        if (!text) return;
        const std::string before(text);
        std::string after = replace_all(before, restore);
        if (after != before) set(after.c_str());
    };
    std::vector<cmark_node*> nodes;
    {
        std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(doc));
        for (cmark_event_type ev; (ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;)
            if (ev == CMARK_EVENT_ENTER) nodes.push_back(cmark_iter_get_node(iter.get()));
    }
    for (cmark_node* node : nodes) {
        switch (cmark_node_get_type(node)) {
            case CMARK_NODE_TEXT:
            case CMARK_NODE_CODE:
            case CMARK_NODE_HTML_INLINE:
            case CMARK_NODE_HTML_BLOCK:
                fix(cmark_node_get_literal(node), [&](const char* t) { cmark_node_set_literal(node, t); });
                break;
            case CMARK_NODE_CODE_BLOCK:
                fix(cmark_node_get_literal(node), [&](const char* t) { cmark_node_set_literal(node, t); });
                fix(cmark_node_get_fence_info(node), [&](const char* t) { cmark_node_set_fence_info(node, t); });
                break;
            case CMARK_NODE_LINK:
            case CMARK_NODE_IMAGE:
                fix(cmark_node_get_url(node), [&](const char* t) { cmark_node_set_url(node, t); });
                fix(cmark_node_get_title(node), [&](const char* t) { cmark_node_set_title(node, t); });
                break;
            default: break;
        }
    }
}

// The text of a table's header row, its cells separated by ", ": the name of the region the
// table scrolls in on a narrow screen.
std::string table_label(cmark_node* table) {
    std::string label;
    cmark_node* header = cmark_node_first_child(table);
    if (!header) return label;
    for (cmark_node* cell = cmark_node_first_child(header); cell; cell = cmark_node_next(cell)) {
        std::string text;
        std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(cell));
        for (cmark_event_type ev; (ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
            if (ev != CMARK_EVENT_ENTER) continue;
            cmark_node* node = cmark_iter_get_node(iter.get());
            const cmark_node_type type = cmark_node_get_type(node);
            if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE)
                if (const char* literal = cmark_node_get_literal(node)) text += literal;
        }
        if (text.empty()) continue;
        if (!label.empty()) label += ", ";
        label += text;
    }
    return label;
}

// Every table in its own region (a named <section>) that scrolls sideways when the table is wider than the screen
// (WCAG 1.4.10), reachable with the keyboard and named by its header row. Raw HTML never
// passes cmark-gfm here, so each "<table>" in its output is a table it made, in document order.
std::string wrap_tables(const std::string& html, const std::vector<std::string>& labels) {
    std::string out;
    out.reserve(html.size() + labels.size() * 96);
    size_t pos = 0, index = 0;
    for (size_t at; (at = html.find("<table>", pos)) != std::string::npos; ++index) {
        out.append(html, pos, at - pos);
        out += "<section class=\"table-scroll\" tabindex=\"0\"";
        const std::string& label = index < labels.size() ? labels[index] : std::string();
        if (!label.empty()) {
            out += " aria-label=\"";
            mustache::append_escaped(out, label);
            out += '"';
        }
        out += '>';
        const size_t end = html.find("</table>", at);
        size_t stop = end == std::string::npos ? html.size() : end + 8;
        if (stop < html.size() && html[stop] == '\n') ++stop;
        out.append(html, at, stop - at);
        out += "</section>\n";
        pos = stop;
    }
    out.append(html, pos, std::string::npos);
    return out;
}

std::string convert_html(std::string_view source, const MarkdownOptions& options) {
    ensure_extensions();
    // cmark-gfm 0.29 is quadratic on a few shapes (an unclosed `<?` repeated, ...): those are
    // made harmless first, when a text holds enough of them to cost (see markdown_tame.h).
    const std::string_view written = source;
    const TamedMarkdown tamed = tame_markdown(source, options.cost_limit);
    source = tamed.text;
    const int flags = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_GITHUB_PRE_LANG;
    // Made first, freed last: every block of the parse is its.
    ParseMemory memory(options.memory_limit);
    std::unique_ptr<cmark_parser, ParserDeleter> parser(cmark_parser_new_with_mem(flags, memory.mem()));
    for (const char* name : {"table", "strikethrough", "autolink", "tasklist", "tagfilter"})
        if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
            cmark_parser_attach_syntax_extension(parser.get(), ext);
    std::unique_ptr<cmark_node, NodeDeleter> doc(memory.parse(parser.get(), source));
    // A text whose parse would hold more than the limit (a node for each of a megabyte of `<`,
    // before cmark-gfm merges them) is shown as plain text, as one of too many nodes is below.
    if (!doc) {
        static_cast<void>(parser.release());  // given up half way: its memory goes with `memory`
        return plain_text(written);
    }
    if (!tamed.restore.empty()) restore_tamed(doc.get(), tamed.restore);

    // Collect first, change after: the iterator must not see a tree that changes under it.
    std::vector<cmark_node*> links, images, headings, tables;
    int depth = 0, deepest = 0;
    size_t nodes = 0;
    {
        std::unique_ptr<cmark_iter, IterDeleter> iter(cmark_iter_new(doc.get()));
        for (cmark_event_type ev; (ev = cmark_iter_next(iter.get())) != CMARK_EVENT_DONE;) {
            if (ev == CMARK_EVENT_EXIT) --depth;
            if (ev != CMARK_EVENT_ENTER) continue;
            ++nodes;
            if (cmark_node_first_child(cmark_iter_get_node(iter.get()))) deepest = std::max(deepest, ++depth);
            cmark_node* node = cmark_iter_get_node(iter.get());
            switch (cmark_node_get_type(node)) {
                case CMARK_NODE_LINK: links.push_back(node); break;
                case CMARK_NODE_IMAGE: images.push_back(node); break;
                case CMARK_NODE_HEADING: headings.push_back(node); break;
                default:
                    if (std::string_view(cmark_node_get_type_string(node)) == "table") tables.push_back(node);
                    break;
            }
        }
    }
    // A page nested thousands of elements deep (`*` repeated makes as many <strong> inside one
    // another; lists and block quotes are refused deeper than 32 where they are written) costs
    // Pagefind time growing with the square of the depth, and one of a million elements (a
    // megabyte of lines each 32 levels deep) seconds: such a text is shown as plain text.
    if (deepest > kMaxElementDepth || nodes > kMaxNodes) return plain_text(written);
    int highest = 6;
    for (cmark_node* h : headings) highest = std::min(highest, cmark_node_get_heading_level(h));
    for (cmark_node* h : headings)
        cmark_node_set_heading_level(
            h, std::clamp(cmark_node_get_heading_level(h) - highest + options.top_heading_level, 1, 6));
    for (cmark_node* link : links) {
        const char* url = cmark_node_get_url(link);
        if (!url || !is_safe_link(url)) cmark_node_set_url(link, "");
    }
    // An image from elsewhere would make the visitor's browser leave the site: show a link instead.
    for (cmark_node* image : images) {
        const char* url = cmark_node_get_url(image);
        if (url && is_local(url)) continue;
        cmark_node* replacement = cmark_node_new_with_mem(CMARK_NODE_LINK, memory.mem());
        cmark_node_set_url(replacement, url && is_safe_link(url) ? url : "");
        while (cmark_node* child = cmark_node_first_child(image)) {
            cmark_node_unlink(child);
            cmark_node_append_child(replacement, child);
        }
        cmark_node_replace(image, replacement);
        cmark_node_free(image);
    }
    // Each table's header row names it (read before the tree is rendered).
    std::vector<std::string> table_labels;
    for (cmark_node* table : tables) table_labels.push_back(table_label(table));
    char* html = cmark_render_html(doc.get(), flags, cmark_parser_get_syntax_extensions(parser.get()));
    std::string out(html ? html : "");
    memory.mem()->free(html);
    if (!table_labels.empty()) out = wrap_tables(out, table_labels);
    // cmark-gfm passes control characters through, and writes those that character references
    // such as &#1; name: U+FFFD for each, as the escape of plain text does.
    if (!is_publishable(out)) out = publishable(out);
    return out;
}

// Search indexes the start of a long text only: Pagefind took about a second of CPU for each
// megabyte of prose (see render/searched_text.h).
std::string convert(std::string_view source, const MarkdownOptions& options) {
    std::string html = convert_html(source, options);
    if (html.size() > options.searched_bytes) html = mark_unsearched(html, options.searched_bytes);
    return html;
}

// The same text is shown on several pages (an activity, its older versions whose text did not
// change, the summaries that quote it), which are rendered close together: recent results are
// kept, so that each text is parsed once. Bounded: emptied when full.
class RecentHtml {
public:
    std::string get(std::string_view source, const MarkdownOptions& options) {
        std::string key;
        key.reserve(source.size() + 1);
        key += static_cast<char>('0' + options.top_heading_level);
        key += source;
        {
            std::lock_guard lock(mutex_);
            if (auto it = entries_.find(key); it != entries_.end()) return it->second;
        }
        std::string html = convert(source, options);
        std::lock_guard lock(mutex_);
        if (entries_.size() >= kMaxEntries) entries_.clear();
        entries_.emplace(std::move(key), html);
        return html;
    }

private:
    // An activity's text and its older versions' come one after the other: a thousand texts
    // (about 1.5 MiB on long histories) find them again almost as well as four thousand did
    // (1% more texts parsed on 1,000 activities with 2,000 and 5,000 commits).
    static constexpr size_t kMaxEntries = 1024;
    std::mutex mutex_;
    std::unordered_map<std::string, std::string> entries_;
};

}  // namespace

std::string markdown_to_html(std::string_view source, const MarkdownOptions& options) {
    if (source.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
    if (options.cost_limit != MarkdownOptions{}.cost_limit || options.memory_limit != MarkdownOptions{}.memory_limit ||
        options.searched_bytes != MarkdownOptions{}.searched_bytes)
        return convert(source, options);
    static RecentHtml recent;
    return recent.get(source, options);
}

}  // namespace samplan::render
