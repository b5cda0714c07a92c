#include "site/site.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <thread>
#include <mutex>
#include <memory>
#include <condition_variable>
#include <future>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "content/layout.h"
#include "core/big_stack.h"
#include "core/collate.h"
#include "core/digest.h"
#include "core/parallel.h"
#include "core/text.h"
#include "history/versions.h"
#include "site/chart.h"
#include "site/meta_description.h"
#include "site/open_data.h"

namespace samplan::site {

using namespace samplan::model;

const std::string& Strings::get(const std::string& key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? key : it->second;
}

Data Strings::as_data() const {
    Data d = Data::map();
    for (const auto& [k, v] : entries_) d.set(k, v);
    return d;
}

std::string root_prefix(const std::string& page_path) {
    std::string prefix;
    for (const char c : page_path)
        if (c == '/') prefix += "../";
    return prefix;
}

namespace {

// Adds a view model's whole tree to a page key: what a page made from it shows.
void add_data(Digest& digest, const Data& data) {
    digest.add(static_cast<std::int64_t>(data.kind()));
    switch (data.kind()) {
        case Data::Kind::List:
            digest.add(static_cast<std::int64_t>(data.items().size()));
            for (const Data& item : data.items()) add_data(digest, item);
            break;
        case Data::Kind::Map:
            digest.add(static_cast<std::int64_t>(data.entries().size()));
            for (const auto& [name, value] : data.entries()) {
                digest.add(name);
                add_data(digest, value);
            }
            break;
        case Data::Kind::Bool: digest.add(static_cast<std::int64_t>(data.flag())); break;
        default: digest.add(data.text()); break;
    }
}

// Output paths: one function per kind of page, so no two records can share a path.
std::string home_path() { return "index.html"; }
std::string regional_path() { return "regional/index.html"; }
std::string focus_path(const std::string& fa) { return "regional/" + fa + "/index.html"; }
std::string goal_path(const std::string& fa, const std::string& goal) { return "regional/" + fa + "/" + goal + "/index.html"; }
std::string groups_path() { return "groups/index.html"; }
std::string group_path(const std::string& g) { return "groups/" + g + "/index.html"; }
std::string plan_path(const std::string& g, const std::string& p) { return "groups/" + g + "/" + p + "/index.html"; }
std::string activity_path(const std::string& g, const std::string& p, const std::string& a) {
    return "groups/" + g + "/" + p + "/" + a + "/index.html";
}
std::string evaluation_path(const std::string& g, const std::string& e) { return "evaluations/" + g + "/" + e + "/index.html"; }
std::string processes_path() { return "processes/index.html"; }
std::string process_path(const std::string& id) { return "processes/" + id + "/index.html"; }
std::string page_path(const std::string& id) { return "pages/" + id + "/index.html"; }
std::string accessibility_path() { return "tillganglighet/index.html"; }
std::string search_path() { return "search/index.html"; }
std::string follow_up_path() { return "follow-up/index.html"; }
std::string coverage_path() { return "follow-up/coverage/index.html"; }
std::string indicators_path() { return "indicators/index.html"; }
std::string regional_indicator_path(const std::string& id) { return "indicators/regional/" + id + "/index.html"; }
// An activity's indicator and history pages are files in its plan's folder, not folders of their
// own (a large site has tens of thousands of activities, and every folder costs the file system
// more than a file): "_" cannot be in an id, so "<activity>_<indicator>" clashes with nothing.
std::string local_indicator_path(const std::string& g, const std::string& p, const std::string& a, const std::string& id) {
    return "indicators/local/" + g + "/" + p + "/" + a + "_" + id + ".html";
}
std::string meeting_paper_path(const std::string& g) { return "meeting-papers/" + g + "/index.html"; }
std::string calendar_path(const std::string& g) { return "calendars/" + g + ".ics"; }
std::string plan_history_path(const std::string& g, const std::string& p) { return "history/" + g + "/" + p + "/index.html"; }
// (In a folder of the plan's history folder: an activity may be called "index".)
std::string activity_history_path(const std::string& g, const std::string& p, const std::string& a) {
    return "history/" + g + "/" + p + "/activities/" + a + ".html";
}
// Revisions live beside the history page, one file each (not a folder each: a site with a long
// history has thousands): "history/<g>/<p>/_<commit>.html" beside a plan's history page
// (…/index.html), "history/<g>/<p>/activities/<activity>_<commit>.html" beside an activity's.
// "_" cannot be in an id, so none of them clashes with an activity's history page.
std::string revision_path(const std::string& history_page, const std::string& short_id) {
    const std::string index = "index.html";
    if (history_page.size() >= index.size() && history_page.compare(history_page.size() - index.size(), index.size(), index) == 0)
        return history_page.substr(0, history_page.size() - index.size()) + "_" + short_id + ".html";
    return history_page.substr(0, history_page.size() - 5) + "_" + short_id + ".html";
}
std::string changes_path() { return "changes/index.html"; }
std::string versions_path() { return "versions/index.html"; }

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

}  // namespace

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

// The change log shows the newest commits only (changes/index.html).
constexpr size_t kChangelogRevisions = 100;

// Reading a record's earlier versions (git reads, parsing, diffs) is most of the view models' work:
// worker threads do it for the records in the order the builder visits them, at most `window`
// records ahead of it, and the builder takes each record's versions when it gets there.
class VersionPrefetch {
public:
    struct Job {
        const Group* group;
        const Plan* plan;
        const Activity* activity;  // null: the plan itself
        size_t newest = 0;          // read only this many of the newest versions (0: all)
    };

    VersionPrefetch(const history::History& history, std::vector<Job> jobs, size_t window)
        : history_(history), jobs_(std::move(jobs)), results_(jobs_.size()), ready_(jobs_.size(), false), window_(window) {
        for (size_t i = 0; i < jobs_.size(); ++i) index_[path_of(jobs_[i])] = i;
        const unsigned workers = worker_count();
        for (unsigned t = 0; t < workers; ++t) threads_.push_back(std::make_unique<BigStackThread>([this] { work(); }));
    }
    ~VersionPrefetch() {
        {
            std::lock_guard lock(mutex_);
            stopped_ = true;
        }
        work_.notify_all();
        for (auto& t : threads_) t->join();
        history_.release_read_cache();  // every version is read
    }
    VersionPrefetch(const VersionPrefetch&) = delete;
    VersionPrefetch& operator=(const VersionPrefetch&) = delete;

    // The versions of the record at `path`; none for a record that was not planned (every plan and
    // activity of the site is).
    std::vector<history::RecordVersion> take(const std::string& path) {
        const auto it = index_.find(path);
        if (it == index_.end()) return {};
        const size_t i = it->second;
        std::unique_lock lock(mutex_);
        taken_ = std::max(taken_, i + 1);
        // The workers are woken when half the window is free, not for every record taken: each
        // wake-up is a system call and a switch between threads.
        if (idle_ > 0 && next_ <= taken_ + window_ / 2) work_.notify_all();
        if (!ready_[i]) {
            awaited_ = i;
            done_.wait(lock, [&] { return ready_[i]; });
            awaited_ = kNone;
        }
        return std::move(results_[i]);
    }

private:
    static constexpr size_t kNone = static_cast<size_t>(-1);
    static const std::string& path_of(const Job& job) { return job.activity ? job.activity->path : job.plan->path; }

    void work() {
        for (;;) {
            size_t i = 0;
            {
                std::unique_lock lock(mutex_);
                ++idle_;
                work_.wait(lock, [&] { return stopped_ || (next_ < jobs_.size() && next_ < taken_ + window_); });
                --idle_;
                if (stopped_) return;
                i = next_++;
            }
            std::vector<history::RecordVersion> versions;
            const Job& job = jobs_[i];
            try {
                versions = job.activity ? history::activity_versions(history_, job.activity->path, job.group->id,
                                                                     job.plan->id, job.activity->id, job.activity, job.newest)
                                        : history::plan_versions(history_, job.plan->path, job.group->id, job.plan->id);
            } catch (const std::exception&) {
                versions.clear();  // history is shown where it can be read
            }
            std::lock_guard lock(mutex_);
            results_[i] = std::move(versions);
            ready_[i] = true;
            if (awaited_ == i) done_.notify_one();  // the builder waits for this one
        }
    }

    const history::History& history_;
    std::vector<Job> jobs_;
    std::map<std::string, size_t> index_;
    std::vector<std::vector<history::RecordVersion>> results_;
    std::vector<bool> ready_;
    size_t window_;
    std::mutex mutex_;
    std::condition_variable work_, done_;  // wake the workers; wake the builder
    size_t next_ = 0, taken_ = 0, idle_ = 0, awaited_ = kNone;
    bool stopped_ = false;
    std::vector<std::unique_ptr<BigStackThread>> threads_;  // they parse older versions
};

// Built once per site and shared: the pages left to be made later (PageView::make) keep it alive
// and call its const members, which read only what the constructor set.
class Builder : public std::enable_shared_from_this<Builder> {
public:
    Builder(const Site& site, const SiteOptions& options, const PageSink& sink)
        : site_(site), options_(options), sink_(sink), s_(*options.strings), lang_(site.settings.language) {
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
            std::vector<VersionPrefetch::Job> jobs;
            for (const auto& g : site.groups)
                for (const auto& p : g.plans) {
                    jobs.push_back({&g, &p, nullptr});
                    const size_t first_activity = jobs.size();
                    for (const auto& a : p.activities) {
                        VersionPrefetch::Job job{&g, &p, &a};
                        if (incremental()) {
                            RecordKeys& keys = record_keys_[a.path];
                            keys = activity_keys(g, p, a);
                            keys.history_kept = options_.unchanged(activity_history_path(g.id, p.id, a.id), keys.history);
                            // What is still read: the versions the change log shows (and the one
                            // before each), and the two newest for the working group's finding.
                            if (keys.history_kept) {
                                size_t shown = 0;
                                for (const auto& fr : options_.history->file_revisions(a.path))
                                    if (fr.revision < kChangelogRevisions) ++shown;
                                job.newest = std::max<size_t>(2, shown + 1);
                            }
                        }
                        jobs.push_back(job);
                    }
                    // The plan's history shows its activities' changes: made again, it needs
                    // every version of each.
                    if (incremental() && !plan_history_kept(g, p))
                        for (size_t j = first_activity; j < jobs.size(); ++j) jobs[j].newest = 0;
                }
            versions_ = std::make_unique<VersionPrefetch>(*options_.history, std::move(jobs), 64);
        }
    }

