// core/text.h — text helpers shared by every stage: UTF-8, ids, suggestions, quoting.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace samplan {

// Byte offset of the first invalid UTF-8 sequence, or nullopt when `text` is valid UTF-8.
std::optional<size_t> find_invalid_utf8(std::string_view text);
// `text` with every byte that starts no valid UTF-8 sequence replaced by U+FFFD (text from git,
// which need not be UTF-8).
std::string valid_utf8(std::string_view text);
// Appends code point `cp` (at most U+10FFFF, not a surrogate: the caller has checked) as UTF-8.
void append_utf8(std::string& out, unsigned cp);

// A character every published format may hold as text: tab, line feed, carriage return and the
// code points from U+0020 up, less DEL, the C1 controls (U+0080 to U+009F) and the noncharacters
// (U+FDD0 to U+FDEF and every U+xFFFE and U+xFFFF). XML 1.0 forbids the other C0 controls, U+FFFE
// and U+FFFF; HTML calls all of them parse errors; iCalendar forbids the controls.
bool is_publishable(char32_t c);
// The character at byte `i` of `text`: its length in bytes (1 for a byte that starts no valid
// UTF-8 sequence), and whether it is valid UTF-8 and publishable.
struct TextChar {
    size_t length = 1;
    bool publishable = false;
};
TextChar text_char_at(std::string_view text, size_t i);
// Whether `text` is valid UTF-8 of publishable characters only.
bool is_publishable(std::string_view text);
// `text` with every character that is not publishable, and every byte that starts no valid UTF-8
// sequence, replaced by U+FFFD.
std::string publishable(std::string_view text);
// The same, appended to `out`.
void append_publishable(std::string& out, std::string_view text);

// Takes the next line off the front of `rest` into `line` (without its '\n'), as std::getline
// does: a last line without a newline counts; false when `rest` is empty. For files read whole
// and taken apart as views.
bool next_line(std::string_view& rest, std::string_view& line);

// 1-based line and column (in code points) of a byte offset.
std::pair<int, int> line_column_at(std::string_view text, size_t offset);

// An id of the content model: 1 to 64 of a-z, 0-9 and '-', starting with a letter or digit.
bool is_valid_id(std::string_view id);

// Levenshtein distance in code points.
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `value` by edit distance (ties: first in order); nullopt if none.
std::optional<std::string> nearest(std::string_view value, const std::vector<std::string>& candidates);
// The candidate close enough to `value` to be what was meant (suggestion() says "did you mean"
// for it), or nullopt.
std::optional<std::string> close_match(std::string_view value, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" when a candidate is close, else " (known: 'a', 'b', …)"; empty without candidates.
std::string suggestion(std::string_view value, const std::vector<std::string>& candidates);

// A JSON string literal with escapes.
std::string json_quote(std::string_view s);
// The same, appended to `out`.
void append_json_quoted(std::string& out, std::string_view s);
// The length of the longest start of `s` that a JSON string holds as it is (no control
// character, '"' or '\\'); looks at eight bytes at a time.
size_t json_plain_run(std::string_view s);
// The escape of byte `c` in a JSON string (one that json_plain_run stops at): "\\n", "\\u0001"…
// written to `out`, which has room for six bytes; returns its length.
size_t json_escape(unsigned char c, char* out);
// 'value' quoted for a diagnostic, control characters escaped and long values shortened.
std::string quote(std::string_view value);

}  // namespace samplan
