// End-to-end tests of `samplan build`: the pages a visitor sees, safety of hostile text, and an
// output folder that only ever holds a complete site.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <regex>
#include <set>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

RunResult build(const fs::path& content, const fs::path& output, const char* today = "2026-11-24") {
    return run_samplan({"build", "--content", content.string(), "--output", output.string(), "--today", today});
}

// Every relative href/src in every page must point at a file of the site.
std::vector<std::string> broken_links(const fs::path& site) {
    std::vector<std::string> broken;
    const std::regex link(R"re((?:href|src)="([^"#?]*)[^"]*")re");
    for (const auto& e : fs::recursive_directory_iterator(site)) {
        if (e.path().extension() != ".html" || e.path().filename() == "404.html") continue;
        const std::string html = read_file(e.path());
        for (std::sregex_iterator it(html.begin(), html.end(), link), end; it != end; ++it) {
            const std::string target = (*it)[1];
            if (target.empty() || target.find(':') != std::string::npos) continue;
            if (target.rfind("../", 0) == 0 || target.find('/') != std::string::npos || target.find('.') != std::string::npos) {
                if (target.find("pagefind/") != std::string::npos) continue;  // present only when Pagefind ran
                if (!fs::exists(e.path().parent_path() / target))
                    broken.push_back(fs::relative(e.path(), site).string() + " -> " + target);
            }
        }
    }
    return broken;
}

}  // namespace

TEST_CASE("the example site is built with every page linked correctly") {
    TempDir out;
    const auto r = build(SAMPLAN_EXAMPLE_CONTENT, out.path() / "site");
    REQUIRE(r.exit_code == 0);
    const fs::path site = out.path() / "site";
    const std::string home = read_file(site / "index.html");
    CHECK(contains(home, "<html lang=\"sv\">"));
    CHECK(contains(home, "<title>Lokal samverkan i Fyrbodal</title>"));  // the site's name once
    CHECK(contains(home, "<link rel=\"icon\" href=\"assets/favicon.svg\" type=\"image/svg+xml\">"));
    CHECK(fs::exists(site / "assets/favicon.svg"));
    CHECK(contains(home, "<a href=\"regional/delaktighet/delaktighet-3/index.html\">Minskat stigma kring psykisk ohälsa</a> – "
                         "<strong class=\"gap\">Ingen grupp arbetar med detta mål i en gällande plan</strong>"));
    CHECK(contains(home, "<a href=\"tillganglighet/index.html\">Tillgänglighetsredogörelse</a>"));

    // A goal page lists the activities of the current plans that work towards it (the 2025 plans
    // have ended).
    const std::string goal = read_file(site / "regional/samordnade-insatser/samordnade-insatser-1/index.html");
    CHECK(contains(goal, "<a href=\"../../../groups/uddevalla/2026/sip-i-praktiken/index.html\">"));
    CHECK(!contains(goal, "<a href=\"../../../groups/uddevalla/2025/sip-skola-bup/index.html\">"));
    const std::string gap = read_file(site / "regional/delaktighet/delaktighet-3/index.html");
    CHECK(contains(gap, "Ingen grupp arbetar med detta mål"));

    // An activity page: its goal, its group, the process step it stands at.
    const std::string activity = read_file(site / "groups/uddevalla/2026/sip-i-praktiken/index.html");
    CHECK(contains(activity, "<h1>SIP i praktiken – uppföljning av rutinen i skolan</h1>"));
    CHECK(contains(activity, "href=\"../../../../regional/samordnade-insatser/samordnade-insatser-1/index.html\""));
    CHECK(contains(activity, "<a href=\"../../../../groups/uddevalla/index.html\" data-pagefind-filter=\"group\">Lokal samverkansgrupp Uddevalla</a>"));
    CHECK(contains(activity, "aria-current=\"step\""));
    CHECK(contains(activity, "Jonas Berglund, Uddevalla kommun – <strong>sammankallande</strong>"));

    for (const char* page : {"regional/index.html", "groups/index.html", "groups/uddevalla/index.html",
                             "groups/uddevalla/2026/index.html", "processes/vagledning/index.html",
                             "pages/vagledning/index.html", "tillganglighet/index.html", "search/index.html", "404.html",
                             "data/site.json", "data/activities.csv", "data/indicators.csv", "feed.xml",
                             "assets/style.css"}) {
        INFO(page);
        CHECK(fs::exists(site / page));
    }
    CHECK_FALSE(fs::exists(site / "sitemap.xml"));  // no base_url: no absolute addresses to list
    CHECK(read_file(site / "data/activities.csv").rfind("group,group_name,plan,activity,title,status,", 0) == 0);
    CHECK(broken_links(site) == std::vector<std::string>{});

    // Lists of groups are in Swedish order: Å, Ä, Ö after Z.
    const std::string groups = read_file(site / "groups/index.html");
    CHECK(groups.find("Uddevalla") < groups.find("Vänersborg"));
}