    SiteView run() {
        // The open data files need only the model: they are made on another thread meanwhile.
        auto open_data = std::async(std::launch::async, [this] { return open_data_files(site_, OpenDataOptions{lang_}); });
        add_home();
        add_regional();
        for (const auto& fa : site_.regional.focus_areas) {
            add_focus_area(fa);
            for (const auto& g : fa.goals) add_goal(fa, g);
        }
        add_groups();
        for (const auto& g : site_.groups) {
            add_group(g);
            for (const auto& p : g.plans) {
                add_plan(g, p);
                for (const auto& a : p.activities) add_activity(g, p, a);
                add_plan_history(g, p);  // it shows its activities' changes too
            }
            for (const auto& e : g.evaluations) add_evaluation(g, e);
        }
        add_processes();
        for (const auto& p : site_.processes) add_process(p);
        for (const auto& p : site_.pages) add_page(p);
        add_accessibility();
        add_search();
        add_not_found();
        add_follow_up();
        add_coverage();
        add_indicators();
        for (const auto& g : site_.groups) {
            add_meeting_paper(g);
            view_.files.push_back({calendar_path(g.id), calendar(g)});
        }
        add_changelog();
        add_versions();
        add_feed_and_sitemap();
        for (auto& f : open_data.get()) view_.files.push_back(std::move(f));
        versions_.reset();  // its threads are done
        return std::move(view_);
    }

private:
    // ---- Incremental builds (SiteOptions::unchanged) -------------------------------------------

    // The keys of an activity's pages: its history page and older versions share one (they
    // depend on its git history only, besides the group, the plan and the site); its own page
    // has one only when the file is exactly its newest commit (else its text is not named by git).
    struct RecordKeys {
        std::string history;
        std::string page;
        bool history_kept = false;  // the previous build's history pages are all still right
    };

    [[nodiscard]] bool incremental() const {
        return options_.unchanged && !options_.archive && options_.history && options_.history->available();
    }

    RecordKeys activity_keys(const Group& g, const Plan& p, const Activity& a) const {
        Digest d;
        d.add(options_.inputs_key);
        for (const std::string* text : {&g.id, &g.name, &p.id, &p.title, &p.process.id, &a.path, &a.id, &a.title})
            d.add(*text);
        d.add(std::int64_t{g.draft});
        d.add(std::int64_t{p.draft});
        d.add(plan_status_class(p.status));
        d.add(options_.history->note());
        const auto& revisions = options_.history->revisions();
        const auto& file = options_.history->file_revisions(a.path);
        for (const auto& fr : file) {
            const auto& rev = revisions.at(fr.revision);
            for (const std::string* text : {&rev.commit, &rev.summary, &rev.author, &fr.path, &fr.blob}) d.add(*text);
            d.add(rev.date.iso());
            d.add(static_cast<std::int64_t>(fr.kind));
        }
        const bool current = !file.empty() && options_.history->in_working_folder(file.front());
        d.add(std::int64_t{current});
        RecordKeys keys;
        keys.history = d.hex();
        if (current) {
            d.add("page");
            keys.page = d.hex();
        }
        return keys;
    }

    const RecordKeys* keys_of(const std::string& record_path) const {
        const auto it = record_keys_.find(record_path);
        return it == record_keys_.end() ? nullptr : &it->second;
    }

    // Hands on the page at `path` as kept from the previous build.
    void keep(std::string path, std::string key) {
        page_paths_.push_back(path);
        sink_(PageView{std::move(path), {}, {}, {}, std::move(key), true});
    }

    struct Linked {
        const Group* group;
        const Plan* plan;
        const Activity* activity;
    };

    // "1 aktivitet", "3 aktiviteter".
    std::string count_text(size_t n) const {
        return std::to_string(n) + " " + s_.get(n == 1 ? "activity_one" : "activity_many");
    }

    std::string href(const std::string& from, const std::string& to) const { return root_prefix(from) + to; }

    // What every page carries: language, site name, navigation, footer links.
    Data common(const std::string& path, const std::string& title, const std::string& section) const {
        Data d = Data::map();
        add_common(d, path, title, section);
        return d;
    }

    // Gives `d` what every page carries (see common()): the parts alike on all pages at the same
    // depth in the same section are shared, the rest set on `d`.
    void add_common(Data& d, const std::string& path, const std::string& title, const std::string& section) const {
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
    std::shared_ptr<const Data> shared_common(const std::string& root, const std::string& section) const {
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
        d.set("css_href", root + "assets/style.css");
        d.set("print_css_href", root + "assets/print.css");
        d.set("menu_js_href", root + "assets/menu.js");
        d.set("favicon_href", root + "assets/favicon.svg");
        d.set("search_href", options_.archive ? std::string() : root + search_path());  // archives are not searched
        d.set("accessibility_href", root + accessibility_path());
        d.set("data_href", root + "data/site.json");
        d.set("activities_csv_href", root + "data/activities.csv");
        d.set("indicators_csv_href", root + "data/indicators.csv");
        d.set("feed_href", root + "feed.xml");
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

    void add(std::string path, std::string layout, Data data) {
        page_paths_.push_back(path);
        sink_(PageView{std::move(path), std::move(layout), std::move(data), {}});
    }

    // A page whose data `make` makes later, on the thread that renders it, from this builder's
    // const members.
    void add_later(std::string path, std::string layout, std::function<Data(const Builder&)> make, std::string key = {}) {
        page_paths_.push_back(path);
        sink_(PageView{std::move(path), std::move(layout), {},
                       [self = std::shared_ptr<const Builder>(shared_from_this()), make = std::move(make)] { return make(*self); },
                       std::move(key)});
    }

    Data crumbs(const std::string& from, std::vector<std::pair<std::string, std::string>> trail) const {
        Data list = Data::list();
        list.push(Data::map({{"label", s_.get("nav_home")}, {"href", href(from, home_path())}}));
        for (auto& [label, to] : trail) list.push(Data::map({{"label", label}, {"href", href(from, to)}}));
        return list;
    }

    std::string target_group_label(const std::string& id) const {
        for (const auto& tg : site_.settings.target_groups)
            if (tg.id == id) return tg.label;
        return id;
    }

    const Process* process_of(const Plan& p, const Activity& a) const {
        const std::string& id = a.process.present() ? a.process.id : p.process.id;
        for (const auto& pr : site_.processes)
            if (pr.id == id) return &pr;
        return nullptr;
    }

    std::string period(const std::optional<Date>& start, const std::optional<Date>& end) const {
        return (start ? start->iso() : std::string("?")) + "\u2009–\u2009" + (end ? end->iso() : std::string("?"));
    }

    Data activity_summary(const std::string& from, const Group& g, const Plan& p, const Activity& a) const {
        Data d = Data::map();
        d.set("title", a.title);
        d.set("href", href(from, activity_path(g.id, p.id, a.id)));
        d.set("group", g.name);
        d.set("group_href", href(from, group_path(g.id)));
        d.set("plan", p.title);
        d.set("plan_href", href(from, plan_path(g.id, p.id)));
        d.set("status", s_.get(std::string("status_") + status_class(a.status)));
        d.set("status_class", status_class(a.status));
        d.set("target_group", target_group_label(a.target_group.id));
        d.set("period", period(a.start, a.end));
        // Every key a template reads is set, even when empty: Mustache would otherwise find the
        // same name on an enclosing page and show the wrong value.
        d.set("step", "");
        d.set("goal", "");
        d.set("goal_href", "");
        d.set("focus_area", "");
        if (const Process* pr = process_of(p, a); pr && a.step && *a.step >= 1 &&
                                                   *a.step <= static_cast<int>(pr->steps.size())) {
            d.set("step", std::to_string(*a.step) + ". " + pr->steps[static_cast<size_t>(*a.step - 1)].title);
        }
        if (auto it = goal_area_.find(a.goal.id); it != goal_area_.end()) {
            for (const auto& goal : it->second->goals)
                if (goal.id == a.goal.id) {
                    d.set("goal", goal.title);
                    d.set("goal_href", href(from, goal_path(it->second->id, goal.id)));
                }
            d.set("focus_area", it->second->title);
        }
        return d;
    }

    // The words and number format of the site's charts.
    ChartWords chart_words() const {
        ChartWords w;
        w.baseline = s_.get("indicator_baseline");
        w.value = s_.get("indicator_value");
        w.target = s_.get("indicator_target");
        w.target_path = s_.get("chart_target_path");
        w.today = s_.get("chart_today");
        w.months = chart_months(s_.get("chart_months"));
        w.number = [lang = lang_](double v) { return format_number(v, lang); };
        return w;
    }

    // An indicator's chart (site/chart.h): a regional one's figures are yearly, placed mid-year.
    Data regional_chart(const RegionalIndicator& ind) const {
        std::vector<ChartPoint> points;
        const auto add = [&points](const YearValue& v, PointKind kind) {
            points.push_back({Date{v.year, 7, 1}, std::to_string(v.year), v.value, kind});
        };
        if (ind.baseline) add(*ind.baseline, PointKind::Baseline);
        for (const auto& v : ind.values) add(v, PointKind::Value);
        for (const auto& t : ind.targets) add(t, PointKind::Target);
        const ChartWords words = chart_words();
        return chart_data(indicator_chart(std::move(points), words, true), words);
    }

    Data local_chart(const LocalIndicator& ind) const {
        std::vector<ChartPoint> points;
        const auto add = [&points](const DateValue& v, PointKind kind) {
            points.push_back({v.date, v.date.iso(), v.value, kind});
        };
        if (ind.baseline) add(*ind.baseline, PointKind::Baseline);
        for (const auto& v : ind.values) add(v, PointKind::Value);
        if (ind.target) add(*ind.target, PointKind::Target);
        const ChartWords words = chart_words();
        return chart_data(indicator_chart(std::move(points), words), words);
    }

    // What an indicator shows wherever it appears: its chart and table, its verdict and a link to
    // its own page. `level` is the heading level of the indicator's title where it is shown.
    Data indicator_view(const std::string& from, const std::string& id, const std::string& title, const std::string& unit,
                        int level, Data chart, const std::string& verdict, const std::string& page) const {
        return Data::map({{"id", id}, {"title", title}, {"unit", unit}, {"level", level}, {"chart_id", "ind-" + id},
                          {"chart", std::move(chart)}, {"verdict", s_.get(verdict)}, {"verdict_class", verdict},
                          {"indicator_href", href(from, page)}});
    }

    Data regional_indicator(const std::string& from, const RegionalIndicator& ind, int level) const {
        Data d = indicator_view(from, ind.id, ind.title, ind.unit, level, regional_chart(ind), regional_verdict(ind),
                                regional_indicator_path(ind.id));
        d.set("baseline", "");
        if (ind.baseline)
            d.set("baseline", std::to_string(ind.baseline->year) + ": " + format_number(ind.baseline->value, lang_));
        Data rows = Data::list();
        std::set<int> years;
        for (const auto& t : ind.targets) years.insert(t.year);
        for (const auto& v : ind.values) years.insert(v.year);
        for (int y : years) {
            Data row = Data::map({{"year", y}, {"target", ""}, {"value", ""}});
            for (const auto& t : ind.targets)
                if (t.year == y) row.set("target", format_number(t.value, lang_));
            for (const auto& v : ind.values)
                if (v.year == y) row.set("value", format_number(v.value, lang_));
            rows.push(std::move(row));
        }
        d.set("rows", std::move(rows));
        d.set("has_rows", !years.empty());
        return d;
    }

    // A goal with the number of activities linked to it and, with ActivityList::Full, those
    // activities (pages that show only the number leave the list out).
    enum class ActivityList { Count, Full };
    Data goal_summary(const std::string& from, const FocusArea& fa, const Goal& g, ActivityList list = ActivityList::Full,
                      int indicator_level = 4) const {
        Data d = Data::map({{"id", g.id}, {"title", g.title}, {"href", href(from, goal_path(fa.id, g.id))}});
        const auto it = activities_by_goal_.find(g.id);
        const size_t count = it == activities_by_goal_.end() ? 0 : it->second.size();
        Data activities = Data::list();
        if (list == ActivityList::Full && count > 0)
            for (const auto& l : it->second) activities.push(activity_summary(from, *l.group, *l.plan, *l.activity));
        d.set("activity_count", count);
        d.set("activity_count_text", count_text(count));
        d.set("gap", count == 0);
        d.set("activities", std::move(activities));
        Data indicators = Data::list();
        for (const auto& ind : g.indicators) indicators.push(regional_indicator(from, ind, indicator_level));
        d.set("indicators", std::move(indicators));
        return d;
    }

    void add_home() {
        const std::string path = home_path();
        Data d = common(path, site_.settings.title, "home");
        d.set("title_is_site", true);  // the start page's title is the site's name, once
        d.set("regional_title", site_.regional.title);
        d.set("regional_href", href(path, regional_path()));
        d.set("summary", Data::markdown(site_.regional.summary));
        size_t ongoing = 0, finished = 0, activities = 0, goals = 0, goals_covered = 0;
        for (const auto& g : site_.groups)
            if (const Plan* p = current_plan(g))
                for (const auto& a : p->activities) {
                    if (a.status == ActivityStatus::Cancelled) continue;
                    ++activities;
                    ongoing += a.status == ActivityStatus::Ongoing;
                    finished += a.status == ActivityStatus::Finished;
                }
        Data gaps = Data::list();
        for (const auto& fa : site_.regional.focus_areas)
            for (const auto& g : fa.goals) {
                ++goals;
                if (activities_by_goal_.count(g.id)) ++goals_covered;
                else gaps.push(Data::map({{"title", g.title}, {"href", href(path, goal_path(fa.id, g.id))}}));
            }
        d.set("figures", Data::map({{"groups", site_.groups.size()},
                                    {"activities", activities},
                                    {"ongoing", ongoing},
                                    {"finished", finished},
                                    {"goals", goals},
                                    {"goals_covered", goals_covered},
                                    {"goals_uncovered", goals - goals_covered}}));
        d.set("gaps", std::move(gaps));
        Data areas = Data::list();
        for (const auto& fa : site_.regional.focus_areas) {
            Data area = Data::map({{"title", fa.title}, {"href", href(path, focus_path(fa.id))}});
            Data goal_list = Data::list();
            for (const auto& g : fa.goals) goal_list.push(goal_summary(path, fa, g, ActivityList::Count));
            area.set("goals", std::move(goal_list));
            areas.push(std::move(area));
        }
        d.set("focus_areas", std::move(areas));
        d.set("groups", group_list(path));
        std::map<std::string, size_t> by_rule;
        for (const auto& w : options_.warnings) ++by_rule[w.rule];
        Data follow_up = Data::list();
        for (const auto& [rule, n] : by_rule)
            follow_up.push(Data::map({{"label", s_.get("summary_" + rule) == "summary_" + rule ? rule : s_.get("summary_" + rule)},
                                      {"count", n}}));
        d.set("follow_up", std::move(follow_up));
        d.set("follow_up_href", href(path, follow_up_path()));
        d.set("warning_count", options_.warnings.size());
        Data events = Data::list();
        for (const auto& e : recent_events(10)) events.push(event_data(path, e));
        d.set("recent", std::move(events));
        add(path, "home", std::move(d));
    }

    // Something that happened, as the records tell it: a plan decided or revised, a progress
    // report, a final report, a meeting.
    struct Event {
        Date date;
        std::string what;   // UI string key
        std::string title;
        std::string group;
        std::string path;   // output path of the page that shows it
    };

    std::vector<Event> recent_events(size_t limit) const {
        std::vector<Event> events;
        for (const auto& g : site_.groups) {
            for (const auto& m : g.meetings)
                if (m.date <= options_.today) events.push_back({m.date, "event_meeting", g.name, g.name, group_path(g.id)});
            for (const auto& p : g.plans) {
                if (p.decided && *p.decided <= options_.today)
                    events.push_back({*p.decided, "event_plan_decided", p.title, g.name, plan_path(g.id, p.id)});
                for (const auto& r : p.revised)
                    if (r <= options_.today) events.push_back({r, "event_plan_revised", p.title, g.name, plan_path(g.id, p.id)});
                for (const auto& a : p.activities) {
                    for (const auto& r : a.reports)
                        if (r.date <= options_.today)
                            events.push_back({r.date, "event_report", a.title, g.name, activity_path(g.id, p.id, a.id)});
                    if (a.final_report && a.final_report->date && *a.final_report->date <= options_.today)
                        events.push_back({*a.final_report->date, "event_final_report", a.title, g.name,
                                          activity_path(g.id, p.id, a.id)});
                }
            }
        }
        std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.date > b.date; });
        if (events.size() > limit) events.resize(limit);
        return events;
    }

