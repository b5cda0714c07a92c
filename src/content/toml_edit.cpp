#include "content/toml_edit.h"

#include <algorithm>
#include <initializer_list>
#include <stdexcept>

namespace samplan::content {
namespace {

bool starts_with_at(std::string_view text, size_t i, std::string_view what) {
    return text.substr(i, what.size()) == what;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

size_t line_start(std::string_view text, size_t offset) {
    const size_t nl = text.rfind('\n', offset == 0 ? 0 : offset - 1);
    return (offset == 0 || nl == std::string_view::npos) ? 0 : nl + 1;
}

// The indentation that puts a new line's first character under `offset`: the line's own
// leading blanks when `offset` starts the line, else blanks as wide as what precedes it.
std::string indent_of(std::string_view text, size_t offset) {
    const size_t start = line_start(text, offset);
    const std::string_view prefix = text.substr(start, offset - start);
    if (std::all_of(prefix.begin(), prefix.end(), is_blank)) return std::string(prefix);
    std::string out;
    for (const char c : prefix)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) out += c == '\t' ? '\t' : ' ';
    return out;
}

// The file's line break as used at the line that holds `offset`.
std::string line_break_at(std::string_view text, size_t offset) {
    const size_t nl = text.find('\n', offset);
    return nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r' ? "\r\n" : "\n";
}

// Where a new line goes after `offset`: before the line break that ends its line (after any
// comment), or the end of the text.
size_t end_of_line(std::string_view text, size_t offset) {
    const size_t nl = text.find('\n', offset);
    if (nl == std::string_view::npos) return text.size();
    return nl > 0 && text[nl - 1] == '\r' ? nl - 1 : nl;
}

// Skips blanks, line breaks and comments from `i`.
size_t skip_space(std::string_view text, size_t i, size_t end) {
    while (i < end) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++i;
        } else if (c == '#') {
            const size_t nl = text.find('\n', i);
            i = nl == std::string_view::npos ? end : nl;
        } else {
            break;
        }
    }
    return std::min(i, end);
}

// The pieces one after another. Built by appending: GCC 12 at -O3 warns falsely of -Wrestrict
// inside std::string's operator+ when a literal comes first (" " + text).
std::string concat(std::initializer_list<std::string_view> pieces) {
    size_t size = 0;
    for (const auto piece : pieces) size += piece.size();
    std::string out;
    out.reserve(size);
    for (const auto piece : pieces) out.append(piece);
    return out;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i) out.append(separator);
        out.append(items[i]);
    }
    return out;
}

}  // namespace

size_t offset_at(std::string_view text, SourcePos pos) {
    size_t i = 0;
    for (int line = 1; line < pos.line; ++line) {
        const size_t nl = text.find('\n', i);
        if (nl == std::string_view::npos) return text.size();
        i = nl + 1;
    }
    for (int column = 1; column < pos.column && i < text.size() && text[i] != '\n'; ++column) {
        ++i;
        while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    }
    return i;
}

size_t value_end(std::string_view text, size_t i) {
    const size_t n = text.size();
    if (i >= n) return n;
    if (starts_with_at(text, i, "\"\"\"") || starts_with_at(text, i, "'''")) {
        const std::string_view fence = text.substr(i, 3);
        size_t j = i + 3;
        while (j < n) {
            if (fence[0] == '"' && text[j] == '\\') {
                j += 2;
            } else if (starts_with_at(text, j, fence)) {
                size_t end = j + 3;  // up to two quotes of the content may precede the fence
                while (end < n && text[end] == fence[0] && end - j < 5) ++end;
                return end;
            } else {
                ++j;
            }
        }
        return n;
    }
    if (text[i] == '"' || text[i] == '\'') {
        const char q = text[i];
        size_t j = i + 1;
        while (j < n && text[j] != q && text[j] != '\n') j += (q == '"' && text[j] == '\\') ? 2 : 1;
        return std::min(j + 1, n);
    }
    if (text[i] == '[' || text[i] == '{') {
        int depth = 0;
        size_t j = i;
        while (j < n) {
            const char c = text[j];
            if (c == '"' || c == '\'') {
                j = value_end(text, j);
                continue;
            }
            if (c == '#') {
                const size_t nl = text.find('\n', j);
                j = nl == std::string_view::npos ? n : nl;
                continue;
            }
            if (c == '[' || c == '{') ++depth;
            if ((c == ']' || c == '}') && --depth == 0) return j + 1;
            ++j;
        }
        return n;
    }
    size_t j = i;
    while (j < n && std::string_view(" \t\r\n,]}#").find(text[j]) == std::string_view::npos) ++j;
    return j;
}

