// The fast TOML reader (see toml_reader.h): reads the TOML that records are written in straight
// into a Value, with the same values, key order and source positions as toml++ gives. It refuses
// (returns nullopt) whatever it does not read itself — quoted or dotted keys, dates with a time,
// hexadecimal numbers, infinities, carriage returns inside multi-line strings, a table defined
// twice, any error — and parse_toml then reads the text with toml++, which also words the errors.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>

#include "content/toml_reader.h"
#include "core/text.h"

namespace samplan::content {
namespace {

struct Refused {};  // thrown inside the reader; parse_toml_fast returns nullopt

// While reading, a table's Value::integer says how it was made (headers may extend only tables
// made by a header and never an inline one) and an array's whether it is an array of tables; both
// are reset to 0 when the document is read.
constexpr std::int64_t kByHeader = 1, kImplicit = 2, kInline = 3;
constexpr std::int64_t kTableArray = 1;
constexpr size_t kMaxNumber = 40;  // characters of a number, underscores included (an int64 needs 37)

bool bare_key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
bool digit(char c) { return c >= '0' && c <= '9'; }
bool control(char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7F;
}

Value make(Value::Type type, SourcePos pos, std::int64_t flags = 0) {
    Value v;
    v.type = type;
    v.pos = pos;
    v.integer = flags;
    return v;
}

class Reader {
public:
    Reader(std::string_view text, int line_offset) : s_(text), line_offset_(line_offset) {}

    Value run() {
        Value root = make(Value::Type::Table, SourcePos{1 + line_offset_, 1}, kByHeader);
        root.entries.reserve(16);  // a record's top level has about that many keys
        Value* table = &root;
        int level = 0;  // of `table`, counted as check_toml_nesting counts
        while (i_ < s_.size()) {
            skip_blank();
            if (i_ == s_.size()) break;
            const char c = s_[i_];
            if (c == '\n' || c == '\r') {
                newline();
                continue;
            }
            if (c == '#') {
                comment();
                continue;
            }
            if (c == '[') table = header(root, level);
            else key_value(*table, level);
            end_of_line();
        }
        finish(root);
        return root;
    }

private:
    [[noreturn]] static void refuse() { throw Refused{}; }
    [[nodiscard]] char peek(size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
    [[nodiscard]] bool at_end() const { return i_ >= s_.size(); }

    // Columns count characters, not bytes, as toml++ does; counted on from the last position asked
    // for on the same line, so that a long line of many values costs no more than a short one.
    [[nodiscard]] SourcePos pos() const {
        if (counted_to_ < line_start_ || counted_to_ > i_) {
            counted_to_ = line_start_;
            column_ = 1;
        }
        for (; counted_to_ < i_; ++counted_to_)
            if ((static_cast<unsigned char>(s_[counted_to_]) & 0xC0) != 0x80) ++column_;
        return SourcePos{line_ + line_offset_, column_};
    }

    void skip_blank() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    }
    void newline() {
        if (peek() == '\r') {
            if (peek(1) != '\n') refuse();
            ++i_;
        }
        ++i_;
        ++line_;
        line_start_ = i_;
    }
    void comment() {
        for (++i_; i_ < s_.size() && s_[i_] != '\n'; ++i_) {
            if (s_[i_] == '\r' && peek(1) == '\n') break;
            if (control(s_[i_])) refuse();
        }
    }
    // Blanks, comments and line breaks (between the items of an array).
    void skip_space() {
        for (;;) {
            skip_blank();
            const char c = peek();
            if (c == '\n' || c == '\r') newline();
            else if (c == '#') comment();
            else return;
        }
    }
    void end_of_line() {
        skip_blank();
        if (peek() == '#') comment();
        if (at_end()) return;
        if (peek() != '\n' && peek() != '\r') refuse();
        newline();
    }
    void expect(char c) {
        if (peek() != c) refuse();
        ++i_;
    }

    std::string bare_key() {
        const size_t from = i_;
        while (i_ < s_.size() && bare_key_char(s_[i_])) ++i_;
        if (i_ == from) refuse();  // quoted keys, or no key at all
        return std::string(s_.substr(from, i_ - from));
    }

