#include "edit/record_edit.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

#include "content/toml_edit.h"

namespace samplan::edit {
namespace {

using content::Entry;
using content::Value;

bool is_tagged(const Json& j, std::string_view tag) {
    return j.kind == Json::Kind::Object && j.members.size() == 1 && j.members[0].first == tag &&
           j.members[0].second.kind == Json::Kind::String;
}
bool is_date(const Json& j) { return is_tagged(j, "$date"); }
bool is_datetime(const Json& j) { return is_tagged(j, "$datetime"); }
bool is_plain_object(const Json& j) { return j.kind == Json::Kind::Object && !is_date(j) && !is_datetime(j); }
// A value the page means to remove: null, or a date left empty.
bool is_absent(const Json& j) {
    return j.kind == Json::Kind::Null || ((is_date(j) || is_datetime(j)) && j.members[0].second.text.empty());
}
bool is_array_of_objects(const Json& j) {
    return j.kind == Json::Kind::Array && !j.items.empty() &&
           std::all_of(j.items.begin(), j.items.end(), [](const Json& i) { return is_plain_object(i); });
}

Json value_to_json(const Value& v) {
    Json j;
    switch (v.type) {
        case Value::Type::Table:
            j.kind = Json::Kind::Object;
            for (const auto& e : v.entries) j.members.emplace_back(e.key, value_to_json(e.value.front()));
            break;
        case Value::Type::Array:
            j.kind = Json::Kind::Array;
            for (const auto& i : v.items) j.items.push_back(value_to_json(i));
            break;
        case Value::Type::String: j = Json::string_value(v.string); break;
        case Value::Type::Integer:
            j.kind = Json::Kind::Number;
            j.text = std::to_string(v.integer);
            break;
        case Value::Type::Float: {
            char buffer[64];
            const auto result = std::to_chars(buffer, buffer + sizeof buffer, v.floating);
            j.kind = Json::Kind::Number;
            j.text.assign(buffer, result.ptr);
            if (j.text.find_first_not_of("-0123456789.e+") != std::string::npos) j = Json{};  // inf, nan: no JSON
            break;
        }
        case Value::Type::Boolean:
            j.kind = Json::Kind::Bool;
            j.boolean = v.boolean;
            break;
        case Value::Type::Date: j.set("$date", Json::string_value(v.date.iso())); break;
        case Value::Type::Time:
        case Value::Type::DateTime: j.set("$datetime", Json::string_value(content::date_time_text(v))); break;
    }
    return j;
}

bool same(const Value& v, const Json& j) {
    switch (v.type) {
        case Value::Type::Table:
            if (!is_plain_object(j)) return false;
            for (const auto& [key, member] : j.members) {
                const Value* inner = v.get(key);
                if (is_absent(member) ? inner != nullptr : (!inner || !same(*inner, member))) return false;
            }
            return true;
        case Value::Type::Array:
            if (j.kind != Json::Kind::Array || j.items.size() != v.items.size()) return false;
            for (size_t i = 0; i < v.items.size(); ++i)
                if (!same(v.items[i], j.items[i])) return false;
            return true;
        case Value::Type::String: return j.kind == Json::Kind::String && j.text == v.string;
        case Value::Type::Integer: {
            std::int64_t n = 0;
            const auto r = std::from_chars(j.text.data(), j.text.data() + j.text.size(), n);
            return j.kind == Json::Kind::Number && r.ec == std::errc() && r.ptr == j.text.data() + j.text.size() && n == v.integer;
        }
        case Value::Type::Float: return j.kind == Json::Kind::Number && std::strtod(j.text.c_str(), nullptr) == v.floating;
        case Value::Type::Boolean: return j.kind == Json::Kind::Bool && j.boolean == v.boolean;
        case Value::Type::Date: return is_date(j) && j.members[0].second.text == v.date.iso();
        case Value::Type::Time:
        case Value::Type::DateTime: return is_datetime(j) && j.members[0].second.text == content::date_time_text(v);
    }
    return false;
}

bool is_bare_key(std::string_view key) {
    return !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    });
}
std::string toml_key(std::string_view key) { return is_bare_key(key) ? std::string(key) : toml_string(key); }

bool valid_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (s[i] < '0' || s[i] > '9') return false;
    const auto d = parse_iso_date(s);
    return d && d->valid();
}

size_t line_start(std::string_view text, size_t offset) {
    if (offset == 0) return 0;
    const size_t nl = text.rfind('\n', offset - 1);
    return nl == std::string_view::npos ? 0 : nl + 1;
}
// Just past the line break that ends the line holding `offset` (or the end of the text).
size_t next_line(std::string_view text, size_t offset) {
    const size_t nl = text.find('\n', offset);
    return nl == std::string_view::npos ? text.size() : nl + 1;
}