std::string apply_edits(std::string_view text, std::vector<TextEdit> edits) {
    std::stable_sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.begin < b.begin; });
    std::string out;
    size_t at = 0;
    for (const auto& e : edits) {
        if (e.begin < at || e.end < e.begin || e.end > text.size()) throw std::logic_error("overlapping text edits");
        out.append(text.substr(at, e.begin - at));
        out += e.text;
        at = e.end;
    }
    out.append(text.substr(at));
    return out;
}

std::vector<TextEdit> append_to_array(std::string_view text, const Value& array, const std::vector<std::string>& items) {
    std::vector<TextEdit> edits;
    if (items.empty()) return edits;
    const size_t open = offset_at(text, array.pos);
    if (open >= text.size() || text[open] != '[') throw std::logic_error("not an inline array");
    const size_t close = value_end(text, open) - 1;
    const bool multiline = text.substr(open, close - open).find('\n') != std::string_view::npos;
    const std::string nl = line_break_at(text, open);

    if (array.items.empty()) {
        if (!multiline) {
            edits.push_back({open + 1, close, concat({" ", join(items, ", "), " "})});
            return edits;
        }
        // The closing bracket alone on its line: the items go above it, indented one step more.
        const size_t start = line_start(text, close);
        const std::string indent = indent_of(text, close);
        if (start + indent.size() != close) {
            edits.push_back({close, close, concat({" ", join(items, ", "), " "})});
            return edits;
        }
        std::string lines;
        for (const auto& item : items) lines += concat({indent, "  ", item, ",", nl});
        edits.push_back({start, start, lines});
        return edits;
    }

    const size_t last_begin = offset_at(text, array.items.back().pos);
    const size_t last_end = value_end(text, last_begin);
    const size_t next = skip_space(text, last_end, close);
    const bool trailing_comma = next < close && text[next] == ',';
    const size_t after = trailing_comma ? next + 1 : last_end;

    if (!multiline) {
        if (trailing_comma) edits.push_back({after, after, concat({" ", join(items, ", "), ","})});
        else edits.push_back({last_end, last_end, concat({", ", join(items, ", ")})});
        return edits;
    }
    const std::string indent = indent_of(text, last_begin);
    std::string lines;
    for (size_t i = 0; i < items.size(); ++i)
        lines += concat({nl, indent, items[i], i + 1 < items.size() || trailing_comma ? "," : ""});
    const size_t nl_pos = text.find('\n', after);
    if (nl_pos != std::string_view::npos && nl_pos < close) {
        // After the last item's line, comment included, so that a comment stays with its item.
        if (!trailing_comma) edits.push_back({last_end, last_end, ","});
        const size_t at = end_of_line(text, after);
        edits.push_back({at, at, lines});
    } else {
        // The closing bracket follows on the last item's line: the new items go before it.
        edits.push_back({after, after, concat({trailing_comma ? "" : ",", lines})});
    }
    return edits;
}

bool written_as_header(std::string_view text, const Entry& entry) {
    const size_t at = offset_at(text, entry.key_pos);
    size_t i = line_start(text, at);
    while (i < text.size() && is_blank(text[i])) ++i;
    return i < text.size() && text[i] == '[';
}

TextEdit add_key_line(std::string_view text, const Value& table, const std::string& key_value) {
    const Entry* last = nullptr;
    for (const auto& e : table.entries)
        if (!written_as_header(text, e) && (!last || last->key_pos < e.key_pos)) last = &e;
    if (!last) throw std::logic_error("a table without keys");
    const size_t value_begin = offset_at(text, last->value.front().pos);
    const size_t end = value_end(text, value_begin);
    const size_t table_at = offset_at(text, table.pos);
    if (table_at < text.size() && text[table_at] == '{') return {end, end, concat({", ", key_value})};
    const size_t at = end_of_line(text, end);
    const size_t key_line = line_start(text, offset_at(text, last->key_pos));
    size_t key_at = key_line;
    while (key_at < text.size() && is_blank(text[key_at])) ++key_at;
    const std::string indent(text.substr(key_line, key_at - key_line));
    return {at, at, concat({line_break_at(text, value_begin), indent, key_value})};
}

TextEdit replace_scalar(std::string_view text, const Value& value, std::string replacement) {
    const size_t begin = offset_at(text, value.pos);
    return {begin, value_end(text, begin), std::move(replacement)};
}

}  // namespace samplan::content
