#include "history/versions.h"

#include <algorithm>
#include <cstdio>
#include <set>
#include <string_view>
#include <unordered_map>

#include "content/content.h"
#include "content/layout.h"
#include "core/text.h"
#include "model/build.h"

namespace samplan::history {
namespace {

using namespace samplan::model;

// Parses `text` as the record at `path` with the current ids; nullopt when it does not parse.
std::optional<content::Record> parse(const std::string& path, const std::string& text, bool markdown,
                                     content::RecordKind kind, const std::string& group, const std::string& plan,
                                     const std::string& id) {
    content::Record rec;
    rec.kind = kind;
    rec.path = path;
    rec.group = group;
    rec.plan = plan;
    rec.id = id;
    Diagnostics ignored;
    if (!content::parse_record_text(path, text, markdown, rec, ignored)) return std::nullopt;
    return rec;
}

// The plan at `plan_file` as it was in `revision`: its title, and its group's name when that is not
// the group of `own` (a record's path); nullopt when there was no plan there.
std::optional<std::pair<std::string, std::string>> plan_named_at(const History& history, size_t revision,
                                                                 const std::string& plan_file, const std::string& own) {
    const auto text = plan_file.empty() ? std::nullopt : history.read(revision, plan_file);
    if (!text) return std::nullopt;
    auto name = [&](const std::string& file, const std::string& contents, content::RecordKind kind, const char* key) {
        if (auto rec = parse(file, contents, false, kind, "x", "x", "x"))
            if (const auto* t = rec->data.get(key); t && t->type == content::Value::Type::String) return t->string;
        const std::string folder = file.substr(0, file.rfind('/'));
        return folder.substr(folder.rfind('/') + 1);  // its id
    };
    std::pair<std::string, std::string> plan{name(plan_file, *text, content::RecordKind::Plan, "title"), ""};
    const std::string group_file = content::layout::group_file_beside(plan_file);
    if (group_file != content::layout::group_file_beside(own)) {
        const auto group = history.read(revision, group_file);
        plan.second = name(group_file, group ? *group : std::string(), content::RecordKind::Group, "name");
    }
    return plan;
}

}  // namespace

std::optional<std::string> plain_title(std::string_view text) {
    content::FrontMatter fm;
    SourcePos pos;
    std::string error;
    if (!content::split_front_matter(text, fm, pos, error)) return std::nullopt;
    std::string_view rest = fm.toml;
    while (!rest.empty()) {
        const size_t end = rest.find('\n');
        std::string_view line = rest.substr(0, end);
        rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find("\"\"\"") != std::string_view::npos || line.find("\'\'\'") != std::string_view::npos) return std::nullopt;
        const size_t first = line.find_first_not_of(" \t");
        if (first == std::string_view::npos || line[first] == '#') continue;
        line.remove_prefix(first);
        if (line[0] == '[') return std::nullopt;  // a table: the title is not stated before it
        if (line.substr(0, 5) != "title") continue;
        line.remove_prefix(5);
        line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
        if (line.empty() || line[0] != '=') continue;  // another key that starts with "title"
        line.remove_prefix(1);
        line.remove_prefix(std::min(line.find_first_not_of(" \t"), line.size()));
        if (line.empty() || line[0] != '"') return std::nullopt;
        const size_t close = line.find('"', 1);
        if (close == std::string_view::npos) return std::nullopt;
        const std::string_view value = line.substr(1, close - 1);
        if (value.find('\\') != std::string_view::npos) return std::nullopt;
        std::string_view after = line.substr(close + 1);
        after.remove_prefix(std::min(after.find_first_not_of(" \t"), after.size()));
        if (!after.empty() && after[0] != '#') return std::nullopt;
        for (const char c : value)
            if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return std::nullopt;  // not valid TOML: parse it
        if (find_invalid_utf8(value)) return std::nullopt;
        return std::string(value);
    }
    return std::nullopt;
}

namespace {

// The words of `s`, each with the space, newline or tab that ends it.
std::vector<std::string_view> split_words(const std::string& s) {
    std::vector<std::string_view> words;
    size_t start = 0;
    for (size_t i = 0; i < s.size(); ++i)
        if (s[i] == ' ' || s[i] == '\n' || s[i] == '\t') {
            words.push_back(std::string_view(s).substr(start, i + 1 - start));
            start = i + 1;
        }
    if (start < s.size()) words.push_back(std::string_view(s).substr(start));
    return words;
}

}  // namespace

