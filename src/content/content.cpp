#include "content/content.h"

#include "core/big_stack.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <thread>

#include "content/layout.h"
#include "content/record_cache.h"
#include "content/toml_reader.h"
#include "core/blob_id.h"
#include "core/parallel.h"
#include "core/text.h"

namespace samplan::content {
namespace {

constexpr SourcePos kFileStart{1, 1};

bool ends_with(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string join(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }

// A file found in the layout, read later (in parallel).
struct Pending {
    Record record;
    bool markdown = false;
};

class Walker {
public:
    Walker(const Source& source, Diagnostics& diagnostics) : source_(source), diagnostics_(diagnostics) {}

    void run() {
        expect_file(layout::kSite, RecordKind::Site, "", "", "", false, true);
        expect_file(layout::kRegionalPlan, RecordKind::RegionalPlan, "", "", "", false, true);
        collect_dir(layout::kProcesses, ".toml", RecordKind::Process, "", "");
        collect_dir(layout::kPages, ".md", RecordKind::Page, "", "");
        for (const auto& g : subdirs(layout::kGroups)) {
            expect_file(layout::group_file(g), RecordKind::Group, g, g, "", false, true);
            collect_dir(layout::evaluations_dir(g), ".md", RecordKind::GroupEvaluation, g, "");
            for (const auto& p : subdirs(layout::plans_dir(g))) {
                expect_file(layout::plan_file(g, p), RecordKind::Plan, p, g, p, false, true);
                collect_dir(layout::activities_dir(g, p), ".md", RecordKind::Activity, g, p);
            }
        }
    }

    std::vector<Pending> pending;

private:
    // Checks `path` is a usable file or directory; reports why not.
    bool usable(const std::string& path, EntryKind kind, EntryKind wanted) {
        if (kind == wanted) return true;
        if (kind == EntryKind::Outside) {
            diagnostics_.error(path, kFileStart, "symbolic link points outside the content folder; refused",
                               "outside-content");
        } else if (kind == EntryKind::Directory) {
            diagnostics_.error(path, kFileStart, "expected a file, found a directory", "not-a-file");
        } else if (kind == EntryKind::File && wanted == EntryKind::Directory) {
            diagnostics_.error(path, kFileStart, "expected a directory, found a file", "not-a-directory");
        } else if (kind == EntryKind::Other) {
            diagnostics_.error(path, kFileStart, "not a regular file (a device, socket or FIFO); refused",
                               "not-a-file");
        }
        return false;
    }

    // `known`: the kind the folder listing already gave.
    void expect_file(const std::string& path, RecordKind kind, const std::string& id, const std::string& group,
                     const std::string& plan, bool markdown, bool required, std::optional<EntryKind> known = {}) {
        const EntryKind k = known ? *known : source_.kind(path);
        const bool missing = k == EntryKind::Missing;
        if (missing && !required) return;
        if (missing) diagnostics_.error(path, kFileStart, "missing file: " + describe(kind) + " is required", "missing-file");
        Pending p;
        p.record.readable = !missing && usable(path, k, EntryKind::File);
        p.record.kind = kind;
        p.record.path = path;
        p.record.id = id;
        p.record.group = group;
        p.record.plan = plan;
        p.markdown = markdown;
        pending.push_back(std::move(p));
    }

    // Subdirectories with valid ids; anything else in `dir` is reported.
    std::vector<std::string> subdirs(const std::string& dir) {
        std::vector<std::string> out;
        const EntryKind k = source_.kind(dir);
        if (k == EntryKind::Missing || !usable(dir, k, EntryKind::Directory)) return out;
        for (const auto& e : source_.list(dir)) {
            if (e.name.empty() || e.name[0] == '.') continue;
            const std::string path = join(dir, e.name);
            if (!usable(path, e.kind, EntryKind::Directory)) continue;
            if (!is_valid_id(e.name)) {
                report_bad_id(path, e.name);
                continue;
            }
            out.push_back(e.name);
        }
        return out;
    }

    void collect_dir(const std::string& dir, std::string_view ext, RecordKind kind, const std::string& group,
                     const std::string& plan) {
        const EntryKind k = source_.kind(dir);
        if (k == EntryKind::Missing || !usable(dir, k, EntryKind::Directory)) return;
        for (const auto& e : source_.list(dir)) {
            if (e.name.empty() || e.name[0] == '.') continue;
            const std::string path = join(dir, e.name);
            if (!ends_with(e.name, ext)) {
                if (e.kind == EntryKind::File)
                    diagnostics_.warning(path, kFileStart,
                                         "unexpected file: " + files_noun(kind) + " end in " + std::string(ext) +
                                             "; this file is ignored",
                                         "unexpected-file");
                else
                    usable(path, e.kind, EntryKind::File);
                continue;
            }
            const std::string id = e.name.substr(0, e.name.size() - ext.size());
            if (!is_valid_id(id)) {
                report_bad_id(path, id);
                continue;
            }
            expect_file(path, kind, id, group, plan, ext == ".md", false, e.kind);
        }
    }

    void report_bad_id(const std::string& path, const std::string& id) {
        diagnostics_.error(path, kFileStart,
                           "bad id " + quote(id) +
                               ": an id is 1 to 64 characters of a-z, 0-9 and '-', starting with a letter or digit",
                           "bad-id");
    }

    static std::string files_noun(RecordKind kind) {
        switch (kind) {
            case RecordKind::Process: return "process files";
            case RecordKind::Page: return "page files";
            case RecordKind::GroupEvaluation: return "evaluation files";
            case RecordKind::Activity: return "activity files";
            default: return "record files";
        }
    }

    static std::string describe(RecordKind kind) {
        switch (kind) {
            case RecordKind::Site: return "the site settings (site.toml)";
            case RecordKind::RegionalPlan: return "the regional action plan";
            case RecordKind::Process: return "a process";
            case RecordKind::Page: return "a page";
            case RecordKind::Group: return "a group's group.toml";
            case RecordKind::GroupEvaluation: return "an evaluation";
            case RecordKind::Plan: return "a plan's plan.toml";
            case RecordKind::Activity: return "an activity";
        }
        return "a record";
    }

    const Source& source_;
    Diagnostics& diagnostics_;
};

std::string size_text(size_t bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) return std::to_string(bytes / (1024 * 1024)) + " MiB";
    if (bytes >= 1024 && bytes % 1024 == 0) return std::to_string(bytes / 1024) + " KiB";
    return std::to_string(bytes) + " bytes";
}

bool is_fence(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    return line == "+++";
}

}  // namespace

bool split_front_matter(std::string_view text, FrontMatter& out, SourcePos& error_pos, std::string& error) {
    size_t eol = text.find('\n');
    if (!is_fence(text.substr(0, eol))) {
        error_pos = kFileStart;
        error = "missing front matter: a .md record starts with a line '+++', then TOML, then a line '+++'";
        return false;
    }
    if (eol == std::string_view::npos) {
        error_pos = kFileStart;
        error = "front matter opened here is never closed with a line '+++'";
        return false;
    }
    const size_t toml_start = eol + 1;
    size_t line_start = toml_start;
    int line = 2;
    while (line_start <= text.size()) {
        const size_t end = text.find('\n', line_start);
        const std::string_view current = text.substr(line_start, end == std::string_view::npos ? end : end - line_start);
        if (is_fence(current)) {
            out.toml = text.substr(toml_start, line_start - toml_start);
            out.body = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
            out.body_line = line + 1;
            return true;
        }
        if (end == std::string_view::npos) break;
        line_start = end + 1;
        ++line;
    }
    error_pos = kFileStart;
    error = "front matter opened here is never closed with a line '+++'";
    return false;
}

namespace {

// Lists and block quotes inside one another: at most this many deep. Pagefind's indexing grows
// with the square of a page's nesting (20,000 nested list items took it 61 s), and no plan needs
// more than a few levels.
constexpr int kMaxMarkdownNesting = 32;

std::string too_deep_message() {
    return "Markdown nested too deeply: at most " + std::to_string(kMaxMarkdownNesting) +
           " lists and block quotes inside one another";
}

struct TooDeep {
    int line = 0;    // 0-based line in the text
    int column = 0;  // 1-based column of the first marker beyond the limit
    std::string message;
};

// Table cells (rows times columns) in one table: cmark-gfm makes a node for each (a table of a
// megabyte of one-letter rows took 2 s and 480 MB), and no plan needs more than a few thousand.
constexpr size_t kMaxTableCells = 50000;

// '|' on one line: cmark-gfm's table extension takes time growing with the square of a row's
// cells (a megabyte of rows of 1,000 took 2 s, a header row of 250,000 over a minute).
constexpr size_t kMaxPipesPerLine = 500;

// A GFM table's delimiter row ("|---|:--:|", "-|-"): its number of columns, or 0.
size_t delimiter_columns(std::string_view line) {
    size_t dashes = 0, columns = 0, pipes = 0;
    bool in_cell = false;
    for (char c : line) {
        if (c == '-') {
            ++dashes;
            if (!in_cell) ++columns, in_cell = true;
        } else if (c == '|') {
            ++pipes;
            in_cell = false;
        } else if (c != ':' && c != ' ' && c != '\t' && c != '\r') {
            return 0;
        }
    }
    return dashes > 0 && pipes > 0 ? columns : 0;
}

bool is_thematic_break(std::string_view line) {
    char mark = 0;
    int count = 0;
    for (char c : line) {
        if (c == ' ' || c == '\t' || c == '\r') continue;
        if ((c != '-' && c != '*' && c != '_') || (mark && c != mark)) return false;
        mark = c;
        ++count;
    }
    return count >= 3;
}

// The first line whose container markers (`>`, `-`, `+`, `*`, `1.`, `1)`) and indentation (two
// columns a level, only on a line with a marker) open more than kMaxMarkdownNesting levels.
// Lines in fenced code (between lines starting with ``` or ~~~) are skipped. Also the first line
// of more than kMaxPipesPerLine '|' (of the decoded text: a TOML string's `\u007c` counts), and
// the first table of more than kMaxTableCells cells (rows up to the next blank line, times the
// columns of its delimiter row), at its delimiter row.
std::optional<TooDeep> markdown_too_deep(std::string_view text) {
    int line_number = 0;
    size_t table_columns = 0, table_rows = 0;  // of the table being read (a line after its delimiter row)
    int table_line = 0;                         // its delimiter row
    std::string_view fence;  // the ``` or ~~~ of the fenced code block the line is in
    for (size_t start = 0; start < text.size(); ++line_number) {
        const size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        const size_t first = line.find_first_not_of(' ');
        if (first != std::string_view::npos && first < 4 &&
            (line.substr(first, 3) == "```" || line.substr(first, 3) == "~~~")) {
            if (fence.empty()) fence = line.substr(first, 3);
            else if (line.substr(first, 3) == fence) fence = {};
            continue;
        }
        if (!fence.empty()) continue;
        if (const auto pipes = static_cast<size_t>(std::count(line.begin(), line.end(), '|')); pipes > kMaxPipesPerLine)
            return TooDeep{line_number, 1,
                           "line has " + std::to_string(pipes) + " '|' characters; at most " +
                               std::to_string(kMaxPipesPerLine) + " (a table of more columns cannot be shown)"};
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
            table_columns = 0;  // a blank line ends a table
        } else if (table_columns > 0) {
            if (table_columns * ++table_rows > kMaxTableCells)
                return TooDeep{table_line, 1,
                               "table with more than " + std::to_string(kMaxTableCells) + " cells (" +
                                   std::to_string(table_columns) + " columns): split it"};
        } else if ((table_columns = delimiter_columns(line)) > 0) {
            table_rows = 0;
            table_line = line_number;
        }
        if (line.size() <= kMaxMarkdownNesting || is_thematic_break(line)) continue;
        size_t i = 0, indent = 0;
        for (; i < line.size() && (line[i] == ' ' || line[i] == '\t'); ++i) indent += line[i] == '\t' ? 4 : 1;
        int depth = static_cast<int>(indent / 2);
        while (i < line.size()) {
            size_t next = i;
            if (line[i] == '>') {
                next = i + 1;
            } else if ((line[i] == '-' || line[i] == '+' || line[i] == '*') && i + 1 < line.size() &&
                       (line[i + 1] == ' ' || line[i + 1] == '\t')) {
                next = i + 2;
            } else {
                size_t d = i;
                while (d < line.size() && d - i < 9 && line[d] >= '0' && line[d] <= '9') ++d;
                if (d > i && d + 1 < line.size() && (line[d] == '.' || line[d] == ')') &&
                    (line[d + 1] == ' ' || line[d + 1] == '\t'))
                    next = d + 2;
            }
            if (next == i) break;
            if (++depth > kMaxMarkdownNesting)
                return TooDeep{line_number, static_cast<int>(i) + 1, too_deep_message()};
            i = next;
            while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        }
    }
    return std::nullopt;
}

// Every string of a record may be Markdown (descriptions, summaries, notes): each is checked,
// reported at the string's position.
bool strings_nested_ok(const std::string& path, const Value& value, Diagnostics& diagnostics) {
    bool ok = true;
    if (value.type == Value::Type::String) {
        if (const auto problem = markdown_too_deep(value.string))
            diagnostics.error(path, value.pos, problem->message, "markdown-limits"), ok = false;
    }
    for (const Entry& entry : value.entries) ok = strings_nested_ok(path, entry.value[0], diagnostics) && ok;
    for (const Value& item : value.items) ok = strings_nested_ok(path, item, diagnostics) && ok;
    return ok;
}

}  // namespace