    static Entry* find(Value& table, std::string_view key) {
        for (auto& e : table.entries)
            if (e.key == key) return &e;
        return nullptr;
    }
    static Value& add(Value& table, std::string key, SourcePos key_pos, Value value) {
        if (find(table, key)) refuse();  // defined twice
        Entry& e = table.entries.emplace_back();
        e.key = std::move(key);
        e.key_pos = key_pos;
        e.value.reserve(1);
        return e.value.emplace_back(std::move(value));
    }

    void key_value(Value& table, int level) {
        const SourcePos key_pos = pos();
        std::string key = bare_key();
        skip_blank();
        expect('=');  // a '.' here is a dotted key
        skip_blank();
        add(table, std::move(key), key_pos, value(level + 1));
    }

    // [a.b] or [[a.b]]: the table that the following key/value pairs go into; `level` becomes its
    // level (the number of parts).
    Value* header(Value& root, int& level) {
        const SourcePos at = pos();
        const bool array = peek(1) == '[';
        i_ += array ? 2 : 1;
        std::vector<std::pair<std::string, SourcePos>> path;
        for (;;) {
            skip_blank();
            const SourcePos key_pos = pos();
            path.emplace_back(bare_key(), key_pos);
            if (path.size() > static_cast<size_t>(kMaxTomlNesting)) refuse();  // for toml++'s error
            skip_blank();
            if (peek() != '.') break;
            ++i_;
        }
        expect(']');
        if (array) expect(']');
        level = static_cast<int>(path.size());
        Value* table = &root;
        for (size_t k = 0; k + 1 < path.size(); ++k) {
            Entry* e = find(*table, path[k].first);
            if (!e) {
                table = &add(*table, path[k].first, path[k].second, make(Value::Type::Table, at, kImplicit));
                continue;
            }
            Value& v = e->value.front();
            if (v.type == Value::Type::Table && v.integer != kInline) table = &v;
            else if (v.type == Value::Type::Array && v.integer == kTableArray && !v.items.empty()) table = &v.items.back();
            else refuse();
        }
        auto& [key, key_pos] = path.back();
        Entry* e = find(*table, key);
        if (!array) {
            if (e) refuse();  // already there (made by a header, a key or implicitly): left to toml++
            return &add(*table, key, key_pos, make(Value::Type::Table, at, kByHeader));
        }
        if (!e) {
            Value list = make(Value::Type::Array, at, kTableArray);
            list.items.push_back(make(Value::Type::Table, at, kByHeader));
            return &add(*table, key, key_pos, std::move(list)).items.back();
        }
        Value& list = e->value.front();
        if (list.type != Value::Type::Array || list.integer != kTableArray) refuse();
        return &list.items.emplace_back(make(Value::Type::Table, at, kByHeader));
    }

    // A value at `level` (see kMaxTomlNesting); deeper ones are left to the error after toml++'s
    // nesting check.
    Value value(int level) {
        if (level > kMaxTomlNesting) refuse();
        const SourcePos at = pos();
        Value v;
        switch (peek()) {
            case '"': v = peek(1) == '"' && peek(2) == '"' ? multiline_basic() : basic(); break;
            case '\'': v = peek(1) == '\'' && peek(2) == '\'' ? multiline_literal() : literal(); break;
            case '[': v = array(level); break;
            case '{': v = inline_table(level); break;
            case 't': v = word("true", true); break;
            case 'f': v = word("false", false); break;
            default: v = number_or_date(); break;
        }
        v.pos = at;
        return v;
    }

    // What may follow a number, date or boolean.
    [[nodiscard]] bool at_delimiter() const {
        const char c = peek();
        return c == '\0' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '#' || c == ',' || c == ']' || c == '}';
    }

    Value word(std::string_view w, bool flag) {
        if (s_.substr(i_, w.size()) != w) refuse();
        i_ += w.size();
        if (!at_delimiter()) refuse();  // "trueish"
        Value v = make(Value::Type::Boolean, {});
        v.boolean = flag;
        return v;
    }

    void escape(std::string& out) {
        ++i_;  // the backslash
        const char c = peek();
        ++i_;
        switch (c) {
            case 'b': out += '\b'; return;
            case 't': out += '\t'; return;
            case 'n': out += '\n'; return;
            case 'f': out += '\f'; return;
            case 'r': out += '\r'; return;
            case '"': out += '"'; return;
            case '\\': out += '\\'; return;
            case 'u':
            case 'U': {
                const size_t n = c == 'u' ? 4 : 8;
                if (i_ + n > s_.size()) refuse();
                unsigned cp = 0;
                for (size_t k = 0; k < n; ++k) {
                    const char h = s_[i_ + k];
                    const int d = digit(h) ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
                    if (d < 0) refuse();
                    cp = cp * 16 + static_cast<unsigned>(d);
                }
                if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) refuse();
                i_ += n;
                append_utf8(out, cp);
                return;
            }
            default: refuse();
        }
    }

