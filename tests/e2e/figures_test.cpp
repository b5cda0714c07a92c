// Figures that agree: the start page, the coverage page, the follow-up page, each group page and
// each meeting paper count the same things the same way — "gällande" plans are decided plans
// whose period is running, and what is to be followed up is what check warns of.
#include <doctest/doctest.h>

#include <map>
#include <regex>
#include <set>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

// The text between `from` (after it) and the next `to`, or "" when `from` is not there.
std::string between(const std::string& s, const std::string& from, const std::string& to, size_t start = 0) {
    const size_t a = s.find(from, start);
    if (a == std::string::npos) return {};
    const size_t b = s.find(to, a + from.size());
    return s.substr(a + from.size(), b == std::string::npos ? std::string::npos : b - a - from.size());
}

size_t count(const std::string& s, const std::string& needle) {
    size_t n = 0;
    for (size_t at = s.find(needle); at != std::string::npos; at = s.find(needle, at + needle.size())) ++n;
    return n;
}

std::string without_tags(const std::string& s) { return std::regex_replace(s, std::regex("<[^>]*>"), ""); }

// The <li> texts of the lists in `html`, tags removed.
std::vector<std::string> items(const std::string& html) {
    std::vector<std::string> out;
    const std::regex li("<li>([\\s\\S]*?)</li>");
    for (auto it = std::sregex_iterator(html.begin(), html.end(), li); it != std::sregex_iterator(); ++it)
        out.push_back(without_tags((*it)[1].str()));
    return out;
}

void check_figures_agree(const fs::path& site) {
    const std::string home = read_file(site / "index.html");
    const std::string coverage = read_file(site / "follow-up/coverage/index.html");
    const std::string follow_up = read_file(site / "follow-up/index.html");

    // Goals without activities: the start page's figure, its list of goals and the coverage page.
    const std::string figure = between(home, "Regionala mål utan aktiviteter i gällande planer</dt> <dd>", "</dd>");
    REQUIRE(!figure.empty());
    const size_t uncovered = items(between(coverage, "<h2>Mål som ingen grupp arbetar med</h2>", "</ul>")).size();
    CHECK(std::stoul(figure) == uncovered);
    CHECK(count(home, "<strong class=\"gap\">") == uncovered);
    CHECK(contains(home, "i gällande planer"));

    std::set<std::string> coverage_groups, home_current;
    const std::regex row("<tr><th scope=\"row\"><a href=\"../../groups/([^/]+)/index.html\">");
    for (auto it = std::sregex_iterator(coverage.begin(), coverage.end(), row); it != std::sregex_iterator(); ++it)
        coverage_groups.insert((*it)[1].str());
    const std::regex current_link("<li><a href=\"groups/([^/]+)/index.html\">[^<]*</a> – <a href=\"groups/[^/]+/([^/]+)/index.html\">");
    std::map<std::string, std::string> home_plan;
    for (auto it = std::sregex_iterator(home.begin(), home.end(), current_link); it != std::sregex_iterator(); ++it)
        home_plan[(*it)[1].str()] = (*it)[2].str();

    size_t groups = 0;
    for (const auto& entry : fs::directory_iterator(site / "groups")) {
        if (!fs::exists(entry.path() / "index.html")) continue;
        const std::string id = entry.path().filename().string();
        INFO("group ", id);
        ++groups;
        const std::string group = read_file(entry.path() / "index.html");
        // The plan in force: the same on the group page, the start page and the coverage page.
        const std::regex marked("<li><a href=\"[./]*groups/[^/]+/([^/]+)/index.html\">[^<]*</a> – [^\\n]*<strong>\\(Gällande plan\\)</strong>");
        std::smatch m;
        const bool has_current = std::regex_search(group, m, marked);
        CHECK(has_current == (home_plan.count(id) == 1));
        CHECK(has_current == (coverage_groups.count(id) == 1));
        if (has_current && home_plan.count(id)) CHECK(m[1].str() == home_plan[id]);
        CHECK(count(group, "(Gällande plan)") <= 1);

        // What is to be followed up: the group page's number, the follow-up page's section.
        const std::string n = between(group, "Att följa upp: <strong>", "</strong>");
        REQUIRE(!n.empty());
        const std::string section = between(follow_up, "<section class=\"follow-up-group\" id=\"group-" + id + "\">", "</section>");
        REQUIRE(!section.empty());
        const auto listed = items(between(section, "<ul class=\"follow-up-list\">", "</ul>"));
        CHECK(std::stoul(n) == listed.size());
        CHECK(contains(section, "(" + n + ")</h2>"));
        CHECK(contains(section, "Inget att följa upp.") == listed.empty());

        // The meeting paper lists nothing that the follow-up page does not.
        const std::string paper = read_file(site / "meeting-papers" / id / "index.html");
        std::string followed;
        for (const auto& item : listed) followed += item + "\n";
        for (const auto& item : items(between(paper, "<main", "</main>"))) {
            INFO("meeting paper item: ", item);
            CHECK(contains(followed, item));
        }
    }
    CHECK(groups > 0);
}

}  // namespace

TEST_CASE("the start page, coverage, follow-up, group pages and meeting papers agree on the example content") {
    TempDir out;
    // December 2026: the 2025 plans have ended, the 2026 plans are in force.
    const auto r = run_samplan({"build", "--content", SAMPLAN_EXAMPLE_CONTENT, "--output", (out.path() / "site").string(),
                                "--today", "2026-12-10", "--quiet"});
    REQUIRE(r.exit_code == 0);
    check_figures_agree(out.path() / "site");
    // Uddevalla's overdue sub-goals are on its meeting paper, on the follow-up page and counted on its page.
    const std::string follow_up = read_file(out.path() / "site/follow-up/index.html");
    CHECK(contains(between(follow_up, "id=\"group-uddevalla\"", "</section>"), "Delmålet"));
}

TEST_CASE("figures agree on the fixture content, where a plan has ended and nothing replaced it") {
    TempDir dir;
    copy_base_fixture(dir.path() / "content");
    fs::copy(fs::path(SAMPLAN_FIXTURES) / "follow-up", dir.path() / "content",
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    for (const char* today : {"2025-06-01", "2027-01-15"}) {
        INFO("today ", today);
        const fs::path site = dir.path() / (std::string("site-") + today);
        const auto r = run_samplan({"build", "--content", (dir.path() / "content").string(), "--output", site.string(),
                                    "--today", today, "--quiet"});
        REQUIRE(r.exit_code == 0);
        check_figures_agree(site);
    }
    // In 2027 the 2025 plan has ended: not "gällande" anywhere, and a warning says so.
    const fs::path later = dir.path() / "site-2027-01-15";
    CHECK(!contains(read_file(later / "groups/alfa/index.html"), "(Gällande plan)"));
    CHECK(contains(read_file(later / "follow-up/index.html"),
                   "Gruppens senaste plan gällde till 2025-12-31 och är inte längre gällande: besluta en ny plan."));
    CHECK(contains(read_file(later / "meeting-papers/alfa/index.html"), "<span class=\"date\">2025-12-31</span>"));
}
