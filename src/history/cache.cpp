// history/cache.cpp — see cache.h.
#include "history/cache.h"

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

// Splits `line` at its tabs into `fields`, undoing escape_field; returns the number of fields.
// `fields` is reused from line to line, its strings' memory with it: the cache has a line per
// commit and per change (tens of thousands), and a rebuild reads all of them. (The runs between
// tabs and escapes are appended whole.)
size_t split_fields(std::string_view line, std::vector<std::string>& fields) {
    size_t n = 1;
    if (fields.empty()) fields.emplace_back();
    fields[0].clear();
    for (size_t i = 0; i < line.size();) {
        size_t special = i;
        while (special < line.size() && line[special] != '\t' && line[special] != '\\') ++special;
        fields[n - 1].append(line.data() + i, special - i);
        i = special;
        if (i == line.size()) break;
        if (line[i] == '\t') {
            if (fields.size() == n) fields.emplace_back();
            fields[n].clear();
            ++n;
            ++i;
            continue;
        }
        if (i + 1 == line.size()) {  // a backslash at the end stays as it is
            fields[n - 1] += '\\';
            break;
        }
        const char c = line[i + 1];
        fields[n - 1] += c == 't' ? '\t' : c == 'n' ? '\n' : c == 'r' ? '\r' : c;
        i += 2;
    }
    return n;
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
    std::vector<std::string> f;
    if (!next_line(rest, line) || split_fields(line, f) != 2 || f[0] != "prefix" || f[1] != prefix) return false;
    while (next_line(rest, line)) {
        const size_t n = split_fields(line, f);
        if (f[0] == "R" && n == 6) {
            const auto date = parse_iso_date(f[2]);
            if (!date) return false;
            cache.revisions.push_back({f[1], f[1].substr(0, 7), *date, f[3], f[4]});
            cache.changes.emplace_back();
            if (f[5] != "") return false;
        } else if (f[0] == "C" && n == 5 && !cache.changes.empty() && f[1].size() == 1) {
            const char k = f[1][0];
            if (k != 'A' && k != 'M' && k != 'D' && k != 'R') return false;
            cache.changes.back().push_back({k == 'A' ? ChangeKind::Added : k == 'M' ? ChangeKind::Modified
                                            : k == 'D' ? ChangeKind::Deleted : ChangeKind::Renamed, f[2], f[3], f[4]});
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
