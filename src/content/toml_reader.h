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

// Parses `text`; positions are shifted down by `line_offset` lines (front matter after `+++`).
// The fast reader below reads what it can; everything else (and every error) is read by toml++,
// on a thread with a large stack so that deep nesting cannot overflow ours.
std::optional<Value> parse_toml(std::string_view text, int line_offset, TomlError& error);

// The fast reader (toml_fast.cpp): the TOML that records are written in — bare keys, tables and
// arrays of tables, strings, decimal numbers, booleans, dates, arrays and inline tables — read
// straight into a Value, identical to what toml++ gives (values, key order, positions); nullopt for
// anything else, valid or not. Tested against toml++ on every fixture and by a fuzz target.
std::optional<Value> parse_toml_fast(std::string_view text, int line_offset);
// toml++ alone: the reference that the fast reader is tested against.
std::optional<Value> parse_toml_reference(std::string_view text, int line_offset, TomlError& error);

}  // namespace samplan::content
