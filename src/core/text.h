// core/text.h — text helpers shared by every stage: UTF-8, ids, suggestions, quoting.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace samplan {

// Byte offset of the first invalid UTF-8 sequence, or nullopt when `text` is valid UTF-8.
std::optional<size_t> find_invalid_utf8(std::string_view text);
// 1-based line and column (in code points) of a byte offset.
std::pair<int, int> line_column_at(std::string_view text, size_t offset);

// An id of the content model: 1 to 64 of a-z, 0-9 and '-', starting with a letter or digit.
bool is_valid_id(std::string_view id);

// Levenshtein distance in code points.
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `value` by edit distance (ties: first in order); nullopt if none.
std::optional<std::string> nearest(std::string_view value, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" when a candidate is close, else " (known: 'a', 'b', …)"; empty without candidates.
std::string suggestion(std::string_view value, const std::vector<std::string>& candidates);

// A JSON string literal with escapes.
std::string json_quote(std::string_view s);
// The same, appended to `out`.
void append_json_quoted(std::string& out, std::string_view s);
// 'value' quoted for a diagnostic, control characters escaped and long values shortened.
std::string quote(std::string_view value);

}  // namespace samplan