    Value basic() {
        ++i_;
        Value v = make(Value::Type::String, {});
        for (;;) {
            const size_t from = i_;
            while (i_ < s_.size() && s_[i_] != '"' && s_[i_] != '\\' && !control(s_[i_])) ++i_;
            v.string.append(s_.substr(from, i_ - from));
            const char c = peek();
            if (c == '"') {
                ++i_;
                return v;
            }
            if (c != '\\' || at_end()) refuse();  // a line break, a control character or the end
            escape(v.string);
        }
    }

    Value multiline_basic() {
        i_ += 3;
        if (peek() == '\n' || (peek() == '\r' && peek(1) == '\n')) newline();  // trimmed
        Value v = make(Value::Type::String, {});
        for (;;) {
            if (at_end()) refuse();
            const char c = s_[i_];
            if (c == '"') {
                if (peek(1) == '"' && peek(2) == '"') {
                    i_ += 3;
                    if (peek() == '"') refuse();  // quotes just before the closing ones
                    return v;
                }
                v.string += '"';
                ++i_;
            } else if (c == '\\') {
                size_t k = i_ + 1;
                while (k < s_.size() && (s_[k] == ' ' || s_[k] == '\t')) ++k;
                if (k < s_.size() && s_[k] == '\n') {  // a line-ending backslash: trims up to the next text
                    i_ = k;
                    for (;;) {
                        skip_blank();
                        if (peek() == '\n') newline();
                        else if (peek() == '\r') refuse();
                        else break;
                    }
                    // toml++ trims Unicode blanks (U+00A0, U+FEFF, ...) too: those are its to read.
                    if (static_cast<unsigned char>(peek()) >= 0x80) refuse();
                } else {
                    escape(v.string);
                }
            } else if (c == '\n') {
                v.string += '\n';
                newline();
            } else if (control(c)) {
                refuse();  // carriage returns included: toml++ decides what they become
            } else {
                v.string += c;
                ++i_;
            }
        }
    }

    Value literal() {
        ++i_;
        const size_t from = i_;
        while (i_ < s_.size() && s_[i_] != '\'' && !control(s_[i_])) ++i_;
        if (peek() != '\'' || at_end()) refuse();
        Value v = make(Value::Type::String, {});
        v.string.assign(s_.substr(from, i_ - from));
        ++i_;
        return v;
    }

    Value multiline_literal() {
        i_ += 3;
        if (peek() == '\n' || (peek() == '\r' && peek(1) == '\n')) newline();
        Value v = make(Value::Type::String, {});
        for (;;) {
            if (at_end()) refuse();
            const char c = s_[i_];
            if (c == '\'' && peek(1) == '\'' && peek(2) == '\'') {
                i_ += 3;
                if (peek() == '\'') refuse();
                return v;
            }
            if (c == '\n') {
                v.string += '\n';
                newline();
                continue;
            }
            if (control(c)) refuse();
            v.string += c;
            ++i_;
        }
    }

    Value array(int level) {
        ++i_;
        Value v = make(Value::Type::Array, {});
        for (;;) {
            skip_space();
            if (peek() == ']') break;
            v.items.push_back(value(level + 1));
            skip_space();
            if (peek() == ',') {
                ++i_;
                continue;
            }
            if (peek() != ']') refuse();
            break;
        }
        ++i_;
        return v;
    }

    Value inline_table(int level) {
        ++i_;
        Value v = make(Value::Type::Table, {}, kInline);
        skip_blank();
        if (peek() == '}') {
            ++i_;
            return v;
        }
        for (;;) {
            skip_blank();
            const SourcePos key_pos = pos();
            std::string key = bare_key();
            skip_blank();
            expect('=');
            skip_blank();
            add(v, std::move(key), key_pos, value(level + 1));
            skip_blank();
            if (peek() == ',') {
                ++i_;
                continue;
            }
            expect('}');
            return v;
        }
    }

