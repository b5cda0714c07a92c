// history/cache.cpp — see cache.h.
#include "history/cache.h"

#include <algorithm>
#include <fstream>

#include "core/files.h"
#include "core/text.h"

namespace samplan::history {
namespace {

constexpr const char* kCacheMagic = "samplan-history-cache 3";  // 3: authors and summaries made valid UTF-8

std::string escape_field(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '\t') out += "\\t";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else out += c;
    }
    return out;
}

// Splits `line` at its tabs into `fields` (views of the line, escapes as written); returns the
// number of fields, or 0 when there are more than `max` (the cache has a line per commit and per
// change, tens of thousands, and a rebuild reads all of them: no string is made here).
size_t split_fields(std::string_view line, std::string_view* fields, size_t max) {
    size_t n = 0;
    for (size_t from = 0;;) {
        if (n == max) return 0;
        const size_t tab = line.find('\t', from);
        fields[n++] = line.substr(from, tab == std::string_view::npos ? std::string_view::npos : tab - from);
        if (tab == std::string_view::npos) return n;
        from = tab + 1;
    }
}

// A field as escape_field wrote it, unescaped (most fields have no escape: one copy).
std::string unescaped(std::string_view field) {
    size_t i = field.find('\\');
    if (i == std::string_view::npos) return std::string(field);
    std::string out(field.substr(0, i));
    while (i < field.size()) {
        if (field[i] != '\\') {
            const size_t next = std::min(field.find('\\', i), field.size());
            out.append(field.data() + i, next - i);
            i = next;
            continue;
        }
        if (i + 1 == field.size()) {  // a backslash at the end stays as it is
            out += '\\';
            break;
        }
        const char c = field[i + 1];
        out += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
        i += 2;
    }
    return out;
}

}  // namespace

bool read_cache(const std::string& file, const std::string& prefix, Cache& cache) {
    // Read whole, then taken apart line by line.
    std::string text, error;
    if (read_regular_file(file, static_cast<size_t>(1) << 31, text, error) != FileRead::Ok) return false;
    std::string_view rest = text;
    std::string_view line;
    if (!next_line(rest, line) || line != kCacheMagic) return false;
    if (!next_line(rest, line) || line.rfind("head\t", 0) != 0) return false;
    cache.head = std::string(line.substr(5));
    std::string_view f[6];
    if (!next_line(rest, line) || split_fields(line, f, 6) != 2 || f[0] != "prefix" || unescaped(f[1]) != prefix) return false;
    while (next_line(rest, line)) {
        const size_t n = split_fields(line, f, 6);
        if (n == 6 && f[0] == "R") {
            const auto date = parse_iso_date(f[2]);
            if (!date) return false;
            std::string commit = unescaped(f[1]);
            std::string short_id = commit.substr(0, 7);
            cache.revisions.push_back({std::move(commit), std::move(short_id), *date, unescaped(f[3]), unescaped(f[4])});
            cache.changes.emplace_back();
            if (!f[5].empty()) return false;
        } else if (n == 5 && f[0] == "C" && !cache.changes.empty() && f[1].size() == 1) {
            const char k = f[1][0];
            if (k != 'A' && k != 'M' && k != 'D' && k != 'R') return false;
            cache.changes.back().push_back({k == 'A' ? ChangeKind::Added : k == 'M' ? ChangeKind::Modified
                                            : k == 'D' ? ChangeKind::Deleted : ChangeKind::Renamed,
                                            unescaped(f[2]), unescaped(f[3]), unescaped(f[4])});
        } else {
            return false;  // anything unexpected: read the history again
        }
    }
    return true;
}

void write_cache(const std::string& file, const std::string& head, const std::string& prefix,
                 const std::vector<Revision>& revisions, const std::vector<std::vector<Change>>& changes) {
    replace_file(file, [&](std::ostream& out) {
        out << kCacheMagic << "\nhead\t" << head << "\nprefix\t" << escape_field(prefix) << "\n";
        for (size_t i = 0; i < revisions.size(); ++i) {
            const auto& r = revisions[i];
            out << "R\t" << r.commit << "\t" << r.date.iso() << "\t" << escape_field(r.author) << "\t"
                << escape_field(r.summary) << "\t\n";
            for (const auto& c : changes[i]) {
                const char k = c.kind == ChangeKind::Added ? 'A' : c.kind == ChangeKind::Modified ? 'M'
                               : c.kind == ChangeKind::Deleted ? 'D' : 'R';
                out << "C\t" << k << "\t" << escape_field(c.path) << "\t" << escape_field(c.old_path) << "\t" << c.blob
                    << "\n";
            }
        }
    });
}

}  // namespace samplan::history
