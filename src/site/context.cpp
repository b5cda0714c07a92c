// site/context.cpp — the page context: the parts every page carries, links, breadcrumbs, page hand-off.
#include "site/builder.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <numeric>
#include <set>

#include "content/layout.h"
#include "core/collate.h"
#include "core/parallel.h"

namespace samplan::site {

const std::string& Strings::get(const std::string& key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? key : it->second;
}

Data Strings::as_data() const {
    Data d = Data::map();
    for (const auto& [k, v] : entries_) d.set(k, v);
    return d;
}

std::string data_key(const PageView& page, const std::string& inputs_key) {
    Digest d;
    d.add("data 2");
    d.add(inputs_key);
    d.add(page.layout);
    add_data(d, page.data);
    return d.hex();
}

std::string root_prefix(const std::string& page_path) {
    std::string prefix;
    for (const char c : page_path)
        if (c == '/') prefix += "../";
    return prefix;
}

// Adds a view model's whole tree to a page key: what a page made from it shows. Each value is
// marked with its kind (and a list or map with its size, a flag with its value) in one word.
void add_data(Digest& digest, const Data& data) {
    const auto kind = static_cast<std::uint64_t>(data.kind());
    switch (data.kind()) {
        case Data::Kind::List:
            digest.add_word(kind | static_cast<std::uint64_t>(data.items().size()) << 8);
            for (const Data& item : data.items()) add_data(digest, item);
            break;
        case Data::Kind::Map:
            digest.add_word(kind | static_cast<std::uint64_t>(data.entries().size()) << 8);
            for (const auto& [name, value] : data.entries()) {
                digest.add_words(name);
                add_data(digest, value);
            }
            break;
        case Data::Kind::Bool: digest.add_word(kind | static_cast<std::uint64_t>(data.flag()) << 8); break;
        default:
            digest.add_word(kind);
            digest.add_words(data.text());
            break;
    }
}

void add_diagnostic(Digest& digest, const Diagnostic& d, bool has_history) {
    digest.add_words(d.path);
    digest.add_word(static_cast<std::uint64_t>(static_cast<std::uint32_t>(d.pos.line)) |
                    static_cast<std::uint64_t>(static_cast<std::uint32_t>(d.pos.column)) << 32);
    digest.add_word(static_cast<std::uint64_t>(d.severity) | static_cast<std::uint64_t>(has_history) << 8 |
                    static_cast<std::uint64_t>(d.args.size()) << 16);
    for (const std::string* text : {&d.message, &d.rule, &d.suggestion, &d.form}) digest.add_words(*text);
    for (const auto& arg : d.args) digest.add_words(arg);
}

std::string format_number(double value, const std::string& language) {
    char buf[64];
    if (std::fabs(value - std::round(value)) < 1e-9 && std::fabs(value) < 1e15) {
        std::snprintf(buf, sizeof buf, "%.0f", value);
    } else {
        std::snprintf(buf, sizeof buf, "%.2f", value);
        std::string s = buf;
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
        if (language != "en") std::replace(s.begin(), s.end(), '.', ',');
        return s;
    }
    return buf;
}

std::string format_sek(std::int64_t amount, const std::string& language) {
    std::string digits = std::to_string(amount < 0 ? -amount : amount), out;
    const std::string sep = language == "en" ? "," : "\u00a0";
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
        out += digits[i];
    }
    return (amount < 0 ? "-" : "") + out + (language == "en" ? " SEK" : "\u00a0kr");
}

const char* status_class(ActivityStatus s) {
    switch (s) {
        case ActivityStatus::Planned: return "planned";
        case ActivityStatus::Ongoing: return "ongoing";
        case ActivityStatus::Finished: return "finished";
        case ActivityStatus::Cancelled: return "cancelled";
    }
    return "";
}

const char* plan_status_class(PlanStatus s) {
    switch (s) {
        case PlanStatus::Draft: return "draft";
        case PlanStatus::Decided: return "decided";
        case PlanStatus::Finished: return "finished";
    }
    return "";
}


