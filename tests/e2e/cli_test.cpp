// End-to-end tests of the samplan command line: exit codes, formats, hostile file-system input,
// and the example content.
#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/stat.h>

#include <fstream>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

RunResult check_dir(const fs::path& dir) {
    return run_samplan({"check", "--content", dir.string(), "--today", "2025-06-01"});
}

const char* kActivityDir = "groups/alfa/plans/2025/activities";

}  // namespace

TEST_CASE("the example content has no errors") {
    const auto r = run_samplan({"check", "--content", SAMPLAN_EXAMPLE_CONTENT});
    CHECK(r.out.find(": error:") == std::string::npos);
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("0 errors") != std::string::npos);
}

TEST_CASE("usage errors exit with 2") {
    CHECK(run_samplan({}).exit_code == 2);
    CHECK(run_samplan({"chek"}).err.find("did you mean 'check'?") != std::string::npos);
    CHECK(run_samplan({"check", "--content", "/nonexistent/samplan"}).exit_code == 2);
    CHECK(run_samplan({"check", "--format", "xml"}).exit_code == 2);
    CHECK(run_samplan({"check", "--today", "2025-13-01"}).exit_code == 2);
    const auto unknown = run_samplan({"check", "--contnet", "x"});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("did you mean '--content'?") != std::string::npos);
}

TEST_CASE("help and version") {
    const auto help = run_samplan({"--help"});
    CHECK(help.exit_code == 0);
    CHECK(help.out.find("check") != std::string::npos);
    const auto check_help = run_samplan({"check", "--help"});
    CHECK(check_help.out.find("--format text|json") != std::string::npos);
    CHECK(run_samplan({"--version"}).out.rfind("samplan ", 0) == 0);
    const auto help_build = run_samplan({"help", "build"});
    CHECK(help_build.exit_code == 0);
    CHECK(help_build.out == run_samplan({"build", "--help"}).out);
    CHECK(help_build.out.find("  --format text|json   how diagnostics are printed\n") != std::string::npos);
    const auto stray = run_samplan({"check", "stray"});
    CHECK(stray.exit_code == 2);
    CHECK(stray.err == "samplan check: unexpected argument 'stray'\n");
}

TEST_CASE("--format json prints the same diagnostics as a JSON array") {
    TempDir dir;
    copy_base_fixture(dir.path());
    write_file(dir.path() / "groups/alfa/group.toml",
               read_file(dir.path() / "groups/alfa/group.toml") + "[[meetings]]\ndate = 2025-04-01\n");
    const auto r = run_samplan({"check", "--content", dir.path().string(), "--today", "2025-06-01", "--format", "json"});
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "[\n  {\"path\": \"groups/alfa/group.toml\", \"line\": 19, \"column\": 1, \"severity\": \"warning\", "
          "\"message\": \"meeting on 2025-04-01 did not follow up the plan: it is a standing item at every meeting\", "
          "\"rule\": \"meeting-follow-up\"}\n]\n");
    const auto clean = check_dir(dir.path());
    CHECK(clean.out.find("groups/alfa/group.toml:19:1: warning:") == 0);
}

TEST_CASE("all errors of a run are reported together, sorted by path and line") {
    TempDir dir;
    copy_base_fixture(dir.path());
    write_file(dir.path() / "site.toml", "title = \n");
    write_file(dir.path() / kActivityDir / "trasig.md", "+++\ntitle = \"x\"\n");
    write_file(dir.path() / "groups/alfa/plans/2025/plan.toml",
               "title = 1\nstart = 2025-01-01\nend = 2025-12-31\nstatus = \"utkast\"\nprocess = \"vagledning\"\n");
    const auto r = check_dir(dir.path());
    CHECK(r.exit_code == 1);
    CHECK(r.out ==
          "groups/alfa/plans/2025/activities/trasig.md:1:1: error: front matter opened here is never closed with a "
          "line '+++' [front-matter]\n"
          "groups/alfa/plans/2025/plan.toml:1:9: error: 'title' must be a string, not an integer [type]\n"
          "site.toml:1:9: error: TOML: Error while parsing key-value pair: expected value, saw '\\n' [toml]\n");
}

