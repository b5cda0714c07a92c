// model/table_reader.h — typed access to one TOML table of a record, reporting missing keys,
// wrong types and unknown keys (with the nearest known key) as it goes.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "content/value.h"
#include "core/diagnostics.h"
#include "model/model.h"

namespace samplan::model {

// The longest plain (non-Markdown) text values, in characters (code points, not bytes). Markdown
// fields are bounded by render/markdown_tame instead. A plain value is repeated on many pages
// (navigation, lists, breadcrumbs), so one huge title would make every one of them huge.
inline constexpr std::size_t kLabelChars = 300;   // titles, names, roles, units, labels
inline constexpr std::size_t kPlainChars = 2000;  // longer plain notes ([assignment] reporting …)
// The number of characters of `text` (UTF-8): bytes that do not continue a sequence.
std::size_t char_count(std::string_view text);

class TableReader {
public:
    // `known` lists every key this table may have; others are reported as unknown.
    // `where` names the table in messages ("" for a record's top level, else e.g. "[assignment]").
    TableReader(const content::Value& table, const std::string& path, Diagnostics& diagnostics,
                std::initializer_list<const char*> known, std::string_view where = "");

    std::string text(const char* key, bool required = false);
    // text() of at most kLabelChars (a title, a name) or kPlainChars characters; longer is a
    // bad-value error at the value.
    std::string label(const char* key, bool required = false);
    std::string plain(const char* key, bool required = false);
    std::optional<Date> date(const char* key, bool required = false);
    std::optional<std::int64_t> integer(const char* key, bool required = false);
    std::optional<double> number(const char* key, bool required = false);
    std::optional<bool> boolean(const char* key, bool required = false);
    Ref ref(const char* key, bool required = false);  // a string value that names an id
    // Each element at most `max_chars` characters (0: no limit).
    std::vector<std::string> strings(const char* key, bool required = false, std::size_t max_chars = 0);
    std::vector<Date> dates(const char* key);
    // A sub-table, or nullptr when absent or of the wrong type (reported).
    const content::Value* table(const char* key, bool required = false);
    // An array of tables ([[key]]), each element checked to be a table.
    std::vector<const content::Value*> tables(const char* key, bool required = false);
    // The array value at `key` (any element type), or nullptr.
    const content::Value* array(const char* key);

    // Where the value of `key` is written, or the table's own position when it is absent.
    [[nodiscard]] SourcePos pos(const char* key) const;
    [[nodiscard]] SourcePos key_pos(const char* key) const;
    [[nodiscard]] SourcePos table_pos() const { return table_.pos; }
    [[nodiscard]] bool has(const char* key) const { return table_.find(key) != nullptr; }

    // Reports a value of the wrong kind at the value's position.
    void wrong_type(const char* key, const content::Value& value, const char* expected);
    void missing(const char* key);
    // Reports a string longer than `max_chars` characters (`what` names it); false when it is.
    bool within(const std::string& what, const content::Value& value, std::size_t max_chars);

private:
    const content::Value* typed(const char* key, content::Value::Type type, const char* expected, bool required);
    // The string value of `key` (reported when missing and required, of another type, or blank and required).
    const content::Value* text_value(const char* key, bool required);
    // " in [where]", or "" for a record's top level.
    [[nodiscard]] std::string in_where() const;

    const content::Value& table_;
    const std::string& path_;
    Diagnostics& diagnostics_;
    std::string_view where_;  // a literal, or a string that outlives the reader
};

}  // namespace samplan::model