TEST_CASE("hostile text is escaped and unsafe links never reach an href") {
    TempDir dir;
    copy_base_fixture(dir.path());
    const fs::path activity = dir.path() / "groups/alfa/plans/2025/activities/utbildning.md";
    std::string text = read_file(activity);
    text.replace(text.find("title = \"Utbildning i suicidprevention\""), 39,
                 "title = \"<script>alert('titel')</script> \\\"citat\\\" & <b>fet</b>\"");
    text += "<script>alert('body')</script>\n<img src=x onerror=alert(1)>\n\n"
            "[a](javascript:alert(1)) [b](JaVaScRiPt:alert(2)) [c](data:text/html,x) [d](vbscript:x) [e](ftp://host/x) "
            "[f](//evil.example/x) [g](https://example.org/ok) [h](mailto:a@example.org)\n"
            "![bild](https://evil.example/track.png)\n";
    write_file(activity, text);
    TempDir out;
    const auto r = build(dir.path(), out.path() / "site", "2025-06-01");
    REQUIRE(r.exit_code == 0);
    const std::string html = read_file(out.path() / "site/groups/alfa/2025/utbildning/index.html");
    CHECK_FALSE(contains(html, "<script>alert"));
    CHECK_FALSE(contains(html, "onerror"));
    CHECK_FALSE(contains(html, "<b>fet</b>"));
    CHECK(contains(html, "<h1>&lt;script&gt;alert(&#39;titel&#39;)&lt;/script&gt; &quot;citat&quot; &amp; &lt;b&gt;fet&lt;/b&gt;</h1>"));
    for (const char* bad : {"javascript:", "JaVaScRiPt:", "data:text", "vbscript:", "ftp://", "//evil.example", "evil.example/track.png\""})
        CHECK_MESSAGE(!contains(html, std::string("href=\"") + bad), bad);
    CHECK_FALSE(contains(html, "<img src=\"https://evil.example"));
    CHECK(contains(html, "href=\"https://example.org/ok\""));
    CHECK(contains(html, "href=\"mailto:a@example.org\""));
    // The title also appears, escaped, on the plan and goal pages and in the open data.
    CHECK_FALSE(contains(read_file(out.path() / "site/groups/alfa/2025/index.html"), "<script>alert"));
    CHECK(contains(read_file(out.path() / "site/data/site.json"), "\"title\":\"<script>alert('titel')</script> \\\"citat\\\""));
}

TEST_CASE("content errors leave the previous site untouched") {
    TempDir dir;
    copy_base_fixture(dir.path());
    TempDir out;
    const fs::path site = out.path() / "site";
    REQUIRE(build(dir.path(), site, "2025-06-01").exit_code == 0);
    const std::string before = read_file(site / "index.html");
    write_file(site / "marker.txt", "previous build");

    write_file(dir.path() / "site.toml", "title = \"Ny titel\"\n");
    write_file(dir.path() / "groups/alfa/plans/2025/activities/trasig.md", "+++\ntitle = \n+++\n");
    const auto r = build(dir.path(), site, "2025-06-01");
    CHECK(r.exit_code == 1);
    CHECK(contains(r.err, "the site was not built"));
    CHECK(read_file(site / "index.html") == before);
    CHECK(read_file(site / "marker.txt") == "previous build");
    std::set<std::string> siblings;
    for (const auto& e : fs::directory_iterator(out.path())) siblings.insert(e.path().filename().string());
    CHECK(siblings == std::set<std::string>{"site"});  // no temporary folder left behind

    fs::remove(dir.path() / "groups/alfa/plans/2025/activities/trasig.md");
    REQUIRE(build(dir.path(), site, "2025-06-01").exit_code == 0);
    CHECK(contains(read_file(site / "index.html"), "<h1>Ny titel</h1>"));
    CHECK_FALSE(fs::exists(site / "marker.txt"));  // the new site replaced the old one whole
}

TEST_CASE("a site can override a template, and English sites use the English strings") {
    TempDir dir;
    copy_base_fixture(dir.path());
    write_file(dir.path() / "site.toml",
               "title = \"Test site\"\nlanguage = \"en\"\nbase_url = \"https://example.org/plans\"\n");
    write_file(dir.path() / "theme/templates/page.mustache", "{{> head}}<main id=\"main\"><h1>Custom: {{title}}</h1></main>{{> foot}}");
    TempDir out;
    REQUIRE(build(dir.path(), out.path() / "site", "2025-06-01").exit_code == 0);
    const std::string page = read_file(out.path() / "site/pages/vagledning/index.html");
    CHECK(contains(page, "<h1>Custom: Vägledning</h1>"));
    CHECK(contains(page, "<html lang=\"en\">"));
    CHECK(contains(page, "<link rel=\"canonical\" href=\"https://example.org/plans/pages/vagledning/\">"));
    CHECK(contains(read_file(out.path() / "site/index.html"), "Key figures"));
    CHECK(contains(read_file(out.path() / "site/sitemap.xml"), "<loc>https://example.org/plans/groups/alfa/2025/utbildning/</loc>"));
    CHECK(contains(read_file(out.path() / "site/404.html"), "href=\"/plans/assets/style.css\""));
}

