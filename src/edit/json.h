// edit/json.h — the little JSON the editor's page and server exchange: a plain tree, parsed
// with limits (depth, size) and written back. Numbers keep their text, so that a value the page
// did not change compares equal to what the record holds.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace samplan::edit {

struct Json {
    enum class Kind { Null, Bool, Number, String, Array, Object };
    // Out of line: `members` holds pairs of this type (clang 14 with libstdc++ needs it complete).
    Json();
    ~Json();
    Json(const Json&);
    Json(Json&&) noexcept;
    Json& operator=(const Json&);
    Json& operator=(Json&&) noexcept;

    Kind kind = Kind::Null;
    bool boolean = false;
    std::string text;  // a String's value, a Number's text
    std::vector<Json> items;                          // Array
    std::vector<std::pair<std::string, Json>> members;  // Object, in the order written

    [[nodiscard]] const Json* find(std::string_view key) const;
    [[nodiscard]] std::string string_or(std::string_view key, std::string fallback = {}) const;
    static Json string_value(std::string s);
    static Json boolean_value(bool b);
    static Json object() { Json j; j.kind = Kind::Object; return j; }
    static Json array() { Json j; j.kind = Kind::Array; return j; }
    Json& set(std::string key, Json value);
};

// A JSON string holding `s`.
inline Json str(std::string s) { return Json::string_value(std::move(s)); }

// Parses `text`; false (with a message) for anything that is not one JSON value, or nests deeper
// than 64 levels.
bool parse_json(std::string_view text, Json& out, std::string& error);
std::string to_json(const Json& value);

}  // namespace samplan::edit
