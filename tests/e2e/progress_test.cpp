// What `samplan build` tells on standard error: plain stage lines when it is not a terminal (as
// here), nothing with --quiet, and each stage's details with --verbose.
#include <doctest/doctest.h>

#include <cstdlib>
#include <regex>
#include <sys/stat.h>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

size_t count(const std::string& text, const std::string& part) {
    size_t n = 0;
    for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
}

}  // namespace

TEST_CASE("a build that is not on a terminal prints one line as each stage starts and ends, not one per page") {
    TempDir dir;
    copy_base_fixture(dir.path() / "content");
    const auto r = run_samplan({"build", "--content", (dir.path() / "content").string(), "--output",
                                (dir.path() / "site").string(), "--today", "2025-06-01"});
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find('\r') == std::string::npos);  // no redrawn bar in a log
    CHECK(r.err.find("\033[") == std::string::npos);
    for (const char* stage : {"load", "check", "pages", "swap output"}) {
        INFO("stage: " << stage);
        CHECK(count(r.err, std::string("samplan: [") + stage + "] …") == 1);
        CHECK(count(r.err, std::string("samplan: [") + stage + "] done") == 1);
    }
    // Pages are counted as they are built: the start gives an estimate, the end the true count.
    std::smatch estimate, pages;
    REQUIRE(std::regex_search(r.err, estimate, std::regex(R"(samplan: \[pages\] … 0/(\d+)\n)")));
    CHECK(std::stoi(estimate[1]) >= 8);
    REQUIRE(std::regex_search(r.err, pages, std::regex(R"(samplan: \[pages\] done (\d+)/\1\n)")));
    CHECK(std::stoi(pages[1]) >= 8);
    CHECK(count(r.err, "[pages]") == 2);
    CHECK(r.err.find(" ms") == std::string::npos);  // times are for --verbose and --timings
}

TEST_CASE("--quiet prints nothing for a clean build, and still the errors of a broken one") {
    FakePagefind pagefind;  // so that the build has nothing to say about search
    TempDir dir;
    copy_base_fixture(dir.path() / "content");
    const std::string content = (dir.path() / "content").string(), site = (dir.path() / "site").string();
    const auto clean = run_samplan({"build", "--content", content, "--output", site, "--today", "2025-06-01", "--quiet"});
    CHECK(clean.exit_code == 0);
    CHECK(clean.out == "");
    CHECK(clean.err == "");
    CHECK(fs::exists(dir.path() / "site/index.html"));

    write_file(dir.path() / "content/groups/alfa/plans/2025/plan.toml", "title = \"Plan\"\nstart = 2025-01-01\n");
    const auto broken = run_samplan({"build", "--content", content, "--output", site, "--today", "2025-06-01", "--quiet"});
    CHECK(broken.exit_code == 1);
    CHECK(broken.out.find("missing required key 'end'") != std::string::npos);
    CHECK(broken.err.find("the site was not built") != std::string::npos);
    CHECK(broken.err.find("samplan: [") == std::string::npos);
}

TEST_CASE("--verbose tells each stage's counts, time, and the files written and kept") {
    FakePagefind pagefind;
    TempDir dir;
    copy_base_fixture(dir.path() / "content");
    const std::vector<std::string> build = {"build", "--content", (dir.path() / "content").string(), "--output",
                                            (dir.path() / "site").string(), "--today", "2025-06-01", "--verbose"};
    const auto first = run_samplan(build);
    REQUIRE(first.exit_code == 0);
    CHECK(first.err.find("samplan: [load] 9 records\n") != std::string::npos);
    CHECK(std::regex_search(first.err, std::regex(R"(samplan: \[pages\] done (\d+)/\1 in [0-9.]+ ms\n)")));
    std::smatch written;
    REQUIRE(std::regex_search(first.err, written, std::regex(R"(\] (\d+) files written, (\d+) kept unchanged)")));
    CHECK(std::stoi(written[1]) > 0);
    CHECK(written[2] == "0");  // nothing to keep: there was no site before

    // The same content again: the previous site's files are kept as they were.
    const auto second = run_samplan(build);
    REQUIRE(second.exit_code == 0);
    REQUIRE(std::regex_search(second.err, written, std::regex(R"(\] (\d+) files written, (\d+) kept unchanged)")));
    CHECK(std::stoi(written[2]) > 0);
    CHECK(std::stoi(written[1]) < std::stoi(written[2]));
}

TEST_CASE("--quiet and --verbose exclude each other") {
    TempDir dir;
    copy_base_fixture(dir.path());
    const auto r = run_samplan({"build", "--content", dir.path().string(), "--quiet", "--verbose"});
    CHECK(r.exit_code == 2);
    CHECK(r.err.find("--quiet and --verbose exclude each other") != std::string::npos);
}