std::string fill(const std::string& pattern, const std::vector<std::string>& args) {
    std::string out;
    for (size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] == '{' && i + 2 < pattern.size() && pattern[i + 2] == '}' && pattern[i + 1] >= '0' &&
            pattern[i + 1] <= '9') {
            const size_t n = static_cast<size_t>(pattern[i + 1] - '0');
            out += n < args.size() ? args[n] : std::string();
            i += 2;
        } else {
            out += pattern[i];
        }
    }
    return out;
}

std::string warning_sentence(const Diagnostic& d, const Strings& strings) {
    if (d.severity != Severity::Warning) return {};
    const std::string key = "warning_" + d.rule;
    const std::string& pattern = strings.get(key);
    return pattern == key ? std::string() : fill(pattern, d.args);
}

std::string diagnostic_sentence(const Diagnostic& d, const Strings& strings) {
    std::string out = warning_sentence(d, strings);
    if (out.empty() && !d.form.empty()) {  // a sentence with the diagnostic's values
        const std::string key = "rule_" + d.rule + "_" + d.form;
        if (const std::string& pattern = strings.get(key); pattern != key) out = fill(pattern, d.args);
    }
    if (out.empty()) {
        const std::string key = "rule_" + d.rule;
        if (strings.get(key) != key) out = strings.get(key);
    }
    if (out.empty() || d.suggestion.empty()) return out;
    const std::string key = "did_you_mean";  // get() may answer with its argument
    const std::string& pattern = strings.get(key);
    return pattern == key ? out : out + " " + fill(pattern, {d.suggestion});
}

std::string describe_difference(const history::Difference& diff, const Strings& strings) {
    // Status values are the content's own words; say them in the site's language, in lower case
    // as they stand mid-sentence ("från planerad till pågår").
    if (diff.kind == "status" || diff.kind == "plan_status") {
        static const std::map<std::string, std::string> kLabels = {
            {"planerad", "status_planned"}, {"pågår", "status_ongoing"}, {"avbruten", "status_cancelled"},
            {"utkast", "plan_status_draft"}, {"beslutad", "plan_status_decided"}};
        history::Difference translated = diff;
        for (auto& value : translated.args) {
            std::string key = value == "avslutad" ? (diff.kind == "status" ? "status_finished" : "plan_status_finished")
                                                  : (kLabels.count(value) ? kLabels.at(value) : "");
            if (key.empty() || strings.get(key) == key) continue;
            value = strings.get(key);
            if (!value.empty() && value[0] >= 'A' && value[0] <= 'Z') value[0] = static_cast<char>(value[0] - 'A' + 'a');
        }
        const std::string key = "diff_" + diff.kind;
        const std::string text = fill(strings.get(key), translated.args);
        return text == key ? diff.kind : text;
    }
    std::string key = "diff_" + diff.kind;
    if (diff.kind == "text" && !diff.args.empty()) key = "diff_text_" + diff.args[0];
    // A value set where there was none ("…_set"), or taken away ("…_unset"): the before and
    // after values are the last two arguments.
    const size_t n = diff.args.size();
    if (diff.kind != "text" && n >= 2 && diff.args[n - 2].empty() && strings.get(key + "_set") != key + "_set") key += "_set";
    else if (diff.kind != "text" && n >= 2 && diff.args[n - 1].empty() && strings.get(key + "_unset") != key + "_unset")
        key += "_unset";
    const std::string text = fill(strings.get(key), diff.args);
    return text == key ? diff.kind : text;
}

