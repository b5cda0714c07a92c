#include "core/text.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace samplan {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Decodes one code point at `i`; returns its length or 0 when the sequence is invalid.
size_t utf8_sequence_length(std::string_view s, size_t i) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    if (b0 < 0x80) return 1;
    size_t len = 0;
    unsigned cp = 0;
    if ((b0 & 0xE0) == 0xC0) { len = 2; cp = b0 & 0x1F; }
    else if ((b0 & 0xF0) == 0xE0) { len = 3; cp = b0 & 0x0F; }
    else if ((b0 & 0xF8) == 0xF0) { len = 4; cp = b0 & 0x07; }
    else return 0;
    if (i + len > s.size()) return 0;
    for (size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if ((b & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b & 0x3F);
    }
    // Reject overlong forms, surrogates and values beyond U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return 0;
    if (cp >= 0xD800 && cp <= 0xDFFF) return 0;
    if (cp > 0x10FFFF) return 0;
    return len;
}

std::vector<std::u32string::value_type> code_points(std::string_view s) {
    std::vector<char32_t> out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        size_t len = utf8_sequence_length(s, i);
        if (len == 0) { out.push_back(static_cast<unsigned char>(s[i])); ++i; continue; }
        char32_t cp = 0;
        for (size_t k = 0; k < len; ++k) cp = (cp << 8) | static_cast<unsigned char>(s[i + k]);
        out.push_back(cp);  // a unique number per sequence is enough for comparing
        i += len;
    }
    return out;
}

}  // namespace

std::optional<size_t> find_invalid_utf8(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        // Eight plain ASCII bytes at a time (most of every record).
        std::uint64_t word = 0;
        if (i + 8 <= text.size() && (std::memcpy(&word, text.data() + i, 8), (word & 0x8080808080808080ull) == 0)) {
            i += 8;
            continue;
        }
        const size_t len = utf8_sequence_length(text, i);
        if (len == 0) return i;
        i += len;
    }
    return std::nullopt;
}

void append_utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

std::string valid_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    size_t done = 0;  // text up to here is in `out`
    for (size_t i = 0; i < text.size();) {
        const size_t len = utf8_sequence_length(text, i);
        if (len > 0) {
            i += len;
            continue;
        }
        out.append(text.data() + done, i - done);
        out += kReplacement;
        done = ++i;
    }
    out.append(text.data() + done, text.size() - done);
    return out;
}

bool is_publishable(char32_t c) {
    if (c < 0x20) return c == '\t' || c == '\n' || c == '\r';
    if (c < 0x7F) return true;
    if (c <= 0x9F) return false;  // DEL and the C1 controls
    if (c >= 0xFDD0 && c <= 0xFDEF) return false;
    if ((c & 0xFFFE) == 0xFFFE) return false;
    return c <= 0x10FFFF && !(c >= 0xD800 && c <= 0xDFFF);
}

TextChar text_char_at(std::string_view text, size_t i) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    if (b0 < 0x80) return {1, is_publishable(b0)};
    const size_t len = utf8_sequence_length(text, i);
    if (len == 0) return {1, false};
    char32_t cp = b0 & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    return {len, is_publishable(cp)};
}

namespace {

// Moves `at` to the next character at or after it that is not publishable (or byte that starts
// no valid UTF-8 sequence) and gives its length; at the end, gives a publishable character.
TextChar next_unpublishable(std::string_view text, size_t& at) {
    for (; at < text.size();) {
        const auto b = static_cast<unsigned char>(text[at]);
        if (b >= 0x20 && b < 0x7F) {
            ++at;
            continue;
        }
        const TextChar c = text_char_at(text, at);
        if (!c.publishable) return c;
        at += c.length;
    }
    return {0, true};
}

}  // namespace

bool is_publishable(std::string_view text) {
    size_t at = 0;
    return next_unpublishable(text, at).publishable;
}

void append_publishable(std::string& out, std::string_view text) {
    out.reserve(out.size() + text.size());
    size_t done = 0;  // text up to here is in `out`
    for (size_t at = 0;;) {
        const TextChar c = next_unpublishable(text, at);
        if (c.publishable) break;
        out.append(text.data() + done, at - done);
        out += kReplacement;
        at += c.length;
        done = at;
    }
    out.append(text.data() + done, text.size() - done);
}

std::string publishable(std::string_view text) {
    std::string out;
    append_publishable(out, text);
    return out;
}

bool next_line(std::string_view& rest, std::string_view& line) {
    if (rest.empty()) return false;
    const size_t end = rest.find('\n');
    line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    return true;
}