// How unlike two texts are: 0 (the same) .. 1 (nothing in common at their start and end).
double unlike(std::string_view x, std::string_view y) {
    const size_t most = std::max(x.size(), y.size()), least = std::min(x.size(), y.size());
    size_t head = 0, tail = 0;
    while (head < least && x[head] == y[head]) ++head;
    while (tail < least - head && x[x.size() - 1 - tail] == y[y.size() - 1 - tail]) ++tail;
    return most ? 1.0 - static_cast<double>(head + tail) / static_cast<double>(most) : 0.0;
}

// How much turning the file's item `x` (a table) into the page's `y` changes: a key changed,
// added or removed weighs 1 (a changed text less the more of it stays); the item's own name (its
// `id`, else `name`, `title` or `date`: the key that says which item it is) ten times as much.
double item_weight(const Value& x, const Json& y) {
    constexpr double kName = 10;
    std::string_view name;
    for (const char* key : {"id", "name", "title", "date"})
        if (x.get(key)) {
            name = key;
            break;
        }
    double sum = 0;
    for (const auto& e : x.entries) {
        const Value& v = e.value.front();
        const Json* j = y.find(e.key);
        double w = 1;
        if (j && !is_absent(*j)) {
            if (same(v, *j)) continue;
            if (v.type == Value::Type::String && j->kind == Json::Kind::String) w = unlike(v.string, j->text);
        }
        sum += e.key == name ? kName * w : w;
    }
    for (const auto& [key, j] : y.members)
        if (!is_absent(j) && !x.get(key)) sum += 1;
    return sum;
}

// Which items of the file's list `a` are gone from the page's shorter list `b`: `b`'s items
// matched in order to items of `a` so that the changes left to the matched items weigh least
// (item_weight); the items of `a` left over are the ones removed. Of two matchings that weigh
// the same, the one that removes later items. (samplan-cms.js's removedItems, for the hosted
// editor, does the same.)
std::vector<bool> removed_items(const Value& a, const Json& b) {
    const size_t n = a.items.size(), m = b.items.size(), gone = n - m;
    constexpr double kNone = std::numeric_limits<double>::infinity();
    // least[i][j]: the least weight matching b[0..j) to items of a[0..i), the others removed.
    std::vector<std::vector<double>> least(n + 1, std::vector<double>(m + 1, kNone));
    least[0][0] = 0;
    for (size_t i = 1; i <= n; ++i)
        for (size_t j = i > gone ? i - gone : 0; j <= std::min(i, m); ++j) {
            double w = j <= i - 1 ? least[i - 1][j] : kNone;  // a[i-1] removed
            if (j > 0 && least[i - 1][j - 1] < kNone)        // a[i-1] is b[j-1]
                w = std::min(w, least[i - 1][j - 1] + item_weight(a.items[i - 1], b.items[j - 1]));
            least[i][j] = w;
        }
    std::vector<bool> removed(n, false);
    for (size_t i = n, j = m; i > 0; --i) {
        if (j <= i - 1 && least[i - 1][j] == least[i][j]) removed[i - 1] = true;  // the later one first
        else --j;
    }
    return removed;
}

class Writer {
public:
    Writer(std::string_view text, size_t doc_begin, size_t doc_end)
        : text_(text), doc_begin_(doc_begin), doc_end_(doc_end) {
        const size_t nl = text.find('\n');
        nl_ = nl != std::string_view::npos && nl > 0 && text[nl - 1] == '\r' ? "\r\n" : "\n";
    }