namespace {

// The order in which the groups' pages are made (indices into `groups`): each group with a page
// made again (`changed`), in their own order, followed by those of the groups in its batch
// (SiteOptions::group_batch) that are not; then the others, in their own order. So the pages
// of what changed are made, rendered and written first, and the work that waits for them (a
// part of the search index made while the other pages are) starts sooner. Their own order when
// all or none changed.
std::vector<size_t> changed_first(const std::vector<Group>& groups, const std::vector<bool>& changed,
                                  const std::function<std::string(const std::string& group_id)>& batch) {
    std::vector<size_t> order;
    std::vector<bool> placed(groups.size(), false);
    const auto place = [&](size_t i) {
        if (placed[i]) return;
        placed[i] = true;
        order.push_back(i);
    };
    std::map<std::string, std::vector<size_t>> unchanged_by_batch;
    if (batch)
        for (size_t i = 0; i < groups.size(); ++i)
            if (!changed[i]) unchanged_by_batch[batch(groups[i].id)].push_back(i);
    for (size_t i = 0; i < groups.size(); ++i) {
        if (!changed[i]) continue;
        place(i);
        if (!batch) continue;
        if (const auto mates = unchanged_by_batch.find(batch(groups[i].id)); mates != unchanged_by_batch.end())
            for (const size_t j : mates->second) place(j);
    }
    for (size_t i = 0; i < groups.size(); ++i) place(i);
    return order;
}

}  // namespace

Builder::Builder(const Site& site, const SiteOptions& options, const PageSink& sink)
    : site_(site), options_(options), sink_(sink), s_(*options.strings), lang_(site.settings.language) {
    group_order_.resize(site.groups.size());
    std::iota(group_order_.begin(), group_order_.end(), size_t{0});
    index_subjects_and_warnings();
    for (const auto& fa : site.regional.focus_areas)
        for (const auto& g : fa.goals) goal_area_[g.id] = &fa;
    for (const auto& g : site.groups)
        if (const Plan* p = current_plan(g))
            for (const auto& a : p->activities)
                if (a.status != ActivityStatus::Cancelled) activities_by_goal_[a.goal.id].push_back({&g, p, &a});
    for (auto& [goal, list] : activities_by_goal_)
        collate_sort(list, lang_, [](const Linked& l) { return l.activity->title; });
    // Each activity's process, by its history page: a change of step is told with the steps' names.
    for (const auto& g : site.groups)
        for (const auto& p : g.plans)
            for (const auto& a : p.activities) {
                const std::string& id = a.process.present() ? a.process.id : p.process.id;
                for (const auto& process : site.processes)
                    if (process.id == id) process_of_history_[activity_history_path(g.id, p.id, a.id)] = &process;
            }
    if (options_.history && options_.history->available()) {
        // Each plan's departed activities: a file deleted from its activities' folder (not from a
        // folder in it) or moved out of it, that is not one of its activities now.
        for (const auto& g : site.groups)
            for (const auto& p : g.plans) {
                const std::string folder = content::layout::activities_beside(p.path) + "/";
                const auto& plan_file = options_.history->file_revisions(p.path);
                std::set<std::string> seen;
                for (const auto& a : p.activities) seen.insert(a.path);
                auto& removed = removed_activities_[p.path];
                for (const auto& [revision, change] : options_.history->added_or_deleted_under(folder)) {
                    if (!history::takes_out_of_plan(*change, revision, p.path, plan_file)) continue;
                    // Moved, its revisions are known by where it went (it may be another plan's now).
                    std::string file = change->kind == history::ChangeKind::Deleted
                                           ? change->old_path
                                           : options_.history->path_now(revision, change->path);
                    if (seen.insert(file).second) removed.push_back({file, p.path + "\n" + file, revision});
                }
            }
        // Each group's jobs, in the order its pages are made; the groups are then visited in
        // group_order_ (changed first), and their jobs are given in that order.
        std::vector<std::vector<VersionPrefetch::Job>> group_jobs(site.groups.size());
        std::vector<bool> changed(site.groups.size(), !incremental());
        for (size_t gi = 0; gi < site.groups.size(); ++gi) {
            const Group& g = site.groups[gi];
            auto& jobs = group_jobs[gi];
            for (const auto& p : g.plans) {
                const size_t plan_job = jobs.size();
                jobs.push_back({&g, &p, nullptr});
                const size_t first_activity = jobs.size();
                for (const auto& a : p.activities) {
                    VersionPrefetch::Job job{&g, &p, &a};
                    if (options_.versions_read)
                        if (auto it = options_.versions_read->find(a.path); it != options_.versions_read->end()) {
                            job.read = std::move(it->second);
                            options_.versions_read->erase(it);
                        }
                    if (incremental()) record_keys_[a.path] = activity_keys(g, p, a);
                    jobs.push_back(job);
                }
                // The plan's whole folder is kept when its inputs are the previous build's.
                bool folder_kept = false;
                if (incremental()) {
                    PlanKeys& keys = plan_keys_[p.path];
                    keys.page = plan_page_key(g, p);
                    if (!keys.page.empty()) {
                        Digest d;
                        d.add_words("plan folder 1");
                        d.add_words(keys.page);
                        keys.folder = d.hex();
                        keys.kept = options_.unchanged(plan_folder_path(g.id, p.id), keys.folder);
                    }
                    folder_kept = keys.kept;
                    for (size_t j = first_activity; j < jobs.size(); ++j) {
                        const Activity& a = *jobs[j].activity;
                        RecordKeys& keys = record_keys_[a.path];
                        keys.history_kept =
                            folder_kept || options_.unchanged(activity_history_path(g.id, p.id, a.id), keys.history);
                        // What is still read: the versions the change log shows (and the one
                        // before each). Only the change log needs them, and its plan's history
                        // page if made again (below): they may be in the differences cache, by
                        // the activity's history key.
                        if (keys.history_kept) {
                            size_t shown = 0;
                            for (const auto& fr : options_.history->file_revisions(a.path))
                                if (fr.revision < kChangelogRevisions) ++shown;
                            jobs[j].newest = shown + 1;
                            jobs[j].none = shown == 0;  // the change log shows none of its versions
                            jobs[j].cached = keys.history;
                        }
                    }
                }
                // The plan's history shows its activities' changes: made again, it needs
                // every version of each, and of each activity removed from it. Kept, none of
                // the removed ones' (no other page shows them).
                const bool remade = !incremental() || (!folder_kept && !plan_history_kept(g, p));
                if (incremental() && remade)
                    for (size_t j = first_activity; j < jobs.size(); ++j) {
                        jobs[j].newest = 0;
                        jobs[j].none = false;
                    }
                if (remade)
                    for (const auto& gone : removed_activities(p))
                        jobs.push_back({.group = &g, .plan = &p, .activity = nullptr, .removed = gone.file, .key = gone.key});
                // Kept, the plan's own versions are read only for what the change log shows of
                // them: its newest commits' (not at all when none of them changed the plan).
                if (!remade) jobs[plan_job].recent = kChangelogRevisions;
                if (!folder_kept) changed[gi] = true;
            }
        }
        group_order_ = changed_first(site.groups, changed, options_.group_batch);
        std::vector<VersionPrefetch::Job> jobs;
        for (const size_t gi : group_order_)
            for (auto& job : group_jobs[gi]) jobs.push_back(std::move(job));
        // 16 records ahead: each holds every version parsed (at 10,000 commits, 64 ahead held
        // some 12 MiB more at the peak, for no time saved).
        versions_ = std::make_unique<VersionPrefetch>(*options_.history, std::move(jobs), 16,
                                                      incremental() ? options_.differences_cache : std::string());
    }
}

