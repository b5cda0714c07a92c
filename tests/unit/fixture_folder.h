// tests/unit/fixture_folder.h — a fixture site copied into a temporary folder, for the tests that
// run the build stage on files (pipeline.h runs the stages before it on files in memory): its
// content/ made an hour old (the up-to-date check trusts no file changed in the last seconds), git
// at hand with a fixed author and dates, and a request that builds it into output/ beside it, with
// the caches a command keeps in cache/. The folder is removed at the end.
#pragma once

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "build/build.h"

namespace samplan::test {

struct FixtureFolder {
    std::filesystem::path dir;

    // `name` tells the tests' folders apart in the temporary folder; `fixture` (a folder under
    // tests/fixtures/) is copied into content/.
    explicit FixtureFolder(const std::string& name, const std::string& fixture = "base") {
        namespace fs = std::filesystem;
        dir = fs::temp_directory_path() / ("samplan-" + name + "-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir / "content");
        fs::copy(fs::path(SAMPLAN_FIXTURES) / fixture, dir / "content", fs::copy_options::recursive);
        settle();
    }
    ~FixtureFolder() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    FixtureFolder(const FixtureFolder&) = delete;
    FixtureFolder& operator=(const FixtureFolder&) = delete;

    // Runs `git <command>` in the folder (content/ is inside the work tree), as Anna B at `date`.
    void git(const std::string& command, const std::string& date = "2025-01-05T10:00:00") const {
        const std::string line = "cd '" + dir.string() + "' && GIT_AUTHOR_DATE=" + date + " GIT_COMMITTER_DATE=" + date +
                                 " git -c user.name='Anna B' -c user.email=anna@example.org -c init.defaultBranch=main " +
                                 command + " >/dev/null 2>&1";
        REQUIRE(std::system(line.c_str()) == 0);
    }
    // Replaces the first `from` in the content file at `path` by `to`.
    void replace(const std::string& path, const std::string& from, const std::string& to) const {
        std::ifstream in(dir / "content" / path);
        std::stringstream text;
        text << in.rdbuf();
        std::string s = text.str();
        const auto at = s.find(from);
        REQUIRE_MESSAGE(at != std::string::npos, path);
        s.replace(at, from.size(), to);
        std::ofstream(dir / "content" / path, std::ios::trunc) << s;
    }
    // Makes every content file an hour old.
    void settle() const {
        namespace fs = std::filesystem;
        const auto old = fs::file_time_type::clock::now() - std::chrono::hours(1);
        for (const auto& e : fs::recursive_directory_iterator(dir / "content")) fs::last_write_time(e.path(), old);
    }
    // `samplan build` of content/ into output/ with the example's theme, on 2025-06-01, quietly.
    build::SiteRequest request() const {
        namespace fs = std::filesystem;
        build::SiteRequest r;
        r.settings.content = (dir / "content").string();
        r.settings.output = (dir / "output").string();
        r.settings.themes = (fs::path(SAMPLAN_EXAMPLE_CONTENT).parent_path() / "themes").string();
        r.settings.today = Date{2025, 6, 1};
        r.settings.quiet = true;
        r.settings.page_keys_file = (dir / "cache/pages.txt").string();
        r.stamp_file = (dir / "cache/stamp.txt").string();
        r.stamp_options = "test";
        r.history_cache = (dir / "cache/history").string();
        return r;
    }
};

}  // namespace samplan::test
