// A stopped or killed build ends every process it started and leaves the output folder as it
// was; a stop signal also removes its staging folder at once, a kill leaves it to the next build.
// A stand-in for Pagefind that waits (FakePagefind) makes the moment of the kill certain.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <map>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

// The staging folders beside `output` ("<output>.tmp-…"), and the folders of the pages Pagefind
// reads beside them ("<output>.tmp-…-0"), sorted.
std::vector<fs::path> staging_folders(const fs::path& output) {
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(output.parent_path()))
        if (e.path().filename().string().rfind(output.filename().string() + ".tmp-", 0) == 0) found.push_back(e.path());
    std::sort(found.begin(), found.end());
    return found;
}

// Sets every file under `dir` an hour back, so that a build trusts their times (see up_to_date.h).
void age_files(const fs::path& dir) {
    const struct timespec hour_ago[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) REQUIRE(::utimensat(AT_FDCWD, e.path().c_str(), hour_ago, 0) == 0);
}

std::vector<std::string> build_args(const fs::path& content, const fs::path& output, const char* today) {
    return {"build", "--content", content.string(), "--output", output.string(), "--today", today};
}

// Waits for the end of a process started by spawn_samplan; its exit code, 128 + the signal that
// ended it otherwise.
int wait_for(int pid) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// A site that has been built once; the fake Pagefind is on PATH.
struct BuiltSite {
    FakePagefind pagefind;
    TempDir dir;
    fs::path content = dir.path() / "content";
    fs::path output = dir.path() / "site";
    Snapshot old_site;
    int first_runs = 0;  // Pagefind's runs in the first build (one per part of the index)
    BuiltSite() {
        copy_base_fixture(content);
        age_files(content);
        REQUIRE(run_samplan(build_args(content, output, "2025-06-01")).exit_code == 0);
        old_site = snapshot(output);
        REQUIRE(old_site.count("pagefind/pagefind.js"));
        first_runs = pagefind.runs();
    }
    // The next build runs Pagefind even though no searched page changed.
    void forget_search_index() const { REQUIRE(fs::remove(dir.path() / ".samplan-cache/site/search.txt")); }
};

// Kills the held Pagefind's build with `signal` and checks that nothing of the build runs on.
void check_nothing_runs_on(const FakePagefind& pagefind) {
    const auto pids = pagefind.held_processes();
    REQUIRE(pids.size() == 2);
    for (const int pid : pids) {
        INFO("process " << pid);
        CHECK(wait_until([&] { return process_gone(pid); }));
    }
}

// Whether something listens on 127.0.0.1:`port`; with `port` 0, a port that was free a moment ago.
int connect_or_find_port(int port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = htons(static_cast<uint16_t>(port));
    int result = 0;
    if (port == 0) {
        socklen_t size = sizeof address;
        REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0);
        result = ntohs(address.sin_port);
    } else {
        result = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 ? 1 : 0;
    }
    ::close(fd);
    return result;
}

}  // namespace

TEST_CASE("SIGTERM, SIGINT and SIGHUP stop a build during Pagefind: nothing left, the output as it was") {
    for (const int signal : {SIGTERM, SIGINT, SIGHUP}) {
        INFO("signal " << signal);
        BuiltSite site;
        site.pagefind.hold();
        site.forget_search_index();
        // Another date: the build does not find itself up to date.
        const fs::path err = site.dir.path() / "err.txt";
        const int pid = spawn_samplan(build_args(site.content, site.output, "2025-06-02"), "/dev/null", err.string());
        REQUIRE(wait_until([&] { return site.pagefind.held(); }));
        const int group = process_group(site.pagefind.held_processes().at(0));
        CHECK(group != pid);  // Pagefind runs in a group of its own: a terminal's Ctrl-C reaches samplan alone
        REQUIRE(::kill(pid, signal) == 0);  // samplan alone, as supervisors do
        CHECK(wait_for(pid) == 128 + signal);
        CHECK(read_file(err).find("samplan: stopped; '" + site.output.string() + "' is unchanged\n") != std::string::npos);
        CHECK(staging_folders(site.output).empty());  // at once
        check_nothing_runs_on(site.pagefind);
        CHECK(wait_until([&] { return processes_in_group(group).empty(); }));
        CHECK(snapshot(site.output) == site.old_site);
        CHECK(site.pagefind.runs() > site.first_runs);
    }
}

