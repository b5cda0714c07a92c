// history/cache.cpp — see cache.h.
#include "history/cache.h"

#include <fstream>

#include "core/files.h"

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

// (The runs between tabs and escapes are appended whole: the cache has a line per commit and per
// change, and a rebuild reads all of them.)
std::vector<std::string> split_fields(const std::string& line) {
    std::vector<std::string> fields(1);
    fields.reserve(8);
    for (size_t i = 0; i < line.size();) {
        size_t special = i;
        while (special < line.size() && line[special] != '\t' && line[special] != '\\') ++special;
        fields.back().append(line, i, special - i);
        i = special;
        if (i == line.size()) break;
        if (line[i] == '\t') {
            fields.emplace_back();
            ++i;
            continue;
        }
        if (i + 1 == line.size()) {  // a backslash at the end stays as it is
            fields.back() += '\\';
            break;
        }
        const char n = line[i + 1];
        fields.back() += n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n;
        i += 2;
    }
    return fields;
}

}  // namespace

bool read_cache(const std::string& file, const std::string& prefix, Cache& cache) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    if (!std::getline(in, line) || line != kCacheMagic) return false;
    if (!std::getline(in, line) || line.rfind("head\t", 0) != 0) return false;
    cache.head = line.substr(5);
    if (!std::getline(in, line) || split_fields(line) != std::vector<std::string>{"prefix", prefix}) return false;
    while (std::getline(in, line)) {
        const auto f = split_fields(line);
        if (f[0] == "R" && f.size() == 6) {
            const auto date = parse_iso_date(f[2]);
            if (!date) return false;
            cache.revisions.push_back({f[1], f[1].substr(0, 7), *date, f[3], f[4]});
            cache.changes.emplace_back();
            if (f[5] != "") return false;
        } else if (f[0] == "C" && f.size() == 5 && !cache.changes.empty() && f[1].size() == 1) {
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
