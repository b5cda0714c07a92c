#include "content/value.h"

#include <cstdio>

#include <cmath>

namespace samplan::content {

const Entry* Value::find(std::string_view key) const {
    for (const auto& e : entries)
        if (e.key == key) return &e;
    return nullptr;
}

const Value* Value::get(std::string_view key) const {
    const Entry* e = find(key);
    return e ? &e->value.front() : nullptr;
}

namespace {

std::string position(const SourcePos& p) { return std::to_string(p.line) + ":" + std::to_string(p.column); }

std::string differ(const Value& a, const Value& b, const std::string& at) {
    const std::string where = at.empty() ? "(root)" : at;
    if (a.type != b.type) return where + ": " + type_name(a.type) + " vs " + type_name(b.type);
    if (a.pos != b.pos)
        return where + ": position " + position(a.pos) + " vs " + position(b.pos);
    switch (a.type) {
        case Value::Type::String:
            if (a.string != b.string) return where + ": \"" + a.string + "\" vs \"" + b.string + "\"";
            break;
        case Value::Type::Integer:
            if (a.integer != b.integer) return where + ": " + std::to_string(a.integer) + " vs " + std::to_string(b.integer);
            break;
        case Value::Type::Float:
            if (a.floating != b.floating && !(std::isnan(a.floating) && std::isnan(b.floating))) return where + ": " + std::to_string(a.floating) + " vs " + std::to_string(b.floating);
            break;
        case Value::Type::Boolean:
            if (a.boolean != b.boolean) return where + ": booleans differ";
            break;
        case Value::Type::Date:
            if (a.date != b.date) return where + ": " + a.date.iso() + " vs " + b.date.iso();
            break;
        case Value::Type::Array:
            if (a.items.size() != b.items.size())
                return where + ": " + std::to_string(a.items.size()) + " vs " + std::to_string(b.items.size()) + " items";
            for (size_t i = 0; i < a.items.size(); ++i)
                if (auto d = differ(a.items[i], b.items[i], at + "[" + std::to_string(i) + "]"); !d.empty()) return d;
            break;
        case Value::Type::Table:
            if (a.entries.size() != b.entries.size())
                return where + ": " + std::to_string(a.entries.size()) + " vs " + std::to_string(b.entries.size()) + " keys";
            for (size_t i = 0; i < a.entries.size(); ++i) {
                const Entry& x = a.entries[i];
                const Entry& y = b.entries[i];
                const std::string path = at.empty() ? x.key : at + "." + x.key;
                if (x.key != y.key) return where + ": key " + std::to_string(i) + " is '" + x.key + "' vs '" + y.key + "'";
                if (x.key_pos != y.key_pos)
                    return path + ": key position " + position(x.key_pos) + " vs " + position(y.key_pos);
                if (auto d = differ(x.value.front(), y.value.front(), path); !d.empty()) return d;
            }
            break;
        case Value::Type::Time:
        case Value::Type::DateTime:
            if (a.date != b.date || a.time != b.time || a.has_offset != b.has_offset ||
                a.offset_minutes != b.offset_minutes)
                return where + ": " + date_time_text(a) + " vs " + date_time_text(b);
            break;
    }
    return {};
}

}  // namespace

std::string first_difference(const Value& a, const Value& b) { return differ(a, b, ""); }

std::string TimeOfDay::iso() const {
    char text[32];
    std::snprintf(text, sizeof text, "%02d:%02d:%02d", hour, minute, second);
    std::string out = text;
    if (nanosecond > 0) {
        std::snprintf(text, sizeof text, ".%09u", static_cast<unsigned>(nanosecond));
        std::string fraction = text;
        while (fraction.back() == '0') fraction.pop_back();
        out += fraction;
    }
    return out;
}

std::string date_time_text(const Value& value) {
    if (value.type == Value::Type::Date) return value.date.iso();
    if (value.type == Value::Type::Time) return value.time.iso();
    std::string out = value.date.iso() + "T" + value.time.iso();
    if (value.has_offset) {
        if (value.offset_minutes == 0) return out + "Z";
        const int minutes = value.offset_minutes < 0 ? -value.offset_minutes : value.offset_minutes;
        char text[16];
        std::snprintf(text, sizeof text, "%c%02d:%02d", value.offset_minutes < 0 ? '-' : '+', minutes / 60, minutes % 60);
        out += text;
    }
    return out;
}

const char* type_name(Value::Type type) {
    switch (type) {
        case Value::Type::Table: return "a table";
        case Value::Type::Array: return "an array";
        case Value::Type::String: return "a string";
        case Value::Type::Integer: return "an integer";
        case Value::Type::Float: return "a decimal number";
        case Value::Type::Boolean: return "a boolean";
        case Value::Type::Date: return "a date";
        case Value::Type::Time: return "a time";
        case Value::Type::DateTime: return "a date-time";
    }
    return "a value";
}

}  // namespace samplan::content