TEST_CASE("SIGTERM while Pagefind indexes an edited part beside the pages of a rebuild: nothing left, the output as it was") {
    // A site in git, so that a rebuild knows each part's pages from the last build's page keys and
    // starts the edited group's part of the index once its pages are written, while the others are
    // still made (docs/publishing.md).
    FakePagefind pagefind;
    TempDir repo;
    const fs::path content = commit_base_fixture(repo.path()), output = repo.path() / "site";
    REQUIRE(run_samplan(build_args(content, output, "2025-06-01")).exit_code == 0);
    const Snapshot old_site = snapshot(output);
    const int first_runs = pagefind.runs();
    const fs::path activity = content / "groups/alfa/plans/2025/activities/utbildning.md";
    write_file(activity, read_file(activity) + "\nSnöskoter.\n");
    pagefind.hold();
    const fs::path err = repo.path() / "err.txt";
    const int pid = spawn_samplan(build_args(content, output, "2025-06-01"), "/dev/null", err.string());
    REQUIRE(wait_until([&] { return pagefind.held(); }));
    CHECK(pagefind.runs() == first_runs + 1);  // the edited group's part, and no other
    const int group = process_group(pagefind.held_processes().at(0));
    REQUIRE(::kill(pid, SIGTERM) == 0);
    CHECK(wait_for(pid) == 128 + SIGTERM);
    INFO(read_file(err));
    CHECK(read_file(err).find("samplan: stopped; '" + output.string() + "' is unchanged\n") != std::string::npos);
    CHECK(staging_folders(output).empty());
    check_nothing_runs_on(pagefind);
    CHECK(wait_until([&] { return processes_in_group(group).empty(); }));
    CHECK(snapshot(output) == old_site);

    // The next build makes that part again, and the site.
    const auto next = run_samplan(build_args(content, output, "2025-06-01"));
    CHECK(next.exit_code == 0);
    CHECK(pagefind.runs() == first_runs + 2);
    CHECK(read_file(output / "groups/alfa/2025/utbildning/index.html").find("Snöskoter") != std::string::npos);
    CHECK(staging_folders(output).empty());
}

TEST_CASE("SIGKILL during Pagefind: Pagefind ends too, and the next build removes the staging folder") {
    BuiltSite site;
    site.pagefind.hold();
    site.forget_search_index();
    const int pid = spawn_samplan(build_args(site.content, site.output, "2025-06-02"));
    REQUIRE(wait_until([&] { return site.pagefind.held(); }));
    REQUIRE(::kill(pid, SIGKILL) == 0);
    CHECK(wait_for(pid) == 128 + SIGKILL);
    check_nothing_runs_on(site.pagefind);
    CHECK(snapshot(site.output) == site.old_site);
    // Nothing could remove them: its staging folder, and the folder of Pagefind's pages beside it.
    CHECK(staging_folders(site.output).size() == 2);

    // The next build finds nothing changed since the last complete one, and still cleans up.
    const auto next = run_samplan(build_args(site.content, site.output, "2025-06-01"));
    CHECK(next.exit_code == 0);
    CHECK(next.err.find("nothing changed since the last build") != std::string::npos);
    CHECK(staging_folders(site.output).empty());
    CHECK(snapshot(site.output) == site.old_site);
}

TEST_CASE("SIGTERM while the pages are written: the output as it was, no staging folder") {
    BuiltSite site;
    // Enough pages that writing them takes a while.
    const std::string activity = read_file(site.content / "groups/alfa/plans/2025/activities/sip.md");
    for (int i = 0; i < 400; ++i)
        write_file(site.content / ("groups/alfa/plans/2025/activities/sip-" + std::to_string(i) + ".md"), activity);
    site.pagefind.hold();
    site.forget_search_index();
    const fs::path err = site.dir.path() / "err.txt";
    const int pid = spawn_samplan(build_args(site.content, site.output, "2025-06-01"), "/dev/null", err.string());
    // The first page of the new site is written.
    REQUIRE(wait_until([&] {
        for (const auto& staging : staging_folders(site.output))
            if (fs::exists(staging / "groups")) return true;
        return false;
    }));
    REQUIRE(::kill(pid, SIGTERM) == 0);
    CHECK(wait_for(pid) == 128 + SIGTERM);
    INFO(read_file(err));
    CHECK(read_file(err).find("samplan: stopped; '" + site.output.string() + "' is unchanged\n") != std::string::npos);
    CHECK(staging_folders(site.output).empty());
    CHECK(snapshot(site.output) == site.old_site);
    if (site.pagefind.held()) check_nothing_runs_on(site.pagefind);  // if the pages were done by then
}