[[nodiscard]] bool Builder::incremental() const {
    return options_.unchanged && !options_.archive && options_.history && options_.history->available();
}

// Hands on the page at `path` as kept from the previous build.
void Builder::keep(std::string path, std::string key) {
    note_page(path);
    ++handed_;
    sink_(PageView{std::move(path), {}, {}, {}, std::move(key), true});
}

// "1 aktivitet", "3 aktiviteter".
std::string Builder::count_text(size_t n) const {
    return std::to_string(n) + " " + s_.get(n == 1 ? "activity_one" : "activity_many");
}

std::string Builder::href(const std::string& from, const std::string& to) const { return root_prefix(from) + to; }

// What every page carries: language, site name, navigation, footer links.
Data Builder::common(const std::string& path, const std::string& title, const std::string& section) const {
    Data d = Data::map();
    add_common(d, path, title, section);
    return d;
}

// Gives `d` what every page carries (see common()): the parts alike on all pages at the same
// depth in the same section are shared, the rest set on `d`.
void Builder::add_common(Data& d, const std::string& path, const std::string& title, const std::string& section) const {
    d.inherit(shared_common(root_prefix(path), section));
    d.set("title", title);
    if (const ArchiveInfo* a = options_.archive) {
        // From versions/<name>/<path> back to the current site's <path>.
        const std::string to_current = root_prefix(a->prefix + path);
        const bool exists = a->current_pages && std::binary_search(a->current_pages->begin(), a->current_pages->end(), path);
        d.set("archived", Data::map({{"name", a->name},
                                     {"date", a->date.iso()},
                                     {"current_href", exists ? to_current + path : std::string()},
                                     {"current_home_href", to_current + home_path()}}));
    }
    if (!site_.settings.base_url.empty()) {
        std::string url = site_.settings.base_url;
        if (url.back() != '/') url += '/';
        std::string clean = path;
        if (clean.size() >= 10 && clean.compare(clean.size() - 10, 10, "index.html") == 0)
            clean.resize(clean.size() - 10);
        d.set("canonical", url + clean);
    }
}

