// content/toml_reader.h — TOML text to a Value tree; the only place that includes toml++.
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
// Parsing runs on a thread with a large stack so that deep nesting cannot overflow ours.
std::optional<Value> parse_toml(std::string_view text, int line_offset, TomlError& error);

}  // namespace samplan::content