    bool table(const Value& table, const Json& page, const std::string& path, bool root) {
        if (!is_plain_object(page)) return fail("Posten måste vara en tabell.");
        for (const auto& [key, j] : page.members) {
            const Entry* entry = table.find(key);
            const std::string inner_path = path.empty() ? key : path + "." + key;
            if (is_absent(j)) {
                if (entry) remove(*entry);
                continue;
            }
            if (entry && same(entry->value.front(), j)) continue;
            if (entry) {
                const Value& v = entry->value.front();
                const bool header = content::written_as_header(text_, *entry);
                if (header && v.type == Value::Type::Table && is_plain_object(j)) {
                    if (!this->table(v, j, inner_path, false)) return false;
                } else if (header && v.type == Value::Type::Array && j.kind == Json::Kind::Array &&
                           std::all_of(j.items.begin(), j.items.end(), is_plain_object)) {
                    if (!array_of_tables(v, j, inner_path)) return false;
                } else if (header) {
                    return fail("”" + inner_path + "” kan inte ändras här.");
                } else if (v.type == Value::Type::Array && j.kind == Json::Kind::Array && j.items.size() > v.items.size() &&
                           std::equal(v.items.begin(), v.items.end(), j.items.begin(),
                                      [](const Value& a, const Json& b) { return same(a, b); })) {
                    // Values added at the end: in the array's own style (as `import values` adds them).
                    std::vector<std::string> added;
                    for (size_t i = v.items.size(); i < j.items.size(); ++i) {
                        std::string item;
                        if (!emit(j.items[i], item, inner_path)) return false;
                        added.push_back(std::move(item));
                    }
                    for (auto& e : content::append_to_array(text_, v, added)) edits_.push_back(std::move(e));
                } else {
                    std::string replacement;
                    if (!emit(j, replacement, inner_path)) return false;
                    edits_.push_back(content::replace_scalar(text_, v, replacement));
                }
                continue;
            }
            if (root && is_plain_object(j)) {
                std::string lines;
                if (!key_lines(j, lines, inner_path)) return false;
                appended_ += nl_ + "[" + header_path(inner_path) + "]" + nl_ + lines;
            } else if (root && is_array_of_objects(j)) {
                for (const auto& item : j.items) {
                    std::string lines;
                    if (!key_lines(item, lines, inner_path)) return false;
                    appended_ += nl_ + "[[" + header_path(inner_path) + "]]" + nl_ + lines;
                }
            } else {
                std::string value;
                if (!emit(j, value, inner_path)) return false;
                add_line(table, root, toml_key(key) + " = " + value);
            }
        }
        return true;
    }

    bool finish(std::string body_replacement, size_t body_begin, bool replace_body, std::string& out) {
        if (!appended_.empty()) {
            std::string text = appended_;
            if (doc_end_ > 0 && text_[doc_end_ - 1] != '\n') text = nl_ + text;
            edits_.push_back({doc_end_, doc_end_, text});
        }
        if (replace_body) edits_.push_back({body_begin, text_.size(), std::move(body_replacement)});
        // Where an insertion and a removal start at one place, the insertion goes first.
        std::stable_sort(edits_.begin(), edits_.end(), [](const content::TextEdit& a, const content::TextEdit& b) {
            return a.begin != b.begin ? a.begin < b.begin : (a.end == a.begin) > (b.end == b.begin);
        });
        try {
            out = content::apply_edits(text_, edits_);
        } catch (const std::logic_error&) {
            return fail("Ändringarna gick inte att skriva in i filen på en gång; spara en ändring i taget.");
        }
        return true;
    }

    const std::string& error() const { return error_; }

private:
    bool fail(std::string message) {
        if (error_.empty()) error_ = std::move(message);
        return false;
    }

    static std::string header_path(const std::string& path) {
        std::string out;
        size_t start = 0;
        for (;;) {
            const size_t dot = path.find('.', start);
            if (!out.empty()) out += '.';
            out += toml_key(path.substr(start, dot == std::string::npos ? dot : dot - start));
            if (dot == std::string::npos) return out;
            start = dot + 1;
        }
    }

    bool emit(const Json& j, std::string& out, const std::string& path) {
        switch (j.kind) {
            case Json::Kind::Null: return fail("”" + path + "” saknar värde.");
            case Json::Kind::Bool: out += j.boolean ? "true" : "false"; return true;
            case Json::Kind::Number:
                out += j.text;  // the JSON grammar's numbers are TOML numbers
                return true;
            case Json::Kind::String: out += toml_string(j.text); return true;
            case Json::Kind::Array:
                out += '[';
                for (size_t i = 0; i < j.items.size(); ++i) {
                    if (i) out += ", ";
                    if (!emit(j.items[i], out, path)) return false;
                }
                out += ']';
                return true;
            case Json::Kind::Object:
                if (is_date(j)) {
                    if (!valid_date(j.members[0].second.text))
                        return fail("”" + j.members[0].second.text + "” är inte ett datum (ÅÅÅÅ-MM-DD).");
                    out += j.members[0].second.text;
                    return true;
                }
                if (is_datetime(j)) {
                    const std::string& s = j.members[0].second.text;
                    if (s.find_first_not_of("0123456789-:.TZ+") != std::string::npos) return fail("”" + s + "” är inte en tidpunkt.");
                    out += s;
                    return true;
                }
                out += "{ ";
                {
                    bool first = true;
                    for (const auto& [k, v] : j.members) {
                        if (is_absent(v)) continue;
                        if (!first) out += ", ";
                        first = false;
                        out += toml_key(k) + " = ";
                        if (!emit(v, out, path + "." + k)) return false;
                    }
                }
                out += " }";
                return true;
        }
        return false;
    }