    Data event_data(const std::string& from, const Event& e) const {
        return Data::map({{"date", e.date.iso()},
                          {"what", s_.get(e.what)},
                          {"title", e.title},
                          {"group", e.group},
                          {"href", href(from, e.path)}});
    }

    // The Atom feed of recent events, and a sitemap when the site knows its address.
    void add_feed_and_sitemap() {
        std::string base = site_.settings.base_url;
        if (!base.empty() && base.back() != '/') base += '/';
        auto absolute = [&](const std::string& path) {
            std::string clean = path;
            if (clean.size() >= 10 && clean.compare(clean.size() - 10, 10, "index.html") == 0) clean.resize(clean.size() - 10);
            return base + clean;
        };
        Data feed = Data::map({{"title", site_.settings.title + " – " + s_.get("feed_name")},
                               {"id", base.empty() ? std::string("urn:samplan:feed") : base},
                               {"self", base.empty() ? std::string("feed.xml") : base + "feed.xml"},
                               {"home", base.empty() ? std::string("index.html") : base},
                               {"author", site_.settings.organisation.empty() ? site_.settings.title : site_.settings.organisation},
                               {"updated", options_.today.iso() + "T00:00:00Z"}});
        Data entries = Data::list();
        for (const auto& e : recent_events(30)) {
            const std::string link = base.empty() ? e.path : absolute(e.path);
            entries.push(Data::map({{"title", s_.get(e.what) + ": " + e.title},
                                    {"link", link},
                                    {"id", (base.empty() ? "urn:samplan:" : base) + e.path + "#" + e.what + "-" + e.date.iso()},
                                    {"updated", e.date.iso() + "T00:00:00Z"},
                                    {"summary", e.group + ", " + e.date.iso()}}));
        }
        feed.set("entries", std::move(entries));
        add("feed.xml", "feed", std::move(feed));
        if (base.empty()) return;  // a sitemap needs absolute addresses
        Data urls = Data::list();
        for (const auto& p : page_paths_)
            if (p.size() > 5 && p.compare(p.size() - 5, 5, ".html") == 0 && p != "404.html")
                urls.push(Data::map({{"loc", absolute(p)}}));
        add("sitemap.xml", "sitemap", Data::map({{"urls", std::move(urls)}}));
    }

    Data group_list(const std::string& from) const {
        std::vector<const Group*> groups;
        for (const auto& g : site_.groups) groups.push_back(&g);
        collate_sort(groups, lang_, [](const Group* g) { return g->name; });
        Data list = Data::list();
        for (const Group* g : groups) {
            size_t count = 0;
            const Plan* current = current_plan(*g);
            if (current)
                count = std::count_if(current->activities.begin(), current->activities.end(),
                                      [](const Activity& a) { return a.status != ActivityStatus::Cancelled; });
            Data item = Data::map({{"name", g->name},
                                   {"href", href(from, group_path(g->id))},
                                   {"municipality", g->municipality},
                                   {"kind", s_.get(std::string("group_kind_") + kind_key(g->kind))},
                                   {"activity_count", count},
                                   {"current_plan", ""},
                                   {"current_plan_href", ""}});
            if (current) {
                item.set("current_plan", current->title);
                item.set("current_plan_href", href(from, plan_path(g->id, current->id)));
            }
            list.push(std::move(item));
        }
        return list;
    }

    // The one definition of "gällande": a decided plan whose period has begun and not ended.
    // Every figure that counts "in current plans" (start page, coverage, goal pages, group list,
    // group page) counts the activities of these plans, cancelled ones left out.
    bool in_force(const Plan& p) const {
        return p.status == PlanStatus::Decided && (!p.start || *p.start <= options_.today) &&
               (!p.end || *p.end >= options_.today);
    }

    // The plan in force: the newest plan that is in force, or none.
    const Plan* current_plan(const Group& g) const {
        const Plan* best = nullptr;
        for (const auto& p : g.plans)
            if (in_force(p) && (!best || p.start > best->start)) best = &p;
        return best;
    }

    // The plan a meeting follows up: the one in force, else the newest (whose end check warns of).
    const Plan* followed_plan(const Group& g) const {
        if (const Plan* p = current_plan(g)) return p;
        const Plan* best = nullptr;
        for (const auto& p : g.plans)
            if (!best || p.start > best->start) best = &p;
        return best;
    }

    void add_regional() {
        const std::string path = regional_path();
        const auto& r = site_.regional;
        Data changed = Data::map();  // when it last changed, and its history page
        add_plain_history(changed, path, r.path, "history/_regional/index.html", r.title, {{r.title, path}});
        add_later(path, "regional", [path, changed = std::move(changed)](const Builder& b) {
            const auto& r = b.site_.regional;
            Data d = b.common(path, r.title, "regional");
            d.set("breadcrumbs", b.crumbs(path, {}));
            d.set("period", b.period(r.start, r.end));
            d.set("summary", Data::markdown(r.summary));
            Data areas = Data::list();
            for (const auto& fa : r.focus_areas) {
                Data area = Data::map({{"id", fa.id}, {"title", fa.title}, {"href", b.href(path, focus_path(fa.id))},
                                       {"description", Data::markdown(fa.description)}});
                Data goals = Data::list();
                for (const auto& g : fa.goals) goals.push(b.goal_summary(path, fa, g));
                area.set("goals", std::move(goals));
                areas.push(std::move(area));
            }
            d.set("focus_areas", std::move(areas));
            for (const auto& [key, value] : changed.entries()) d.set(key, value);
            return d;
        });
    }

    void add_focus_area(const FocusArea& fa) {
        const std::string path = focus_path(fa.id);
        add_later(path, "focus_area", [&fa, path](const Builder& b) {
            Data d = b.common(path, fa.title, "regional");
            d.set("breadcrumbs", b.crumbs(path, {{b.site_.regional.title, regional_path()}}));
            d.set("description", Data::markdown(fa.description));
            Data goals = Data::list();
            for (const auto& g : fa.goals) goals.push(b.goal_summary(path, fa, g, ActivityList::Count));
            d.set("goals", std::move(goals));
            return d;
        });
    }

