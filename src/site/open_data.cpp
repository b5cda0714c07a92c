#include "site/open_data.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <map>
#include <string_view>

#include "core/digest.h"
#include "core/text.h"
#include "site/paths.h"
#include "site/site.h"

namespace samplan::site {

using namespace samplan::model;

namespace {

std::string number(double v) {
    char buf[64];
    if (std::fabs(v - std::round(v)) < 1e-9 && std::fabs(v) < 1e15) {
        // What "%.0f" writes, without printf: the nearest whole number ("-0" for a negative
        // number that rounds to zero, which to_chars would not write).
        const long long whole = std::llround(v);
        if (whole != 0 || !std::signbit(v)) return std::string(buf, std::to_chars(buf, buf + sizeof buf, whole).ptr);
        std::snprintf(buf, sizeof buf, "%.0f", v);
    } else {
        std::snprintf(buf, sizeof buf, "%.6g", v);
    }
    return buf;
}

// Text appended piece by piece, without a call into std::string for each piece: the open data
// files are megabytes made of pieces of a few bytes. The pieces are gathered in a block of its
// own, appended to the text when full. `take()` gives the text.
class TextOut {
public:
    TextOut() = default;
    TextOut(const TextOut&) = delete;
    TextOut& operator=(const TextOut&) = delete;