// The runs are those of the longest common subsequence of words, walked from the start: equal
// words are kept, else a word of `before` is deleted when the rest of the texts have as long a
// common subsequence without it as without the word of `after`, else that word is inserted. Only
// the part between the words the texts start and end with alike is compared word by word (an
// edit of one sentence costs that sentence, not the square of the text); what this walk does at
// those ends is known without it:
// - the common start: the walk keeps each word of it in turn;
// - the common end Z: in the middle (i, j before Z in both), the rest's common subsequence is the
//   middle's plus all of Z, so the middle decides alike; once the walk reaches Z in `before`,
//   what is left of `after` holds all of Z's rest at its end, so deleting the word of `before`
//   would lose a word of that subsequence where inserting the word of `after` loses none: the
//   walk keeps equal words and inserts the others (and, reaching Z in `after` first, deletes).
std::vector<WordRun> diff_words(const std::string& before, const std::string& after) {
    const auto a = split_words(before), b = split_words(after);
    std::vector<WordRun> runs;
    auto push = [&](WordRun::Kind kind, std::string_view word) {
        if (!runs.empty() && runs.back().kind == kind) runs.back().text += word;
        else runs.push_back({kind, std::string(word)});
    };
    // Texts too long for it are shown as replaced whole.
    if (a.size() * b.size() > 4'000'000) {
        if (!before.empty()) runs.push_back({WordRun::Kind::Deleted, before});
        if (!after.empty()) runs.push_back({WordRun::Kind::Inserted, after});
        return runs;
    }
    const size_t n = a.size(), m = b.size();
    size_t start = 0;
    while (start < n && start < m && a[start] == b[start]) ++start;
    size_t end = 0;
    while (end < n - start && end < m - start && a[n - 1 - end] == b[m - 1 - end]) ++end;
    for (size_t k = 0; k < start; ++k) push(WordRun::Kind::Same, a[k]);

    // The middle, its words numbered so that equal words have equal numbers.
    const size_t rows = n - end - start, cols = m - end - start;
    std::vector<unsigned> x(rows), y(cols);
    {
        std::unordered_map<std::string_view, unsigned> number;
        for (size_t i = 0; i < rows; ++i) x[i] = number.try_emplace(a[start + i], static_cast<unsigned>(number.size())).first->second;
        for (size_t j = 0; j < cols; ++j) y[j] = number.try_emplace(b[start + j], static_cast<unsigned>(number.size())).first->second;
    }
    // lcs[i * (cols + 1) + j]: the longest common subsequence of x[i..] and y[j..].
    const size_t stride = cols + 1;
    std::vector<unsigned> lcs((rows + 1) * stride, 0);
    for (size_t i = rows; i-- > 0;)
        for (size_t j = cols; j-- > 0;)
            lcs[i * stride + j] = x[i] == y[j] ? lcs[(i + 1) * stride + j + 1] + 1
                                               : std::max(lcs[(i + 1) * stride + j], lcs[i * stride + j + 1]);
    size_t i = 0, j = 0;
    while (i < rows && j < cols) {
        if (x[i] == y[j]) { push(WordRun::Kind::Same, a[start + i]); ++i; ++j; }
        else if (lcs[(i + 1) * stride + j] >= lcs[i * stride + j + 1]) push(WordRun::Kind::Deleted, a[start + i++]);
        else push(WordRun::Kind::Inserted, b[start + j++]);
    }
    // Into the common end: equal words kept, the others of the longer rest left out.
    i += start;
    j += start;
    const bool before_left = j == m - end && i < n - end;  // `after` reached its common end first
    while (i < n && j < m) {
        if (a[i] == b[j]) { push(WordRun::Kind::Same, a[i]); ++i; ++j; }
        else if (before_left) push(WordRun::Kind::Deleted, a[i++]);
        else push(WordRun::Kind::Inserted, b[j++]);
    }
    while (i < n) push(WordRun::Kind::Deleted, a[i++]);
    while (j < m) push(WordRun::Kind::Inserted, b[j++]);
    return runs;
}

bool is_loaded(const History& history, const FileRevision& revision, const std::string* loaded) {
    if (!loaded || loaded->empty()) return history.in_working_folder(revision);
    return revision.kind != ChangeKind::Deleted && revision.blob() == *loaded;
}