    void add_goal(const FocusArea& fa, const Goal& g) {
        const std::string path = goal_path(fa.id, g.id);
        add_later(path, "goal", [&fa, &g, path](const Builder& b) {
            Data d = b.goal_summary(path, fa, g, ActivityList::Full, 3);
            b.add_common(d, path, g.title, "regional");
            d.set("breadcrumbs", b.crumbs(path, {{b.site_.regional.title, regional_path()}, {fa.title, focus_path(fa.id)}}));
            d.set("focus_area", fa.title);
            d.set("focus_area_href", b.href(path, focus_path(fa.id)));
            d.set("description", Data::markdown(g.description));
            d.set("caption", b.s_.get("linked_activities"));
            return d;
        });
    }

    void add_groups() {
        const std::string path = groups_path();
        Data d = common(path, s_.get("groups_title"), "groups");
        d.set("breadcrumbs", crumbs(path, {}));
        d.set("groups", group_list(path));
        add(path, "groups", std::move(d));
    }

    void add_group(const Group& g) {
        const std::string path = group_path(g.id);
        Data d = common(path, g.name, "groups");
        d.set("breadcrumbs", crumbs(path, {{s_.get("groups_title"), groups_path()}}));
        d.set("kind", s_.get(std::string("group_kind_") + kind_key(g.kind)));
        d.set("municipality", g.municipality);
        d.set("description", Data::markdown(g.description));
        Data principals = Data::list();
        for (const auto& p : g.principals) principals.push(Data::map({{"name", p}}));
        d.set("principals", std::move(principals));
        Data members = Data::list();
        for (const auto& m : g.members)
            members.push(Data::map({{"name", m.name}, {"principal", m.principal.id}, {"role", m.role}}));
        d.set("members", std::move(members));
        Data meetings = Data::list();
        for (auto it = g.meetings.rbegin(); it != g.meetings.rend(); ++it)
            meetings.push(Data::map({{"date", it->date.iso()},
                                     {"followed_up", it->plan_followed_up},
                                     {"notes", Data::markdown(it->notes)}}));
        d.set("meetings", std::move(meetings));
        std::vector<const Plan*> plans;
        for (const auto& p : g.plans) plans.push_back(&p);
        const Plan* current = current_plan(g);
        std::stable_sort(plans.begin(), plans.end(), [&](const Plan* a, const Plan* b) {
            if ((a == current) != (b == current)) return a == current;
            return a->start > b->start;
        });
        Data plan_list = Data::list();
        for (const Plan* p : plans)
            plan_list.push(Data::map({{"title", p->title},
                                      {"href", href(path, plan_path(g.id, p->id))},
                                      {"period", period(p->start, p->end)},
                                      {"status", s_.get(std::string("plan_status_") + plan_status_class(p->status))},
                                      {"current", p == current},
                                      {"activity_count", p->activities.size()},
                                      {"activity_count_text", count_text(p->activities.size())}}));
        d.set("plans", std::move(plan_list));
        Data evaluations = Data::list();
        for (const auto& e : g.evaluations)
            evaluations.push(Data::map({{"title", e.title},
                                        {"href", href(path, evaluation_path(g.id, e.id))},
                                        {"date", e.date ? e.date->iso() : std::string()}}));
        d.set("evaluations", std::move(evaluations));
        d.set("warning_count", warning_count_for_group(g.id));
        d.set("follow_up_href", href(path, follow_up_path()) + "#group-" + g.id);
        d.set("paper_href", href(path, meeting_paper_path(g.id)));
        d.set("calendar_href", href(path, calendar_path(g.id)));
        add_plain_history(d, path, g.path, "history/" + g.id + "/index.html", g.name,
                          {{s_.get("groups_title"), groups_path()}, {g.name, path}});
        add(path, "group", std::move(d));
    }

    // Bars of a timeline: each activity's period as a share of the plan's span, in percent.
    // The plan's activities on a time axis from the plan's start (or its first activity's) to its end.
    Data timeline(const Plan& p) const {
        std::optional<Date> lo = p.start, hi = p.end;
        std::vector<TimelineActivity> rows;
        for (const auto& a : p.activities) {
            if (a.start && (!lo || *a.start < *lo)) lo = a.start;
            if (a.end && (!hi || *a.end > *hi)) hi = a.end;
            if (a.start && a.end && *a.start <= *a.end)
                rows.push_back({a.title, *a.start, *a.end, s_.get(std::string("status_") + status_class(a.status)),
                                status_class(a.status), period(a.start, a.end)});
        }
        if (!lo || !hi || *hi <= *lo) rows.clear();
        const Timeline t = plan_timeline(rows, lo.value_or(Date{}), hi.value_or(Date{}), options_.today, chart_words());
        return t.rows.empty() ? Data() : timeline_data(t);
    }

    void add_plan(const Group& g, const Plan& p) {
        const std::string path = plan_path(g.id, p.id);
        const std::string history_page =
            options_.history && options_.history->available() ? plan_history_path(g.id, p.id) : std::string();
        if (!history_page.empty()) {
            // The change log lists the plan before its activities; its history page is made after them.
            plan_versions_[p.path] = versions_->take(p.path);
            note_changes(history_page, p.title, plan_versions_[p.path]);
        }
        add_later(path, "plan", [&g, &p, path, history_page](const Builder& b) {
            Data d = b.plan_data(path, g, p);
            if (!history_page.empty()) {
                // "Senast ändrad": the newest change of the plan file or of any of its activities.
                std::vector<std::string> paths{p.path};
                for (const auto& a : p.activities) paths.push_back(a.path);
                b.set_last_changed(d, path, paths, history_page);
            }
            return d;
        });
    }

    // What a plan page shows. An older version of a plan carries no activities of its own: its
    // page then shows the plan's own fields only.
    Data plan_data(const std::string& path, const Group& g, const Plan& p) const {
        Data d = common(path, p.title, "groups");
        d.set("draft", p.draft || p.status == PlanStatus::Draft || g.draft);
        d.set("breadcrumbs", crumbs(path, {{s_.get("groups_title"), groups_path()}, {g.name, group_path(g.id)}}));
        d.set("group", g.name);
        d.set("group_href", href(path, group_path(g.id)));
        d.set("period", period(p.start, p.end));
        d.set("status", s_.get(std::string("plan_status_") + plan_status_class(p.status)));
        d.set("status_class", plan_status_class(p.status));
        if (p.decided) d.set("decided", p.decided->iso());
        if (p.sent_to_office) d.set("sent_to_office", p.sent_to_office->iso());
        Data revised = Data::list();
        for (const auto& r : p.revised) revised.push(Data::map({{"date", r.iso()}}));
        d.set("revised", std::move(revised));
        d.set("analysis", Data::markdown(p.analysis));
        // Activities grouped by focus area, in the regional plan's order.
        Data groups = Data::list();
        for (const auto& fa : site_.regional.focus_areas) {
            Data list = Data::list();
            for (const auto& a : p.activities)
                if (a.focus_area.id == fa.id) list.push(activity_summary(path, g, p, a));
            if (list.items().empty()) continue;
            groups.push(Data::map({{"title", fa.title}, {"href", href(path, focus_path(fa.id))}, {"activities", std::move(list)}}));
        }
        d.set("focus_areas", std::move(groups));
        d.set("activity_count", p.activities.size());
        Data chart = timeline(p);
        d.set("has_timeline", chart.kind() == Data::Kind::Map);
        d.set("timeline", std::move(chart));
        return d;
    }

    // The plan's history page, with its activities' changes (after add_activity took their
    // versions), and its older versions.
    void add_plan_history(const Group& g, const Plan& p) {
        if (!options_.history || !options_.history->available()) return;
        const std::string path = plan_path(g.id, p.id);
        auto own = std::move(plan_versions_[p.path]);
        plan_versions_.erase(p.path);
        const std::string history_page = plan_history_path(g.id, p.id);
        const auto taken = std::move(activity_histories_[p.path]);
        activity_histories_.erase(p.path);
        if (incremental() && plan_history_kept(g, p)) {
            keep_record_history(history_page, p.title, p.path, own, plan_history_key(g, p));
            return;
        }
        std::vector<history::ActivityHistory> activities;
        for (const auto& [a, versions] : taken) activities.push_back({a->title, versions.get(), process_of(p, *a)});
        const auto versions = std::make_shared<const std::vector<history::RecordVersion>>(
            history::merge_activity_histories(std::move(own), activities));
        add_record_history(history_page, p.title, path, versions, "plan",
                           [&g](const history::RecordVersion& v) -> OldPage {
                               if (!v.plan) return {};
                               return [&g, &v](const Builder& b, const std::string& rev_path) {
                                   return b.plan_data(rev_path, g, *v.plan);
                               };
                           },
                           {{s_.get("groups_title"), groups_path()}, {g.name, group_path(g.id)}, {p.title, path}},
                           incremental() ? plan_history_key(g, p) : std::string());
    }

    // The key of a plan's history page: the plan's own commits and its activities' (their keys).
    std::string plan_history_key(const Group& g, const Plan& p) const {
        Digest d;
        d.add(options_.inputs_key);
        for (const std::string* text : {&g.id, &g.name, &p.id, &p.title, &p.path}) d.add(*text);
        d.add(options_.history->note());
        const auto& revisions = options_.history->revisions();
        for (const auto& fr : options_.history->file_revisions(p.path)) {
            const auto& rev = revisions.at(fr.revision);
            for (const std::string* text : {&rev.commit, &rev.summary, &rev.author, &fr.path, &fr.blob}) d.add(*text);
            d.add(rev.date.iso());
            d.add(static_cast<std::int64_t>(fr.kind));
        }
        for (const auto& [r, change] : options_.history->added_or_deleted_under(content::layout::activities_beside(p.path) + "/")) {
            d.add(revisions.at(r).commit);
            for (const std::string* text : {&change->path, &change->old_path, &change->blob}) d.add(*text);
        }
        for (const auto& a : p.activities) {
            const RecordKeys* keys = keys_of(a.path);
            d.add(keys ? keys->history : std::string());
            d.add(std::int64_t{a.draft});
        }
        return d.hex();
    }

    [[nodiscard]] bool plan_history_kept(const Group& g, const Plan& p) const {
        return options_.unchanged(plan_history_path(g.id, p.id), plan_history_key(g, p));
    }

    void add_activity(const Group& g, const Plan& p, const Activity& a) {
        const std::string path = activity_path(g.id, p.id, a.id);
        std::string history_page;
        const RecordKeys* keys = keys_of(a.path);
        if (options_.history && options_.history->available()) {
            const auto versions = std::make_shared<const std::vector<history::RecordVersion>>(versions_->take(a.path));
            history_page = activity_history_path(g.id, p.id, a.id);
            if (keys && keys->history_kept) keep_record_history(history_page, a.title, a.path, *versions, keys->history);
            else add_record_history(history_page, a.title, path, versions, "activity",
                               [&g, &p](const history::RecordVersion& v) -> OldPage {
                                   if (!v.activity) return {};
                                   return [&g, &p, &v](const Builder& b, const std::string& rev_path) {
                                       return b.activity_data(rev_path, g, p, *v.activity);
                                   };
                               },
                               {{s_.get("groups_title"), groups_path()}, {g.name, group_path(g.id)}, {p.title, plan_path(g.id, p.id)},
                                {a.title, path}},
                               keys ? keys->history : std::string());
            note_working_group_change(g, a, *versions, path, history_page);
            activity_histories_[p.path].emplace_back(&a, versions);
        }
        if (keys && !keys->page.empty() && options_.unchanged(path, keys->page)) {
            keep(path, keys->page);
            return;
        }
        add_later(
            path, "activity",
            [&g, &p, &a, path, history_page](const Builder& b) {
                Data d = b.activity_data(path, g, p, a);
                if (!history_page.empty()) b.set_last_changed(d, path, a.path, history_page);
                return d;
            },
            keys ? keys->page : std::string());
    }

