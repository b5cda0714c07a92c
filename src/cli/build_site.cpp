#include "cli/build_site.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <ostream>
#include <thread>

#include "core/text.h"
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

}  // namespace

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

    site::SiteOptions options;
    options.today = settings.today;
    options.history = &history;
    options.strings = &theme.strings;
    for (const auto& d : checks.all())
        if (d.severity == Severity::Warning) options.warnings.push_back(d);
    const site::SiteView view = site::build_site(site, options);

    try {
        publish::Output output(settings.output);
        const render::Renderer renderer(theme);
        // Pages are independent: render and write them on every core.
        std::atomic<size_t> next{0};
        std::mutex failure_mutex;
        std::string failure;
        auto work = [&] {
            for (size_t i; (i = next.fetch_add(1)) < view.pages.size();) {
                try {
                    output.write(view.pages[i].path, renderer.render(view.pages[i]));
                } catch (const std::exception& e) {
                    std::lock_guard lock(failure_mutex);
                    if (failure.empty()) failure = view.pages[i].path + ": " + e.what();
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

        for (const auto& f : view.files) output.write(f.path, f.content);
        for (const auto& [name, source] : theme.assets) output.copy("assets/" + name, source);
        report.pages = view.pages.size();
        report.files = view.files.size() + theme.assets.size();

        bool search_ok = false;
        const std::string search = publish::run_pagefind(output.staging_dir(), search_ok);
        if (!settings.quiet || !search_ok) err << "samplan: " << search << "\n";
        output.commit();
    } catch (const std::exception& e) {
        err << "samplan: the site was not built: " << e.what() << "; " << quote(settings.output) << " is unchanged\n";
        return 2;
    }
    return 0;
}

}  // namespace samplan::cli