namespace {

// Every revision of the file now at `path`, with the record as it was (`load` sets it) and the
// differences from each version to the next newer one (`compare`); newest first.
// `loaded`: the blob id of the record's text as loaded now (is_loaded). `current` sets the newest
// version from the record as loaded now, when that text is the newest version's (it returns false
// when it cannot).
// `read`: the newest versions, as an earlier call gave them (see activity_versions).
template <typename Load, typename Current, typename Compare>
std::vector<RecordVersion> versions_of(const History& history, const std::string& path, const std::string* loaded, Load load,
                                       Current current, Compare compare, size_t newest = 0, std::vector<RecordVersion> read = {}) {
    std::vector<RecordVersion> versions;
    const auto& revisions = history.file_revisions(path);
    size_t reused = 0;  // versions taken from `read`
    for (const auto& fr : revisions) {
        if (newest > 0 && versions.size() == newest) break;
        if (reused == versions.size() && reused < read.size() && read[reused].revision == fr.revision) {
            RecordVersion v = std::move(read[reused++]);
            // A current version's activity, let go after the earlier call, is the one loaded now.
            if (v.current && !v.activity && revisions.size() > 1 && !current(v))
                if (auto text = history.read(fr)) load(v, *text);
            versions.push_back(std::move(v));
            continue;
        }
        RecordVersion v;
        v.revision = fr.revision;
        v.change = fr.kind;
        v.path = fr.path();
        v.current = versions.empty() && is_loaded(history, fr, loaded);
        // The current version is needed only to compare the one before with it.
        if (!(v.current && (revisions.size() == 1 || current(v))))
            if (auto text = history.read(fr)) load(v, *text);
        versions.push_back(std::move(v));
    }
    // The oldest version read has no differences: one taken over from a longer list loses them.
    if (reused > 0 && reused == versions.size() && reused < read.size()) versions.back().differences.clear();
    // Those taken over were compared already.
    for (size_t i = reused > 0 ? reused - 1 : 0; i + 1 < versions.size(); ++i) compare(versions[i + 1], versions[i]);
    return versions;
}

}  // namespace

std::vector<RecordVersion> activity_versions(const History& history, const std::string& path, const std::string& group,
                                             const std::string& plan, const std::string& id, const model::Activity* current,
                                             size_t newest, std::vector<RecordVersion> read) {
    return versions_of(
        history, path, current ? &current->blob : nullptr,
        [&](RecordVersion& v, const std::string& text) {
            if (auto rec = parse(v.path, text, true, content::RecordKind::Activity, group, plan, id)) {
                Diagnostics ignored;
                v.activity = model::build_activity(*rec, ignored);
            }
        },
        [&](RecordVersion& v) {
            if (!current) return false;
            v.activity = *current;
            return true;
        },
        [&](const RecordVersion& older, RecordVersion& newer) {
            if (older.activity && newer.activity) newer.differences = diff_activities(*older.activity, *newer.activity);
            // Moved from one plan's folder to another's (not with its plan's folder, whose plan
            // file is then gone from where it was): the plan it left, as it was.
            if (newer.change != ChangeKind::Renamed || !newer.moved_from.empty() || newer.revision + 1 >= history.revisions().size())
                return;
            const std::string from = content::layout::plan_beside(older.path);
            if (from.empty() || from == content::layout::plan_beside(newer.path) || !history.read(newer.revision, from)) return;
            if (auto left = plan_named_at(history, newer.revision + 1, from, content::layout::plan_beside(newer.path)))
                newer.moved_from = {left->first, left->second};
        },
        newest, std::move(read));
}