    Data activity_data(const std::string& path, const Group& g, const Plan& p, const Activity& a) const {
        Data d = activity_summary(path, g, p, a);
        d.set("draft", a.draft || p.draft || p.status == PlanStatus::Draft || g.draft);
        add_common(d, path, a.title, "groups");
        d.set("breadcrumbs", crumbs(path, {{s_.get("groups_title"), groups_path()},
                                           {g.name, group_path(g.id)},
                                           {p.title, plan_path(g.id, p.id)}}));
        d.set("body", Data::markdown(a.body));
        if (a.assignment)
            d.set("assignment", Data::map({{"scope", Data::markdown(a.assignment->scope)},
                                           {"goal", Data::markdown(a.assignment->goal)},
                                           {"reporting", a.assignment->reporting},
                                           {"final_report_form", a.assignment->final_report_form},
                                           {"resources", a.assignment->resources}}));
        Data wg = Data::list();
        for (const auto& m : a.working_group)
            wg.push(Data::map({{"name", m.name}, {"principal", m.principal.id}, {"convener", m.convener}}));
        d.set("working_group", std::move(wg));
        Data subgoals = Data::list();
        for (const auto& sg : a.subgoals)
            subgoals.push(Data::map({{"title", sg.title},
                                     {"responsible", sg.responsible},
                                     {"due", sg.due ? sg.due->iso() : std::string()},
                                     {"done", sg.done}}));
        d.set("subgoals", std::move(subgoals));
        Data indicators = Data::list();
        for (const auto& ind : a.indicators)
            indicators.push(indicator_view(path, ind.id, ind.title, ind.unit, 3, local_chart(ind), local_verdict(ind),
                                           local_indicator_path(g.id, p.id, a.id, ind.id)));
        d.set("indicators", std::move(indicators));
        Data reports = Data::list();
        for (auto it = a.reports.rbegin(); it != a.reports.rend(); ++it) {
            Data r = Data::map({{"date", it->date.iso()},
                                {"progress", Data::markdown(it->progress)},
                                {"works_well", Data::markdown(it->works_well)},
                                {"works_less_well", Data::markdown(it->works_less_well)},
                                {"on_schedule", ""}});
            if (it->on_schedule) r.set("on_schedule", s_.get(*it->on_schedule ? "yes" : "no"));
            reports.push(std::move(r));
        }
        d.set("reports", std::move(reports));
        if (a.final_report) {
            const auto& f = *a.final_report;
            d.set("final_report", Data::map({{"date", f.date ? f.date->iso() : std::string()},
                                             {"goal_reached", Data::markdown(f.goal_reached)},
                                             {"added_value", Data::markdown(f.added_value)},
                                             {"use_of_results", Data::markdown(f.use_of_results)},
                                             {"sent_to_office", f.sent_to_office ? f.sent_to_office->iso() : std::string()}}));
        }
        if (a.evaluation)
            d.set("evaluation", Data::map({{"learned_target_group", Data::markdown(a.evaluation->learned_target_group)},
                                           {"learned_prevention", Data::markdown(a.evaluation->learned_prevention)},
                                           {"learned_collaboration", Data::markdown(a.evaluation->learned_collaboration)}}));
        if (a.funding) {
            const auto& f = *a.funding;
            Data fd = Data::map({{"applied", ""}, {"amount", ""}, {"board_decision", ""}, {"granted", ""}});
            if (f.applied) fd.set("applied", f.applied->iso());
            if (f.amount_sek) fd.set("amount", format_sek(*f.amount_sek, lang_));
            if (f.board_decision) fd.set("board_decision", f.board_decision->iso());
            if (f.granted) fd.set("granted", s_.get(*f.granted ? "yes" : "no"));
            d.set("funding", std::move(fd));
        }
        d.set("process", "");
        d.set("step_number", "");
        if (const Process* pr = process_of(p, a)) {
            Data steps = Data::list();
            int n = 0;
            for (const auto& st : pr->steps) {
                ++n;
                steps.push(Data::map({{"number", n},
                                      {"title", st.title},
                                      {"current", a.step && *a.step == n},
                                      {"done", a.step && n < *a.step}}));
            }
            d.set("process", pr->title);
            d.set("process_href", href(path, process_path(pr->id)));
            d.set("steps", std::move(steps));
            d.set("step_count", pr->steps.size());
            if (a.step) d.set("step_number", *a.step);
        }
        return d;
    }

    void add_evaluation(const Group& g, const GroupEvaluation& e) {
        const std::string path = evaluation_path(g.id, e.id);
        Data d = common(path, e.title, "groups");
        d.set("breadcrumbs", crumbs(path, {{s_.get("groups_title"), groups_path()}, {g.name, group_path(g.id)}}));
        d.set("group", g.name);
        d.set("group_href", href(path, group_path(g.id)));
        d.set("date", e.date ? e.date->iso() : std::string());
        d.set("went_well", Data::markdown(e.went_well));
        d.set("worked_less_well", Data::markdown(e.worked_less_well));
        d.set("carry_forward", Data::markdown(e.carry_forward));
        d.set("body", Data::markdown(e.body));
        add(path, "evaluation", std::move(d));
    }

    void add_processes() {
        const std::string path = processes_path();
        Data d = common(path, s_.get("processes_title"), "processes");
        d.set("breadcrumbs", crumbs(path, {}));
        Data list = Data::list();
        for (const auto& p : site_.processes)
            list.push(Data::map({{"title", p.title}, {"href", href(path, process_path(p.id))}, {"step_count", p.steps.size()}}));
        d.set("processes", std::move(list));
        add(path, "processes", std::move(d));
    }

    void add_process(const Process& pr) {
        const std::string path = process_path(pr.id);
        Data d = common(path, pr.title, "processes");
        d.set("breadcrumbs", crumbs(path, {{s_.get("processes_title"), processes_path()}}));
        for (const auto& page : site_.pages)
            if (pr.guidance.present() && page.id == pr.guidance.id) {
                d.set("guidance", page.title);
                d.set("guidance_href", href(path, page_path(page.id)));
            }
        Data steps = Data::list();
        int n = 0;
        for (const auto& st : pr.steps) {
            ++n;
            Data activities = Data::list();
            for (const auto& g : site_.groups)
                for (const auto& p : g.plans)
                    for (const auto& a : p.activities)
                        if (process_of(p, a) == &pr && a.step == n &&
                            (a.status == ActivityStatus::Ongoing || a.status == ActivityStatus::Planned))
                            activities.push(activity_summary(path, g, p, a));
            steps.push(Data::map({{"number", n},
                                  {"id", st.id},
                                  {"title", st.title},
                                  {"summary", Data::markdown(st.summary)},
                                  {"activities", std::move(activities)}}));
        }
        d.set("steps", std::move(steps));
        d.set("diagram", process_diagram_view(pr, "diagram", ""));
        add(path, "process", std::move(d));
    }

    // A process's steps as a diagram (site/chart.h), with its steps in words for the diagram's
    // description; `caption_href` links the process's page from elsewhere.
    Data process_diagram_view(const Process& pr, const std::string& id, const std::string& caption_href) const {
        std::vector<std::string> titles;
        std::string words;
        for (const auto& st : pr.steps) {
            titles.push_back(st.title);
            words += (words.empty() ? "" : ", ") + std::to_string(titles.size()) + " " + st.title;
        }
        Data d = process_diagram_data(process_diagram(titles));
        d.set("diagram_id", id);
        d.set("process_title", pr.title);
        d.set("steps_text", words);
        d.set("caption_href", caption_href);
        return d;
    }

    void add_page(const Page& p) {
        const std::string path = page_path(p.id);
        Data d = common(path, p.title, "page:" + p.id);
        d.set("draft", p.draft);
        d.set("breadcrumbs", crumbs(path, {}));
        d.set("description", p.description);
        d.set("body", Data::markdown(p.body));
        Data diagrams = Data::list();
        for (const auto& pr : site_.processes)
            if (pr.guidance.present() && pr.guidance.id == p.id)
                diagrams.push(process_diagram_view(pr, "diagram-" + pr.id, href(path, process_path(pr.id))));
        d.set("process_diagrams", std::move(diagrams));
        add_plain_history(d, path, p.path, "history/_pages/" + p.id + "/index.html", p.title, {{p.title, path}});
        add(path, "page", std::move(d));
    }

    void add_accessibility() {
        const std::string path = accessibility_path();
        const auto& a = site_.settings.accessibility;
        Data d = common(path, s_.get("a11y_title"), "");
        d.set("breadcrumbs", crumbs(path, {}));
        const std::string compliance = a.compliance.empty() ? "inte" : a.compliance;
        d.set("compliance", s_.get("a11y_compliance_" + compliance));
        d.set("compliance_partial", compliance == "delvis");
        d.set("compliance_none", compliance == "inte");
        d.set("assessed", a.assessed ? a.assessed->iso() : std::string());
        d.set("method", a.method);
        d.set("contact", a.contact);
        d.set("contact_href", "");
        if (a.contact.find('@') != std::string::npos && a.contact.find(':') == std::string::npos)
            d.set("contact_href", "mailto:" + a.contact);
        Data shortcomings = Data::list();
        for (const auto& s : a.shortcomings) shortcomings.push(Data::map({{"text", Data::markdown(s)}}));
        d.set("shortcomings", std::move(shortcomings));
        d.set("updated", options_.today.iso());
        add(path, "accessibility", std::move(d));
    }

    void add_search() {
        if (options_.archive) return;  // search indexes the current site only: no page that cannot search
        const std::string path = search_path();
        Data d = common(path, s_.get("search_title"), "");
        d.set("breadcrumbs", crumbs(path, {}));
        d.set("search_js_href", root_prefix(path) + "assets/search.js");
        add(path, "search", std::move(d));
    }

    void add_not_found() {
        // Served for any missing path, so its links cannot be relative: use the site's own path.
        std::string base = "/";
        if (!site_.settings.base_url.empty()) {
            const auto scheme = site_.settings.base_url.find("://");
            const auto slash = site_.settings.base_url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
            base = slash == std::string::npos ? "/" : site_.settings.base_url.substr(slash);
            if (base.back() != '/') base += '/';
        }
        Data d = common("404.html", s_.get("not_found_title"), "");
        auto rebase = [&](Data& map) {
            for (const auto& key : {"home_href", "css_href", "print_css_href", "menu_js_href", "favicon_href", "search_href", "accessibility_href",
                                    "data_href", "activities_csv_href", "indicators_csv_href", "feed_href",
                                    "changes_href", "versions_href"})
                if (const Data* v = map.get(key); v && !v->text().empty()) map.set(key, base + v->text());
        };
        rebase(d);
        Data nav = Data::list();
        for (const auto& item : d.get("nav")->items()) {
            Data copy = item;
            copy.set("href", base + item.get("href")->text());
            nav.push(std::move(copy));
        }
        d.set("nav", std::move(nav));
        add("404.html", "not_found", std::move(d));
    }