// The part of common() that depends only on the way back to the root and the section; made
// once for each (pages are made on several threads).
std::shared_ptr<const Data> Builder::shared_common(const std::string& root, const std::string& section) const {
    const std::string key = root + '\n' + section;
    std::lock_guard lock(common_mutex_);
    auto& slot = common_cache_[key];
    if (slot) return slot;
    Data d = Data::map();
    d.set("lang", lang_);
    d.set("site_title", site_.settings.title);
    d.set("organisation", site_.settings.organisation);
    d.set("root", root);
    d.set("home_href", root + home_path());
    d.set("css_href", root + asset_path("style.css"));
    d.set("print_css_href", root + asset_path("print.css"));
    d.set("menu_js_href", root + asset_path("menu.js"));
    d.set("favicon_href", root + asset_path("favicon.svg"));
    d.set("search_href", options_.archive ? std::string() : root + search_path());  // archives are not searched
    d.set("accessibility_href", root + accessibility_path());
    d.set("data_href", root + site_data_path());
    d.set("activities_csv_href", root + activities_csv_path());
    d.set("indicators_csv_href", root + indicators_csv_path());
    d.set("feed_href", root + feed_path());
    d.set("changes_href", options_.history && options_.history->available() ? root + changes_path() : std::string());
    d.set("versions_href", options_.versions.empty() ? std::string() : root + versions_path());
    Data nav = Data::list();
    const std::vector<std::pair<std::string, std::string>> items = {
        {"home", home_path()}, {"regional", regional_path()}, {"groups", groups_path()},
        {"processes", processes_path()}, {"follow-up", follow_up_path()}};
    for (const auto& [key, target] : items)
        nav.push(Data::map({{"label", s_.get("nav_" + key)},
                            {"href", root + target},
                            {"current", key == section}}));
    for (const auto& p : site_.pages)
        nav.push(Data::map({{"label", p.title}, {"href", root + page_path(p.id)}, {"current", section == "page:" + p.id}}));
    d.set("nav", std::move(nav));
    slot = std::make_shared<const Data>(std::move(d));
    return slot;
}

// The sitemap's pages (only with base_url: a sitemap needs absolute addresses), one per line:
// a site with years of history has tens of thousands, and a string each would cost some
// 100 bytes of memory more apiece for the whole pages stage.
void Builder::note_page(const std::string& path) {
    if (site_.settings.base_url.empty()) return;
    if (path.size() > 5 && path.compare(path.size() - 5, 5, ".html") == 0 && path != not_found_path())
        sitemap_pages_.append(path).push_back('\n');
}

void Builder::add(std::string path, std::string layout, Data data, std::string key) {
    note_page(path);
    ++handed_;
    sink_(PageView{std::move(path), std::move(layout), std::move(data), {}, std::move(key)});
}

bool Builder::keep_if_unchanged(const std::string& path, const std::string& key) {
    if (key.empty() || !options_.unchanged(path, key)) return false;
    keep(path, key);
    return true;
}

