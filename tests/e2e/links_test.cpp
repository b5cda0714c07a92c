// End-to-end tests of symbolic links in hostile content (issue 18, finding 2): no file outside the
// content folder, the themes folder or the repository is ever read through a link — not by the
// site's theme override (templates, assets, UI strings), not by a theme, not as .mailmap, and not
// in an archived version — and one tag that cannot be read does not drop the others (finding 6).
#include <doctest/doctest.h>

#include <cstdlib>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

// What the link targets hold: never to be seen in any output.
const std::string kSecret = "HEMLIG-root:x:0:0:root";


// Whether any file under `dir` holds `text`.
bool found_under(const fs::path& dir, const std::string& text) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
        if (it->is_regular_file() && read_file(it->path()).find(text) != std::string::npos) return true;
    return false;
}

// A content folder and a site built from it; then a link is added and the build must fail with
// `diagnostic`, leave the site as it was, and show nothing of the target anywhere.
struct Site {
    TempDir outside;  // where the links lead
    TempDir dir;
    TempDir out;
    fs::path content = dir.path();
    fs::path site = out.path() / "site";
    std::string before;

    Site() {
        write_file(outside.path() / "secret.txt", kSecret + "\n");
        write_file(outside.path() / "page.mustache", "{{> head}}\n<main>" + kSecret + "</main>\n{{> foot}}\n");
        write_file(outside.path() / "sv.toml", "nav_home = \"" + kSecret + "\"\n");
        copy_base_fixture(content);
        REQUIRE(build().exit_code == 0);
        before = read_file(site / "index.html");
    }
    [[nodiscard]] RunResult build(const std::vector<std::string>& more = {}) const {
        std::vector<std::string> args{"build",  "--content", content.string(), "--output", site.string(),
                                      "--today", "2025-06-01"};
        args.insert(args.end(), more.begin(), more.end());
        return run_samplan(args);
    }
    void refused(const std::string& diagnostic, const std::vector<std::string>& more = {}) const {
        const auto r = build(more);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(diagnostic) != std::string::npos);
        CHECK(r.err.find("samplan: wrote") == std::string::npos);
        CHECK(r.out.find(kSecret) == std::string::npos);
        CHECK(r.err.find(kSecret) == std::string::npos);
        CHECK(read_file(site / "index.html") == before);
        CHECK_FALSE(found_under(out.path(), kSecret));
    }
    [[nodiscard]] std::string theme(const std::string& path) const { return (content / "theme" / path).generic_string(); }
};

const std::string kRefused = ":1:1: error: symbolic link points outside the content folder; refused [outside-content]\n";

}  // namespace

TEST_CASE("a template of the site's theme that links out of the content folder is refused") {
    Site s;
    fs::create_directories(s.content / "theme/templates");
    fs::create_symlink(s.outside.path() / "page.mustache", s.content / "theme/templates/page.mustache");
    s.refused(s.theme("templates/page.mustache") + kRefused);

    // The same link as the issue names it, to /etc/passwd.
    fs::remove(s.content / "theme/templates/page.mustache");
    fs::create_symlink("/etc/passwd", s.content / "theme/templates/page.mustache");
    const auto r = s.build();
    CHECK(r.exit_code == 2);
    CHECK(r.err.find(s.theme("templates/page.mustache") + kRefused) != std::string::npos);
    CHECK_FALSE(found_under(s.out.path(), "root:x:0:0:"));
}

TEST_CASE("a relative ../../ link out of the content folder is refused") {
    Site s;
    fs::create_directories(s.content / "theme/templates");
    const fs::path relative = fs::relative(s.outside.path() / "page.mustache", s.content / "theme/templates");
    REQUIRE(relative.string().rfind("../../", 0) == 0);
    fs::create_symlink(relative, s.content / "theme/templates/page.mustache");
    s.refused(s.theme("templates/page.mustache") + kRefused);
}

TEST_CASE("a theme/ folder that links out of the content folder is refused") {
    Site s;
    fs::create_directories(s.outside.path() / "tema/templates");
    fs::create_directories(s.outside.path() / "tema/assets");
    write_file(s.outside.path() / "tema/templates/page.mustache", read_file(s.outside.path() / "page.mustache"));
    write_file(s.outside.path() / "tema/assets/hemlig.txt", kSecret);
    fs::create_symlink(s.outside.path() / "tema", s.content / "theme");
    s.refused(s.theme("").substr(0, s.theme("").size() - 1) + kRefused);
}