    // ---- History ----------------------------------------------------------------------------

    // A record whose history lists its commits without structured differences (groups, the
    // regional plan, pages). Their folders below history/ start with "_", which no id can.
    void add_plain_history(Data& d, const std::string& from, const std::string& record_path, std::string history_page,
                           const std::string& title, std::vector<std::pair<std::string, std::string>> trail) {
        d.set("last_changed", "");
        d.set("history_href", "");
        if (!options_.history || !options_.history->available()) return;
        std::vector<history::RecordVersion> versions;
        for (const auto& fr : options_.history->file_revisions(record_path)) {
            history::RecordVersion v;
            v.revision = fr.revision;
            v.change = fr.kind;
            v.path = fr.path;
            versions.push_back(std::move(v));
        }
        if (versions.empty()) return;
        add_record_history(history_page, title, from,
                           std::make_shared<const std::vector<history::RecordVersion>>(std::move(versions)), "",
                           [](const history::RecordVersion&) -> OldPage { return {}; }, std::move(trail));
        set_last_changed(d, from, record_path, history_page);
    }

    void set_last_changed(Data& d, const std::string& from, const std::string& record_path, const std::string& history_page) const {
        set_last_changed(d, from, std::vector<std::string>{record_path}, history_page);
    }

    void set_last_changed(Data& d, const std::string& from, const std::vector<std::string>& record_paths,
                          const std::string& history_page) const {
        d.set("last_changed", "");
        d.set("history_href", "");
        std::optional<Date> newest;
        bool boundary = false;  // only the oldest commit of an incomplete history: it may have changed before
        const auto& revisions = options_.history->revisions();
        for (const auto& record_path : record_paths)
            if (auto change = options_.history->last_change(record_path); change && (!newest || change->date >= *newest)) {
                const bool at_boundary = !options_.history->note().empty() && change->commit == revisions.back().commit;
                boundary = (!newest || change->date > *newest) ? at_boundary : boundary && at_boundary;
                newest = change->date;
            }
        d.set("last_changed_or_earlier", boundary);
        if (newest) {
            d.set("last_changed", newest->iso());
            d.set("history_href", href(from, history_page));
        }
    }