TEST_CASE("a staging folder of a running build is never touched by another, and both builds complete") {
    BuiltSite site;
    site.pagefind.hold(true);
    site.forget_search_index();
    const fs::path err = site.dir.path() / "err.txt";
    const int first = spawn_samplan(build_args(site.content, site.output, "2025-06-02"), "/dev/null", err.string());
    REQUIRE(wait_until([&] { return site.pagefind.held(); }));
    // Its staging folder, and beside it the folder of the pages its Pagefind reads ("…-0").
    const auto staging = staging_folders(site.output);
    REQUIRE(staging.size() == 2);
    CHECK(staging[1].string() == staging[0].string() + "-0");
    // Its pages (its other parts of the search index may still be made meanwhile: not entered).
    auto pages_of = [](const fs::path& folder) { return snapshot(folder, {"pagefind"}); };
    const Snapshot first_staging = pages_of(staging[0]);

    const auto second = run_samplan(build_args(site.content, site.output, "2025-06-03"));
    CHECK(second.exit_code == 0);
    // The site the second build replaced is removed in the background (docs/publishing.md).
    CHECK(wait_until([&] { return staging_folders(site.output) == staging; }));
    CHECK(pages_of(staging[0]) == first_staging);

    site.pagefind.release();
    CHECK(wait_for(first) == 0);
    INFO(read_file(err));
    CHECK(wait_until([&] { return staging_folders(site.output).empty(); }));
    const Snapshot last = snapshot(site.output);
    CHECK(last.count("index.html"));
    CHECK(last.count("pagefind/pagefind.js"));
}

TEST_CASE("a write error (a full disk) fails the build and leaves the output and nothing else") {
    BuiltSite site;
    // Another title: every page changes, none can be kept from the previous site.
    std::string site_toml = read_file(site.content / "site.toml");
    const auto title = site_toml.find("title = \"");
    REQUIRE(title != std::string::npos);
    site_toml.insert(title + 9, "Ny ");
    write_file(site.content / "site.toml", site_toml);
    // Every file written beyond 4 KiB fails, as on a full disk (EFBIG rather than ENOSPC).
    struct rlimit old_limit {};
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
    const auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old_limit;
    small.rlim_cur = 4096;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    const fs::path err = site.dir.path() / "err.txt";
    const int pid = spawn_samplan(build_args(site.content, site.output, "2025-06-02"), "/dev/null", err.string());
    ::setrlimit(RLIMIT_FSIZE, &old_limit);
    ::signal(SIGXFSZ, old_handler);
    CHECK(wait_for(pid) == 2);
    const std::string text = read_file(err);
    INFO(text);
    CHECK(text.find("samplan: the site was not built: ") != std::string::npos);
    CHECK(text.find("cannot write ") != std::string::npos);
    CHECK(text.find("is unchanged\n") != std::string::npos);
    CHECK(staging_folders(site.output).empty());
    CHECK(snapshot(site.output) == site.old_site);
}

TEST_CASE("Pagefind is stopped after --search-timeout: the site is published without search, and says so") {
    BuiltSite site;
    site.pagefind.hold();
    site.forget_search_index();
    // 10 s, not 1: on a loaded machine the fake Pagefind (several parts of the index start) needs
    // a moment to reach its hold, and a limit that ends it before then leaves no held processes
    // to check.
    const auto r = run_samplan({"build", "--content", site.content.string(), "--output", site.output.string(), "--today",
                                "2025-06-02", "--search-timeout", "10"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("samplan: search is not built: Pagefind took longer than 10 s and was stopped") != std::string::npos);
    check_nothing_runs_on(site.pagefind);
    CHECK(wait_until([&] { return staging_folders(site.output).empty(); }));  // the old site: removed in the background
    CHECK(fs::exists(site.output / "index.html"));
    CHECK_FALSE(fs::exists(site.output / "pagefind"));
    // Not recorded as up to date: the next build tries again, and this time Pagefind finishes.
    const auto again = run_samplan(build_args(site.content, site.output, "2025-06-02"));
    CHECK(again.err.find("nothing changed") == std::string::npos);
    CHECK(fs::exists(site.output / "pagefind/pagefind.js"));

    const auto bad = run_samplan({"build", "--content", site.content.string(), "--search-timeout", "soon"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--search-timeout needs a number of seconds") != std::string::npos);
}

TEST_CASE("SIGTERM stops serve in the middle of a build: Pagefind ends, nothing is left, the port is closed") {
    FakePagefind pagefind;
    TempDir dir;
    const fs::path content = dir.path() / "content";
    copy_base_fixture(content);
    pagefind.hold();
    const int port = connect_or_find_port(0);
    const fs::path err = dir.path() / "err.txt";
    const int pid = spawn_samplan({"serve", "--content", content.string(), "--port", std::to_string(port)}, "/dev/null",
                                  err.string());
    REQUIRE(wait_until([&] { return pagefind.held(); }));
    CHECK(connect_or_find_port(port) == 1);  // bound before the first build
    REQUIRE(::kill(pid, SIGTERM) == 0);
    CHECK(wait_for(pid) == 128 + SIGTERM);
    const fs::path site = dir.path() / ".samplan-cache/serve/site";
    CHECK(read_file(err).find("samplan: stopped; '" + site.string() + "' is unchanged\n") != std::string::npos);
    check_nothing_runs_on(pagefind);
    CHECK(staging_folders(site).empty());
    CHECK(connect_or_find_port(port) == 0);
}