std::string Builder::page_key(const std::string& path, const std::function<bool(Digest&)>& add) const {
    if (!incremental()) return {};
    Digest d;
    d.add_words("site page 2");
    d.add_words(options_.inputs_key);
    d.add_words(options_.today.iso());
    d.add_words(path);
    return add(d) ? d.hex() : std::string();
}

bool Builder::add_linked(Digest& d, const Group& g, const Plan& p, const Activity& a) const {
    // Once per activity (several keys list the same activities), as one word.
    const auto [it, added] = linked_.try_emplace(&a, std::optional<std::uint64_t>());
    if (added) {
        Digest files;
        bool all_read = true;
        for (const std::string* record_path : {&g.path, &p.path, &a.path}) {
            const std::string& id = content_id(*record_path);
            if (id.empty()) {
                all_read = false;
                break;
            }
            files.add_words(*record_path);
            files.add_words(id);
        }
        if (all_read) it->second = files.value();
    }
    if (!it->second) return false;
    d.add_word(*it->second);
    return true;
}

bool Builder::add_group_files(Digest& d, const Group& g) const {
    bool all_read = true;
    auto add_file = [&](const std::string& record_path) {
        const std::string& id = content_id(record_path);
        all_read = all_read && !id.empty();
        d.add_words(record_path);
        d.add_words(id);
    };
    add_file(g.path);
    d.add_word(g.plans.size() | g.evaluations.size() << 32);
    for (const auto& p : g.plans) {
        add_file(p.path);
        d.add_word(p.activities.size());
        for (const auto& a : p.activities) add_file(a.path);
    }
    for (const auto& e : g.evaluations) add_file(e.path);
    return all_read;
}

const std::string& Builder::content_id(const std::string& record_path) const {
    std::call_once(content_ids_once_, [this] {
        for (const auto& g : site_.groups) {
            content_ids_.emplace(g.path, &g.blob);
            for (const auto& p : g.plans) {
                content_ids_.emplace(p.path, &p.blob);
                for (const auto& a : p.activities) content_ids_.emplace(a.path, &a.blob);
            }
            for (const auto& e : g.evaluations) content_ids_.emplace(e.path, &e.blob);
        }
    });
    static const std::string kNone;
    const auto it = content_ids_.find(record_path);
    return it == content_ids_.end() ? kNone : *it->second;
}

bool Builder::named(const std::string& record_path) const {
    const std::string& id = content_id(record_path);
    if (id.empty()) return false;
    const auto& file = options_.history->file_revisions(record_path);
    return !file.empty() && file.front().kind != history::ChangeKind::Deleted && file.front().blob() == id;
}

// A page whose data `make` makes later, on the thread that renders it, from this builder's
// const members.
void Builder::add_later(std::string path, std::string layout, std::function<Data(const Builder&)> make, std::string key) {
    note_page(path);
    ++handed_;
    sink_(PageView{std::move(path), std::move(layout), {},
                   [self = std::shared_ptr<const Builder>(shared_from_this()), make = std::move(make)] { return make(*self); },
                   std::move(key)});
}

Data Builder::crumbs(const std::string& from, std::vector<std::pair<std::string, std::string>> trail) const {
    Data list = Data::list();
    list.push(Data::map({{"label", s_.get("nav_home")}, {"href", href(from, home_path())}}));
    for (auto& [label, to] : trail) list.push(Data::map({{"label", label}, {"href", href(from, to)}}));
    return list;
}

std::string Builder::target_group_label(const std::string& id) const {
    for (const auto& tg : site_.settings.target_groups)
        if (tg.id == id) return tg.label;
    return id;
}

const Process* Builder::process_of(const Plan& p, const Activity& a) const {
    const std::string& id = a.process.present() ? a.process.id : p.process.id;
    for (const auto& pr : site_.processes)
        if (pr.id == id) return &pr;
    return nullptr;
}

std::string Builder::period(const std::optional<Date>& start, const std::optional<Date>& end) const {
    return (start ? start->iso() : std::string("?")) + "\u2009–\u2009" + (end ? end->iso() : std::string("?"));
}

}  // namespace samplan::site
