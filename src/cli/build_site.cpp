#include "cli/build_site.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <ostream>
#include <thread>

#include "check/check.h"
#include "content/content.h"
#include "core/text.h"
#include "model/build.h"
#include "publish/publish.h"
#include "render/render.h"
#include "site/site.h"

namespace samplan::cli {
namespace fs = std::filesystem;
namespace {

// The folder that holds the themes: --themes, else ./themes, else ../themes beside the binary.
std::string find_themes(const BuildSettings& settings) {
    if (!settings.themes.empty()) return settings.themes;
    std::error_code ec;
    if (fs::is_directory("themes", ec)) return "themes";
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        for (const fs::path& candidate : {exe.parent_path() / "../themes", exe.parent_path() / "../share/samplan/themes"})
            if (fs::is_directory(candidate, ec)) return candidate.lexically_normal().string();
    }
    return "themes";
}

// Renders and writes every page under `prefix`, on every core; throws on the first failure.
void write_site(const site::SiteView& view, const render::Renderer& renderer, const render::Theme& theme,
                const publish::Output& output, const std::string& prefix) {
    std::atomic<size_t> next{0};
    std::mutex failure_mutex;
    std::string failure;
    auto work = [&] {
        for (size_t i; (i = next.fetch_add(1)) < view.pages.size();) {
            try {
                output.write(prefix + view.pages[i].path, renderer.render(view.pages[i]));
            } catch (const std::exception& e) {
                std::lock_guard lock(failure_mutex);
                if (failure.empty()) failure = prefix + view.pages[i].path + ": " + e.what();
                next = view.pages.size();
            }
        }
    };
    const unsigned workers = std::max(1u, std::min(std::thread::hardware_concurrency(), 16u));
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < workers; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
    if (!failure.empty()) throw std::runtime_error(failure);
    for (const auto& f : view.files) output.write(prefix + f.path, f.content);
    for (const auto& [name, source] : theme.assets) output.copy(prefix + "assets/" + name, source);
}

// In `samplan serve`, the foot partial loads the live-reload script (themes/<name>/serve/).
void add_live_reload(site::SiteView& view, const BuildSettings& settings) {
    if (settings.live_script_href.empty()) return;
    for (auto& page : view.pages)
        page.data.set("live_reload", site::Data::map({{"script_href", settings.live_script_href},
                                                      {"status_href", settings.live_status_href}}));
}

// Hard-links the previous site's pagefind/ folder into the staging folder; false when there is none.
bool keep_search_index(const std::string& previous_site, const std::string& staging) {
    const fs::path from = fs::path(previous_site) / "pagefind";
    std::error_code ec;
    if (!fs::is_regular_file(from / "pagefind.js", ec)) return false;
    fs::copy(from, fs::path(staging) / "pagefind", fs::copy_options::recursive | fs::copy_options::create_hard_links, ec);
    return !ec;
}

// A tag becomes a folder name: letters, digits, '.', '_' and '-', not starting with '.'.
bool safe_version_name(const std::string& name) {
    if (name.empty() || name[0] == '.' || name.size() > 100) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

}  // namespace

void Timings::start(const std::string& name) {
    stop();
    current_ = name;
    began_ = std::chrono::steady_clock::now();
}

void Timings::stop() {
    if (current_.empty()) return;
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - began_;
    stages_.emplace_back(current_, took.count());
    current_.clear();
}

std::string Timings::report() const {
    std::string out = "samplan: timings:";
    double total = 0;
    char buf[64];
    for (const auto& [name, ms] : stages_) {
        std::snprintf(buf, sizeof buf, " %s %.1f ms,", name.c_str(), ms);
        out += buf;
        total += ms;
    }
    std::snprintf(buf, sizeof buf, " total %.1f ms", total);
    return out + buf;
}

std::string themes_folder(const std::string& themes) {
    BuildSettings settings;
    settings.themes = themes;
    return find_themes(settings);
}

site::Strings load_strings(const model::Site& site, const std::string& themes) {
    BuildSettings settings;
    settings.themes = themes;
    Diagnostics ignored;
    return render::load_theme(find_themes(settings) + "/" + site.settings.theme, "", site.settings.language, ignored).strings;
}

int publish_site(const model::Site& site, const history::History& history, const Diagnostics& checks,
                 const BuildSettings& settings, BuildReport& report, std::ostream& err) {
    const std::string theme_dir = find_themes(settings) + "/" + site.settings.theme;
    std::error_code ec;
    if (!fs::is_directory(theme_dir + "/templates", ec)) {
        err << "samplan: theme " << quote(site.settings.theme) << " not found (looked for " << quote(theme_dir)
            << "); use --themes DIR\n";
        return 2;
    }
    Diagnostics theme_problems;
    const render::Theme theme =
        render::load_theme(theme_dir, settings.content + "/theme", site.settings.language, theme_problems);
    if (theme_problems.has_errors()) {
        for (const auto& d : theme_problems.all()) err << format_text(d) << "\n";
        return 2;
    }

    report.timings.start("theme");
    // Published versions: git tags matching [history] versions, read from the tree at the tag.
    std::vector<history::Tag> tags;
    for (const auto& tag : history.tags(site.settings.history_versions)) {
        if (safe_version_name(tag.name)) tags.push_back(tag);
        else err << "samplan: warning: tag " << quote(tag.name) << " is not a usable folder name; not published\n";
    }

    site::SiteOptions options;
    options.today = settings.today;
    options.history = &history;
    options.strings = &theme.strings;
    // A draft's warnings would tell of it: they stay in `samplan check`.
    for (const auto& d : checks.all())
        if (d.severity == Severity::Warning &&
            !std::binary_search(settings.draft_paths.begin(), settings.draft_paths.end(), d.path))
            options.warnings.push_back(d);
    options.draft_paths = settings.draft_paths;
    for (const auto& t : tags) options.versions.push_back({t.name, t.date});
    report.timings.start("view models");
    site::SiteView view = site::build_site(site, options);
    add_live_reload(view, settings);

    try {
        publish::Output output(settings.output);
        const render::Renderer renderer(theme);
        report.timings.start("render and write");
        write_site(view, renderer, theme, output, "");
        report.pages = view.pages.size();
        report.files = view.files.size() + theme.assets.size();

        // Search covers the current site only: index it before the archived versions are added.
        report.timings.start("search index");
        if (!settings.reuse_search || !keep_search_index(settings.output, output.staging_dir())) {
            bool search_ok = false;
            const std::string search = publish::run_pagefind(output.staging_dir(), search_ok);
            if (!settings.quiet || !search_ok) err << "samplan: " << search << "\n";
        }

        report.timings.start("versions");
        std::vector<std::string> current_pages;
        for (const auto& p : view.pages) current_pages.push_back(p.path);
        std::sort(current_pages.begin(), current_pages.end());
        for (const auto& tag : tags) {
            const auto source = history.tree_source(tag.commit);
            if (!source) continue;
            Diagnostics version_diagnostics;
            const auto records = content::load_records(*source, version_diagnostics);
            model::Site version = model::build_model(records, version_diagnostics);
            check::run_checks(version, check::CheckOptions{tag.date, nullptr}, version_diagnostics);
            if (version_diagnostics.has_errors())
                err << "samplan: warning: version " << quote(tag.name) << " has " << version_diagnostics.error_count()
                    << " content errors; published as it was\n";
            if (!settings.drafts) model::remove_drafts(version);
            const site::ArchiveInfo archive{tag.name, tag.date, "versions/" + tag.name + "/", &current_pages};
            site::SiteOptions version_options;
            version_options.today = tag.date;
            version_options.strings = &theme.strings;
            version_options.archive = &archive;
            site::SiteView version_view = site::build_site(version, version_options);
            add_live_reload(version_view, settings);
            write_site(version_view, renderer, theme, output, archive.prefix);
            report.pages += version_view.pages.size();
        }
        report.timings.start("swap output");
        output.commit();
        report.timings.stop();
    } catch (const std::exception& e) {
        err << "samplan: the site was not built: " << e.what() << "; " << quote(settings.output) << " is unchanged\n";
        return 2;
    }
    return 0;
}

}  // namespace samplan::cli