TEST_CASE("a theme/assets folder that links out of the content folder publishes nothing of it") {
    Site s;
    fs::create_directories(s.content / "theme");
    fs::create_symlink(s.outside.path(), s.content / "theme/assets");
    s.refused(s.theme("assets") + kRefused);

    // A file in assets/ that links out is refused the same way.
    fs::remove(s.content / "theme/assets");
    fs::create_directories(s.content / "theme/assets");
    fs::create_symlink(s.outside.path() / "secret.txt", s.content / "theme/assets/hemlig.txt");
    s.refused(s.theme("assets/hemlig.txt") + kRefused);
}

TEST_CASE("UI strings (i18n/sv.toml) that link out of the content folder are refused") {
    Site s;
    fs::create_directories(s.content / "theme/i18n");
    fs::create_symlink(s.outside.path() / "sv.toml", s.content / "theme/i18n/sv.toml");
    s.refused(s.theme("i18n/sv.toml") + kRefused);
}

TEST_CASE("links that stay inside the content folder are followed, as for records") {
    Site s;
    write_file(s.content / "egna/hem.mustache", "{{> head}}\n<h1>Eget via länk: {{title}}</h1>\n{{> foot}}\n");
    write_file(s.content / "egna/extra.css", "body { color: black; }\n");
    fs::create_directories(s.content / "theme/templates");
    fs::create_directories(s.content / "theme/assets");
    fs::create_symlink("../../egna/hem.mustache", s.content / "theme/templates/home.mustache");
    fs::create_symlink(s.content / "egna/extra.css", s.content / "theme/assets/extra.css");
    const auto r = s.build();
    CHECK(r.exit_code == 0);
    CHECK(read_file(s.site / "index.html").find("<h1>Eget via länk: ") != std::string::npos);
    CHECK(read_file(s.site / "assets/extra.css") == "body { color: black; }\n");
}

TEST_CASE("a theme's file that links out of the themes folder is refused") {
    Site s;
    TempDir themes;
    fs::copy(fs::path(SAMPLAN_FIXTURES) / "../../themes/default", themes.path() / "default", fs::copy_options::recursive);
    const std::vector<std::string> with_themes{"--themes", themes.path().string()};
    REQUIRE(s.build(with_themes).exit_code == 0);
    fs::remove(themes.path() / "default/templates/page.mustache");
    fs::create_symlink(s.outside.path() / "page.mustache", themes.path() / "default/templates/page.mustache");
    s.refused((themes.path() / "default/templates/page.mustache").generic_string() +
                  ":1:1: error: symbolic link points outside the themes folder; refused [outside-content]\n",
              with_themes);
}

TEST_CASE("a .mailmap that links out of the repository is refused") {
    TempDir repo, outside, out;
    const fs::path content = repo.path() / "content";
    copy_base_fixture(content);
    std::string site_toml = read_file(content / "site.toml");
    site_toml.replace(site_toml.find("authors = false"), 15, "authors = true");
    write_file(content / "site.toml", site_toml);
    // Were it read, this mailmap would publish its name on every history page.
    write_file(outside.path() / "mailmap", "HEMLIG-root:x:0:0:root <test@example.org>\n");
    git(repo.path(), "init");
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m first");
    const fs::path site = out.path() / "site";
    const std::vector<std::string> args{"build",  "--content", content.string(), "--output", site.string(),
                                        "--today", "2025-06-01"};
    REQUIRE(run_samplan(args).exit_code == 0);
    CHECK(found_under(site, " – Test</p>"));  // the author, on the history pages
    const std::string before = read_file(site / "index.html");

    // Committed as a link (as an attacker would), with an edit: the new commit's author is read.
    fs::create_symlink(outside.path() / "mailmap", repo.path() / ".mailmap");
    write_file(content / "pages/ny.md", "+++\ntitle = \"Ny sida\"\n+++\nText.\n");
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m mailmap", "2025-03-02T12:00:00");
    const auto r = run_samplan(args);
    CHECK(r.exit_code == 1);
    CHECK(r.out == "../.mailmap:1:1: error: symbolic link points outside the repository; refused [outside-content]\n");
    CHECK(r.err.find(kSecret) == std::string::npos);
    CHECK(read_file(site / "index.html") == before);
    CHECK_FALSE(found_under(out.path(), kSecret));
    const auto check = run_samplan({"check", "--content", content.string(), "--today", "2025-06-01"});
    CHECK(check.exit_code == 1);
    CHECK(check.out == r.out);

    // A .mailmap of its own is read as before.
    fs::remove(repo.path() / ".mailmap");
    write_file(repo.path() / ".mailmap", "Anna Berg <test@example.org>\n");
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m 'mailmap as a file'", "2025-03-03T12:00:00");
    REQUIRE(run_samplan(args).exit_code == 0);
    CHECK(found_under(site, "Anna Berg"));
}

