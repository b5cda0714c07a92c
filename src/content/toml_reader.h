// content/toml_reader.h — TOML text to a Value tree; the only place that includes toml++ (besides
// toml_edit, which rewrites files).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "content/value.h"

namespace samplan::content {

struct TomlError {
    SourcePos pos;
    std::string message;
};

// How deep tables and arrays may nest: each part of a table header or dotted key and each array or
// inline table is a level, so `[a.b]` then `c = [{ d = 1 }]` reaches 5 (the index that an array of
// tables adds is not counted). Records need a handful; the limit bounds every recursion over a
// Value (and toml++'s own), whatever the stack size.
inline constexpr int kMaxTomlNesting = 64;

// Parses `text`; positions are shifted down by `line_offset` lines (front matter after `+++`).
// The fast reader below reads what it can; everything else (and every error) is read by toml++,
// after check_toml_nesting. Deeper nesting than kMaxTomlNesting is an error.
std::optional<Value> parse_toml(std::string_view text, int line_offset, TomlError& error);

// The fast reader (toml_fast.cpp): the TOML that records are written in — bare keys, tables and
// arrays of tables, strings, decimal numbers, booleans, dates, arrays and inline tables — read
// straight into a Value, identical to what toml++ gives (values, key order, positions); nullopt for
// anything else, valid or not. Tested against toml++ on every fixture and by a fuzz target.
std::optional<Value> parse_toml_fast(std::string_view text, int line_offset);
// toml++ (after check_toml_nesting): the reference that the fast reader is tested against.
std::optional<Value> parse_toml_reference(std::string_view text, int line_offset, TomlError& error);

// False, with the position of the first node deeper than kMaxTomlNesting, when `text` nests too
// deeply (toml_nesting.cpp). It reads only keys, brackets and strings, never recurses, and passes
// any text that is not TOML for toml++ to refuse.
bool check_toml_nesting(std::string_view text, int line_offset, TomlError& error);

}  // namespace samplan::content
