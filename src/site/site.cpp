#include "site/site.h"

#include <algorithm>
#include <future>
#include <iterator>

#include "site/builder.h"
#include "site/families.h"
#include "site/meta_description.h"
#include "site/open_data.h"

namespace samplan::site {

namespace {

bool with_history(const SiteOptions& o) { return o.history && o.history->available(); }

// 1 when the record at `path` has a history page of its own (one without older versions' pages).
size_t plain_history(const SiteOptions& o, const std::string& path) {
    return with_history(o) && !o.history->file_revisions(path).empty() ? 1 : 0;
}

// A plan's or an activity's history page and its older versions' pages (`blob`: its text's as
// loaded; the newest version has no page of its own when it is that text).
size_t record_history(const SiteOptions& o, const std::string& path, const std::string& blob) {
    if (!with_history(o)) return 0;
    const auto& file = o.history->file_revisions(path);
    size_t older = 0;
    for (size_t i = 0; i < file.size(); ++i)
        if (file[i].kind != history::ChangeKind::Deleted && !(i == 0 && history::is_loaded(*o.history, file[i], &blob))) ++older;
    return 1 + older;
}

size_t count_start(const Site&, const SiteOptions&) { return 1; }

size_t count_regional(const Site& site, const SiteOptions& o) {
    size_t n = 1 + site.regional.focus_areas.size() + plain_history(o, site.regional.path);
    for (const auto& fa : site.regional.focus_areas) n += fa.goals.size();
    return n;
}

size_t count_groups(const Site& site, const SiteOptions& o) {
    size_t n = 1;
    for (const auto& g : site.groups) {
        n += 1 + plain_history(o, g.path) + g.evaluations.size();
        for (const auto& p : g.plans) {
            n += 1 + record_history(o, p.path, p.blob);
            for (const auto& a : p.activities) n += 1 + record_history(o, a.path, a.blob);
        }
    }
    return n;
}

size_t count_guidance(const Site& site, const SiteOptions& o) {
    // the processes, accessibility, search (not in an archived version) and not-found pages
    size_t n = (o.archive ? 3 : 4) + site.processes.size();
    for (const auto& p : site.pages) n += 1 + plain_history(o, p.path);
    return n;
}

size_t count_follow_up(const Site&, const SiteOptions&) { return 2; }

size_t count_indicators(const Site& site, const SiteOptions&) {
    size_t n = 1;
    for (const auto& fa : site.regional.focus_areas)
        for (const auto& goal : fa.goals) n += goal.indicators.size();
    for (const auto& g : site.groups)
        for (const auto& p : g.plans)
            for (const auto& a : p.activities) n += a.indicators.size();
    return n;
}

size_t count_meeting_papers(const Site& site, const SiteOptions&) { return site.groups.size(); }
size_t count_changes(const Site&, const SiteOptions& o) { return with_history(o) ? 2 : 0; }
size_t count_versions(const Site&, const SiteOptions& o) { return !o.versions.empty() && !o.archive ? 1 : 0; }
size_t count_feeds(const Site& site, const SiteOptions&) { return site.settings.base_url.empty() ? 1 : 2; }

}  // namespace

const std::vector<PageFamily>& page_families() {
    static const std::vector<PageFamily> families = {
        {"start", count_start, &Builder::add_start_family},
        {"regional", count_regional, &Builder::add_regional_family},
        {"groups", count_groups, &Builder::add_groups_family},
        {"guidance", count_guidance, &Builder::add_guidance_family},
        {"follow-up", count_follow_up, &Builder::add_follow_up_family},
        {"indicators", count_indicators, &Builder::add_indicators_family},
        {"meeting papers", count_meeting_papers, &Builder::add_meeting_papers_family},
        {"changes", count_changes, &Builder::add_changes_family},
        {"versions", count_versions, &Builder::add_versions_family},
        {"feeds", count_feeds, &Builder::add_feeds_family},
    };
    return families;
}

size_t page_count(const Site& site, const SiteOptions& options) {
    size_t n = 0;
    for (const auto& family : page_families()) n += family.count(site, options);
    return n;
}

void Builder::add_start_family(Handoff&) { add_home(); }

void Builder::add_regional_family(Handoff& handoff) {
    add_regional(handoff.changelog);
    for (const auto& fa : site_.regional.focus_areas) {
        add_focus_area(fa);
        for (const auto& g : fa.goals) add_goal(fa, g);
    }
}

void Builder::add_groups_family(Handoff& handoff) {
    add_groups();
    // Visited out of their own order (changed first, group_order_), each group's part of the
    // change log and of the sitemap is set aside, and they are joined in the groups' own order
    // after: the site is the one made in that order.
    const bool reordered = !std::is_sorted(group_order_.begin(), group_order_.end());
    std::vector<Handoff> own(reordered ? site_.groups.size() : 0);
    std::vector<std::string> own_sitemap(own.size());
    for (const size_t gi : group_order_) {
        const Group& g = site_.groups[gi];
        Handoff& into = reordered ? own[gi] : handoff;
        if (reordered) std::swap(sitemap_pages_, own_sitemap[gi]);  // the group's pages alone
        add_group(into.changelog, g);
        for (const auto& p : g.plans) {
            if (keep_plan_folder(into, g, p)) continue;
            const size_t first = handed_;
            add_plan(into.changelog, g, p);
            for (const auto& a : p.activities) add_activity(into, g, p, a);
            add_plan_history(into.changelog, g, p);  // it shows its activities' changes too
            end_plan_folder(g, p, handed_ - first);
        }
        for (const auto& e : g.evaluations) add_evaluation(g, e);
        if (reordered) std::swap(sitemap_pages_, own_sitemap[gi]);
    }
    for (size_t gi = 0; gi < own.size(); ++gi) {
        sitemap_pages_ += own_sitemap[gi];
        for (auto& [revision, entries] : own[gi].changelog) {
            auto& to = handoff.changelog[revision];
            to.insert(to.end(), std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));
        }
    }
    if (versions_) {
        view_.versions_from_cache = versions_->from_cache();
        view_.versions_stored = versions_->stored();
    }
    versions_.reset();  // every record's versions are taken: its threads and git's read cache go
}