    // A change of step as "5 Avrapportering": the number with the name of that step of the
    // activity's process (the history page `path` tells which activity).
    history::Difference with_step_names(const std::string& path, const history::Difference& diff) const {
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
    std::string history_note() const {
        return options_.history->note().empty() ? std::string() : s_.get("history_incomplete");
    }

    // One difference in the site's language; "text" differences carry their word runs.
    Data difference_data(const history::Difference& diff) const {
        const std::string text = describe_difference(diff, s_);
        Data words = Data::list();
        for (const auto& run : diff.words)
            words.push(Data::map({{"text", run.text},
                                  {"inserted", run.kind == history::WordRun::Kind::Inserted},
                                  {"deleted", run.kind == history::WordRun::Kind::Deleted},
                                  {"same", run.kind == history::WordRun::Kind::Same}}));
        return Data::map({{"text", text}, {"words", std::move(words)}, {"has_words", !diff.words.empty()}, {"record", diff.record}});
    }

    // Makes an older version's page (the record as it was, at the path given), from what
    // `versions` holds.
    using OldPage = std::function<Data(const Builder&, const std::string&)>;

    // The history page at `path` of the record whose page is `current_page`, and a page of layout
    // `layout` for each older version that `page_of` can make. The pages are made later, on the
    // render threads; here only the change log takes what it shows.
    template <typename PageOf>
    void add_record_history(const std::string& path, const std::string& title, const std::string& current_page,
                            const std::shared_ptr<const std::vector<history::RecordVersion>>& shared_versions,
                            const std::string& layout, PageOf page_of, std::vector<std::pair<std::string, std::string>> trail,
                            const std::string& key = {}) {
        const auto& versions = *shared_versions;
        const auto& revisions = options_.history->revisions();
        note_changes(path, title, versions);
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
    void keep_record_history(const std::string& path, const std::string& title, const std::string& record_path,
                             const std::vector<history::RecordVersion>& versions, const std::string& key) {
        note_changes(path, title, versions);
        const auto& revisions = options_.history->revisions();
        keep(path, key);
        const auto& file = options_.history->file_revisions(record_path);
        for (size_t i = 0; i < file.size(); ++i) {
            const std::string rev_path = revision_path(path, revisions.at(file[i].revision).short_id);
            // The newest version may be the record's own page, and a version that could not be
            // read has none: only the pages the previous build wrote with this key are kept.
            if (options_.unchanged(rev_path, key)) keep(rev_path, key);
        }
    }

    // What the change log shows of a record's versions: those of its newest commits.
    void note_changes(const std::string& path, const std::string& title, const std::vector<history::RecordVersion>& versions) {
        if (!noted_.insert(path).second) return;  // once per history page
        for (const auto& v : versions)
            if (v.revision < kChangelogRevisions) {
                // A plan's history holds its activities' changes too: the change log has them
                // from the activities' own histories.
                for (const auto& diff : v.differences)
                    if (diff.record.empty() && !draft_difference(diff)) changelog_[v.revision].push_back({title, path, diff});
                if (v.differences.empty()) changelog_[v.revision].push_back({title, path, {}});
            }
    }

    // A difference that names a draft activity, which stays unpublished, in the history too.
    bool draft_difference(const history::Difference& diff) const {
        return (diff.kind == "activity_added" || diff.kind == "activity_removed") && diff.args.size() > 1 &&
               std::binary_search(options_.draft_paths.begin(), options_.draft_paths.end(), diff.args[1]);
    }

    // What a record's history page shows: every version, what changed in it, and a link to the
    // page of each version that has one (`has_page`) or to the record's own page for the current.
    Data history_data(const std::string& path, const std::string& title, const std::string& current_page,
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
                                   {"renamed", v.change == history::ChangeKind::Renamed},
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

    // The site-wide change log: the newest commits and, per record they touched, what changed.
    void add_changelog() {
        if (!options_.history || !options_.history->available()) return;
        const std::string path = changes_path();
        Data d = common(path, s_.get("changes_title"), "");
        d.set("breadcrumbs", crumbs(path, {}));
        const auto& revisions = options_.history->revisions();
        Data list = Data::list();
        Data entries = Data::list();
        std::string base = site_.settings.base_url;
        if (!base.empty() && base.back() != '/') base += '/';
        for (size_t r = 0; r < revisions.size() && r < kChangelogRevisions; ++r) {
            const auto& rev = revisions[r];
            Data records = Data::list();
            std::string summary;
            if (auto it = changelog_.find(r); it != changelog_.end()) {
                std::map<std::string, Data> by_record;
                std::vector<std::string> order;
                for (const auto& e : it->second) {
                    if (!by_record.count(e.history_page)) {
                        order.push_back(e.history_page);
                        by_record.emplace(e.history_page, Data::map({{"title", e.title},
                                                                      {"href", href(path, e.history_page)},
                                                                      {"differences", Data::list()}}));
                    }
                    if (!e.difference.kind.empty()) {
                        Data diff = difference_data(with_step_names(e.history_page, e.difference));
                        summary += (summary.empty() ? "" : "; ") + e.title + ": " + diff.get("text")->text();
                        Data& rec = by_record.at(e.history_page);
                        Data diffs = *rec.get("differences");
                        diffs.push(std::move(diff));
                        rec.set("differences", std::move(diffs));
                    }
                }
                for (const auto& key : order) records.push(by_record.at(key));
            }
            list.push(Data::map({{"date", rev.date.iso()},
                                 {"summary", rev.summary},
                                 {"short_id", rev.short_id},
                                 {"author", site_.settings.history_authors ? rev.author : std::string()},
                                 {"records", std::move(records)}}));
            if (r < 30)
                entries.push(Data::map({{"title", rev.summary},
                                        {"link", base.empty() ? path : base + "changes/"},
                                        {"id", (base.empty() ? std::string("urn:samplan:commit:") : base + "changes/#") + rev.commit},
                                        {"updated", rev.date.iso() + "T00:00:00Z"},
                                        {"summary", summary.empty() ? rev.summary : summary}}));
        }
        d.set("commits", std::move(list));
        d.set("note", history_note());
        add(path, "changes", std::move(d));
        add("changes.xml", "feed",
            Data::map({{"title", site_.settings.title + " – " + s_.get("changes_title")},
                       {"id", base.empty() ? std::string("urn:samplan:changes") : base + "changes.xml"},
                       {"self", base.empty() ? std::string("changes.xml") : base + "changes.xml"},
                       {"home", base.empty() ? path : base + "changes/"},
                       {"author", site_.settings.organisation.empty() ? site_.settings.title : site_.settings.organisation},
                       {"updated", (revisions.empty() ? options_.today : revisions.front().date).iso() + "T00:00:00Z"},
                       {"entries", std::move(entries)}}));
    }

    void add_versions() {
        if (options_.versions.empty() || options_.archive) return;
        const std::string path = versions_path();
        Data d = common(path, s_.get("versions_title"), "");
        d.set("breadcrumbs", crumbs(path, {}));
        Data list = Data::list();
        for (auto it = options_.versions.rbegin(); it != options_.versions.rend(); ++it)
            list.push(Data::map({{"name", it->name}, {"date", it->date.iso()},
                                 {"href", href(path, "versions/" + it->name + "/index.html")}}));
        d.set("versions", std::move(list));
        add(path, "versions", std::move(d));
    }

    // ---- Follow-up for the regional office -------------------------------------------------

    // A follow-up row that only the history can tell: the latest change of an activity gave its
    // working group another convener, or changed which principals it has members from.
    struct HistoryFinding {
        std::string group;
        std::string text;
        std::string record;
        std::string page;
        std::string history_page;
    };

    void note_working_group_change(const Group& g, const Activity& a, const std::vector<history::RecordVersion>& versions,
                                   const std::string& page, const std::string& history_page) {
        if (versions.size() < 2 || !versions[0].activity || !versions[1].activity) return;
        auto convener = [](const Activity& x) {
            for (const auto& m : x.working_group)
                if (m.convener) return m.name;
            return std::string();
        };
        auto principals = [](const Activity& x) {
            std::set<std::string> out;
            for (const auto& m : x.working_group) out.insert(m.principal.id);
            return out;
        };
        const Activity& before = *versions[1].activity;
        const Activity& after = *versions[0].activity;
        const std::string date = options_.history->revisions().at(versions[0].revision).date.iso();
        if (convener(before) != convener(after))
            history_findings_.push_back({g.id, fill(s_.get("finding_convener"), {convener(before), convener(after), date}),
                                         a.title, page, history_page});
        if (principals(before) != principals(after))
            history_findings_.push_back({g.id, fill(s_.get("finding_principals"), {date}), a.title, page, history_page});
    }

    // The page that shows the record a diagnostic is about, and the group it belongs to.
    struct Subject {
        std::string group;  // group id, empty for regional records
        std::string page;   // output path, empty when no page shows it
        std::string title;
        std::string history;  // its history page
    };

    Subject subject_of(const std::string& path) const {
        Subject s;
        if (path == site_.regional.path) return {"", regional_path(), site_.regional.title, "history/_regional/index.html"};
        for (const auto& g : site_.groups) {
            if (path.rfind(content::layout::group_dir(g.id) + "/", 0) != 0) continue;
            s.group = g.id;
            s.page = group_path(g.id);
            s.title = g.name;
            s.history = "history/" + g.id + "/index.html";
            for (const auto& p : g.plans) {
                if (p.path == path) return {g.id, plan_path(g.id, p.id), p.title, plan_history_path(g.id, p.id)};
                for (const auto& a : p.activities)
                    if (a.path == path)
                        return {g.id, activity_path(g.id, p.id, a.id), a.title, activity_history_path(g.id, p.id, a.id)};
            }
            return s;
        }
        return s;
    }

    // The warning in the site's language: the theme's "warning_<rule>" with {0}, {1}… filled
    // from the warning's values, else the checker's own message.
    std::string warning_text(const Diagnostic& d) const {
        const std::string key = "warning_" + d.rule;
        const std::string& pattern = s_.get(key);
        return pattern == key ? d.message : fill(pattern, d.args);
    }

    // A warning as text with its dates apart: {text, date} pieces, so that a theme can keep each
    // date on one line (<span class="date">).
    static Data text_with_dates(const std::string& text) {
        Data parts = Data::list();
        auto is_date_at = [&](size_t i) {
            if (i + 10 > text.size()) return false;
            for (size_t k = 0; k < 10; ++k) {
                const char c = text[i + k];
                if ((k == 4 || k == 7) ? c != '-' : !std::isdigit(static_cast<unsigned char>(c))) return false;
            }
            return true;
        };
        size_t start = 0;
        for (size_t i = 0; i < text.size();) {
            if (!is_date_at(i)) { ++i; continue; }
            if (i > start) parts.push(Data::map({{"text", text.substr(start, i - start)}, {"date", false}}));
            parts.push(Data::map({{"text", text.substr(i, 10)}, {"date", true}}));
            start = i += 10;
        }
        if (start < text.size()) parts.push(Data::map({{"text", text.substr(start)}, {"date", false}}));
        return parts;
    }

    std::vector<const Diagnostic*> warnings_for(const std::string& path) const {
        std::vector<const Diagnostic*> out;
        for (const auto& d : options_.warnings)
            if (d.path == path) out.push_back(&d);
        return out;
    }

    size_t warning_count_for_group(const std::string& group_id) const {
        size_t n = 0;
        for (const auto& d : options_.warnings)
            if (d.path.rfind(content::layout::group_dir(group_id) + "/", 0) == 0) ++n;
        return n;
    }

    Data warning_item(const std::string& from, const Diagnostic& d) const {
        const Subject s = subject_of(d.path);
        std::string history_page;
        if (options_.history && options_.history->last_change(d.path)) history_page = s.history;
        return Data::map({{"text", warning_text(d)},
                          {"record", s.title},
                          {"record_href", s.page.empty() ? std::string() : href(from, s.page)},
                          {"history_href", history_page.empty() ? std::string() : href(from, history_page)},
                          {"source", d.path + ":" + std::to_string(d.pos.line)}});
    }

    void add_follow_up() {
        const std::string path = follow_up_path();
        Data d = common(path, s_.get("follow_up_title"), "follow-up");
        d.set("breadcrumbs", crumbs(path, {}));
        d.set("coverage_href", href(path, coverage_path()));
        d.set("indicators_href", href(path, indicators_path()));
        d.set("warning_count", options_.warnings.size() + history_findings_.size());
        std::vector<const Group*> groups;
        for (const auto& g : site_.groups) groups.push_back(&g);
        collate_sort(groups, lang_, [](const Group* g) { return g->name; });
        Data sections = Data::list();
        for (const Group* g : groups) {
            Data items = Data::list();
            for (const auto& w : options_.warnings)
                if (subject_of(w.path).group == g->id) items.push(warning_item(path, w));
            for (const auto& f : history_findings_)
                if (f.group == g->id)
                    items.push(Data::map({{"text", f.text},
                                          {"record", f.record},
                                          {"record_href", href(path, f.page)},
                                          {"history_href", href(path, f.history_page)},
                                          {"source", ""}}));
            sections.push(Data::map({{"id", g->id},
                                     {"name", g->name},
                                     {"href", href(path, group_path(g->id))},
                                     {"paper_href", href(path, meeting_paper_path(g->id))},
                                     {"count", items.items().size()},
                                     {"items", std::move(items)}}));
        }
        d.set("groups", std::move(sections));
        Data other = Data::list();
        for (const auto& w : options_.warnings)
            if (subject_of(w.path).group.empty()) other.push(warning_item(path, w));
        d.set("other", std::move(other));
        add(path, "follow_up", std::move(d));
    }

    // Non-cancelled activities of a group's current plan, by focus area or goal id.
    std::map<std::string, size_t> coverage_counts(const Group& g, bool by_goal) const {
        std::map<std::string, size_t> counts;
        if (const Plan* p = current_plan(g))
            for (const auto& a : p->activities)
                if (a.status != ActivityStatus::Cancelled) ++counts[by_goal ? a.goal.id : a.focus_area.id];
        return counts;
    }

    void add_coverage() {
        const std::string path = coverage_path();
        Data d = common(path, s_.get("coverage_title"), "follow-up");
        d.set("breadcrumbs", crumbs(path, {{s_.get("follow_up_title"), follow_up_path()}}));
        std::vector<const Group*> groups;
        for (const auto& g : site_.groups)
            if (current_plan(g)) groups.push_back(&g);
        collate_sort(groups, lang_, [](const Group* g) { return g->name; });

        Data columns = Data::list();
        for (const auto& fa : site_.regional.focus_areas)
            columns.push(Data::map({{"title", fa.title}, {"href", href(path, focus_path(fa.id))}}));
        d.set("columns", std::move(columns));
        std::map<std::string, size_t> area_total, goal_total;
        Data rows = Data::list();
        for (const Group* g : groups) {
            const auto areas = coverage_counts(*g, false);
            const Plan* plan = current_plan(*g);
            Data cells = Data::list();
            for (const auto& fa : site_.regional.focus_areas) {
                const size_t n = areas.count(fa.id) ? areas.at(fa.id) : 0;
                area_total[fa.id] += n;
                cells.push(Data::map({{"count", n}, {"zero", n == 0}, {"href", href(path, plan_path(g->id, plan->id))}}));
            }
            std::set<std::string> target_groups;
            for (const auto& a : plan->activities) target_groups.insert(target_group_label(a.target_group.id));
            Data tg = Data::list();
            for (const auto& t : target_groups) tg.push(Data::map({{"label", t}}));
            rows.push(Data::map({{"name", g->name}, {"href", href(path, group_path(g->id))}, {"cells", std::move(cells)},
                                 {"target_groups", std::move(tg)}}));
        }
        d.set("rows", std::move(rows));
        // Per focus area, the same matrix by goal, shown on demand.
        Data details = Data::list();
        for (const auto& fa : site_.regional.focus_areas) {
            Data goal_columns = Data::list();
            for (const auto& goal : fa.goals)
                goal_columns.push(Data::map({{"title", goal.title}, {"href", href(path, goal_path(fa.id, goal.id))}}));
            Data goal_rows = Data::list();
            for (const Group* g : groups) {
                const auto goals = coverage_counts(*g, true);
                Data cells = Data::list();
                for (const auto& goal : fa.goals) {
                    const size_t n = goals.count(goal.id) ? goals.at(goal.id) : 0;
                    goal_total[goal.id] += n;
                    cells.push(Data::map({{"count", n}, {"zero", n == 0}}));
                }
                goal_rows.push(Data::map({{"name", g->name}, {"cells", std::move(cells)}}));
            }
            details.push(Data::map({{"title", fa.title}, {"columns", std::move(goal_columns)}, {"rows", std::move(goal_rows)}}));
        }
        d.set("by_goal", std::move(details));
        Data uncovered_areas = Data::list(), uncovered_goals = Data::list();
        for (const auto& fa : site_.regional.focus_areas) {
            if (area_total[fa.id] == 0) uncovered_areas.push(Data::map({{"title", fa.title}, {"href", href(path, focus_path(fa.id))}}));
            for (const auto& goal : fa.goals)
                if (goal_total[goal.id] == 0)
                    uncovered_goals.push(Data::map({{"title", goal.title}, {"href", href(path, goal_path(fa.id, goal.id))}}));
        }
        d.set("uncovered_areas", std::move(uncovered_areas));
        d.set("uncovered_goals", std::move(uncovered_goals));
        add(path, "coverage", std::move(d));
    }

    // Whether the latest value is where a straight line from baseline to target says it should
    // be by then. Returns the UI string key of the verdict.
    static std::string on_track(double baseline, long baseline_day, double target, long target_day, double value,
                                long value_day) {
        if (target_day <= baseline_day || target == baseline) return "track_unknown";
        const double share = std::clamp(static_cast<double>(value_day - baseline_day) / static_cast<double>(target_day - baseline_day), 0.0, 1.0);
        const double expected = baseline + (target - baseline) * share;
        const bool up = target > baseline;
        if (up ? value >= target : value <= target) return "track_reached";
        return (up ? value >= expected : value <= expected) ? "track_on" : "track_behind";
    }

    // The on-track verdict of an indicator (a UI string key), against the first target not before
    // its latest value.
    static std::string regional_verdict(const RegionalIndicator& ind) {
        if (!ind.baseline || ind.values.empty() || ind.targets.empty()) return "track_unknown";
        const auto& v = ind.values.back();
        const YearValue* t = &ind.targets.back();
        for (const auto& target : ind.targets)
            if (target.year >= v.year) {
                t = &target;
                break;
            }
        return on_track(ind.baseline->value, ind.baseline->year * 365L, t->value, t->year * 365L, v.value, v.year * 365L);
    }

    static std::string local_verdict(const LocalIndicator& ind) {
        if (!ind.baseline || !ind.target || ind.values.empty()) return "track_unknown";
        return on_track(ind.baseline->value, ind.baseline->date.days_since_epoch(), ind.target->value,
                        ind.target->date.days_since_epoch(), ind.values.back().value,
                        ind.values.back().date.days_since_epoch());
    }

    void add_indicator_page(const std::string& path, const std::string& title, const std::string& unit,
                            const std::string& owner, const std::string& owner_href_target,
                            Data chart, const std::string& verdict,
                            std::vector<std::pair<std::string, std::string>> trail, const std::string& plan_target = "") {
        // An indicator page is made from these arguments alone (and the site inputs): its key is
        // their digest, so that a rebuild keeps it while they stay the same.
        std::string key;
        if (incremental()) {
            Digest d;
            d.add(options_.inputs_key);
            d.add("indicator 2");
            d.add(options_.history->note());
            for (const std::string* text : {&path, &title, &unit, &owner, &owner_href_target, &verdict, &plan_target})
                d.add(*text);
            add_data(d, chart);
            for (const auto& [label, target] : trail) {
                d.add(label);
                d.add(target);
            }
            key = d.hex();
            if (options_.unchanged(path, key)) {
                keep(path, key);
                return;
            }
        }
        add_later(path, "indicator", [=, chart = std::move(chart), trail = std::move(trail)](const Builder& b) {
            Data d = b.common(path, title, "follow-up");
            d.set("breadcrumbs", b.crumbs(path, trail));
            d.set("unit", unit);
            d.set("owner", owner);
            d.set("owner_href", b.href(path, owner_href_target));
            d.set("verdict", b.s_.get(verdict));
            d.set("verdict_class", verdict);
            d.set("chart_id", "chart");
            d.set("chart", chart);
            d.set("plan_href", plan_target.empty() ? std::string() : b.href(path, plan_target));
            return d;
        }, key);
    }

    void add_indicators() {
        const std::string path = indicators_path();
        Data d = common(path, s_.get("indicators_title"), "follow-up");
        d.set("breadcrumbs", crumbs(path, {{s_.get("follow_up_title"), follow_up_path()}}));
        Data regional = Data::list();
        for (const auto& fa : site_.regional.focus_areas)
            for (const auto& goal : fa.goals)
                for (const auto& ind : goal.indicators) {
                    const std::string verdict = regional_verdict(ind);
                    const std::string page = regional_indicator_path(ind.id);
                    add_indicator_page(page, ind.title, ind.unit, goal.title, goal_path(fa.id, goal.id), regional_chart(ind), verdict,
                                       {{s_.get("follow_up_title"), follow_up_path()}, {s_.get("indicators_title"), indicators_path()}},
                                       regional_path() + "#goal-" + goal.id);
                    regional.push(Data::map({{"title", ind.title}, {"href", href(path, page)}, {"owner", goal.title},
                                             {"latest", ind.values.empty() ? std::string() : format_number(ind.values.back().value, lang_) + " (" + std::to_string(ind.values.back().year) + ")"},
                                             {"verdict", s_.get(verdict)}, {"verdict_class", verdict}}));
                }
        d.set("regional", std::move(regional));
        Data local = Data::list();
        for (const auto& g : site_.groups)
            for (const auto& p : g.plans)
                for (const auto& a : p.activities)
                    for (const auto& ind : a.indicators) {
                        const std::string verdict = local_verdict(ind);
                        const std::string page = local_indicator_path(g.id, p.id, a.id, ind.id);
                        add_indicator_page(page, ind.title, ind.unit, a.title, activity_path(g.id, p.id, a.id), local_chart(ind), verdict,
                                           {{s_.get("follow_up_title"), follow_up_path()}, {s_.get("indicators_title"), indicators_path()}});
                        local.push(Data::map({{"title", ind.title}, {"href", href(path, page)}, {"owner", a.title},
                                              {"group", g.name},
                                              {"latest", ind.values.empty() ? std::string() : format_number(ind.values.back().value, lang_) + " (" + ind.values.back().date.iso() + ")"},
                                              {"verdict", s_.get(verdict)}, {"verdict_class", verdict}}));
                    }
        d.set("local", std::move(local));
        add(path, "indicators", std::move(d));
    }

    // The standing agenda item "follow-up of the plan", on one printable page per group.
    void add_meeting_paper(const Group& g) {
        const std::string path = meeting_paper_path(g.id);
        Data d = common(path, s_.get("meeting_paper_title") + " – " + g.name, "follow-up");
        d.set("breadcrumbs", crumbs(path, {{s_.get("groups_title"), groups_path()}, {g.name, group_path(g.id)}}));
        d.set("group", g.name);
        d.set("group_href", href(path, group_path(g.id)));
        d.set("date", options_.today.iso());
        const Plan* plan = followed_plan(g);
        d.set("has_plan", plan != nullptr);
        d.set("plan", plan ? plan->title : std::string());
        d.set("plan_href", plan ? href(path, plan_path(g.id, plan->id)) : std::string());
        Data rows = Data::list();
        if (plan) {
            for (const auto& a : plan->activities) {
                Data row = activity_summary(path, g, *plan, a);
                row.set("latest_report", "");
                row.set("latest_report_on_schedule", "");
                if (!a.reports.empty()) {
                    row.set("latest_report", a.reports.back().date.iso());
                    if (a.reports.back().on_schedule)
                        row.set("latest_report_on_schedule", s_.get(*a.reports.back().on_schedule ? "on_schedule_yes" : "on_schedule_no"));
                }
                row.set("next_subgoal", "");
                row.set("next_subgoal_due", "");
                const Subgoal* next = nullptr;
                for (const auto& sg : a.subgoals)
                    if (!sg.done && sg.due && *sg.due >= options_.today && (!next || *sg.due < *next->due)) next = &sg;
                // What is overdue is what check warns of (rule subgoal-overdue and the others),
                // so that the paper, the follow-up page and the group page count the same.
                Data overdue = Data::list();
                if (next) {
                    row.set("next_subgoal", next->title);
                    row.set("next_subgoal_due", next->due->iso());
                }
                for (const auto* w : warnings_for(a.path)) overdue.push(Data::map({{"parts", text_with_dates(warning_text(*w))}}));
                row.set("overdue", std::move(overdue));
                rows.push(std::move(row));
            }
            Data plan_items = Data::list();
            for (const auto* w : warnings_for(plan->path)) plan_items.push(Data::map({{"parts", text_with_dates(warning_text(*w))}}));
            d.set("plan_warnings", std::move(plan_items));
        }
        d.set("activities", std::move(rows));
        add(path, "meeting_paper", std::move(d));
    }

    // iCalendar text: escape , ; \ and newlines, fold lines at 75 octets (RFC 5545). TEXT allows
    // no control character but tab: the others, and what no published format allows, become U+FFFD.
    static std::string ics_text(const std::string& s) {
        std::string out;
        for (const char c : publishable(s)) {
            if (c == '\\' || c == ';' || c == ',') { out += '\\'; out += c; }
            else if (c == '\n') out += "\\n";
            else if (c != '\r') out += c;
        }
        return out;
    }

    static void ics_line(std::string& out, const std::string& line) {
        size_t start = 0, width = 75;
        while (line.size() - start > width) {
            size_t cut = start + width;
            while (cut > start && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 sequences
            out += line.substr(start, cut - start) + "\r\n ";
            start = cut;
            width = 74;
        }
        out += line.substr(start) + "\r\n";
    }

    static std::string ics_date(const Date& d) {
        std::string s = d.iso();
        s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
        return s;
    }

    std::string calendar(const Group& g) const {
        std::string out;
        ics_line(out, "BEGIN:VCALENDAR");
        ics_line(out, "VERSION:2.0");
        ics_line(out, "PRODID:-//samplan//" + ics_text(site_.settings.title) + "//SV");
        ics_line(out, "CALSCALE:GREGORIAN");
        ics_line(out, "X-WR-CALNAME:" + ics_text(g.name));
        const std::string stamp = ics_date(options_.today) + "T000000Z";
        // Each event links to its activity's page: absolute with a base_url, else relative to the calendar file.
        std::string base_url = site_.settings.base_url;
        if (!base_url.empty() && base_url.back() != '/') base_url += '/';
        const std::string here = calendar_path(g.id);
        std::string url;
        auto event = [&](const std::string& uid, const Date& start, const Date& end_inclusive, const std::string& summary) {
            ics_line(out, "BEGIN:VEVENT");
            ics_line(out, "UID:" + uid + "@samplan");
            ics_line(out, "DTSTAMP:" + stamp);
            ics_line(out, "DTSTART;VALUE=DATE:" + ics_date(start));
            ics_line(out, "DTEND;VALUE=DATE:" + ics_date(Date::from_days_since_epoch(end_inclusive.days_since_epoch() + 1)));
            ics_line(out, "SUMMARY:" + ics_text(summary));
            if (!url.empty()) ics_line(out, "URL:" + url);
            ics_line(out, "END:VEVENT");
        };
        const int per_year = site_.settings.rules.reports_per_year;
        for (const auto& p : g.plans)
            for (const auto& a : p.activities) {
                const std::string base = g.id + "-" + p.id + "-" + a.id;
                url = base_url.empty() ? href(here, activity_path(g.id, p.id, a.id)) : base_url + activity_path(g.id, p.id, a.id);
                if (a.start && a.end) event(base, *a.start, *a.end, a.title);
                int n = 0;
                for (const auto& sg : a.subgoals) {
                    ++n;
                    if (sg.due) event(base + "-subgoal-" + std::to_string(n), *sg.due, *sg.due, s_.get("subgoal") + ": " + sg.title);
                }
                // Expected progress reports: every 12 / reports_per_year months from the start.
                if (a.start && a.end && (a.status == ActivityStatus::Ongoing || a.status == ActivityStatus::Planned)) {
                    for (int k = 1; k <= 60; ++k) {
                        const Date due = a.start->add_months(k * 12 / per_year);
                        if (due > *a.end) break;
                        event(base + "-report-" + std::to_string(k), due, due, s_.get("report") + ": " + a.title);
                    }
                }
            }
        ics_line(out, "END:VCALENDAR");
        return out;
    }

    const Site& site_;
    const SiteOptions& options_;
    const PageSink& sink_;
    const Strings& s_;
    std::string lang_;
    std::map<std::string, const FocusArea*> goal_area_;
    std::map<std::string, std::vector<Linked>> activities_by_goal_;
    std::map<std::string, const Process*> process_of_history_;
    std::set<std::string> noted_;  // the history pages whose changes the change log has
    std::map<std::string, std::vector<history::RecordVersion>> plan_versions_;  // from add_plan to add_plan_history
    // Each plan's activities' versions, from add_activity until add_plan_history takes them.
    std::map<std::string, std::vector<std::pair<const Activity*, std::shared_ptr<const std::vector<history::RecordVersion>>>>>
        activity_histories_;
    SiteView view_;
    std::vector<std::string> page_paths_;  // every page handed to the sink, in order
    std::map<std::string, RecordKeys> record_keys_;  // by record path, in incremental builds
    std::unique_ptr<VersionPrefetch> versions_;  // set when there is history
    struct ChangelogEntry {
        std::string title;
        std::string history_page;
        history::Difference difference;
    };
    std::map<size_t, std::vector<ChangelogEntry>> changelog_;  // by revision index
    std::vector<HistoryFinding> history_findings_;
    mutable std::mutex common_mutex_;
    mutable std::map<std::string, std::shared_ptr<const Data>> common_cache_;  // shared_common(), by root and section
};

}  // namespace

void resolve(PageView& page) {
    if (page.make) {
        page.data = page.make();
        page.make = nullptr;
    }
    add_meta_description(page.data);
}

void amend(PageView& page, std::function<void(Data&)> change) {
    if (page.keep) return;  // neither made nor rendered
    if (!page.make) {
        change(page.data);
        return;
    }
    page.make = [make = std::move(page.make), change = std::move(change)] {
        Data d = make();
        change(d);
        return d;
    };
}

SiteView build_site(const Site& site, const SiteOptions& options, const PageSink& sink) {
    return std::make_shared<Builder>(site, options, sink)->run();
}

SiteView build_site(const Site& site, const SiteOptions& options) {
    std::vector<PageView> pages;
    SiteView view = build_site(site, options, [&](PageView&& page) {
        resolve(page);
        pages.push_back(std::move(page));
    });
    view.pages = std::move(pages);
    return view;
}

}  // namespace samplan::site
