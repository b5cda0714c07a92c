#include "content/value.h"

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