TEST_CASE("hostile files give diagnostics, never a crash") {
    TempDir outside;
    write_file(outside.path() / "secret.md", "+++\ntitle = \"secret\"\n+++\n");
    TempDir dir;
    copy_base_fixture(dir.path());
    const fs::path activities = dir.path() / kActivityDir;
    fs::create_symlink(outside.path() / "secret.md", activities / "lank.md");
    REQUIRE(mkfifo((activities / "fifo.md").c_str(), 0600) == 0);
    fs::create_directories(activities / "mapp.md");
    {
        std::ofstream big(activities / "stor.md", std::ios::binary);
        big << "+++\ntitle = \"stor\"\n+++\n";
        const std::string chunk(1024 * 1024, 'x');
        for (int i = 0; i < 50; ++i) big << chunk;
    }
    write_file(activities / "latin1.md", "+++\ntitle = \"Caf\xe9\"\n+++\n");
    write_file(activities / "tom.md", "");
    write_file(activities / "a..b.md", "+++\n+++\n");
    write_file(activities / ".dold.md", "ignored: hidden files are not records");
    fs::create_directories(dir.path() / "groups/alfa/plans/2025/plan.toml.d");
    fs::create_symlink(outside.path(), dir.path() / "groups/utanfor");
    const auto r = check_dir(dir.path());
    CHECK(r.exit_code == 1);
    CHECK(r.out ==
          "groups/alfa/plans/2025/activities/a..b.md:1:1: error: bad id 'a..b': an id is 1 to 64 characters of a-z, 0-9 "
          "and '-', starting with a letter or digit [bad-id]\n"
          "groups/alfa/plans/2025/activities/fifo.md:1:1: error: not a regular file (a device, socket or FIFO); "
          "refused [not-a-file]\n"
          "groups/alfa/plans/2025/activities/lank.md:1:1: error: symbolic link points outside the content folder; "
          "refused [outside-content]\n"
          "groups/alfa/plans/2025/activities/latin1.md:2:13: error: invalid UTF-8: save the file as UTF-8 [utf8]\n"
          "groups/alfa/plans/2025/activities/mapp.md:1:1: error: expected a file, found a directory [not-a-file]\n"
          "groups/alfa/plans/2025/activities/stor.md:1:1: error: file is larger than the limit of 1 MiB; split it "
          "or shorten it [file-too-large]\n"
          "groups/alfa/plans/2025/activities/tom.md:1:1: error: missing front matter: a .md record starts with a "
          "line '+++', then TOML, then a line '+++' [front-matter]\n"
          "groups/utanfor:1:1: error: symbolic link points outside the content folder; refused [outside-content]\n");
}

TEST_CASE("TOML nested 100,000 deep gets a diagnostic, never a crash, even on a 1 MiB stack") {
    TempDir dir, out;
    copy_base_fixture(dir.path());
    const fs::path activities = dir.path() / kActivityDir;
    constexpr int kDeep = 100000;
    std::string header = "[b", dotted = "a", arrays = "x = ", tables = "x = ";
    for (int i = 1; i < kDeep; ++i) header += ".b", dotted += ".a";
    header += "]\ny = 1";
    dotted += " = 1";
    arrays += std::string(kDeep, '[') + std::string(kDeep, ']');
    for (int i = 0; i < kDeep; ++i) tables += "{b = ";
    tables += "1" + std::string(kDeep, '}');
    write_file(activities / "rubrik.md", "+++\ntitle = \"T\"\n" + header + "\n+++\nText\n");
    write_file(activities / "nyckel.md", "+++\ntitle = \"T\"\n" + dotted + "\n+++\nText\n");
    write_file(activities / "lista.md", "+++\ntitle = \"T\"\n" + arrays + "\n+++\nText\n");
    write_file(activities / "tabell.md", "+++\ntitle = \"T\"\n" + tables + "\n+++\nText\n");

    // samplan's threads get the stack size that the limit says; this one's main thread too.
    rlimit saved{};
    REQUIRE(getrlimit(RLIMIT_STACK, &saved) == 0);
    rlimit small = saved;
    small.rlim_cur = 1024 * 1024;
    REQUIRE(setrlimit(RLIMIT_STACK, &small) == 0);
    const auto r = run_samplan({"build", "--content", dir.path().string(), "--output", (out.path() / "site").string(),
                                "--today", "2025-06-01"});
    setrlimit(RLIMIT_STACK, &saved);
    CHECK(r.exit_code == 1);
    // The first node too deep: the 65th part of the header and of the key, the 65th bracket, and
    // the key inside the 64th inline table.
    const std::string message = ": error: TOML: tables and arrays nested too deeply (at most 64 levels) [toml]\n";
    CHECK(r.out == "groups/alfa/plans/2025/activities/lista.md:3:69" + message +
                       "groups/alfa/plans/2025/activities/nyckel.md:3:129" + message +
                       "groups/alfa/plans/2025/activities/rubrik.md:3:130" + message +
                       "groups/alfa/plans/2025/activities/tabell.md:3:321" + message);
}
