// Search: Pagefind reads only the pages readers search (current records, pages, the guidance),
// never history pages, older versions or archived versions; its index is kept when none of those
// pages changed.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <regex>
#include <set>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {


bool ends_with(const std::string& text, const std::string& end) {
    return text.size() >= end.size() && text.compare(text.size() - end.size(), end.size(), end) == 0;
}

// The current site's pages that ask to be searched (data-pagefind-body), archived versions aside.
std::set<std::string> searched_pages(const fs::path& site) {
    std::set<std::string> pages;
    for (const auto& e : fs::recursive_directory_iterator(site)) {
        const std::string rel = fs::relative(e.path(), site).string();
        if (e.path().extension() == ".html" && rel.rfind("versions/", 0) != 0 &&
            read_file(e.path()).find("data-pagefind-body") != std::string::npos)
            pages.insert(rel);
    }
    return pages;
}

long long inode(const fs::path& file) {
    struct stat st {};
    return ::stat(file.c_str(), &st) == 0 ? static_cast<long long>(st.st_ino) : -1;
}

}  // namespace

TEST_CASE("Pagefind reads only the searched pages, and runs again only when one of them changed") {
    FakePagefind pagefind;
    TempDir repo;
    const fs::path content = repo.path() / "content", site = repo.path() / "site";
    copy_base_fixture(content);
    git(repo.path(), "init", "2025-01-05T10:00:00");
    git(repo.path(), "add -A", "2025-01-05T10:00:00");
    git(repo.path(), "commit -m 'Första planen'", "2025-01-05T10:00:00");
    git(repo.path(), "tag v1", "2025-01-05T10:00:00");
    const fs::path activity = content / "groups/alfa/plans/2025/activities/utbildning.md";
    write_file(activity, read_file(activity) + "\nEtt nytt stycke.\n");
    git(repo.path(), "commit -am 'Mer text'", "2025-03-01T10:00:00");
    const std::vector<std::string> build = {"build", "--content", content.string(), "--output", site.string(),
                                            "--today", "2025-06-01"};

    const auto first = run_samplan(build);
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    REQUIRE(pagefind.runs() == 1);
    // The site has history pages, an older version and an archived version: none of them is read.
    CHECK(fs::exists(site / "history/alfa/2025/activities/utbildning.html"));
    CHECK(fs::exists(site / "versions/v1/index.html"));
    bool older_version = false;
    for (const auto& e : fs::directory_iterator(site / "history/alfa/2025/activities"))
        older_version = older_version || e.path().filename().string().rfind("utbildning_", 0) == 0;
    CHECK(older_version);
    const auto files = pagefind.files(1);
    const std::set<std::string> given(files.begin(), files.end());
    for (const auto& f : given) {
        INFO(f);
        CHECK(ends_with(f, ".html"));
        CHECK(f.rfind("history/", 0) != 0);
        CHECK(f.rfind("versions/", 0) != 0);
    }
    CHECK(given == searched_pages(site));
    CHECK(given.count("index.html"));
    CHECK(given.count("groups/alfa/2025/utbildning/index.html"));
    CHECK(given.count("pages/vagledning/index.html"));
    // It reads them from a scratch folder of their own and writes the index into the site.
    const auto args = pagefind.arguments(1);
    REQUIRE(args.size() >= 4);
    CHECK(args[0] == "--site");
    CHECK(args[2] == "--output-path");
    CHECK(ends_with(args[3], "/pagefind"));
    CHECK_FALSE(fs::exists(args[1]));  // removed once done
    CHECK(fs::exists(site / "pagefind/pagefind.js"));
    for (const auto& e : fs::directory_iterator(site)) CHECK(e.path().filename().string()[0] != '.');

    // A build with no change to those pages (the output was touched by hand) keeps the index.
    const long long index_inode = inode(site / "pagefind/pagefind.js");
    write_file(site / "extra.txt", "by hand\n");
    const auto second = run_samplan(build);
    REQUIRE(second.exit_code == 0);
    CHECK(second.err.find("nothing changed") == std::string::npos);
    CHECK(second.err.find("search index kept: no searched page changed") != std::string::npos);
    CHECK(pagefind.runs() == 1);
    CHECK(inode(site / "pagefind/pagefind.js") == index_inode);

    // A change to an activity: Pagefind runs again, over the same pages.
    write_file(activity, read_file(activity) + "\nÄnnu ett stycke.\n");
    const auto third = run_samplan(build);
    REQUIRE(third.exit_code == 0);
    CHECK(pagefind.runs() == 2);
    CHECK(pagefind.files(2) == files);
    CHECK(fs::exists(site / "pagefind/pagefind.js"));
    CHECK(inode(site / "pagefind/pagefind.js") != index_inode);
}

TEST_CASE("the real Pagefind indexes exactly the searched pages of the example site") {
    const fs::path bin = fs::path(SAMPLAN_EXAMPLE_CONTENT).parent_path() / "node_modules/.bin";
    if (!fs::exists(bin / "pagefind")) {
        MESSAGE("Pagefind is not installed (npm install): not tested");
        return;
    }
    const char* path = std::getenv("PATH");
    const std::string old_path = path ? path : "";
    ::setenv("PATH", (bin.string() + ":" + old_path).c_str(), 1);
    TempDir out;
    const fs::path site = out.path() / "site";
    const auto r = run_samplan({"build", "--content", SAMPLAN_EXAMPLE_CONTENT, "--output", site.string(), "--today",
                                "2026-11-24"});
    ::setenv("PATH", old_path.c_str(), 1);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const std::string entry = read_file(site / "pagefind/pagefind-entry.json");
    std::smatch count;
    REQUIRE(std::regex_search(entry, count, std::regex(R"("page_count":(\d+))")));
    CHECK(static_cast<size_t>(std::stoul(count[1])) == searched_pages(site).size());
    CHECK(fs::exists(site / "pagefind/pagefind-ui.js"));
}

TEST_CASE("a theme that marks no page for search gets every page of the current site indexed, as Pagefind would") {
    FakePagefind pagefind;
    TempDir dir;
    const fs::path content = dir.path() / "content", site = dir.path() / "site";
    copy_base_fixture(content);
    // The default templates, overridden by the site without data-pagefind-body.
    const fs::path templates = fs::path(SAMPLAN_EXAMPLE_CONTENT).parent_path() / "themes/default/templates";
    for (const auto& e : fs::directory_iterator(templates)) {
        std::string text = read_file(e.path());
        if (text.find("data-pagefind-body") == std::string::npos) continue;
        for (size_t at; (at = text.find(" data-pagefind-body")) != std::string::npos;) text.erase(at, 19);
        write_file(content / "theme/templates" / e.path().filename(), text);
    }
    const auto r = run_samplan({"build", "--content", content.string(), "--output", site.string(), "--today", "2025-06-01"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(searched_pages(site).empty());
    REQUIRE(pagefind.runs() == 1);
    std::set<std::string> pages;
    for (const auto& e : fs::recursive_directory_iterator(site)) {
        const std::string rel = fs::relative(e.path(), site).string();
        if (e.path().extension() == ".html" && rel.rfind("versions/", 0) != 0) pages.insert(rel);
    }
    const auto files = pagefind.files(1);
    CHECK(std::set<std::string>(files.begin(), files.end()) == pages);
}
