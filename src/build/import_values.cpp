#include "build/import_values.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "build/build.h"
#include "content/content.h"
#include "content/csv.h"
#include "content/toml_edit.h"
#include "core/files.h"
#include "core/text.h"

namespace samplan::build {
namespace fs = std::filesystem;
namespace {

using content::CsvField;
using content::CsvRow;
constexpr size_t kMaxCsvBytes = 16u * 1024u * 1024u;

// ---------------------------------------------------------------------------------------------
// The CSV's columns.

enum class Column { Indicator, Date, Year, Value, Group, Plan, Activity };

struct ColumnName {
    const char* name;
    Column column;
};

constexpr ColumnName kColumnNames[] = {
    {"indicator", Column::Indicator}, {"date", Column::Date},   {"year", Column::Year},
    {"value", Column::Value},         {"group", Column::Group}, {"plan", Column::Plan},
    {"activity", Column::Activity},   {"indikator", Column::Indicator}, {"datum", Column::Date},
    {"år", Column::Year},             {"värde", Column::Value}, {"grupp", Column::Group},
    {"aktivitet", Column::Activity},
};

std::string trim(std::string_view s) {
    const size_t b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return "";
    const size_t e = s.find_last_not_of(" \t");
    return std::string(s.substr(b, e - b + 1));
}

// Lower case for the header names: ASCII and the capital Å, Ä, Ö.
std::string lower(std::string_view s) {
    std::string out(s);
    for (size_t i = 0; i < out.size(); ++i) {
        if (out[i] >= 'A' && out[i] <= 'Z') out[i] = static_cast<char>(out[i] - 'A' + 'a');
        if (out[i] == '\xC3' && i + 1 < out.size() && (out[i + 1] == '\x85' || out[i + 1] == '\x84' || out[i + 1] == '\x96'))
            out[i + 1] = static_cast<char>(out[i + 1] + 0x20);
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// Numbers and dates as staff write them.

// A number as TOML writes it, from "12", "-3", "12.5" or "12,5". Returns the error message.
std::optional<std::string> read_number(const CsvField& field, std::string& toml, double& value) {
    std::string t = trim(field.text);
    const std::string shown = quote(t);
    if (t.empty()) return std::string("no value: write a number such as 12 or 12,5");
    const std::string example = " (write 1200 or 1200,5, not 1 200 or 1.200,5)";
    for (const char* separator : {" ", "\xC2\xA0", "\xE2\x80\xAF", "'"})
        if (t.find(separator) != std::string::npos)
            return "bad number " + shown + ": leave out thousands separators" + example;
    if (t.rfind("\xE2\x88\x92", 0) == 0) t = "-" + t.substr(3);  // the minus sign U+2212
    const auto commas = std::count(t.begin(), t.end(), ','), points = std::count(t.begin(), t.end(), '.');
    if (commas + points > 1) return "bad number " + shown + ": leave out thousands separators" + example;
    // A comma here is a decimal comma: with ',' between columns an unquoted field cannot hold
    // one, so it comes from a ';' file or from inside quotes, where it is unambiguous.
    std::string sign;
    size_t i = 0;
    if (t[0] == '-' || t[0] == '+') {
        sign = t[0] == '-' ? "-" : "";
        i = 1;
    }
    const size_t sep = t.find_first_of(",.", i);
    std::string whole = t.substr(i, sep == std::string::npos ? std::string::npos : sep - i);
    const std::string fraction = sep == std::string::npos ? "" : t.substr(sep + 1);
    auto digits = [](const std::string& s) {
        return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!digits(whole) || (sep != std::string::npos && !digits(fraction)))
        return "bad number " + shown + ": write a number such as 12, 12.5 or 12,5";
    whole.erase(0, std::min(whole.find_first_not_of('0'), whole.size() - 1));
    if (whole.size() > 15) return "bad number " + shown + ": too large";
    toml = sign + whole + (fraction.empty() ? "" : "." + fraction);
    value = std::strtod(toml.c_str(), nullptr);
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Where the indicators are: the records' Value trees, with the tables the values go into.

// The table at `pos` in `value`: an indicator's, found by the position the model keeps of it. The
// deepest one, should tables made implicitly by a header share its position.
const content::Value* table_at(const content::Value& value, SourcePos pos) {
    for (const auto& e : value.entries)
        if (const auto* t = table_at(e.value.front(), pos)) return t;
    for (const auto& item : value.items)
        if (const auto* t = table_at(item, pos)) return t;
    return value.type == content::Value::Type::Table && value.pos == pos ? &value : nullptr;
}

struct IndicatorPlace {
    const content::Record* record = nullptr;
    const content::Value* table = nullptr;  // the indicator's table
};

struct ActivityIndicators {
    const content::Record* record = nullptr;
    std::map<std::string, const content::Value*> indicators;
};

// Where the indicators are, from the model, with the records' tables the values go into.
struct ContentIndex {
    std::map<std::string, IndicatorPlace> regional;
    std::map<std::string, std::string> local_path;  // local indicator id → the first activity (by path) that has it
    std::vector<std::string> all_ids;               // every indicator id, for suggestions
    std::vector<std::string> groups;                // ids, each list in the order of the records' paths
    std::map<std::string, std::vector<std::string>> plans;       // group → plan ids
    std::map<std::string, std::vector<std::string>> activities;  // group/plan → activity ids
    std::map<std::string, ActivityIndicators> activity;          // group/plan/activity → its indicators
};

// The ids of `items`, in the order of their records' paths.
template <typename T>
std::vector<std::string> ids_by_path(const std::vector<T>& items) {
    std::vector<const T*> sorted;
    for (const auto& item : items) sorted.push_back(&item);
    std::sort(sorted.begin(), sorted.end(), [](const T* a, const T* b) { return a->path < b->path; });
    std::vector<std::string> ids;
    for (const T* item : sorted) ids.push_back(item->id);
    return ids;
}

ContentIndex index_content(const model::Site& site, const std::vector<content::Record>& records) {
    std::map<std::string, const content::Record*> by_path;
    for (const auto& rec : records) by_path.emplace(rec.path, &rec);
    const auto record_of = [&](const std::string& path) {
        const auto it = by_path.find(path);
        return it == by_path.end() ? nullptr : it->second;
    };
    ContentIndex ix;
    std::set<std::string> ids;
    if (const content::Record* rec = record_of(site.regional.path))
        for (const auto& area : site.regional.focus_areas)
            for (const auto& goal : area.goals)
                for (const auto& ind : goal.indicators)
                    if (const auto* table = table_at(rec->data, ind.pos)) {
                        ix.regional.emplace(ind.id, IndicatorPlace{rec, table});
                        ids.insert(ind.id);
                    }
    ix.groups = ids_by_path(site.groups);
    for (const auto& g : site.groups) {
        ix.plans[g.id] = ids_by_path(g.plans);
        for (const auto& p : g.plans) {
            ix.activities[g.id + "/" + p.id] = ids_by_path(p.activities);
            for (const auto& a : p.activities) {
                auto& place = ix.activity[g.id + "/" + p.id + "/" + a.id];
                place.record = record_of(a.path);
                for (const auto& ind : a.indicators) {
                    const auto* table = place.record ? table_at(place.record->data, ind.pos) : nullptr;
                    if (!table) continue;
                    place.indicators.emplace(ind.id, table);
                    const auto [it, fresh] = ix.local_path.emplace(ind.id, a.path);
                    if (!fresh && a.path < it->second) it->second = a.path;
                    ids.insert(ind.id);
                }
            }
        }
    }
    ix.all_ids.assign(ids.begin(), ids.end());
    return ix;
}

std::vector<std::string> keys_of(const std::map<std::string, const content::Value*>& m) {
    std::vector<std::string> out;
    for (const auto& [k, v] : m) out.push_back(k);
    return out;
}

// ---------------------------------------------------------------------------------------------
// The rows, checked and placed.

struct ImportRow {
    int line = 0;
    std::string indicator;
    std::string place;  // "group/plan/activity", empty for a regional indicator
    IndicatorPlace target;
    bool regional = true;
    int year = 0;  // regional
    Date date;     // local
    std::string number;  // as TOML writes it
    double value = 0;

    [[nodiscard]] std::string when() const { return regional ? std::to_string(year) : date.iso(); }
};

struct Header {
    std::map<Column, size_t> index;
    size_t size = 0;
};

bool read_header(const CsvRow& row, const std::string& path, Header& header, Diagnostics& d) {
    std::vector<std::string> known;
    for (const auto& c : kColumnNames) known.emplace_back(c.name);
    header.size = row.fields.size();
    bool ok = true;
    for (size_t i = 0; i < row.fields.size(); ++i) {
        const std::string name = lower(trim(row.fields[i].text));
        const auto* match = std::find_if(std::begin(kColumnNames), std::end(kColumnNames),
                                         [&](const ColumnName& c) { return name == c.name; });
        if (match == std::end(kColumnNames)) {
            d.error(path, row.fields[i].pos, "unknown column " + quote(name) + suggestion(name, known), "import-unknown-column");
            ok = false;
        } else if (!header.index.emplace(match->column, i).second) {
            d.error(path, row.fields[i].pos, "column " + quote(name) + " is named twice", "import-unknown-column");
            ok = false;
        }
    }
    const SourcePos at{row.line, 1};
    const std::string needs = ": the first line names the columns indicator, date or year, and value";
    if (!header.index.count(Column::Indicator)) {
        d.error(path, at, "missing column 'indicator'" + needs, "import-missing-column");
        ok = false;
    }
    if (!header.index.count(Column::Value)) {
        d.error(path, at, "missing column 'value'" + needs, "import-missing-column");
        ok = false;
    }
    if (!header.index.count(Column::Date) && !header.index.count(Column::Year)) {
        d.error(path, at, "missing column 'date' or 'year'" + needs, "import-missing-column");
        ok = false;
    }
    return ok;
}

class RowReader {
public:
    RowReader(const std::string& path, const Header& header, const ContentIndex& index, Diagnostics& d)
        : path_(path), header_(header), index_(index), d_(d) {}

    // The row checked and placed, or nullopt after reporting every problem it has.
    std::optional<ImportRow> read(const CsvRow& row) {
        if (row.fields.size() != header_.size) {
            d_.error(path_, {row.line, 1},
                     "this row has " + std::to_string(row.fields.size()) + " fields, the first line names " +
                         std::to_string(header_.size) + " columns",
                     "import-column-count");
            return std::nullopt;
        }
        row_ = &row;
        ImportRow r;
        r.line = row.line;
        bool ok = place(r);
        ok = when(r) && ok;
        if (const auto error = read_number(field(Column::Value), r.number, r.value)) {
            d_.error(path_, field(Column::Value).pos, *error, "import-bad-number");
            ok = false;
        }
        if (!ok) return std::nullopt;
        const std::string key = r.place + "|" + r.indicator + "|" + r.when();
        const auto [it, fresh] = seen_.emplace(key, r.line);
        if (!fresh) {
            d_.error(path_, {row.line, 1},
                     "duplicate row: indicator " + quote(r.indicator) + (r.place.empty() ? "" : " of " + quote(r.place)) +
                         " for " + r.when() + " is on line " + std::to_string(it->second) + " already",
                     "import-duplicate-row");
            return std::nullopt;
        }
        return r;
    }

private:
    [[nodiscard]] bool has(Column c) const { return header_.index.count(c) != 0; }
    [[nodiscard]] const CsvField& field(Column c) const { return row_->fields.at(header_.index.at(c)); }
    [[nodiscard]] std::string text(Column c) const { return has(c) ? trim(field(c).text) : ""; }

    // Finds the indicator: in the regional plan without a place, else in the named activity.
    bool place(ImportRow& r) {
        r.indicator = text(Column::Indicator);
        const CsvField& id_field = field(Column::Indicator);
        if (r.indicator.empty()) {
            d_.error(path_, id_field.pos, "no indicator: write the indicator's id", "import-unknown-indicator");
            return false;
        }
        const std::string group = text(Column::Group), plan = text(Column::Plan), activity = text(Column::Activity);
        if (group.empty() && plan.empty() && activity.empty()) {
            if (const auto it = index_.regional.find(r.indicator); it != index_.regional.end()) {
                r.target = it->second;
                return true;
            }
            if (const auto it = index_.local_path.find(r.indicator); it != index_.local_path.end()) {
                d_.error(path_, id_field.pos,
                         "indicator " + quote(r.indicator) + " is a local indicator (in " + it->second +
                             "): give its group, plan and activity",
                         "import-missing-place");
                return false;
            }
            d_.error(path_, id_field.pos, "unknown indicator " + quote(r.indicator) + suggestion(r.indicator, index_.all_ids),
                     "import-unknown-indicator");
            return false;
        }
        r.regional = false;
        for (const auto& [column, value, name] : {std::tuple{Column::Group, group, "group"}, std::tuple{Column::Plan, plan, "plan"},
                                                 std::tuple{Column::Activity, activity, "activity"}}) {
            if (!value.empty()) continue;
            const SourcePos at = has(column) ? field(column).pos : SourcePos{row_->line, 1};
            d_.error(path_, at,
                     std::string("no ") + name + ": a local indicator needs its group, plan and activity" +
                         (has(column) ? "" : std::string(" (add the column ") + quote(name) + ")"),
                     "import-missing-place");
            return false;
        }
        if (std::find(index_.groups.begin(), index_.groups.end(), group) == index_.groups.end()) {
            d_.error(path_, field(Column::Group).pos, "group " + quote(group) + " does not exist" + suggestion(group, index_.groups),
                     "import-unknown-place");
            return false;
        }
        const auto plans_it = index_.plans.find(group);
        const auto plans = plans_it == index_.plans.end() ? std::vector<std::string>{} : plans_it->second;
        if (std::find(plans.begin(), plans.end(), plan) == plans.end()) {
            d_.error(path_, field(Column::Plan).pos,
                     "plan " + quote(plan) + " does not exist in group " + quote(group) + suggestion(plan, plans),
                     "import-unknown-place");
            return false;
        }
        const auto acts_it = index_.activities.find(group + "/" + plan);
        const auto acts = acts_it == index_.activities.end() ? std::vector<std::string>{} : acts_it->second;
        if (std::find(acts.begin(), acts.end(), activity) == acts.end()) {
            d_.error(path_, field(Column::Activity).pos,
                     "activity " + quote(activity) + " does not exist in plan " + quote(group + "/" + plan) +
                         suggestion(activity, acts),
                     "import-unknown-place");
            return false;
        }
        r.place = group + "/" + plan + "/" + activity;
        const auto& a = index_.activity.at(r.place);
        if (const auto it = a.indicators.find(r.indicator); it != a.indicators.end()) {
            r.target = {a.record, it->second};
            return true;
        }
        const std::string regional = index_.regional.count(r.indicator)
                                         ? ": it is a regional indicator; leave group, plan and activity empty"
                                         : suggestion(r.indicator, keys_of(a.indicators));
        d_.error(path_, id_field.pos,
                 "unknown indicator " + quote(r.indicator) + " in activity " + quote(r.place) + regional,
                 "import-unknown-indicator");
        return false;
    }

    bool when(ImportRow& r) {
        const std::string date = text(Column::Date), year = text(Column::Year);
        if (!date.empty() && !year.empty()) {
            d_.error(path_, field(Column::Year).pos, "both a date and a year: give one of them", "import-bad-date");
            return false;
        }
        if (!date.empty()) {
            const auto d = parse_iso_date(date);
            if (!d || !d->valid()) {
                d_.error(path_, field(Column::Date).pos, "bad date " + quote(date) + ": write YYYY-MM-DD, such as 2025-06-30",
                         "import-bad-date");
                return false;
            }
            r.date = *d;
            r.year = d->year;
            return true;
        }
        if (!year.empty()) {
            const bool four_digits = year.size() == 4 && std::all_of(year.begin(), year.end(), [](char c) { return c >= '0' && c <= '9'; });
            if (!four_digits || year[0] == '0') {
                d_.error(path_, field(Column::Year).pos, "bad year " + quote(year) + ": write four digits, such as 2025",
                         "import-bad-date");
                return false;
            }
            r.year = std::stoi(year);
            r.date = Date{r.year, 12, 31};
            return true;
        }
        const Column c = has(Column::Date) ? Column::Date : Column::Year;
        d_.error(path_, field(c).pos, "no date or year for this value", "import-bad-date");
        return false;
    }

    const std::string& path_;
    const Header& header_;
    const ContentIndex& index_;
    Diagnostics& d_;
    const CsvRow* row_ = nullptr;
    std::map<std::string, int> seen_;  // place|indicator|when → line
};

// ---------------------------------------------------------------------------------------------
// The edits.

struct ValueChange {
    using Kind = ImportedValue::Kind;
    Kind kind = Kind::Add;
    const ImportRow* row = nullptr;
    std::string old_number;
};

struct FileChange {
    const content::Record* record = nullptr;
    std::string before;
    std::string after;
    std::vector<content::TextEdit> edits;
    std::vector<ValueChange> changes;
};

std::optional<double> number_of(const content::Value* v) {
    if (!v) return std::nullopt;
    if (v->type == content::Value::Type::Integer) return static_cast<double>(v->integer);
    if (v->type == content::Value::Type::Float) return v->floating;
    return std::nullopt;
}

// The values of one indicator's table, edited in `file` for `rows` (all of that indicator).
void edit_indicator(FileChange& file, const content::Value& table, const std::vector<const ImportRow*>& rows,
                    Diagnostics& d) {
    const bool regional = rows.front()->regional;
    const content::Entry* values = table.find("values");
    if (values && content::written_as_header(file.before, *values)) {
        d.error(file.record->path, values->key_pos,
                "'values' is written as [[…]] tables: write it as values = [ { year = …, value = … } ] to import into it",
                "import-unsupported");
        return;
    }
    std::map<std::string, const content::Value*> existing;  // when → the item's table
    if (values)
        for (const auto& item : values->value.front().items) {
            if (regional) {
                if (const auto* y = item.get("year"); y && y->type == content::Value::Type::Integer)
                    existing.emplace(std::to_string(y->integer), &item);
            } else if (const auto* dt = item.get("date"); dt && dt->type == content::Value::Type::Date) {
                existing.emplace(dt->date.iso(), &item);
            }
        }
    std::vector<const ImportRow*> added;
    for (const ImportRow* r : rows) {
        const auto it = existing.find(r->when());
        if (it == existing.end()) {
            added.push_back(r);
            file.changes.push_back({ValueChange::Kind::Add, r, ""});
            continue;
        }
        const content::Value* old = it->second->get("value");
        const auto old_value = number_of(old);
        if (old_value && *old_value == r->value) {
            file.changes.push_back({ValueChange::Kind::Same, r, ""});
            continue;
        }
        auto edit = content::replace_scalar(file.before, *old, r->number);
        file.changes.push_back({ValueChange::Kind::Change, r, file.before.substr(edit.begin, edit.end - edit.begin)});
        file.edits.push_back(std::move(edit));
    }
    if (added.empty()) return;
    std::stable_sort(added.begin(), added.end(), [](const ImportRow* a, const ImportRow* b) { return a->date < b->date; });
    std::vector<std::string> items;
    for (const ImportRow* r : added)
        items.push_back(std::string("{ ") + (regional ? "year = " : "date = ") + r->when() + ", value = " + r->number + " }");
    if (values) {
        for (auto& e : content::append_to_array(file.before, values->value.front(), items)) file.edits.push_back(std::move(e));
    } else {
        std::string line = "values = [ ";
        for (size_t i = 0; i < items.size(); ++i) line += (i ? ", " : "") + items[i];
        file.edits.push_back(content::add_key_line(file.before, table, line + " ]"));
    }
}

// A source that reads the edited text for the files about to change, the disk for the rest.
class EditedSource final : public content::Source {
public:
    EditedSource(const content::Source& base, const std::map<std::string, std::string>& edited)
        : base_(base), edited_(edited) {}
    [[nodiscard]] content::EntryKind kind(const std::string& path) const override { return base_.kind(path); }
    [[nodiscard]] std::vector<content::DirEntry> list(const std::string& dir) const override { return base_.list(dir); }
    [[nodiscard]] content::ReadStatus read(const std::string& path, size_t max_bytes, std::string& out,
                                           std::string& error) const override {
        const auto it = edited_.find(path);
        if (it == edited_.end()) return base_.read(path, max_bytes, out, error);
        if (it->second.size() > max_bytes) return content::ReadStatus::TooLarge;
        out = it->second;
        return content::ReadStatus::Ok;
    }

private:
    const content::Source& base_;
    const std::map<std::string, std::string>& edited_;
};

// The content as a build reads and checks it, without its history; the records are kept.
void load(const content::Source& source, Loaded& out) {
    load_and_check(source, LoadOptions{today_local(), true, false, {}, {}, true}, out);
}

// Whether the edited content holds every imported value, as the model reads it.
bool has_value(const model::Site& site, const ImportRow& r) {
    const auto same = [&](double v) { return v == r.value; };
    if (r.regional) {
        for (const auto& fa : site.regional.focus_areas)
            for (const auto& g : fa.goals)
                for (const auto& ind : g.indicators)
                    if (ind.id == r.indicator)
                        return std::any_of(ind.values.begin(), ind.values.end(),
                                           [&](const model::YearValue& v) { return v.year == r.year && same(v.value); });
        return false;
    }
    for (const auto& g : site.groups)
        for (const auto& p : g.plans)
            for (const auto& a : p.activities)
                if (g.id + "/" + p.id + "/" + a.id == r.place)
                    for (const auto& ind : a.indicators)
                        if (ind.id == r.indicator)
                            return std::any_of(ind.values.begin(), ind.values.end(),
                                               [&](const model::DateValue& v) { return v.date == r.date && same(v.value); });
    return false;
}

// Writes every file to a temporary file beside it, then renames them all into place. Returns
// false with the message after removing what it wrote.
bool write_files(const std::string& content, const std::vector<FileChange>& files, std::vector<std::string>& messages) {
    std::vector<std::pair<fs::path, fs::path>> renames;
    auto fail = [&](std::string message) {
        std::error_code ec;
        for (const auto& [tmp, target] : renames) fs::remove(tmp, ec);
        messages.push_back(std::move(message));
        return false;
    };
    for (const auto& f : files) {
        if (f.edits.empty()) continue;
        // A record that is a symbolic link (inside the content folder) is written where it points.
        std::error_code link_ec;
        fs::path target = fs::path(content) / f.record->path;
        if (fs::is_symlink(target, link_ec)) target = fs::canonical(target, link_ec);
        if (link_ec) return fail("cannot resolve " + quote(f.record->path) + ": " + link_ec.message());
        const fs::path tmp = target.parent_path() / ("." + target.filename().string() + ".import-" + std::to_string(getpid()));
        renames.emplace_back(tmp, target);
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << f.after;
        out.close();
        std::error_code ec;
        if (out) fs::permissions(tmp, fs::status(target, ec).permissions(), ec);
        if (!out || ec) return fail("cannot write " + quote(tmp.string()) + "; nothing written");
    }
    for (const auto& [tmp, target] : renames) {
        std::error_code ec;
        fs::rename(tmp, target, ec);
        if (ec) return fail("cannot replace " + quote(target.string()) + ": " + ec.message());
    }
    return true;
}

// The errors of `loaded`.
std::vector<Diagnostic> errors_of(const Loaded& loaded) {
    std::vector<Diagnostic> errors;
    for (const auto& d : loaded.diagnostics.all())
        if (d.severity == Severity::Error) errors.push_back(d);
    return errors;
}

}  // namespace

ImportResult import_values(const ImportRequest& request) {
    ImportResult result;
    const auto fail = [&](int status, std::string message) {
        result.status = status;
        result.messages.push_back(std::move(message));
        return result;
    };
    const std::string& csv_path = request.csv_path;
    std::string csv_text, read_error;
    if (read_regular_file(csv_path, kMaxCsvBytes, csv_text, read_error) != FileRead::Ok)
        return fail(kFailed, "cannot read " + quote(csv_path) + ": " + read_error);

    // 1. The content as it is: it must check without errors, or the edit could not be verified.
    const auto source = content::make_disk_source(request.content);
    Loaded before;
    load(*source, before);
    if (before.diagnostics.has_errors()) {
        result.problems = errors_of(before);
        return fail(kContentErrors, "the content has errors; fix them first (samplan check); nothing written");
    }
    const ContentIndex index = index_content(before.site, before.kept);

    // 2. The CSV, every row checked before anything is edited.
    Diagnostics problems;
    content::CsvTable table;
    content::CsvError csv_error;
    std::vector<ImportRow> rows;
    if (!content::read_csv(csv_text, table, csv_error)) {
        problems.error(csv_path, csv_error.pos, csv_error.message, "import-csv");
    } else if (table.rows.empty()) {
        problems.error(csv_path, {1, 1}, "the file is empty: the first line names the columns indicator, date or year, and value",
                       "import-missing-column");
    } else {
        Header header;
        if (read_header(table.rows.front(), csv_path, header, problems)) {
            RowReader reader(csv_path, header, index, problems);
            for (size_t i = 1; i < table.rows.size(); ++i)
                if (auto r = reader.read(table.rows[i])) rows.push_back(std::move(*r));
        }
    }
    result.rows = rows.size();

    // 3. The edits, file by file in the records' order, indicator by indicator in the CSV's.
    std::vector<FileChange> files;
    if (!problems.has_errors()) {
        std::map<const content::Value*, std::vector<const ImportRow*>> by_indicator;
        std::vector<const content::Value*> indicator_order;
        for (const auto& r : rows) {
            auto& list = by_indicator[r.target.table];
            if (list.empty()) indicator_order.push_back(r.target.table);
            list.push_back(&r);
        }
        for (const auto& rec : before.kept) {
            FileChange file;
            file.record = &rec;
            for (const content::Value* t : indicator_order) {
                const auto& list = by_indicator.at(t);
                if (list.front()->target.record != &rec) continue;
                if (file.before.empty()) {
                    std::string error;
                    if (source->read(rec.path, SIZE_MAX, file.before, error) != content::ReadStatus::Ok)
                        return fail(kFailed, "cannot read " + quote(rec.path) + ": " + error);
                }
                edit_indicator(file, *t, list, problems);
            }
            if (!file.changes.empty()) files.push_back(std::move(file));
        }
    }
    if (problems.has_errors()) {
        problems.sort();
        result.problems = problems.all();
        const size_t n = problems.error_count();
        return fail(kContentErrors, std::to_string(n) + (n == 1 ? " error" : " errors") + "; nothing written");
    }

    // 4. The edited text, loaded and checked in memory as a build would, before any file changes.
    std::map<std::string, std::string> edited;
    for (auto& f : files) {
        if (f.edits.empty()) continue;
        f.after = content::apply_edits(f.before, f.edits);
        edited.emplace(f.record->path, f.after);
    }
    if (!edited.empty()) {
        const EditedSource edited_source(*source, edited);
        Loaded after;
        load(edited_source, after);
        result.problems = errors_of(after);
        bool ok = result.problems.empty();
        for (const auto& r : rows)
            if (ok && !has_value(after.site, r)) {
                result.messages.push_back("the edited records do not hold " + r.indicator + " " + r.when());
                ok = false;
            }
        if (!ok) return fail(kContentErrors, "the edited records would not check cleanly; nothing written");
    }

    // 5. What changes, and the files written.
    for (const auto& f : files) {
        ImportedFile file{f.record->path, {}};
        for (const auto& c : f.changes)
            file.values.push_back({c.kind, c.row->indicator, c.row->when(), c.row->number, c.old_number, c.row->line});
        result.files.push_back(std::move(file));
    }
    result.files_edited = edited.size();
    if (request.dry_run || edited.empty()) return result;
    if (!write_files(request.content, files, result.messages)) {
        result.status = kFailed;
        return result;
    }
    result.written = true;
    return result;
}

}  // namespace samplan::build