bool parse_record_text(const std::string& path, std::string_view text, bool markdown, Record& record,
                       Diagnostics& diagnostics) {
    constexpr std::string_view kBom = "\xEF\xBB\xBF";
    if (text.starts_with(kBom)) text.remove_prefix(kBom.size());  // a BOM is fine
    if (text.starts_with(kBom)) {  // toml++ would take a second one for a BOM too
        diagnostics.error(path, kFileStart,
                          "the file starts with two byte order marks (BOM): save it as UTF-8 with at most one",
                          "utf8");
        return false;
    }
    if (const auto bad = find_invalid_utf8(text)) {
        const auto [line, column] = line_column_at(text, *bad);
        diagnostics.error(path, {line, column}, "invalid UTF-8: save the file as UTF-8", "utf8");
        return false;
    }
    if (text.find('\0') != std::string_view::npos) {
        const auto [line, column] = line_column_at(text, text.find('\0'));
        diagnostics.error(path, {line, column}, "NUL byte in text", "utf8");
        return false;
    }
    std::string_view toml_text = text;
    int line_offset = 0;
    if (markdown) {
        FrontMatter fm;
        SourcePos pos;
        std::string error;
        if (!split_front_matter(text, fm, pos, error)) {
            diagnostics.error(path, pos, error, "front-matter");
            return false;
        }
        toml_text = fm.toml;
        line_offset = 1;
        record.body = std::string(fm.body);
        record.body_line = fm.body_line;
    }
    TomlError error;
    auto value = parse_toml(toml_text, line_offset, error);
    if (!value) {
        diagnostics.error(path, error.pos, "TOML: " + error.message, "toml");
        return false;
    }
    record.data = std::move(*value);
    bool nested_ok = strings_nested_ok(path, record.data, diagnostics);
    if (markdown) {
        if (const auto deep = markdown_too_deep(record.body)) {
            diagnostics.error(path, {record.body_line + deep->line, deep->column}, deep->message,
                              "markdown-limits");
            nested_ok = false;
        }
    }
    return nested_ok;
}

