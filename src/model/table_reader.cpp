#include "model/table_reader.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/rules.h"
#include "core/text.h"

namespace samplan::model {

using content::Value;

TableReader::TableReader(const Value& table, const std::string& path, Diagnostics& diagnostics,
                         std::initializer_list<const char*> known, std::string_view where)
    : table_(table), path_(path), diagnostics_(diagnostics), where_(where) {
    // Every table of every record is read through here: the known keys are measured once and
    // compared as views, and made strings only for a key that is not among them.
    constexpr size_t kMaxKnown = 32;
    std::array<std::string_view, kMaxKnown> views;
    const size_t n_known = std::min(known.size(), kMaxKnown);
    std::copy_n(known.begin(), n_known, views.begin());
    for (const auto& entry : table.entries) {
        const std::string_view key = entry.key;
        bool found = std::find(views.begin(), views.begin() + static_cast<std::ptrdiff_t>(n_known), key) !=
                     views.begin() + static_cast<std::ptrdiff_t>(n_known);
        for (auto it = known.begin() + n_known; !found && it != known.end(); ++it) found = key == *it;
        if (found) continue;
        const std::vector<std::string> names(known.begin(), known.end());
        diagnostics_.warning(path_, entry.key_pos, "unknown key " + quote(entry.key) + in_where() + suggestion(entry.key, names),
                             "unknown-key")
            .suggestion = close_match(entry.key, names).value_or("");
    }
}

std::string TableReader::in_where() const { return where_.empty() ? std::string() : " in " + std::string(where_); }

void TableReader::missing(const char* key) {
    diagnostics_.error(path_, table_.pos,
                       "missing required key " + quote(key) + in_where(), "required");
}

void TableReader::wrong_type(const char* key, const Value& value, const char* expected) {
    std::string message = quote(key) + " must be " + expected + ", not " + type_name(value.type);
    if (value.type == Value::Type::String && parse_iso_date(value.string))
        message += " (write the date without quotes: " + std::string(key) + " = " + value.string + ")";
    diagnostics_.error(path_, value.pos, message, "type");
}

const Value* TableReader::typed(const char* key, Value::Type type, const char* expected, bool required) {
    const Value* v = table_.get(key);
    if (!v) {
        if (required) missing(key);
        return nullptr;
    }
    if (v->type != type) {
        wrong_type(key, *v, expected);
        return nullptr;
    }
    return v;
}

std::string TableReader::text(const char* key, bool required) {
    const Value* v = text_value(key, required);
    return v ? v->string : std::string();
}

std::size_t char_count(std::string_view text) {
    std::size_t n = 0;
    for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

bool TableReader::within(const std::string& what, const Value& value, std::size_t max_chars) {
    if (max_chars == 0 || value.string.size() <= max_chars) return true;
    const std::size_t n = char_count(value.string);
    if (n <= max_chars) return true;
    rules::report(diagnostics_, rules::kBadValueLength, path_, value.pos,
                  what + " is " + std::to_string(n) + " characters long; at most " + std::to_string(max_chars) +
                      " are allowed",
                  {std::to_string(n), std::to_string(max_chars)});
    return false;
}

const Value* TableReader::text_value(const char* key, bool required) {
    const Value* v = typed(key, Value::Type::String, "a string", required);
    if (v && required && v->string.find_first_not_of(" \t\r\n") == std::string::npos) {
        diagnostics_.error(path_, v->pos, quote(key) + " must not be empty", "required");
    }
    return v;
}

std::string TableReader::label(const char* key, bool required) {
    const Value* v = text_value(key, required);
    if (!v) return {};
    if (v->string.size() > kLabelChars) within(quote(key), *v, kLabelChars);  // else within: no message
    return v->string;
}

std::string TableReader::plain(const char* key, bool required) {
    const Value* v = text_value(key, required);
    if (!v) return {};
    if (v->string.size() > kPlainChars) within(quote(key), *v, kPlainChars);
    return v->string;
}

std::optional<Date> TableReader::date(const char* key, bool required) {
    const Value* v = typed(key, Value::Type::Date, "a date (YYYY-MM-DD)", required);
    if (!v) return std::nullopt;
    return v->date;
}

std::optional<std::int64_t> TableReader::integer(const char* key, bool required) {
    const Value* v = typed(key, Value::Type::Integer, "a whole number", required);
    if (!v) return std::nullopt;
    return v->integer;
}

std::optional<double> TableReader::number(const char* key, bool required) {
    const Value* v = table_.get(key);
    if (!v) {
        if (required) missing(key);
        return std::nullopt;
    }
    if (v->type == Value::Type::Integer) return static_cast<double>(v->integer);
    if (v->type == Value::Type::Float && std::isfinite(v->floating)) return v->floating;
    wrong_type(key, *v, "a finite number");
    return std::nullopt;
}

std::optional<bool> TableReader::boolean(const char* key, bool required) {
    const Value* v = typed(key, Value::Type::Boolean, "true or false", required);
    if (!v) return std::nullopt;
    return v->boolean;
}

Ref TableReader::ref(const char* key, bool required) {
    const Value* v = typed(key, Value::Type::String, "a string naming an id", required);
    if (!v) return {};
    if (v->string.empty()) {
        diagnostics_.error(path_, v->pos, quote(key) + " must not be empty", "required");
        return {};
    }
    return Ref{v->string, v->pos};
}

std::vector<std::string> TableReader::strings(const char* key, bool required, std::size_t max_chars) {
    std::vector<std::string> out;
    const Value* v = typed(key, Value::Type::Array, "an array of strings", required);
    if (!v) return out;
    for (const auto& item : v->items) {
        if (item.type == Value::Type::String) {
            if (max_chars > 0 && item.string.size() > max_chars) within("an element of " + quote(key), item, max_chars);
            out.push_back(item.string);
        } else diagnostics_.error(path_, item.pos, "each element of " + quote(key) + " must be a string, not " +
                                                     type_name(item.type), "type");
    }
    return out;
}

std::vector<Date> TableReader::dates(const char* key) {
    std::vector<Date> out;
    const Value* v = typed(key, Value::Type::Array, "an array of dates", false);
    if (!v) return out;
    for (const auto& item : v->items) {
        if (item.type == Value::Type::Date) out.push_back(item.date);
        else diagnostics_.error(path_, item.pos, "each element of " + quote(key) + " must be a date (YYYY-MM-DD), not " +
                                                     type_name(item.type), "type");
    }
    return out;
}

const Value* TableReader::table(const char* key, bool required) {
    return typed(key, Value::Type::Table, "a table", required);
}

std::vector<const Value*> TableReader::tables(const char* key, bool required) {
    std::vector<const Value*> out;
    const Value* v = typed(key, Value::Type::Array, "an array of tables", required);
    if (!v) return out;
    for (const auto& item : v->items) {
        if (item.type == Value::Type::Table) out.push_back(&item);
        else diagnostics_.error(path_, item.pos, "each element of " + quote(key) + " must be a table, not " +
                                                     type_name(item.type), "type");
    }
    if (required && out.empty()) diagnostics_.error(path_, v->pos, quote(key) + " needs at least one entry", "required");
    return out;
}

const Value* TableReader::array(const char* key) { return typed(key, Value::Type::Array, "an array", false); }

SourcePos TableReader::pos(const char* key) const {
    const Value* v = table_.get(key);
    return v ? v->pos : table_.pos;
}

SourcePos TableReader::key_pos(const char* key) const {
    const content::Entry* e = table_.find(key);
    return e ? e->key_pos : table_.pos;
}

}  // namespace samplan::model