void Builder::add_guidance_family(Handoff& handoff) {
    add_processes();
    for (const auto& p : site_.processes) add_process(p);
    for (const auto& p : site_.pages) add_page(handoff.changelog, p);
    add_accessibility();
    add_search();
    add_not_found();
}

void Builder::add_follow_up_family(Handoff& /*handoff*/) {
    add_follow_up();
    add_coverage();
}

void Builder::add_indicators_family(Handoff&) { add_indicators(); }

void Builder::add_meeting_papers_family(Handoff&) {
    for (const auto& g : site_.groups) {
        add_meeting_paper(g);
        std::string key = calendar_key(g);
        if (!key.empty() && options_.unchanged(calendar_path(g.id), key)) view_.files.push_back({calendar_path(g.id), {}, std::move(key), true});
        else view_.files.push_back({calendar_path(g.id), calendar(g), std::move(key)});
    }
}

void Builder::add_changes_family(Handoff& handoff) { add_changelog(std::move(handoff.changelog)); }
void Builder::add_versions_family(Handoff&) { add_versions(); }
void Builder::add_feeds_family(Handoff&) { add_feed_and_sitemap(sitemap_pages_); }

SiteView Builder::run() {
    // The open data files need only the model: they are made on another thread while the pages
    // after the groups' are made. Not from the start: they would then be held through the groups'
    // pages, when the most memory is in use (every record's versions are read then).
    std::future<std::vector<FileView>> open_data;
    Handoff handoff;
    for (const auto& family : page_families()) {
        (this->*family.add)(handoff);
        if (family.add == &Builder::add_groups_family)
            open_data = std::async(std::launch::async, [this] { return open_data_views(); });
    }
    for (auto& f : open_data.get()) view_.files.push_back(std::move(f));
    versions_.reset();  // its threads are done
    return std::move(view_);
}

std::vector<FileView> Builder::open_data_views() const {
    if (!incremental()) return open_data_files(site_, OpenDataOptions{lang_});
    // Keyed as a page is: kept when the previous build wrote every one of them from the same data.
    const std::string key = open_data_key(site_, options_.inputs_key);
    std::vector<FileView> files;
    bool all_kept = true;
    for (auto& path : open_data_paths()) {
        all_kept = all_kept && options_.unchanged(path, key);
        files.push_back({std::move(path), {}, key, true});
    }
    if (all_kept) return files;
    files = open_data_files(site_, OpenDataOptions{lang_});
    for (auto& f : files) f.key = key;
    return files;
}

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