    bool key_lines(const Json& object, std::string& out, const std::string& path) {
        for (const auto& [k, v] : object.members) {
            if (is_absent(v)) continue;
            out += toml_key(k) + " = ";
            if (!emit(v, out, path + "." + k)) return false;
            out += nl_;
        }
        return true;
    }

    // A new `key = value` line after the table's last such line that stays (or first in it).
    void add_line(const Value& table, bool root, const std::string& line) {
        const Entry* last = nullptr;
        for (const auto& e : table.entries)
            if (!content::written_as_header(text_, e) && !removed_.count(&e) && (!last || last->key_pos < e.key_pos)) last = &e;
        if (last) {
            const size_t end = content::value_end(text_, content::offset_at(text_, last->value.front().pos));
            const size_t at = next_line(text_, end);
            const bool ends_line = at > 0 && text_[at - 1] == '\n';
            edits_.push_back({at, at, ends_line ? line + nl_ : nl_ + line});
        } else if (root) {
            edits_.push_back({doc_begin_, doc_begin_, line + nl_});
        } else {
            const size_t at = next_line(text_, content::offset_at(text_, table.pos));
            edits_.push_back({at, at, line + nl_});
        }
    }

    // Just past the last line of a header table (its header and keys, nested tables too).
    size_t block_end(const Value& table) const {
        size_t end = content::offset_at(text_, table.pos);
        for (const auto& e : table.entries) {
            const Value& v = e.value.front();
            if (content::written_as_header(text_, e)) {
                if (v.type == Value::Type::Table) end = std::max(end, block_end(v));
                for (const auto& item : v.items)
                    if (item.type == Value::Type::Table) end = std::max(end, block_end(item));
            } else {
                end = std::max(end, content::value_end(text_, content::offset_at(text_, v.pos)));
            }
        }
        return std::min(next_line(text_, end), doc_end_);
    }

    void remove(const Entry& entry) {
        removed_.insert(&entry);
        const Value& v = entry.value.front();
        if (content::written_as_header(text_, entry)) {
            if (v.type == Value::Type::Table) {
                edits_.push_back({line_start(text_, content::offset_at(text_, v.pos)), block_end(v), ""});
            } else {
                for (const auto& item : v.items)
                    edits_.push_back({line_start(text_, content::offset_at(text_, item.pos)), block_end(item), ""});
            }
            return;
        }
        const size_t begin = line_start(text_, content::offset_at(text_, entry.key_pos));
        const size_t end = next_line(text_, content::value_end(text_, content::offset_at(text_, v.pos)));
        edits_.push_back({begin, end, ""});
    }

    bool array_of_tables(const Value& array, const Json& page, const std::string& path) {
        const size_t kept = std::min(array.items.size(), page.items.size());
        // Items removed from the list (the page has fewer): the file's items that are gone, found
        // by matching (removed_items), so that the others keep their blocks and comments; else the
        // page's items are the file's by position, any more added after the last.
        // (A list too long to match, over a million pairs, is taken by position: the matching
        // keeps a table of a weight per pair.)
        std::vector<bool> removed(array.items.size(), false);
        if (page.items.size() < array.items.size() && array.items.size() * (page.items.size() + 1) <= 1'000'000)
            removed = removed_items(array, page);
        else
            std::fill(removed.begin() + static_cast<std::ptrdiff_t>(kept), removed.end(), true);
        for (size_t i = 0, k = 0; i < array.items.size(); ++i) {
            if (removed[i]) {  // its block, with the blank lines before it (those after it stay)
                size_t start = line_start(text_, content::offset_at(text_, array.items[i].pos));
                while (start > doc_begin_) {
                    const size_t before = line_start(text_, start - 1);
                    if (text_.substr(before, start - before).find_first_not_of(" \t\r\n") != std::string_view::npos) break;
                    start = before;
                }
                edits_.push_back({start, block_end(array.items[i]), ""});
                continue;
            }
            // An item is the page's whole: a key it no longer has is removed.
            Json item = page.items[k];
            for (const auto& e : array.items[i].entries)
                if (!item.find(e.key)) item.set(e.key, Json{});
            if (!same(array.items[i], item) && !table(array.items[i], item, path + "." + std::to_string(k), false)) return false;
            ++k;
        }
        if (page.items.size() > kept) {
            std::string added;
            for (size_t i = kept; i < page.items.size(); ++i) {
                std::string lines;
                if (!key_lines(page.items[i], lines, path + "." + std::to_string(i))) return false;
                added += nl_ + "[[" + header_path(path) + "]]" + nl_ + lines;
            }
            const size_t at = block_end(array.items.back());
            if (at > 0 && text_[at - 1] != '\n') added = nl_ + added;
            edits_.push_back({at, at, added});
        }
        return true;
    }

