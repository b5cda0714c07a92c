// edit/record_edit.h — a record as the editor's page holds it (JSON), and the page's JSON written
// back into the record's text surgically: only the values that changed are rewritten, in place,
// so that an untouched record keeps its bytes, one changed field changes its own line(s), and
// comments, key order and layout stay. Dates travel as {"$date": "2025-03-01"} and stay TOML
// dates; every other text stays a TOML string, escaped (nothing typed becomes TOML syntax).
#pragma once

#include <string>
#include <string_view>

#include "content/content.h"
#include "edit/json.h"

namespace samplan::edit {

// {"data": {…the TOML values…}, "body": "…"} ("body" only for a .md record).
Json record_to_json(const content::Record& record);

// The record's text `text` (that parsed into `data`) with the page's `page` ({"data": …,
// "body": …}) written into it. Keys the page leaves out are kept; a key the page sets to null
// (or a date to "") is removed. Returns false with a message (in Swedish, for the page) when a
// value cannot be written (a date that is not one, a number that is not one).
bool write_record(std::string_view text, bool markdown, const content::Value& data, const Json& page, std::string& out,
                  std::string& error);

// The field of `data` that line `line` belongs to, as the page names it: "title",
// "assignment.scope", "working_group.2.name", "working_group.2" (its header), "body" (below the
// front matter of a .md record, from `body_line`), or "" (none).
std::string field_at_line(const content::Value& data, int body_line, int line);

// A TOML string for `text`: a basic string, or a multi-line one when it holds line breaks.
std::string toml_string(std::string_view text);

}  // namespace samplan::edit
