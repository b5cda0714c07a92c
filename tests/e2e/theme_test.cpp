// End-to-end tests of a site's own theme templates: a broken override is an error with its place,
// and nothing is published.
#include <doctest/doctest.h>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

TEST_CASE("a broken template override is reported with its line and column, and the old site stays") {
    TempDir dir;
    copy_base_fixture(dir.path());
    TempDir out;
    const fs::path site = out.path() / "site";
    const std::vector<std::string> args{"build",  "--content", dir.path().string(), "--output", site.string(),
                                        "--today", "2025-06-01"};
    REQUIRE(run_samplan(args).exit_code == 0);
    const std::string before = read_file(site / "index.html");

    const std::string templates = (dir.path() / "theme/templates").generic_string();
    write_file(dir.path() / "theme/templates/page.mustache",
               "{{> head}}\n<main>\n{{#draft}}<p>utkast</p>\n{{/drafts}}\n</main>\n{{> foot}}\n");
    write_file(dir.path() / "theme/templates/home.mustache", "{{> head}}\n<h1>{{title}}</h1>\n{{> fot}}\n");
    write_file(dir.path() / "theme/templates/search.mustache", "{{> head}}\n<p>{{title</p>\n");
    const auto r = run_samplan(args);
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(templates + "/home.mustache:3:1: error: unknown partial 'fot' (did you mean 'foot'?) [template]\n") !=
          std::string::npos);
    CHECK(r.err.find(templates + "/page.mustache:4:1: error: {{/drafts}} does not match {{#draft}} opened at line 3, "
                                 "column 1 [template]\n") != std::string::npos);
    CHECK(r.err.find(templates + "/search.mustache:2:4: error: tag is not closed: '{{' without '}}' [template]\n") !=
          std::string::npos);
    CHECK(read_file(site / "index.html") == before);

    // An override that is fine again builds.
    write_file(dir.path() / "theme/templates/page.mustache", "{{> head}}\n<main><h1>{{title}}</h1></main>\n{{> foot}}\n");
    write_file(dir.path() / "theme/templates/home.mustache", "{{> head}}\n<h1>Eget: {{title}}</h1>\n{{> foot}}\n");
    fs::remove(dir.path() / "theme/templates/search.mustache");
    REQUIRE(run_samplan(args).exit_code == 0);
    CHECK(read_file(site / "index.html").find("<h1>Eget: ") != std::string::npos);
}
