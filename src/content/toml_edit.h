// content/toml_edit.h — surgical edits to a record's text that keep everything else byte for
// byte: formatting, comments, key order. Works on text that parsed, with the Value tree's
// positions (line, column in code points) pointing into the same text (a whole .md file too).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "content/value.h"

namespace samplan::content {

// Byte offset of a 1-based line and column (code points); text.size() when beyond the end.
size_t offset_at(std::string_view text, SourcePos pos);
// Byte offset just past the TOML value that starts at `offset` (a string of any kind, an array
// or inline table with its nested values and comments, or a bare scalar).
size_t value_end(std::string_view text, size_t offset);

// Replace text[begin, end) by `text`. Edits of one batch must not overlap.
struct TextEdit {
    size_t begin = 0;
    size_t end = 0;
    std::string text;
};
std::string apply_edits(std::string_view text, std::vector<TextEdit> edits);

// Appends `items` (TOML values as text) to the inline array `array`, in the array's own style:
// on its line for a one-line array, one per line with the last item's indentation and the
// array's trailing-comma habit for a multi-line one. Comments stay where they were.
std::vector<TextEdit> append_to_array(std::string_view text, const Value& array, const std::vector<std::string>& items);
// Adds the line `key_value` ("values = [ … ]") to `table` after its last key, indented as that key.
// The table must have at least one key written with `key = value`.
TextEdit add_key_line(std::string_view text, const Value& table, const std::string& key_value);
// Replaces the scalar `value` (e.g. a number) by `replacement`.
TextEdit replace_scalar(std::string_view text, const Value& value, std::string replacement);
// True when `entry`'s key is written as a table header ([name] or [[name]]) rather than `key = …`.
bool written_as_header(std::string_view text, const Entry& entry);

}  // namespace samplan::content
