// The nesting limit of TOML documents (see toml_reader.h), checked on the text before toml++ reads
// it: toml++ builds a table per part of a dotted key or table header without a limit, and its
// tables, like our Values, are destroyed recursively. This scanner reads only what nesting needs —
// keys, brackets, strings and comments — keeps its open brackets in a vector, never recurses, and
// leaves every other error to toml++: on text that is not TOML it merely stops scanning a line.
#include <string_view>
#include <vector>

#include "content/toml_reader.h"

namespace samplan::content {
namespace {

// A token character outside strings: keys, numbers, dates, booleans.
bool token_char(char c) {
    switch (c) {
        case ' ': case '\t': case '\r': case '\n': case ',': case '[': case ']': case '{': case '}':
        case '#': case '"': case '\'': case '=': case '.':
            return false;
        default: return true;
    }
}

class NestingScanner {
public:
    explicit NestingScanner(std::string_view text) : s_(text) {}

    // The offset of the first node nested deeper than kMaxTomlNesting, or npos.
    size_t run() {
        if (s_.substr(0, 3) == "\xEF\xBB\xBF") i_ = 3;
        while (i_ < s_.size() && too_deep_ == std::string_view::npos) {
            skip_blank();
            if (at_end()) break;
            const char c = s_[i_];
            if (c == '\n' || c == '\r') {
                ++i_;
                continue;
            }
            if (c == '#') {
                skip_line();
                continue;
            }
            if (c == '[') {
                ++i_;
                if (peek() == '[') ++i_;
                const int parts = key(0);
                if (parts > 0) base_ = parts;  // [[a.b]] counts like [a.b]: the array level is not counted
            } else {
                const int parts = key(base_);
                skip_blank();
                if (parts > 0 && too_deep_ == std::string_view::npos && peek() == '=') {
                    ++i_;
                    value(base_ + parts);
                }
            }
            skip_line();
        }
        return too_deep_;
    }

private:
    [[nodiscard]] char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
    [[nodiscard]] bool at_end() const { return i_ >= s_.size(); }
    void skip_blank() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
    }
    // Blanks, line breaks and comments, as between the items of an array.
    void skip_space() {
        for (;;) {
            while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\r' || s_[i_] == '\n')) ++i_;
            if (peek() != '#') return;
            skip_line();
        }
    }
    void skip_line() {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
    }
    void fail(size_t at) {
        if (too_deep_ == std::string_view::npos) too_deep_ = at;
    }

    // A string of any kind from its opening quote; an unclosed one ends at the line break (at the
    // end of the text for a multi-line one).
    void string() {
        const char q = s_[i_];
        if (s_.substr(i_, 3) == std::string_view(q == '"' ? "\"\"\"" : "'''")) {
            const std::string_view fence = s_.substr(i_, 3);
            for (i_ += 3; i_ < s_.size(); ++i_) {
                if (q == '"' && s_[i_] == '\\') {
                    ++i_;
                } else if (s_.substr(i_, 3) == fence) {
                    i_ += 3;
                    for (int k = 0; k < 2 && peek() == q; ++k) ++i_;  // quotes just before the fence
                    return;
                }
            }
            return;
        }
        for (++i_; i_ < s_.size() && s_[i_] != '\n'; ++i_) {
            if (q == '"' && s_[i_] == '\\') ++i_;
            else if (s_[i_] == q) {
                ++i_;
                return;
            }
        }
    }

    // A dotted key whose first part is at level `level` + 1; returns the number of parts (0 when
    // there is no key here).
    int key(int level) {
        int parts = 0;
        for (;;) {
            skip_blank();
            const size_t from = i_;
            if (peek() == '"' || peek() == '\'') {
                string();
            } else {
                while (i_ < s_.size() && token_char(s_[i_])) ++i_;
            }
            if (i_ == from) return parts;
            ++parts;
            if (level + parts > kMaxTomlNesting) {
                fail(from);
                return parts;
            }
            skip_blank();
            if (peek() != '.') return parts;
            ++i_;
        }
    }

    // A value at level `level`, with everything nested in it.
    void value(int level) {
        struct Open {
            bool table;
            int level;
        };
        std::vector<Open> open;
        int next = level;  // the level of the value that comes next
        for (;;) {
            // A value, or the bracket that closes an empty array or table (or a trailing comma's).
            if (open.empty()) skip_blank();
            else skip_space();
            const char c = peek();
            if (c == '[' || c == '{') {
                if (next > kMaxTomlNesting) {
                    fail(i_);
                    return;
                }
                open.push_back({c == '{', next});
                ++i_;
                if (c == '[') {
                    ++next;
                } else {
                    next = after_inline_key(next);
                    if (next < 0) return;
                }
                continue;
            }
            if (c != ']' && c != '}') {
                const size_t from = i_;
                scalar();
                if (i_ == from) return;  // not TOML: toml++ says why
                if (next > kMaxTomlNesting) {
                    fail(from);
                    return;
                }
            }
            // After a value: closing brackets, then a comma or the end.
            for (;;) {
                if (open.empty()) return;
                skip_space();
                const char d = peek();
                if (d == ']' || d == '}') {
                    ++i_;
                    open.pop_back();
                } else if (d == ',') {
                    ++i_;
                    if (open.back().table) {
                        next = after_inline_key(open.back().level);
                        if (next < 0) return;
                    } else {
                        next = open.back().level + 1;
                    }
                    break;
                } else {
                    const size_t from = i_;
                    scalar();  // the time of a date-time written with a space
                    if (i_ == from) return;
                }
            }
        }
    }

    // A string or a token (a number, date, boolean; a float's '.' included).
    void scalar() {
        if (peek() == '"' || peek() == '\'') {
            string();
            return;
        }
        while (i_ < s_.size() && (token_char(s_[i_]) || s_[i_] == '.')) ++i_;
    }

    // The key of an inline table at `level` and its '='; returns the level of its value, `level` + 1
    // for an empty table (its '}' comes next), or -1 when the key is too deep.
    int after_inline_key(int level) {
        skip_blank();
        if (peek() == '}') return level + 1;
        const int parts = key(level);
        if (too_deep_ != std::string_view::npos) return -1;
        skip_blank();
        if (peek() == '=') ++i_;
        return level + parts;
    }

    std::string_view s_;
    size_t i_ = 0;
    int base_ = 0;  // the level of the table that the current header opened
    size_t too_deep_ = std::string_view::npos;
};

}  // namespace

bool check_toml_nesting(std::string_view text, int line_offset, TomlError& error) {
    const size_t at = NestingScanner(text).run();
    if (at == std::string_view::npos) return true;
    // Columns count characters, not bytes, as toml++ does.
    int line = 1, column = 1;
    for (size_t k = 0; k < at; ++k) {
        if (text[k] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) {
            ++column;
        }
    }
    error.pos = SourcePos{line + line_offset, column};
    error.message = "tables and arrays nested too deeply (at most " + std::to_string(kMaxTomlNesting) + " levels)";
    return false;
}

}  // namespace samplan::content
