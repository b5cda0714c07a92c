#include "render/searched_text.h"

#include <algorithm>

namespace samplan::render {
namespace {

constexpr std::string_view kIgnore = " data-pagefind-ignore";
constexpr std::string_view kOpen = "<span data-pagefind-ignore>";
constexpr std::string_view kClose = "</span>";

// A tag that opens no element to close: `<br />`, `<hr />`, `<img ... />`, `<input ... />`, and
// comments (`<!-- raw HTML omitted -->`).
bool opens_nothing(std::string_view tag) {
    if (tag.starts_with("<!") || tag.ends_with("/>")) return true;
    for (std::string_view name : {"<br", "<hr", "<img", "<input"})
        if (tag.starts_with(name) && (tag.size() == name.size() || tag[name.size()] == ' ' || tag[name.size()] == '>'))
            return true;
    return false;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r'; }

// Where to cut the text run `text`, `at` bytes into it: at the start of the word `at` is in (a
// word of at most 64 bytes), else at a space within 64 bytes after, else at the first place that
// is neither inside a UTF-8 sequence nor inside a character reference.
size_t cut_in(std::string_view text, size_t at) {
    size_t back = at;
    while (back > 0 && at - back < 64 && !is_space(text[back - 1])) --back;
    if (back == 0 || is_space(text[back - 1])) return back;
    for (size_t i = at; i < text.size() && i < at + 64; ++i)
        if (is_space(text[i])) return i;
    const size_t amp = text.rfind('&', at - 1);
    if (amp != std::string_view::npos) {
        const size_t semicolon = text.find(';', amp);
        if (semicolon != std::string_view::npos && semicolon >= at) at = semicolon + 1;
    }
    while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) ++at;
    return at;
}

}  // namespace

std::string mark_unsearched(std::string_view html, size_t searched) {
    std::string out;
    size_t text_bytes = 0;
    int depth = 0;        // elements open
    int floor = -1;       // after the cut: the least depth since, where content is marked
    size_t pos = 0;
    while (pos < html.size()) {
        if (html[pos] == '<') {
            size_t end = html.find('>', pos);
            end = end == std::string_view::npos ? html.size() : end + 1;
            const std::string_view tag = html.substr(pos, end - pos);
            if (tag.starts_with("</")) {
                --depth;
                if (floor >= 0) floor = std::min(floor, depth);
                if (floor >= 0) out += tag;
            } else if (floor >= 0 && depth == floor && !tag.starts_with("<!")) {
                const size_t name_end = tag.find_first_of(" />", 1);
                out.append(tag.substr(0, name_end));
                out += kIgnore;
                out.append(tag.substr(name_end));
                if (!opens_nothing(tag)) ++depth;
            } else {
                if (floor >= 0) out += tag;
                if (!opens_nothing(tag)) ++depth;
            }
            pos = end;
            continue;
        }
        size_t end = html.find('<', pos);
        if (end == std::string_view::npos) end = html.size();
        const std::string_view text = html.substr(pos, end - pos);
        if (floor < 0 && text_bytes + text.size() > searched) {
            // The cut: what came before is kept as it was, the rest of this run is wrapped.
            const size_t cut = cut_in(text, searched - text_bytes);
            out.reserve(html.size() + 4096);
            out.append(html.substr(0, pos + cut));
            if (std::any_of(text.begin() + static_cast<long>(cut), text.end(), [](char c) { return !is_space(c); })) {
                out += kOpen;
                out.append(text.substr(cut));
                out += kClose;
            } else {
                out.append(text.substr(cut));
            }
            floor = depth;
        } else if (floor >= 0) {
            if (depth == floor && std::any_of(text.begin(), text.end(), [](char c) { return !is_space(c); })) {
                out += kOpen;
                out.append(text);
                out += kClose;
            } else {
                out.append(text);
            }
        } else {
            text_bytes += text.size();
        }
        pos = end;
    }
    if (floor < 0) return std::string(html);
    return out;
}

}  // namespace samplan::render
