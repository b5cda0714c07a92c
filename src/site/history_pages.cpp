// site/history_pages.cpp — history pages, older versions, the change log and the versions page.
#include "site/builder.h"

#include <cstdlib>
#include <map>

namespace samplan::site {

// A record whose history lists its commits without structured differences (groups, the
// regional plan, pages). Their folders below history/ start with "_", which no id can.
void Builder::add_plain_history(Changelog& changelog, Data& d, const std::string& from, const std::string& record_path, std::string history_page,
                       const std::string& title, std::vector<std::pair<std::string, std::string>> trail) {
    d.set("last_changed", "");
    d.set("history_href", "");
    if (!options_.history || !options_.history->available()) return;
    std::vector<history::RecordVersion> versions;
    for (const auto& fr : options_.history->file_revisions(record_path)) {
        history::RecordVersion v;
        v.revision = fr.revision;
        v.change = fr.kind;
        v.path = fr.path();
        versions.push_back(std::move(v));
    }
    if (versions.empty()) return;
    add_record_history(changelog, history_page, title, from,
                       std::make_shared<const std::vector<history::RecordVersion>>(std::move(versions)), "",
                       [](const history::RecordVersion&) -> OldPage { return {}; }, std::move(trail));
    set_last_changed(d, from, record_path, history_page);
}

void Builder::set_last_changed(Data& d, const std::string& from, const std::string& record_path, const std::string& history_page) const {
    set_last_changed(d, from, std::vector<std::string>{record_path}, history_page);
}

void Builder::set_last_changed(Data& d, const std::string& from, const std::vector<std::string>& record_paths,
                      const std::string& history_page, const std::vector<size_t>& more) const {
    d.set("last_changed", "");
    d.set("history_href", "");
    std::optional<Date> newest;
    bool boundary = false;  // only the oldest commit of an incomplete history: it may have changed before
    const auto& revisions = options_.history->revisions();
    auto consider = [&](const history::FileChange& change) {
        if (newest && change.date < *newest) return;
        const bool at_boundary = !options_.history->note().empty() && change.commit == revisions.back().commit;
        boundary = (!newest || change.date > *newest) ? at_boundary : boundary && at_boundary;
        newest = change.date;
    };
    for (const auto& record_path : record_paths)
        if (auto change = options_.history->last_change(record_path)) consider(*change);
    for (const size_t r : more) consider({revisions.at(r).date, revisions.at(r).commit});
    d.set("last_changed_or_earlier", boundary);
    if (newest) {
        d.set("last_changed", newest->iso());
        d.set("history_href", href(from, history_page));
    }
}

// A change of step as "5 Avrapportering": the number with the name of that step of the
// activity's process (the history page `path` tells which activity).
history::Difference Builder::with_step_names(const std::string& path, const history::Difference& diff) const {
    if (diff.kind != "step") return diff;
    const auto it = process_of_history_.find(path);
    if (it == process_of_history_.end()) return diff;
    history::Difference named = diff;
    for (auto& value : named.args) {
        if (value.empty()) continue;
        const int n = std::atoi(value.c_str());
        if (n >= 1 && n <= static_cast<int>(it->second->steps.size()))
            value += " " + it->second->steps[static_cast<size_t>(n - 1)].title;
    }
    return named;
}

// Why the history is incomplete, in the site's language (the history stage's note is for
// the command line, in English); empty when it is complete.
std::string Builder::history_note() const {
    return options_.history->note().empty() ? std::string() : s_.get("history_incomplete");
}

// One difference in the site's language; "text" differences carry their word runs.
Data Builder::difference_data(const history::Difference& diff) const {
    const std::string text = describe_difference(diff, s_);
    Data words = Data::list();
    for (const auto& run : diff.words)
        words.push(Data::map({{"text", run.text},
                              {"inserted", run.kind == history::WordRun::Kind::Inserted},
                              {"deleted", run.kind == history::WordRun::Kind::Deleted},
                              {"same", run.kind == history::WordRun::Kind::Same}}));
    return Data::map({{"text", text}, {"words", std::move(words)}, {"has_words", !diff.words.empty()}, {"record", diff.record}});
}

// The history page at `path` of the record whose page is `current_page`, and a page of layout
// `layout` for each older version that `page_of` can make. The pages are made later, on the
// render threads; here only the change log takes what it shows.
void Builder::add_record_history(Changelog& changelog, const std::string& path, const std::string& title, const std::string& current_page,
                        const std::shared_ptr<const std::vector<history::RecordVersion>>& shared_versions,
                        const std::string& layout, const std::function<OldPage(const history::RecordVersion&)>& page_of, std::vector<std::pair<std::string, std::string>> trail,
                        const std::string& key) {
    const auto& versions = *shared_versions;
    const auto& revisions = options_.history->revisions();
    note_changes(changelog, path, title, versions);
    std::vector<char> has_page(versions.size(), 0);  // whether version i has a page of its own
    for (size_t i = 0; i < versions.size(); ++i) {
        const auto& v = versions[i];
        if (v.current) continue;
        OldPage make = page_of(v);
        if (!make) continue;
        has_page[i] = 1;
        const auto& rev = revisions.at(v.revision);
        const std::string rev_path = revision_path(path, rev.short_id);
        add_later(rev_path, layout,
                  [make = std::move(make), shared_versions, rev_path, title, trail, path, current_page,
                   date = rev.date.iso(), short_id = rev.short_id](const Builder& b) {
                      Data page = make(b, rev_path);
                      b.add_common(page, rev_path, title, "groups");
                      page.set("breadcrumbs", b.crumbs(rev_path, trail));
                      page.set("old_version", Data::map({{"date", date},
                                                         {"short_id", short_id},
                                                         {"current_href", b.href(rev_path, current_page)},
                                                         {"history_href", b.href(rev_path, path)}}));
                      return page;
                  },
                  key);
    }
    add_later(
        path, "history",
        [path, title, current_page, shared_versions, has_page = std::move(has_page), trail = std::move(trail)](
            const Builder& b) { return b.history_data(path, title, current_page, *shared_versions, has_page, trail); },
        key);
}

// The history page at `path` and the older versions' pages of a record whose history the
// previous build published from the same inputs (`key`): kept as they are. `versions` holds
// only the newest versions, those the change log needs.
void Builder::keep_record_history(Changelog& changelog, const std::string& path, const std::string& title, const std::string& record_path,
                         const std::vector<history::RecordVersion>& versions, const std::string& key) {
    note_changes(changelog, path, title, versions);
    const auto& revisions = options_.history->revisions();
    const auto& file = options_.history->file_revisions(record_path);
    for (size_t i = 0; i < file.size(); ++i) {
        const std::string rev_path = revision_path(path, revisions.at(file[i].revision).short_id);
        // The newest version may be the record's own page, and a version that could not be
        // read has none: only the pages the previous build wrote with this key are kept.
        if (options_.unchanged(rev_path, key)) keep(rev_path, key);
    }
    keep(path, key);  // after its older versions, as add_record_history hands them on (the sitemap's order)
}

// What the change log shows of a record's versions: those of its newest commits.
void Builder::note_changes(Changelog& changelog, const std::string& path, const std::string& title, const std::vector<history::RecordVersion>& versions) {
    if (!noted_.insert(path).second) return;  // once per history page
    for (const auto& v : versions)
        if (v.revision < kChangelogRevisions) {
            // A plan's history holds its activities' changes too: the change log has them
            // from the activities' own histories.
            for (const auto& diff : v.differences)
                if (diff.record.empty() && !draft_difference(diff)) changelog[v.revision].push_back({title, path, diff});
            if (v.differences.empty()) changelog[v.revision].push_back({title, path, {}});
        }
}

// A difference that names a draft activity, which stays unpublished, in the history too.
bool Builder::draft_difference(const history::Difference& diff) const {
    return diff.kind.starts_with("activity_") && diff.args.size() > 1 &&  // added, removed, moved in or out
           std::binary_search(options_.draft_paths.begin(), options_.draft_paths.end(), diff.args[1]);
}

// What a record's history page shows: every version, what changed in it, and a link to the
// page of each version that has one (`has_page`) or to the record's own page for the current.
Data Builder::history_data(const std::string& path, const std::string& title, const std::string& current_page,
                  const std::vector<history::RecordVersion>& versions, const std::vector<char>& has_page,
                  const std::vector<std::pair<std::string, std::string>>& trail) const {
    const auto& revisions = options_.history->revisions();
    Data d = common(path, s_.get("history_title") + ": " + title, "groups");
    d.set("breadcrumbs", crumbs(path, trail));
    d.set("record", title);
    d.set("record_href", href(path, current_page));
    d.set("note", history_note());
    const bool incomplete = !options_.history->note().empty();
    Data list = Data::list();
    for (size_t i = 0; i < versions.size(); ++i) {
        const auto& v = versions[i];
        const auto& rev = revisions.at(v.revision);
        Data item = Data::map({{"date", rev.date.iso()},
                               {"summary", rev.summary},
                               {"short_id", rev.short_id},
                               {"author", site_.settings.history_authors ? rev.author : std::string()},
                               {"created", v.change == history::ChangeKind::Added &&
                                               !(incomplete && v.revision + 1 == revisions.size())},
                               {"deleted", v.change == history::ChangeKind::Deleted},
                               {"renamed", v.change == history::ChangeKind::Renamed && v.moved_from.empty()},
                               {"moved_from", v.moved_from.empty() ? std::string()
                                              : fill(s_.get(v.moved_from.size() > 1 && !v.moved_from[1].empty()
                                                                ? "history_moved_from_group" : "history_moved_from"),
                                                     v.moved_from)},
                               {"revision_href", ""}});
        Data diffs = Data::list();
        for (const auto& diff : v.differences)
            if (!draft_difference(diff)) diffs.push(difference_data(with_step_names(path, diff)));
        item.set("differences", std::move(diffs));
        if (v.current) item.set("revision_href", href(path, current_page));  // the record's own page is this version
        else if (has_page[i]) item.set("revision_href", href(path, revision_path(path, rev.short_id)));
        list.push(std::move(item));
    }
    d.set("versions", std::move(list));
    return d;
}

// The site-wide change log: the newest commits and, per record they touched, what changed. Its
// page and its feed are keyed by what they show (changelog_key), and made on the render threads.
void Builder::add_changelog(Changelog&& changelog) {
    if (!options_.history || !options_.history->available()) return;
    const auto shared = std::make_shared<const Changelog>(std::move(changelog));
    const std::string path = changes_path();
    std::string key = changelog_key(path, *shared, kChangelogRevisions);
    if (!keep_if_unchanged(path, key))
        add_later(path, "changes", [path, shared](const Builder& b) { return b.changes_data(path, *shared); }, std::move(key));
    const std::string feed = changes_feed_path();
    std::string feed_key = changelog_key(feed, *shared, kChangesFeedRevisions);
    if (!keep_if_unchanged(feed, feed_key))
        add_later(feed, "feed", [shared](const Builder& b) { return b.changes_feed_data(*shared); }, std::move(feed_key));
}

std::string Builder::changelog_key(const std::string& path, const Changelog& changelog, size_t shown) const {
    return page_key(path, [this, &changelog, shown](Digest& d) {
        d.add_words("changes 1");
        d.add_words(options_.history->note());
        const auto& revisions = options_.history->revisions();
        for (size_t r = 0; r < revisions.size() && r < shown; ++r) {
            // The commit's id stands for its date, summary and short id; its author is after
            // .mailmap, which may change.
            d.add_words(revisions[r].commit);
            d.add_words(revisions[r].author);
            const auto it = changelog.find(r);
            if (it == changelog.end()) {
                d.add_word(0);
                continue;
            }
            d.add_word(it->second.size());
            for (const auto& e : it->second) {
                const history::Difference& diff = e.difference;
                for (const std::string* text : {&e.title, &e.history_page, &diff.kind, &diff.record}) d.add_words(*text);
                d.add_word(diff.args.size() | static_cast<std::uint64_t>(diff.words.size()) << 32);
                for (const auto& arg : diff.args) d.add_words(arg);
                for (const auto& run : diff.words) {
                    d.add_word(static_cast<std::uint64_t>(run.kind));
                    d.add_words(run.text);
                }
                if (diff.kind == "step") {  // told with the steps' names of the activity's process now
                    const auto process = process_of_history_.find(e.history_page);
                    d.add_words(process == process_of_history_.end() ? std::string_view("-") : std::string_view(process->second->id));
                }
            }
        }
        return true;
    });
}

Data Builder::changes_data(const std::string& path, const Changelog& changelog) const {
    Data d = common(path, s_.get("changes_title"), "");
    d.set("breadcrumbs", crumbs(path, {}));
    const auto& revisions = options_.history->revisions();
    Data list = Data::list();
    for (size_t r = 0; r < revisions.size() && r < kChangelogRevisions; ++r) {
        const auto& rev = revisions[r];
        Data records = Data::list();
        if (auto it = changelog.find(r); it != changelog.end()) {
            // Each record's first entry (its title) and its differences, in the order first met.
            std::vector<std::pair<const ChangelogEntry*, Data>> by_record;
            std::map<std::string_view, size_t> position;
            for (const auto& e : it->second) {
                const auto [at, first] = position.try_emplace(e.history_page, by_record.size());
                if (first) by_record.emplace_back(&e, Data::list());
                if (!e.difference.kind.empty())
                    by_record[at->second].second.push(e.difference.kind == "step"
                                                          ? difference_data(with_step_names(e.history_page, e.difference))
                                                          : difference_data(e.difference));
            }
            for (auto& [e, differences] : by_record)
                records.push(Data::map({{"title", e->title},
                                        {"href", href(path, e->history_page)},
                                        {"differences", std::move(differences)}}));
        }
        list.push(Data::map({{"date", rev.date.iso()},
                             {"summary", rev.summary},
                             {"short_id", rev.short_id},
                             {"author", site_.settings.history_authors ? rev.author : std::string()},
                             {"records", std::move(records)}}));
    }
    d.set("commits", std::move(list));
    d.set("note", history_note());
    return d;
}

Data Builder::changes_feed_data(const Changelog& changelog) const {
    const std::string path = changes_path();
    const auto& revisions = options_.history->revisions();
    std::string base = site_.settings.base_url;
    if (!base.empty() && base.back() != '/') base += '/';
    Data entries = Data::list();
    for (size_t r = 0; r < revisions.size() && r < kChangesFeedRevisions; ++r) {
        const auto& rev = revisions[r];
        // What changed, record by record ("Titel: Status ändrad …; …"); the commit's summary when nothing did.
        std::string summary;
        if (auto it = changelog.find(r); it != changelog.end())
            for (const auto& e : it->second) {
                if (e.difference.kind.empty()) continue;
                const std::string text = e.difference.kind == "step"
                                             ? describe_difference(with_step_names(e.history_page, e.difference), s_)
                                             : describe_difference(e.difference, s_);
                summary += (summary.empty() ? "" : "; ") + e.title + ": " + text;
            }
        entries.push(Data::map({{"title", rev.summary},
                                {"link", base.empty() ? path : page_url(base, changes_path())},
                                {"id", (base.empty() ? std::string("urn:samplan:commit:") : page_url(base, changes_path()) + "#") + rev.commit},
                                {"updated", rev.date.iso() + "T00:00:00Z"},
                                {"summary", summary.empty() ? rev.summary : summary}}));
    }
    return Data::map({{"title", site_.settings.title + " – " + s_.get("changes_title")},
                      {"id", base.empty() ? std::string("urn:samplan:changes") : base + changes_feed_path()},
                      {"self", base + changes_feed_path()},
                      {"home", base.empty() ? path : page_url(base, changes_path())},
                      {"author", site_.settings.organisation.empty() ? site_.settings.title : site_.settings.organisation},
                      {"updated", (revisions.empty() ? options_.today : revisions.front().date).iso() + "T00:00:00Z"},
                      {"entries", std::move(entries)}});
}

void Builder::add_versions() {
    if (options_.versions.empty() || options_.archive) return;
    const std::string path = versions_path();
    Data d = common(path, s_.get("versions_title"), "");
    d.set("breadcrumbs", crumbs(path, {}));
    Data list = Data::list();
    for (auto it = options_.versions.rbegin(); it != options_.versions.rend(); ++it)
        list.push(Data::map({{"name", it->name}, {"date", it->date.iso()},
                             {"href", href(path, version_prefix(it->name) + home_path())}}));
    d.set("versions", std::move(list));
    add(path, "versions", std::move(d));
}

}  // namespace samplan::site