namespace {

// Reads one record's file and parses it, reporting into `diagnostics`; returns whether it parsed.
// `read`, when given, tells whether the file was read whole (its outcome is the parse's).
bool read_and_parse(const Source& source, Record& record, bool markdown, Diagnostics& diagnostics,
                    const LoadOptions& options, bool* read = nullptr) {
    if (read) *read = false;
    std::string text, error;
    switch (source.read(record.path, options.max_record_bytes, text, error)) {
        case ReadStatus::TooLarge:
            diagnostics.error(record.path, kFileStart,
                              "file is larger than the limit of " + size_text(options.max_record_bytes) +
                                  "; split it or shorten it",
                              "file-too-large");
            return false;
        case ReadStatus::Error:
            diagnostics.error(record.path, kFileStart, "cannot read: " + error, "io");
            return false;
        case ReadStatus::Outside:
            diagnostics.error(record.path, kFileStart, "symbolic link points outside the content folder; refused",
                              "outside-content");
            return false;
        case ReadStatus::Ok: break;
    }
    if (read) *read = true;
    record.blob = git_blob_id(text);
    return parse_record_text(record.path, text, markdown, record, diagnostics);
}

}  // namespace

bool is_markdown(RecordKind kind) {
    return kind == RecordKind::Page || kind == RecordKind::GroupEvaluation || kind == RecordKind::Activity;
}

