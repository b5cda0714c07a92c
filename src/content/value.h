// content/value.h — a parsed TOML document as plain data, every node with its source position
// (already shifted by the front matter's offset), so later stages never see the TOML library.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/diagnostics.h"

namespace samplan::content {

struct Value;

struct Entry {
    std::string key;
    SourcePos key_pos;
    std::vector<Value> value;  // exactly one element; a vector because Value is incomplete here
};

// A TOML local time, or the time of a date-time.
struct TimeOfDay {
    int hour = 0;
    int minute = 0;
    int second = 0;
    std::uint32_t nanosecond = 0;

    auto operator<=>(const TimeOfDay&) const = default;
    // "07:32:00", with ".999999" when there are fractions of a second (as many digits as needed).
    [[nodiscard]] std::string iso() const;
};

struct Value {
    enum class Type { Table, Array, String, Integer, Float, Boolean, Date, Time, DateTime };

    Type type = Type::Table;
    SourcePos pos;
    std::string string;
    std::int64_t integer = 0;
    double floating = 0;
    bool boolean = false;
    Date date;             // Date, and the date of a DateTime
    TimeOfDay time;        // Time, and the time of a DateTime
    bool has_offset = false;  // a DateTime with an offset ("Z" or "+01:00"); local without
    int offset_minutes = 0;   // east of UTC
    std::vector<Entry> entries;  // Table, in file order
    std::vector<Value> items;    // Array

    // The entry named `key` in a table, or nullptr.
    [[nodiscard]] const Entry* find(std::string_view key) const;
    [[nodiscard]] const Value* get(std::string_view key) const;
};

// Where `a` and `b` first differ (type, value, key, key order or source position), as a path such
// as "activities[2].title: position 4:9 vs 4:10"; empty when they are identical.
std::string first_difference(const Value& a, const Value& b);

// A Date, Time or DateTime as RFC 3339 writes it ("1979-05-27T07:32:00Z", "07:32:00",
// "1979-05-27T00:32:00.5-07:00", "1979-05-27T07:32:00" for a local date-time).
std::string date_time_text(const Value& value);

// A human name for a type, used in "must be a date, not a string".
const char* type_name(Value::Type type);

}  // namespace samplan::content
