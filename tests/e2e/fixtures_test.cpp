// Every fixture under tests/fixtures/cases/<name>/ is the base site with the files in files/
// laid over it (and the paths listed in `remove` deleted). `samplan check --today 2025-06-01`
// must print exactly expected.txt and exit with the code in `exit`.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "core/rules.h"
#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

constexpr const char* kToday = "2025-06-01";

std::string trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
    return s;
}

std::vector<fs::path> cases() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(fs::path(SAMPLAN_FIXTURES) / "cases"))
        if (e.is_directory()) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("the base fixture is clean") {
    TempDir dir;
    copy_base_fixture(dir.path());
    const auto r = run_samplan({"check", "--content", dir.path().string(), "--today", kToday});
    CHECK(r.out == "");
    CHECK(r.exit_code == 0);
}

TEST_CASE("each fixture prints exactly its expected diagnostics") {
    const auto all = cases();
    REQUIRE(all.size() >= 12);
    for (const auto& c : all) {
        INFO("fixture: " << c.filename().string());
        TempDir dir;
        copy_base_fixture(dir.path());
        if (fs::exists(c / "files"))
            fs::copy(c / "files", dir.path(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        if (fs::exists(c / "remove")) {
            std::istringstream lines(read_file(c / "remove"));
            for (std::string line; std::getline(lines, line);)
                if (!trim(line).empty()) fs::remove_all(dir.path() / trim(line));
        }
        const auto r = run_samplan({"check", "--content", dir.path().string(), "--today", kToday});
        CHECK(trim(r.out) == trim(read_file(c / "expected.txt")));
        CHECK(r.exit_code == std::stoi(read_file(c / "exit")));
    }
}

TEST_CASE("every rule of the registry has a fixture that triggers it") {
    // But those that files laid over the base cannot well make (bytes that are not UTF-8, files
    // over 1 MiB, links, devices, unreadable files): the unit and e2e tests of content/ make them;
    // nor the rules that read git history (a fixture has none): check_test and history_test do.
    const std::set<std::string> elsewhere = {"utf8",       "file-too-large",  "markdown-limits", "not-a-file",
                                             "not-a-directory", "outside-content", "io",
                                             "working-group-convener-changed", "working-group-principals-changed"};
    std::vector<std::string> rules;
    for (const samplan::rules::Rule* rule : samplan::rules::all())
        if (!elsewhere.count(std::string(rule->id))) rules.emplace_back(rule->id);
    std::set<std::string> seen;
    for (const auto& c : cases()) {
        const std::string expected = read_file(c / "expected.txt");
        for (const auto& rule : rules)
            if (expected.find("[" + rule + "]") != std::string::npos) seen.insert(rule);
    }
    for (const auto& rule : rules) {
        INFO("rule: " << rule);
        CHECK(seen.count(rule) == 1);
    }
}