    void append(const char* p, size_t n) {
        if (kBlock - used_ < n) {
            flush();
            if (n >= kBlock) {
                text_.append(p, n);
                return;
            }
        }
        std::memcpy(block_ + used_, p, n);
        used_ += n;
    }
    void append(std::string_view s) { append(s.data(), s.size()); }
    void put(char c) {
        if (used_ == kBlock) flush();
        block_[used_++] = c;
    }
    // The text of a JSON string, quoted and escaped (core/text.h's append_json_quoted).
    void json_quoted(std::string_view s) {
        put('"');
        while (!s.empty()) {
            const size_t run = json_plain_run(s);
            append(s.data(), run);
            if (run == s.size()) break;
            if (kBlock - used_ < 6) flush();
            used_ += json_escape(static_cast<unsigned char>(s[run]), block_ + used_);
            s.remove_prefix(run + 1);
        }
        put('"');
    }
    [[nodiscard]] std::string take() {
        flush();
        return std::move(text_);
    }

private:
    void flush() {
        text_.append(block_, used_);
        used_ = 0;
    }
    static constexpr size_t kBlock = 16384;
    std::string text_;
    char block_[kBlock];
    size_t used_ = 0;  // bytes of block_ not yet in text_
};

// A tiny JSON writer: objects and arrays with correct commas, strings escaped.
class Json {
public:
    Json& open(char bracket) { separate(); out_.put(bracket); first_ = true; return *this; }
    Json& close(char bracket) { out_.put(bracket); first_ = false; return *this; }
    // (The keys are the writer's own constants, none of which needs an escape.)
    Json& key(std::string_view k) {
        separate();
        out_.put('"');
        out_.append(k);
        out_.append("\":", 2);
        first_ = true;
        return *this;
    }
    Json& str(std::string_view v) {
        separate();
        out_.json_quoted(v);
        return *this;
    }
    Json& num(double v) { separate(); out_.append(number(v)); return *this; }
    Json& boolean(bool v) { separate(); out_.append(v ? std::string_view("true") : std::string_view("false")); return *this; }
    Json& null() { separate(); out_.append("null", 4); return *this; }
    Json& field(std::string_view k, std::string_view v) { return key(k).str(v); }
    Json& field(std::string_view k, const std::optional<Date>& v) { key(k); return v ? str(v->iso()) : null(); }
    std::string take() {
        out_.put('\n');
        return out_.take();
    }

private:
    void separate() {
        if (!first_) out_.put(',');
        first_ = false;
    }
    TextOut out_;
    bool first_ = true;
};

// The same calls as Json's, into a digest of what they write, each piece marked with its kind:
// the open data files' key (open_data_key), without writing the text. The texts go in eight bytes
// at a time (Digest::add_words; a byte at a time took 3 of the 4 instructions per byte of a
// site's texts); the keys' names are the writer's own constants, which samplan's identity in the
// key stands for: only their place is digested.
class JsonDigest {
public:
    JsonDigest& open(char bracket) { return mark(static_cast<unsigned char>(bracket)); }
    JsonDigest& close(char bracket) { return mark(static_cast<std::uint64_t>(static_cast<unsigned char>(bracket)) << 8); }
    JsonDigest& key(std::string_view) { return mark(1); }
    JsonDigest& str(std::string_view v) {
        mark(2);
        digest_.add_words(v);
        return *this;
    }
    JsonDigest& num(double v) {
        mark(3);
        std::uint64_t bits = 0;
        static_assert(sizeof bits == sizeof v);
        std::memcpy(&bits, &v, sizeof bits);
        digest_.add_word(bits);
        return *this;
    }
    JsonDigest& boolean(bool v) { return mark(v ? 4 : 5); }
    JsonDigest& null() { return mark(6); }
    JsonDigest& field(std::string_view k, std::string_view v) { return key(k).str(v); }
    JsonDigest& field(std::string_view k, const std::optional<Date>& v) {
        key(k);
        if (!v) return null();
        mark(7);
        digest_.add_word((static_cast<std::uint64_t>(static_cast<std::uint32_t>(v->year)) << 16) |
                         (static_cast<std::uint64_t>(v->month & 0xff) << 8) | static_cast<std::uint64_t>(v->day & 0xff));
        return *this;
    }
    Digest& digest() { return digest_; }

private:
    JsonDigest& mark(std::uint64_t kind) {
        digest_.add_word(kind | (std::uint64_t{0xff} << 56));  // (no text's length is as large)
        return *this;
    }
    Digest digest_;
};

const char* status_word(ActivityStatus s) { return status_key(s); }

template <typename Writer>
void write_activity(Writer& j, const Plan& p, const Activity& a) {
    j.open('{');
    j.field("id", a.id).field("title", a.title).field("status", status_word(a.status));
    j.field("target_group", a.target_group.id).field("focus_area", a.focus_area.id).field("goal", a.goal.id);
    j.field("process", a.process.present() ? a.process.id : p.process.id);
    j.key("step");
    if (a.step) j.num(*a.step); else j.null();
    j.field("start", a.start).field("end", a.end);
    j.key("working_group").open('[');
    for (const auto& m : a.working_group)
        j.open('{').field("name", m.name).field("principal", m.principal.id).key("convener").boolean(m.convener).close('}');
    j.close(']');
    j.key("subgoals").open('[');
    for (const auto& s : a.subgoals)
        j.open('{').field("title", s.title).field("responsible", s.responsible).field("due", s.due).key("done").boolean(s.done).close('}');
    j.close(']');
    j.key("indicators").open('[');
    for (const auto& i : a.indicators) {
        j.open('{').field("id", i.id).field("title", i.title).field("unit", i.unit);
        j.key("baseline");
        if (i.baseline) j.open('{').field("date", i.baseline->date.iso()).key("value").num(i.baseline->value).close('}');
        else j.null();
        j.key("target");
        if (i.target) j.open('{').field("date", i.target->date.iso()).key("value").num(i.target->value).close('}');
        else j.null();
        j.key("values").open('[');
        for (const auto& v : i.values) j.open('{').field("date", v.date.iso()).key("value").num(v.value).close('}');
        j.close(']').close('}');
    }
    j.close(']');
    j.key("reports").open('[');
    for (const auto& r : a.reports) {
        j.open('{').field("date", r.date.iso()).field("progress", r.progress).field("works_well", r.works_well);
        j.field("works_less_well", r.works_less_well).key("on_schedule");
        if (r.on_schedule) j.boolean(*r.on_schedule); else j.null();
        j.close('}');
    }
    j.close(']');
    j.key("final_report");
    if (a.final_report) {
        const auto& f = *a.final_report;
        j.open('{').field("date", f.date).field("goal_reached", f.goal_reached).field("added_value", f.added_value);
        j.field("use_of_results", f.use_of_results).field("sent_to_office", f.sent_to_office).close('}');
    } else {
        j.null();
    }
    j.key("funding");
    if (a.funding) {
        j.open('{').field("applied", a.funding->applied).key("amount_sek");
        if (a.funding->amount_sek) j.num(static_cast<double>(*a.funding->amount_sek)); else j.null();
        j.field("board_decision", a.funding->board_decision).key("granted");
        if (a.funding->granted) j.boolean(*a.funding->granted); else j.null();
        j.close('}');
    } else {
        j.null();
    }
    j.field("description", a.body);
    j.close('}');
}

// data/site.json's content, written by `j` (Json, or JsonDigest for its key).
template <typename Writer>
void write_site(Writer& j, const Site& site) {
    j.open('{');
    j.field("title", site.settings.title).field("organisation", site.settings.organisation).field("language", site.settings.language);
    j.key("target_groups").open('[');
    for (const auto& t : site.settings.target_groups) j.open('{').field("id", t.id).field("label", t.label).close('}');
    j.close(']');
    const auto& r = site.regional;
    j.key("regional_plan").open('{').field("title", r.title).field("start", r.start).field("end", r.end);
    j.key("focus_areas").open('[');
    for (const auto& fa : r.focus_areas) {
        j.open('{').field("id", fa.id).field("title", fa.title).key("goals").open('[');
        for (const auto& g : fa.goals) {
            j.open('{').field("id", g.id).field("title", g.title).key("indicators").open('[');
            for (const auto& i : g.indicators) {
                j.open('{').field("id", i.id).field("title", i.title).field("unit", i.unit);
                j.key("baseline");
                if (i.baseline) j.open('{').key("year").num(i.baseline->year).key("value").num(i.baseline->value).close('}');
                else j.null();
                j.key("targets").open('[');
                for (const auto& t : i.targets) j.open('{').key("year").num(t.year).key("value").num(t.value).close('}');
                j.close(']').key("values").open('[');
                for (const auto& v : i.values) j.open('{').key("year").num(v.year).key("value").num(v.value).close('}');
                j.close(']').close('}');
            }
            j.close(']').close('}');
        }
        j.close(']').close('}');
    }
    j.close(']').close('}');
    j.key("processes").open('[');
    for (const auto& p : site.processes) {
        j.open('{').field("id", p.id).field("title", p.title).key("steps").open('[');
        for (const auto& s : p.steps) j.open('{').field("id", s.id).field("title", s.title).close('}');
        j.close(']').close('}');
    }
    j.close(']');
    j.key("groups").open('[');
    for (const auto& g : site.groups) {
        j.open('{').field("id", g.id).field("name", g.name).field("kind", kind_key(g.kind)).field("municipality", g.municipality);
        j.key("principals").open('[');
        for (const auto& p : g.principals) j.str(p);
        j.close(']').key("plans").open('[');
        for (const auto& p : g.plans) {
            j.open('{').field("id", p.id).field("title", p.title).field("status", status_key(p.status));
            j.field("start", p.start).field("end", p.end).field("decided", p.decided).field("sent_to_office", p.sent_to_office);
            j.key("revised").open('[');
            for (const auto& d : p.revised) j.str(d.iso());
            j.close(']').key("activities").open('[');
            for (const auto& a : p.activities) write_activity(j, p, a);
            j.close(']').close('}');
        }
        j.close(']').close('}');
    }
    j.close(']');
    j.close('}');
}

std::string site_json(const Site& site) {
    Json j;
    write_site(j, site);
    return j.take();
}

// A number as spreadsheets read one: an optional sign, digits with an optional fraction, and an
// optional exponent ("-12", "+3", "-1.5", "2.5e-07"). Anything else is text.
bool plain_number(std::string_view v) {
    size_t i = 0;
    auto digits = [&] {
        const size_t start = i;
        while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
        return i > start;
    };
    if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
    if (!digits()) return false;
    if (i < v.size() && v[i] == '.' && (++i, !digits())) return false;
    if (i < v.size() && (v[i] == 'e' || v[i] == 'E')) {
        ++i;
        if (i < v.size() && (v[i] == '-' || v[i] == '+')) ++i;
        if (!digits()) return false;
    }
    return i == v.size();
}

constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;

// The high bit of each byte of `w` that is zero.
constexpr std::uint64_t zero_bytes(std::uint64_t w) { return (w - kOnes) & ~w & kHighs; }

// Whether one of the eight bytes of `w` sends a field to csv_field: a control character, DEL, a
// comma or a quote. (Bytes from 0x80 are none of them: their high bit rules them out of each test.)
bool csv_special_in(std::uint64_t w) {
    const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
    return (below_space | zero_bytes(w ^ (kOnes * 0x7f)) | zero_bytes(w ^ (kOnes * ',')) | zero_bytes(w ^ (kOnes * '"'))) != 0;
}

// Appends csv_field(value) to `out`; most fields need no change, and are appended as they are.
void append_csv_field(TextOut& out, std::string_view value) {
    // One pass over the bytes, eight at a time: a control character, DEL, a comma or a quote sends
    // it to csv_field; a byte beyond ASCII, to the check of its characters.
    bool plain = true;
    if (!value.empty()) switch (value[0]) {
            case '=': case '+': case '-': case '@': case '\t': case '\r': plain = false; break;
            default: break;
        }
    bool ascii = true;
    const char* const p = value.data();
    const size_t n = value.size();
    size_t i = 0;
    for (; plain && n - i >= 8; i += 8) {
        std::uint64_t w;
        std::memcpy(&w, p + i, 8);
        plain = !csv_special_in(w);
        ascii = ascii && (w & kHighs) == 0;
    }
    for (; plain && i < n; ++i) {
        const auto b = static_cast<unsigned char>(p[i]);
        plain = b >= 0x20 && b != 0x7f && b != ',' && b != '"';
        ascii = ascii && b < 0x80;
    }
    if (plain && (ascii || is_publishable(value))) out.append(value);
    else out.append(csv_field(std::string(value)));
}

// Appends a line of the fields to `out`.
template <typename Fields>
void append_csv_line(TextOut& out, const Fields& fields) {
    bool first = true;
    for (const auto& field : fields) {
        if (!first) out.put(',');
        first = false;
        append_csv_field(out, field);
    }
    out.append("\r\n", 2);
}

void append_csv_line(TextOut& out, std::initializer_list<std::string_view> fields) {
    append_csv_line<std::initializer_list<std::string_view>>(out, fields);
}

// The fields, each followed by a comma: the start of lines that go on alike.
std::string csv_fields(std::initializer_list<std::string_view> fields) {
    TextOut out;
    for (const auto field : fields) {
        append_csv_field(out, field);
        out.put(',');
    }
    return out.take();
}

}  // namespace

std::string csv_field(const std::string& value) {
    std::string v = is_publishable(std::string_view(value)) ? value : publishable(value);
    if (!v.empty() && std::string_view("=+-@\t\r").find(v[0]) != std::string_view::npos && !plain_number(v)) v = "'" + v;
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (const char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

namespace {

struct Field {
    const char* name;
    const char* type;   // Table Schema type
    const char* title;  // Swedish title
    const char* description;
};

const std::vector<Field> kActivityFields = {
    {"group", "string", "Samverkansgrupp", "id of the group"},
    {"group_name", "string", "Samverkansgruppens namn", ""},
    {"plan", "string", "Handlingsplan", "id of the plan"},
    {"activity", "string", "Aktivitet", "id of the activity"},
    {"title", "string", "Titel", ""},
    {"status", "string", "Status", "planerad, pågår, avslutad or avbruten"},
    {"target_group", "string", "Målgrupp", "id of the target group"},
    {"target_group_label", "string", "Målgruppens namn", ""},
    {"focus_area", "string", "Fokusområde", "id of the regional focus area"},
    {"focus_area_title", "string", "Fokusområdets namn", ""},
    {"goal", "string", "Mål", "id of the regional goal"},
    {"goal_title", "string", "Målets namn", ""},
    {"process", "string", "Process", "id of the process"},
    {"step", "integer", "Steg", "current step of the process, 1..n"},
    {"start", "date", "Start", ""},
    {"end", "date", "Slut", ""},
};

const std::vector<Field> kIndicatorFields = {
    {"level", "string", "Nivå", "regional or local"},
    {"group", "string", "Samverkansgrupp", "id of the group (local indicators)"},
    {"group_name", "string", "Samverkansgruppens namn", ""},
    {"plan", "string", "Handlingsplan", "id of the plan (local indicators)"},
    {"activity", "string", "Aktivitet", "id of the activity (local indicators)"},
    {"activity_title", "string", "Aktivitetens titel", ""},
    {"focus_area", "string", "Fokusområde", "id of the regional focus area (of the goal, or of the activity)"},
    {"focus_area_title", "string", "Fokusområdets namn", ""},
    {"goal", "string", "Mål", "id of the regional goal (the indicator's, or its activity's)"},
    {"goal_title", "string", "Målets namn", ""},
    {"target_group", "string", "Målgrupp", "id of the activity's target group (local indicators)"},
    {"target_group_label", "string", "Målgruppens namn", ""},
    {"indicator", "string", "Indikator", "id of the indicator"},
    {"title", "string", "Titel", ""},
    {"unit", "string", "Enhet", "the unit of value"},
    {"kind", "string", "Slag", "baseline, target or value"},
    {"date", "string", "Tidpunkt", "a year (regional indicators) or a date YYYY-MM-DD (local indicators)"},
    {"value", "number", "Värde", "in the row's unit"},
};

void write_resource(Json& j, const char* name, const char* path, const char* title, const std::vector<Field>& fields) {
    j.open('{').field("name", name).field("path", path).field("title", title).field("format", "csv")
        .field("mediatype", "text/csv").field("encoding", "utf-8");
    j.key("schema").open('{').key("fields").open('[');
    for (const auto& f : fields) {
        j.open('{').field("name", f.name).field("type", f.type).field("title", f.title);
        if (*f.description) j.field("description", f.description);
        j.close('}');
    }
    j.close(']').close('}').close('}');
}

std::string datapackage(const Site& site) {
    Json j;
    j.open('{');
    j.field("profile", "data-package").field("name", "samplan-open-data").field("title", site.settings.title);
    j.field("description", "Lokala handlingsplaner, aktiviteter och indikatorer för " + site.settings.title);
    j.key("resources").open('[');
    write_resource(j, "activities", "activities.csv", "Aktiviteter", kActivityFields);
    write_resource(j, "indicators", "indicators.csv", "Indikatorer", kIndicatorFields);
    j.open('{').field("name", "site").field("path", "site.json").field("title", "Hela innehållet som länkad data")
        .field("format", "json").field("mediatype", "application/json").field("encoding", "utf-8").close('}');
    j.close(']');
    j.close('}');
    return j.take();
}

std::vector<std::string> names_of(const std::vector<Field>& fields) {
    std::vector<std::string> out;
    for (const auto& f : fields) out.emplace_back(f.name);
    return out;
}

}  // namespace

std::vector<std::string> open_data_paths() {
    return {site_data_path(), data_package_path(), activities_csv_path(), indicators_csv_path()};
}

std::string open_data_key(const Site& site, const std::string& inputs_key) {
    JsonDigest j;
    j.digest().add("open data 1");
    j.digest().add(inputs_key);
    write_site(j, site);
    return j.digest().hex();
}

std::vector<FileView> open_data_files(const Site& site, const OpenDataOptions&) {
    std::vector<FileView> files;
    files.push_back({site_data_path(), site_json(site)});

    files.push_back({data_package_path(), datapackage(site)});
    TextOut activities, indicators;
    append_csv_line(activities, names_of(kActivityFields));
    append_csv_line(indicators, names_of(kIndicatorFields));
    // Names beside ids: a reader of the table needs no other file to know what an id means.
    std::map<std::string, std::string> target_group_label, focus_area_title, goal_title;
    for (const auto& t : site.settings.target_groups) target_group_label[t.id] = t.label;
    for (const auto& fa : site.regional.focus_areas) {
        focus_area_title[fa.id] = fa.title;
        for (const auto& g : fa.goals) goal_title[g.id] = g.title;
    }
    auto name = [](const std::map<std::string, std::string>& names, const std::string& id) -> std::string_view {
        const auto it = names.find(id);
        return it == names.end() ? std::string_view() : std::string_view(it->second);
    };
    for (const auto& fa : site.regional.focus_areas)
        for (const auto& g : fa.goals)
            for (const auto& i : g.indicators) {
                // Each row starts with the same fields: written once.
                const std::string start =
                    csv_fields({"regional", "", "", "", "", "", fa.id, fa.title, g.id, g.title, "", "", i.id, i.title, i.unit});
                auto row = [&](const char* kind, int year, double value) {
                    indicators.append(start);
                    append_csv_line(indicators, {kind, std::to_string(year), number(value)});
                };
                if (i.baseline) row("baseline", i.baseline->year, i.baseline->value);
                for (const auto& t : i.targets) row("target", t.year, t.value);
                for (const auto& v : i.values) row("value", v.year, v.value);
            }
    for (const auto& g : site.groups)
        for (const auto& p : g.plans)
            for (const auto& a : p.activities) {
                append_csv_line(activities, {g.id, g.name, p.id, a.id, a.title, status_key(a.status), a.target_group.id,
                                             name(target_group_label, a.target_group.id), a.focus_area.id,
                                             name(focus_area_title, a.focus_area.id), a.goal.id, name(goal_title, a.goal.id),
                                             a.process.present() ? a.process.id : p.process.id,
                                             a.step ? std::to_string(*a.step) : "", a.start ? a.start->iso() : "",
                                             a.end ? a.end->iso() : ""});
                for (const auto& i : a.indicators) {
                    const std::string start = csv_fields({"local", g.id, g.name, p.id, a.id, a.title, a.focus_area.id,
                                                          name(focus_area_title, a.focus_area.id), a.goal.id,
                                                          name(goal_title, a.goal.id), a.target_group.id,
                                                          name(target_group_label, a.target_group.id), i.id, i.title, i.unit});
                    auto row = [&](const char* kind, const DateValue& dv) {
                        indicators.append(start);
                        append_csv_line(indicators, {kind, dv.date.iso(), number(dv.value)});
                    };
                    if (i.baseline) row("baseline", *i.baseline);
                    if (i.target) row("target", *i.target);
                    for (const auto& v : i.values) row("value", v);
                }
            }
    files.push_back({activities_csv_path(), activities.take()});
    files.push_back({indicators_csv_path(), indicators.take()});
    return files;
}

}  // namespace samplan::site
