// A build killed with SIGKILL at any moment leaves the output folder as the previous complete
// site or the new complete site, never something in between.
#include <doctest/doctest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <thread>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

TEST_CASE("SIGKILL during a build leaves the previous or the new complete site") {
    TempDir dir;
    const fs::path content = dir.path() / "content";
    fs::copy(SAMPLAN_EXAMPLE_CONTENT, content, fs::copy_options::recursive);
    const fs::path output = dir.path() / "site";
    const std::vector<std::string> args = {"build", "--content", content.string(), "--output", output.string(),
                                           "--today", "2026-11-24", "--quiet"};
    REQUIRE(run_samplan(args).exit_code == 0);
    const Snapshot old_site = snapshot(output);

    // The next build differs: another site title on every page.
    std::string site_toml = read_file(content / "site.toml");
    const std::string old_title = "title = \"Lokal samverkan i Fyrbodal\"";
    REQUIRE(site_toml.find(old_title) != std::string::npos);
    site_toml.replace(site_toml.find(old_title), old_title.size(), "title = \"Ny titel på webbplatsen\"");
    write_file(content / "site.toml", site_toml);
    TempDir reference;
    REQUIRE(run_samplan({"build", "--content", content.string(), "--output", (reference.path() / "site").string(),
                         "--today", "2026-11-24", "--quiet"})
                .exit_code == 0);
    const Snapshot new_site = snapshot(reference.path() / "site");
    REQUIRE(old_site != new_site);

    int killed = 0;
    for (const int delay_ms : {0, 2, 5, 10, 20, 40, 80, 120, 200, 400}) {
        INFO("killed after " << delay_ms << " ms");
        const Snapshot before = snapshot(output);
        const int pid = spawn_samplan(args);
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        if (::kill(-pid, SIGKILL) == 0) ++killed;  // samplan and anything it started (Pagefind)
        int status = 0;
        ::waitpid(pid, &status, 0);
        const Snapshot after = snapshot(output);
        CHECK((after == before || after == new_site));
        // Restore the old site so that every kill interrupts a real change.
        if (after == new_site) {
            fs::remove_all(output);
            for (const auto& [path, text] : old_site) write_file(output / path, text);
        }
    }
    CHECK(killed > 0);
    // The next complete build removes what the killed ones left beside the output.
    REQUIRE(run_samplan(args).exit_code == 0);
    CHECK(snapshot(output) == new_site);
    // (The site it replaced is removed in the background: docs/publishing.md.)
    CHECK(wait_until([&] {
        for (const auto& e : fs::directory_iterator(dir.path()))
            if (e.path().filename().string().find(".tmp-") != std::string::npos) return false;
        return true;
    }));
}