    // Digits with single underscores between them, from s[k]; returns the end (k when none).
    static size_t digits(std::string_view s, size_t k, std::string& clean) {
        const size_t from = k;
        while (k < s.size()) {
            if (digit(s[k])) {
                clean += s[k++];
            } else if (s[k] == '_' && k > from && digit(s[k - 1]) && k + 1 < s.size() && digit(s[k + 1])) {
                ++k;
            } else {
                break;
            }
        }
        return k;
    }

    Value number_or_date() {
        const size_t from = i_;
        while (i_ < s_.size() && (bare_key_char(s_[i_]) || s_[i_] == '+' || s_[i_] == '.' || s_[i_] == ':')) ++i_;
        const std::string_view token = s_.substr(from, i_ - from);
        // toml++ refuses numbers longer than it reads (128 digits for a float); long ones are its.
        if (token.empty() || token.size() > kMaxNumber) refuse();
        if (token.size() == 10 && token[4] == '-' && token[7] == '-') {
            // A local date; one followed by " 12:00" is a date-time, left to toml++.
            if (peek() == ' ' && digit(peek(1))) refuse();
            int parts[3] = {0, 0, 0};
            const size_t starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
            for (int p = 0; p < 3; ++p)
                for (size_t k = 0; k < lengths[p]; ++k) {
                    const char c = token[starts[p] + k];
                    if (!digit(c)) refuse();
                    parts[p] = parts[p] * 10 + (c - '0');
                }
            Value v = make(Value::Type::Date, {});
            v.date = Date{parts[0], parts[1], parts[2]};
            if (!v.date.valid()) refuse();  // no such day (year 0 is left to toml++ too)
            return v;
        }
        // Decimal integers and floats; hexadecimal, octal, binary, inf and nan are left to toml++.
        size_t k = 0;
        std::string clean;
        if (token[0] == '+' || token[0] == '-') {
            if (token[0] == '-') clean += '-';
            ++k;
        }
        if (k >= token.size() || !digit(token[k])) refuse();
        const size_t int_from = k;
        k = digits(token, k, clean);
        if (token[int_from] == '0' && k - int_from > 1) refuse();  // leading zeros
        bool is_float = false;
        if (k < token.size() && token[k] == '.') {
            is_float = true;
            clean += '.';
            const size_t frac = ++k;
            k = digits(token, k, clean);
            if (k == frac) refuse();
        }
        if (k < token.size() && (token[k] == 'e' || token[k] == 'E')) {
            is_float = true;
            clean += 'e';
            ++k;
            if (k < token.size() && (token[k] == '+' || token[k] == '-')) clean += token[k++];
            const size_t exp = k;
            k = digits(token, k, clean);
            if (k == exp) refuse();
        }
        if (k != token.size()) refuse();
        Value v = make(is_float ? Value::Type::Float : Value::Type::Integer, {});
        const char* first = clean.data();
        const char* last = clean.data() + clean.size();
        const auto result = is_float ? std::from_chars(first, last, v.floating) : std::from_chars(first, last, v.integer);
        if (result.ec != std::errc() || result.ptr != last) refuse();  // out of range
        return v;
    }

    // Keys in toml++'s order (sorted), and the reading marks cleared; without recursion, as it
    // reads trees of any depth (the limits bound them, but this needs no stack to spare).
    static void finish(Value& root) {
        std::vector<Value*> todo{&root};
        while (!todo.empty()) {
            Value& v = *todo.back();
            todo.pop_back();
            if (v.type == Value::Type::Table) {
                v.integer = 0;
                std::sort(v.entries.begin(), v.entries.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
                for (auto& e : v.entries) todo.push_back(&e.value.front());
            } else if (v.type == Value::Type::Array) {
                v.integer = 0;
                for (auto& item : v.items) todo.push_back(&item);
            }
        }
    }

    std::string_view s_;
    int line_offset_;
    size_t i_ = 0;
    int line_ = 1;
    size_t line_start_ = 0;
    mutable size_t counted_to_ = 0;  // pos(): the column at this offset is column_
    mutable int column_ = 1;
};

}  // namespace

std::optional<Value> parse_toml_fast(std::string_view text, int line_offset) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF" || find_invalid_utf8(text)) return std::nullopt;
    try {
        return Reader(text, line_offset).run();
    } catch (const Refused&) {
        return std::nullopt;
    }
}

}  // namespace samplan::content