std::vector<RecordVersion> plan_versions(const History& history, const std::string& path, const std::string& group,
                                         const std::string& id, size_t recent, const std::string* loaded) {
    const auto in_recent = [&](size_t revision) { return recent == 0 || revision < recent; };
    const std::string folder = content::layout::activities_beside(path) + "/";
    auto changes = history.added_or_deleted_under(folder);
    std::erase_if(changes, [&](const auto& change) { return !in_recent(change.first); });
    const auto& file = history.file_revisions(path);
    const size_t shown =
        static_cast<size_t>(std::count_if(file.begin(), file.end(), [&](const FileRevision& fr) { return in_recent(fr.revision); }));
    std::vector<RecordVersion> versions;
    if (shown > 0)
        versions = versions_of(
            history, path, loaded,
            [&](RecordVersion& v, const std::string& text) {
                if (auto rec = parse(v.path, text, false, content::RecordKind::Plan, group, id, id)) {
                    Diagnostics ignored;
                    v.plan = model::build_plan(*rec, ignored);
                }
            },
            [](RecordVersion&) { return false; },  // the plan as loaded carries its activities: read it as it was
            [](const RecordVersion& older, RecordVersion& newer) {
                if (older.plan && newer.plan) newer.differences = diff_plans(*older.plan, *newer.plan);
            },
            recent == 0 ? 0 : shown + 1);  // (and the version before the oldest shown, to compare it with)

    // Activities added to or removed from the plan's folder, named by their title where readable.
    auto title_at = [&](size_t revision, const std::string& file, const std::string& blob) {
        if (auto text = blob.empty() ? history.read(revision, file) : history.read_blob(blob)) {
            if (auto title = plain_title(*text)) return *title;
            if (auto rec = parse(file, *text, true, content::RecordKind::Activity, group, id, "x")) {
                if (const auto* t = rec->data.get("title"); t && t->type == content::Value::Type::String) return t->string;
            }
        }
        return file.substr(file.rfind('/') + 1);
    };
    auto other_plan = [&](size_t revision, const std::string& plan_file) { return plan_named_at(history, revision, plan_file, path); };
    auto moved = [](const char* kind, std::string title, const std::string& file, const std::pair<std::string, std::string>& plan) {
        Difference d{kind, {std::move(title), file, plan.first}, {}};
        if (!plan.second.empty()) {
            d.kind += "_group";
            d.args.push_back(plan.second);
        }
        return d;
    };
    const size_t count = history.revisions().size();
    for (size_t at = 0; at < changes.size();) {
        const size_t r = changes[at].first;
        std::vector<Difference> found;
        for (; at < changes.size() && changes[at].first == r; ++at) {
            const Change& c = *changes[at].second;
            const bool before = c.kind != ChangeKind::Added && c.old_path.compare(0, folder.size(), folder) == 0;
            const bool after = c.kind != ChangeKind::Deleted && c.path.compare(0, folder.size(), folder) == 0;
            if (before == after) continue;  // moved within the folder
            if (after) {
                // Moved here with the plan file (its folder renamed), it stays in the same plan.
                const std::string from = c.kind == ChangeKind::Renamed ? content::layout::plan_beside(c.old_path) : std::string();
                if (!from.empty() && r + 1 < count && from == plan_path_in(file, r + 1, path)) continue;
                const std::string title = title_at(r, c.path, c.blob);
                const auto other = from.empty() || r + 1 >= count ? std::nullopt : other_plan(r + 1, from);
                found.push_back(other ? moved("activity_moved_in", title, c.path, *other)
                                      : Difference{"activity_added", {title, c.path}, {}});
            } else {
                const std::string to = c.kind == ChangeKind::Renamed ? content::layout::plan_beside(c.path) : std::string();
                if (!to.empty() && to == plan_path_in(file, r, path)) continue;
                const std::string title = r + 1 < count ? title_at(r + 1, c.old_path, {}) : c.old_path;
                const auto other = other_plan(r, to);
                found.push_back(other ? moved("activity_moved_out", title, c.old_path, *other)
                                      : Difference{"activity_removed", {title, c.old_path}, {}});
            }
        }
        if (found.empty()) continue;
        auto it = std::find_if(versions.begin(), versions.end(), [&](const RecordVersion& v) { return v.revision == r; });
        if (it == versions.end()) {
            RecordVersion v;
            v.revision = r;
            v.path = path;
            it = versions.insert(std::upper_bound(versions.begin(), versions.end(), r,
                                                  [](size_t rev, const RecordVersion& x) { return rev < x.revision; }),
                                 std::move(v));
        }
        it->differences.insert(it->differences.end(), found.begin(), found.end());
    }
    return versions;
}

std::vector<RecordVersion> record_versions(const History& history, const model::Site& site, const std::string& path) {
    for (const auto& g : site.groups)
        for (const auto& p : g.plans) {
            if (p.path == path) return plan_versions(history, p.path, g.id, p.id);
            for (const auto& a : p.activities)
                if (a.path == path) return activity_versions(history, a.path, g.id, p.id, a.id);
        }
    std::vector<RecordVersion> versions;
    for (const auto& fr : history.file_revisions(path)) {
        RecordVersion v;
        v.revision = fr.revision;
        v.change = fr.kind;
        v.path = fr.path();
        versions.push_back(std::move(v));
    }
    return versions;
}

}  // namespace samplan::history
