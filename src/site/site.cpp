#include "site/site.h"

#include <future>

#include "site/builder.h"
#include "site/open_data.h"

namespace samplan::site {

SiteView Builder::run() {
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

void resolve(PageView& page) {
    if (!page.make) return;
    page.data = page.make();
    page.make = nullptr;
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