    std::string_view text_;
    size_t doc_begin_, doc_end_;
    std::string nl_;
    std::vector<content::TextEdit> edits_;
    std::string appended_;
    std::string error_;
    std::set<const Entry*> removed_;
};

void collect_fields(const Value& table, const std::string& path, std::vector<std::pair<int, std::string>>& out) {
    for (const auto& e : table.entries) {
        const std::string inner = path.empty() ? e.key : path + "." + e.key;
        const Value& v = e.value.front();
        out.emplace_back(e.key_pos.line, inner);
        if (v.type == Value::Type::Table) {
            out.emplace_back(v.pos.line, inner);
            collect_fields(v, inner, out);
        } else if (v.type == Value::Type::Array) {
            for (size_t i = 0; i < v.items.size(); ++i) {
                if (v.items[i].type != Value::Type::Table) continue;
                const std::string item = inner + "." + std::to_string(i);
                out.emplace_back(v.items[i].pos.line, item);
                collect_fields(v.items[i], item, out);
            }
        }
    }
}

}  // namespace

std::string toml_string(std::string_view text) {
    const bool multiline = text.find('\n') != std::string_view::npos;
    std::string out = multiline ? "\"\"\"\n" : "\"";
    for (size_t i = 0; i < text.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n' && multiline) {
            out += '\n';
        } else if (c == '\t') {
            out += "\\t";
        } else if (c == '\r' && multiline && i + 1 < text.size() && text[i + 1] == '\n') {
            out += '\r';  // a CRLF file's line break, kept as it is
        } else if (c < 0x20 || c == 0x7F) {
            static const char digits[] = "0123456789ABCDEF";
            out += "\\u00";
            out += digits[c >> 4];
            out += digits[c & 0xF];
        } else {
            out += static_cast<char>(c);
        }
    }
    out += multiline ? "\"\"\"" : "\"";
    return out;
}

Json record_to_json(const content::Record& record) {
    Json out = Json::object();
    out.set("data", value_to_json(record.data));
    if (record.path.ends_with(".md")) out.set("body", Json::string_value(record.body));
    return out;
}

bool write_record(std::string_view text, bool markdown, const Value& data, const Json& page, std::string& out,
                  std::string& error) {
    // The positions were counted after a byte order mark (content.h): edit what follows it.
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (text.starts_with(kBom)) {
        if (!write_record(text.substr(kBom.size()), markdown, data, page, out, error)) return false;
        out.insert(0, kBom);
        return true;
    }
    size_t doc_begin = 0, doc_end = text.size(), body_begin = text.size();
    std::string_view body;
    if (markdown) {
        content::FrontMatter front;
        SourcePos pos;
        if (!content::split_front_matter(text, front, pos, error)) return false;
        doc_begin = static_cast<size_t>(front.toml.data() - text.data());
        doc_end = doc_begin + front.toml.size();
        body_begin = front.body.empty() ? text.size() : static_cast<size_t>(front.body.data() - text.data());
        body = front.body;
    }
    Writer writer(text, doc_begin, doc_end);
    const Json* page_data = page.find("data");
    if (page_data && !writer.table(data, *page_data, "", true)) {
        error = writer.error();
        return false;
    }
    const Json* page_body = page.find("body");
    const bool replace_body = markdown && page_body && page_body->kind == Json::Kind::String && page_body->text != body;
    std::string new_body = replace_body ? page_body->text : std::string();
    if (replace_body && body_begin == text.size() && !text.empty() && text.back() != '\n') new_body = "\n" + new_body;
    if (!writer.finish(std::move(new_body), body_begin, replace_body, out)) {
        error = writer.error();
        return false;
    }
    return true;
}

std::string field_at_line(const Value& data, int body_line, int line) {
    if (body_line > 0 && line >= body_line) return "body";
    std::vector<std::pair<int, std::string>> fields;
    collect_fields(data, "", fields);
    std::stable_sort(fields.begin(), fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string found;
    int found_line = 0;
    for (const auto& [at, path] : fields)
        if (at <= line && at > found_line) {  // the first (outermost) field of the nearest line above
            found = path;
            found_line = at;
        }
    return found;
}

}  // namespace samplan::edit