std::pair<int, int> line_column_at(std::string_view text, size_t offset) {
    int line = 1, column = 1;
    offset = std::min(offset, text.size());
    for (size_t i = 0; i < offset; ++i) {
        const auto b = static_cast<unsigned char>(text[i]);
        if (b == '\n') { ++line; column = 1; }
        else if ((b & 0xC0) != 0x80) ++column;
    }
    return {line, column};
}

bool is_valid_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return false;
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!alnum(id[0])) return false;
    return std::all_of(id.begin(), id.end(), [&](char c) { return alnum(c) || c == '-'; });
}

size_t edit_distance(std::string_view a, std::string_view b) {
    const auto x = code_points(a), y = code_points(b);
    std::vector<size_t> row(y.size() + 1);
    for (size_t j = 0; j <= y.size(); ++j) row[j] = j;
    for (size_t i = 1; i <= x.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= y.size(); ++j) {
            const size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (x[i - 1] == y[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[y.size()];
}

std::optional<std::string> nearest(std::string_view value, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    size_t best_distance = 0;
    for (const auto& c : candidates) {
        const size_t d = edit_distance(value, c);
        if (!best || d < best_distance) { best = c; best_distance = d; }
    }
    return best;
}

std::optional<std::string> close_match(std::string_view value, const std::vector<std::string>& candidates) {
    auto best = nearest(value, candidates);
    if (!best || value.empty()) return std::nullopt;
    const size_t distance = edit_distance(value, *best);
    const size_t longest = std::max(code_points(value).size(), code_points(*best).size());
    const bool close = distance * 2 <= longest + 1 || best->find(value) != std::string::npos ||
                       value.find(*best) != std::string_view::npos;
    if (!close) return std::nullopt;
    return best;
}

std::string suggestion(std::string_view value, const std::vector<std::string>& candidates) {
    if (candidates.empty()) return {};
    if (const auto best = close_match(value, candidates)) return " (did you mean " + quote(*best) + "?)";
    std::string out = " (known: ";
    const size_t shown = std::min<size_t>(candidates.size(), 6);
    for (size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + quote(candidates[i]);
    if (candidates.size() > shown) out += ", …";
    return out + ")";
}

namespace {

// Whether one of the eight bytes of `w` needs an escape in a JSON string: a control character
// (below 0x20), '"' or '\\'. (Bytes from 0x80 never do: their high bit rules them out of each test.)
bool json_escape_in(std::uint64_t w) {
    constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    const auto zero_byte = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
    const std::uint64_t below_space = (w - ones * 0x20) & ~w & highs;
    return (below_space | zero_byte(w ^ (ones * '"')) | zero_byte(w ^ (ones * '\\'))) != 0;
}

}  // namespace

size_t json_plain_run(std::string_view s) {
    const char* const p = s.data();
    const size_t n = s.size();
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        if (json_escape_in(w)) break;
    }
    for (; i < n; ++i) {
        const auto c = static_cast<unsigned char>(p[i]);
        if (c < 0x20 || c == '"' || c == '\\') break;
    }
    return i;
}

size_t json_escape(unsigned char c, char* out) {
    out[0] = '\\';
    switch (c) {
        case '"': out[1] = '"'; return 2;
        case '\\': out[1] = '\\'; return 2;
        case '\n': out[1] = 'n'; return 2;
        case '\r': out[1] = 'r'; return 2;
        case '\t': out[1] = 't'; return 2;
        default: {
            static constexpr char kHex[] = "0123456789abcdef";
            out[1] = 'u';
            out[2] = '0';
            out[3] = '0';
            out[4] = kHex[c >> 4];
            out[5] = kHex[c & 15];
            return 6;
        }
    }
}

void append_json_quoted(std::string& out, std::string_view s) {
    out.reserve(out.size() + s.size() + 2);
    out += '"';
    // Runs that need no escape are appended at once (found eight bytes at a time).
    while (!s.empty()) {
        const size_t run = json_plain_run(s);
        out.append(s.data(), run);
        if (run == s.size()) break;
        char escape[6];
        out.append(escape, json_escape(static_cast<unsigned char>(s[run]), escape));
        s.remove_prefix(run + 1);
    }
    out += '"';
}

std::string json_quote(std::string_view s) {
    std::string out;
    append_json_quoted(out, s);
    return out;
}

std::string quote(std::string_view value) {
    constexpr size_t kMax = 60;
    std::string out = "'";
    size_t i = 0;
    for (; i < value.size() && i < kMax; ++i) {
        const auto c = static_cast<unsigned char>(value[i]);
        if (c < 0x20 || c == 0x7F) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            out += buf;
        } else {
            out += static_cast<char>(c);
        }
    }
    if (i < value.size()) {
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
        if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0) out.pop_back();
        out += "…";
    }
    return out + "'";
}

}  // namespace samplan