TEST_CASE("symbolic links in an archived version's tree are never followed") {
    TempDir repo, outside, out;
    write_file(outside.path() / "secret.md", "+++\ntitle = \"" + kSecret + "\"\n+++\n" + kSecret + "\n");
    write_file(outside.path() / "page.mustache", "{{> head}}\n<main>" + kSecret + "</main>\n{{> foot}}\n");
    const fs::path content = repo.path() / "content";
    copy_base_fixture(content);
    git(repo.path(), "init");
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m first", "2025-01-05T10:00:00");
    // The tagged commit holds links (git keeps them as links, mode 120000): an activity and a
    // template of the site's theme, both to files outside.
    const fs::path activity = content / "groups/alfa/plans/2025/activities/lank.md";
    fs::create_symlink(outside.path() / "secret.md", activity);
    fs::create_directories(content / "theme/templates");
    fs::create_symlink(outside.path() / "page.mustache", content / "theme/templates/page.mustache");
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m links", "2025-02-01T10:00:00");
    git(repo.path(), "tag v1");
    git(repo.path(), "rm -q -r content/theme " + activity.string());
    git(repo.path(), "commit -m 'no links'", "2025-03-01T10:00:00");

    const fs::path site = out.path() / "site";
    const auto r = run_samplan({"build", "--content", content.string(), "--output", site.string(), "--today", "2025-06-01"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("samplan: warning: version 'v1': groups/alfa/plans/2025/activities/lank.md:1:1: error: symbolic "
                     "link points outside the content folder; refused [outside-content]\n") != std::string::npos);
    CHECK(fs::exists(site / "versions/v1/groups/alfa/2025/sip/index.html"));
    CHECK_FALSE(fs::exists(site / "versions/v1/groups/alfa/2025/lank"));
    CHECK(r.out.find(kSecret) == std::string::npos);
    CHECK(r.err.find(kSecret) == std::string::npos);
    CHECK_FALSE(found_under(out.path(), kSecret));
    CHECK_FALSE(found_under(out.path(), outside.path().string()));  // not even where the link led
}

TEST_CASE("a tag that cannot be read is a warning naming it, and the other versions are still published") {
    TempDir repo, out;
    const fs::path content = repo.path() / "content";
    copy_base_fixture(content);
    git(repo.path(), "init");
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m first", "2025-01-05T10:00:00");
    git(repo.path(), "tag v1");
    git(repo.path(), "pack-refs --all");
    // A packed ref with a name git refuses, beside the valid one.
    std::string packed = read_file(repo.path() / ".git/packed-refs");
    const auto at = packed.find(" refs/tags/v1\n");
    REQUIRE(at != std::string::npos);
    packed += packed.substr(at - 40, 40) + " refs/tags/v..x\n";
    write_file(repo.path() / ".git/packed-refs", packed);

    const fs::path site = out.path() / "site";
    const auto r = run_samplan({"build", "--content", content.string(), "--output", site.string(), "--today", "2025-06-01"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("samplan: warning: tag 'v..x' cannot be read (not a valid tag name); not published\n") !=
          std::string::npos);
    CHECK(fs::exists(site / "versions/v1/index.html"));
    CHECK_FALSE(fs::exists(site / "versions/v..x"));
}