TEST_CASE("--timings tells how long each stage took") {
    TempDir dir;
    copy_base_fixture(dir.path());
    TempDir out;
    const auto r = run_samplan({"build", "--content", dir.path().string(), "--output", (out.path() / "site").string(),
                                "--today", "2025-06-01", "--timings"});
    REQUIRE(r.exit_code == 0);
    for (const char* stage : {"samplan: timings: up-to-date check ", " load ", " model ", " history ", " check ", " pages ",
                              "within pages (summed over threads): view models ", " render ", " write ", " swap output ", " total "})
        CHECK_MESSAGE(contains(r.err, stage), stage);
}

TEST_CASE("a rebuild leaves unchanged files untouched, so deployments copy only what changed") {
    TempDir dir;
    copy_base_fixture(dir.path());
    TempDir out;
    const fs::path site = out.path() / "site";
    REQUIRE(build(dir.path(), site, "2025-06-01").exit_code == 0);
    struct stat before_css {}, before_page {};
    REQUIRE(::stat((site / "assets/style.css").c_str(), &before_css) == 0);
    REQUIRE(::stat((site / "groups/alfa/2025/sip/index.html").c_str(), &before_page) == 0);

    // Change one activity: its page changes, the stylesheet does not.
    const fs::path activity = dir.path() / "groups/alfa/plans/2025/activities/sip.md";
    write_file(activity, read_file(activity) + "\nEtt nytt stycke.\n");
    REQUIRE(build(dir.path(), site, "2025-06-01").exit_code == 0);
    struct stat after_css {}, after_page {};
    REQUIRE(::stat((site / "assets/style.css").c_str(), &after_css) == 0);
    REQUIRE(::stat((site / "groups/alfa/2025/sip/index.html").c_str(), &after_page) == 0);
    CHECK(after_css.st_ino == before_css.st_ino);
    CHECK(after_css.st_mtim.tv_nsec == before_css.st_mtim.tv_nsec);
    CHECK(after_page.st_ino != before_page.st_ino);
    CHECK(contains(read_file(site / "groups/alfa/2025/sip/index.html"), "Ett nytt stycke."));
}

// Sets every file under `dir` an hour back, as if written well before the build.
void age_files(const fs::path& dir) {
    const struct timespec hour_ago[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) REQUIRE(::utimensat(AT_FDCWD, e.path().c_str(), hour_ago, 0) == 0);
}

TEST_CASE("a rebuild with nothing changed is skipped, but a change to the content, the date or the output is not") {
    TempDir dir;
    copy_base_fixture(dir.path());
    age_files(dir.path());
    TempDir out;
    const fs::path site = out.path() / "site";
    const fs::path page = site / "groups/alfa/2025/sip/index.html";
    const auto first = build(dir.path(), site, "2025-06-01");
    REQUIRE(first.exit_code == 0);
    CHECK_FALSE(contains(first.err, "nothing changed"));
    struct stat before {};
    REQUIRE(::stat(page.c_str(), &before) == 0);

    const auto again = build(dir.path(), site, "2025-06-01");
    REQUIRE(again.exit_code == 0);
    CHECK(contains(again.err, "nothing changed since the last build"));
    CHECK(again.out == first.out);  // the same warnings, told again
    struct stat after {};
    REQUIRE(::stat(page.c_str(), &after) == 0);
    CHECK(after.st_ino == before.st_ino);

    // Another day: the follow-up depends on it.
    CHECK_FALSE(contains(build(dir.path(), site, "2025-06-02").err, "nothing changed"));
    CHECK(contains(build(dir.path(), site, "2025-06-02").err, "nothing changed"));

    // A page removed from the output by hand is written again.
    fs::remove(page);
    CHECK_FALSE(contains(build(dir.path(), site, "2025-06-02").err, "nothing changed"));
    CHECK(fs::exists(page));

    // An edited record (even one whose time was set back) is built.
    const fs::path activity = dir.path() / "groups/alfa/plans/2025/activities/sip.md";
    write_file(activity, read_file(activity) + "\nEtt nytt stycke.\n");
    age_files(dir.path());
    CHECK_FALSE(contains(build(dir.path(), site, "2025-06-02").err, "nothing changed"));
    CHECK(contains(read_file(page), "Ett nytt stycke."));

    // A file written a moment ago may change again within the same second: no skipping then.
    write_file(activity, read_file(activity) + "\nÄnnu ett stycke.\n");
    CHECK_FALSE(contains(build(dir.path(), site, "2025-06-02").err, "nothing changed"));
    CHECK_FALSE(contains(build(dir.path(), site, "2025-06-02").err, "nothing changed"));
}

TEST_CASE("an output folder inside the content folder, and hidden files there, do not count as content") {
    TempDir dir;
    copy_base_fixture(dir.path());
    write_file(dir.path() / ".editorconfig", "root = true\n");
    age_files(dir.path());
    const fs::path site = dir.path() / "site";
    REQUIRE(build(dir.path(), site, "2025-06-01").exit_code == 0);
    CHECK(contains(build(dir.path(), site, "2025-06-01").err, "nothing changed"));
    write_file(dir.path() / ".editorconfig", "root = false\n");
    CHECK(contains(build(dir.path(), site, "2025-06-01").err, "nothing changed"));
}