bool reload_record(const Source& source, Record& record, Diagnostics& diagnostics, const LoadOptions& options) {
    Record fresh = record.same_file();
    fresh.readable = read_and_parse(source, fresh, is_markdown(fresh.kind), diagnostics, options);
    record = std::move(fresh);
    return record.readable;
}

std::vector<Record> load_records(const Source& source, Diagnostics& diagnostics, const LoadOptions& options) {
    Walker walker(source, diagnostics);
    walker.run();
    auto& pending = walker.pending;

    // Read and parse in parallel; each file reports into its own sink, merged in layout order.
    std::vector<Diagnostics> per_file(pending.size());
    std::vector<char> ok(pending.size(), 0);
    RecordCache* cache = options.cache;
    std::vector<RecordCache::Outcome> outcomes(cache ? pending.size() : 0);
    auto load = [&](size_t i) {
        Pending& p = pending[i];
        if (!p.record.readable) return;
        if (!cache) {
            ok[i] = read_and_parse(source, p.record, p.markdown, per_file[i], options) ? 1 : 0;
            return;
        }
        // The identity is taken before the file is read: a change meanwhile shows next time.
        RecordCache::Outcome& outcome = outcomes[i];
        outcome.identity = source.identity(p.record.path);
        outcome.markdown = p.markdown;
        bool parsed = false;
        if (!outcome.identity.empty() &&
            cache->restore(outcome.identity, p.markdown, options.max_record_bytes, p.record, per_file[i], parsed)) {
            outcome.restored = true;
            ok[i] = parsed ? 1 : 0;
            return;
        }
        bool read = false;
        ok[i] = read_and_parse(source, p.record, p.markdown, per_file[i], options, &read) ? 1 : 0;
        if (read && !outcome.identity.empty()) outcome.payload = RecordCache::encode(p.record, per_file[i], ok[i] != 0);
        else outcome.identity.clear();
    };
    auto work = [&](size_t i) {
        load(i);
        if (ok[i] && options.loaded) options.loaded(i, pending[i].record);
    };
    const size_t workers = worker_count();
    if (workers == 1 || pending.size() < 16) {
        for (size_t i = 0; i < pending.size(); ++i) work(i);
    } else {
        std::atomic<size_t> next{0};
        std::vector<std::unique_ptr<BigStackThread>> threads;  // they parse
        for (size_t t = 0; t < workers; ++t)
            threads.push_back(std::make_unique<BigStackThread>([&] {
                for (size_t i; (i = next.fetch_add(1)) < pending.size();) work(i);
            }));
        for (auto& t : threads) t->join();
    }

    if (cache) {
        for (size_t i = 0; i < pending.size(); ++i) outcomes[i].path = pending[i].record.path;
        cache->save(outcomes, options.max_record_bytes);
    }
    std::vector<Record> records;
    records.reserve(pending.size());
    for (size_t i = 0; i < pending.size(); ++i) {
        diagnostics.merge(std::move(per_file[i]));
        pending[i].record.readable = ok[i] != 0;
        records.push_back(std::move(pending[i].record));
    }
    return records;
}

}  // namespace samplan::content
