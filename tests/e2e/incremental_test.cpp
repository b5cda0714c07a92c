// Incremental builds: a rebuild into the same output makes again only the pages whose inputs
// changed, and writes exactly the site that a full build into a new folder writes.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <thread>
#include <map>

#include "core/digest.h"
#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

void replace(const fs::path& file, const std::string& from, const std::string& to) {
    std::string text = read_file(file);
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    write_file(file, text);
}

// Every file below `root` but Pagefind's index (its names change with every run), by path.
Snapshot files_of(const fs::path& root) {
    Snapshot files = snapshot(root);
    std::erase_if(files, [](const auto& file) { return file.first.rfind("pagefind/", 0) == 0; });
    return files;
}

ino_t inode_of(const fs::path& file) {
    struct stat st {};
    REQUIRE(::stat(file.c_str(), &st) == 0);
    return st.st_ino;
}

// The key under which the last build into `out` made (or kept) `page`, from the table of page
// keys beside it: a page made again from other inputs has another key, even when its bytes are
// the same (and the file is then kept as it was).
std::string key_in_table(const fs::path& out, const std::string& page) {
    const std::string table = read_file(out.parent_path() / ".samplan-cache" / out.filename() / "pages.txt");
    const auto at = table.find(" " + page + "\n");
    REQUIRE(at != std::string::npos);
    const auto line = table.rfind('\n', at) + 1;
    return table.substr(line, table.find(' ', line) - line);
}

// Every file below `root`, Pagefind's index included.
Snapshot all_files_of(const fs::path& root) { return snapshot(root); }

std::string build(const fs::path& content, const fs::path& output) {
    const auto r = run_samplan({"build", "--content", content.string(), "--output", output.string(), "--today",
                                "2025-06-01", "--verbose"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return r.err;
}

// Checks that `built` holds the files of `full`, and no others, byte for byte.
void check_same_files(const Snapshot& built, const Snapshot& full) {
    REQUIRE(built.size() == full.size());
    for (const auto& file : full) {
        const std::string& path = file.first;  // (clang 14 cannot capture a structured binding in INFO)
        INFO(path);
        const auto it = built.find(path);
        REQUIRE(it != built.end());
        CHECK(it->second == file.second);
    }
}

// Builds into `incremental` (the same output as before) and into a new folder, and checks that
// both hold the same files, byte for byte. Returns what the incremental build told (--verbose).
std::string check_same_as_full_build(const fs::path& content, const fs::path& incremental, const fs::path& scratch) {
    std::string told = build(content, incremental);
    const fs::path full = scratch / ("full-" + std::to_string(std::rand()));
    build(content, full);
    check_same_files(files_of(incremental), files_of(full));
    return told;
}

// Sets every file under `dir` an hour back, as if written well before the build (a file written in
// the last seconds is not kept in the record cache: it may change again without its time showing it).
void age_files(const fs::path& dir) {
    const struct timespec hour_ago[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) REQUIRE(::utimensat(AT_FDCWD, e.path().c_str(), hour_ago, 0) == 0);
}

void age_file(const fs::path& file) {
    const struct timespec hour_ago[2] = {{::time(nullptr) - 3600, 0}, {::time(nullptr) - 3600, 0}};
    REQUIRE(::utimensat(AT_FDCWD, file.c_str(), hour_ago, 0) == 0);
}

// A repository with the base fixture's first commit, an output folder beside the content and
// two of its activities.
struct Repository {
    TempDir repo;
    const fs::path content = commit_base_fixture(repo.path());
    const fs::path out = repo.path() / "out";
    const fs::path activity = content / "groups/alfa/plans/2025/activities/utbildning.md";
    const fs::path other = content / "groups/alfa/plans/2025/activities/sip.md";
};

}  // namespace

TEST_CASE_FIXTURE(Repository, "an incremental build writes the same site as a full build, after edits of every kind") {
    replace(activity, "status = ", "# status ändrad\nstatus = ");
    git(repo.path(), "commit -am 'Andra versionen'", "2025-02-05T10:00:00");
    replace(other, "+++\n", "+++\n# andra aktiviteten\n");
    git(repo.path(), "commit -am 'Tredje versionen'", "2025-03-05T10:00:00");
    build(content, out);

    // An older version of the other activity: its page stays the very same file through the
    // edits below that do not concern it.
    std::string old_page;
    for (const auto& e : fs::directory_iterator(out / "history/alfa/2025/activities"))
        if (e.path().filename().string().rfind("sip_", 0) == 0) old_page = e.path().string();
    REQUIRE(!old_page.empty());
    const ino_t old_inode = inode_of(old_page);

    SUBCASE("an edit in the working folder, then committed") {
        replace(activity, "title = \"", "title = \"Ny: ");
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(old_page) == old_inode);
        git(repo.path(), "commit -am 'Ny titel'", "2025-04-05T10:00:00");
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(old_page) == old_inode);
    }
    SUBCASE("a page-key table cut short or with a field that is not a number is not trusted, and is written whole again") {
        const fs::path table = repo.path() / ".samplan-cache/out/pages.txt";
        const std::string kept = read_file(table);
        REQUIRE(kept.rfind("samplan page keys 3 ", 0) == 0);
        const auto lines = std::count(kept.begin(), kept.end(), '\n');
        const size_t first = kept.find('\n') + 1, second = kept.find('\n', first);  // the first page's line
        REQUIRE(second != std::string::npos);
        std::string not_a_number = kept;
        not_a_number.insert(kept.find(' ', kept.find(' ', first) + 1) + 1, "x");  // its size
        for (const std::string& damaged : {kept.substr(0, kept.rfind(' ', second)) + "\n" + kept.substr(second + 1), not_a_number}) {
            write_file(table, damaged);
            replace(activity, "title = \"", "title = \"Ny: ");
            check_same_as_full_build(content, out, repo.path());
            const std::string written = read_file(table);
            // (An edit in the working folder adds a page, and leaves its plan's folder entry and
            // its group's calendar without a key from their inputs.)
            CHECK(std::count(written.begin(), written.end(), '\n') >= lines - 1);
            CHECK(written.find(" x") == std::string::npos);
            replace(activity, "title = \"", "title = \"Igen: ");
            check_same_as_full_build(content, out, repo.path());
            CHECK(inode_of(old_page) == old_inode);
        }
    }
    SUBCASE("an indicator's value and an activity's title: its indicator page is made again, the others kept") {
        const fs::path page = out / "indicators/local/alfa/2025/utbildning_antal-utbildade.html";
        REQUIRE(fs::exists(page));
        const ino_t page_inode = inode_of(page);
        replace(activity, "value = 48 }", "value = 47 }");  // the same verdict: only the value changes
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(page) != page_inode);
        CHECK(read_file(page).find("47") != std::string::npos);
        // An edit that does not concern it keeps it, the very file.
        const ino_t kept_inode = inode_of(page);
        replace(other, "+++\n", "+++\n# en rad till\n");
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(page) == kept_inode);
        replace(activity, "title = \"", "title = \"Ny: ");
        check_same_as_full_build(content, out, repo.path());
        CHECK(read_file(page).find("Ny: ") != std::string::npos);
    }
    SUBCASE("the group's name, shown on every page of its records") {
        replace(content / "groups/alfa/group.toml", "name = \"", "name = \"Nya ");
        check_same_as_full_build(content, out, repo.path());
        CHECK(read_file(old_page).find("Nya ") != std::string::npos);
    }
    SUBCASE("the site's settings and a page of the site") {
        replace(content / "site.toml", "title = \"", "title = \"Ny ");
        check_same_as_full_build(content, out, repo.path());
        CHECK(read_file(old_page).find("Ny ") != std::string::npos);
    }
    SUBCASE("the plan edited in the working folder, then committed (a commit of the plan alone)") {
        const fs::path plan = content / "groups/alfa/plans/2025/plan.toml";
        replace(plan, "analysis = \"", "analysis = \"Ny analys. ");
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(old_page) == old_inode);
        git(repo.path(), "commit -am 'Planen ändrad'", "2025-04-05T10:00:00");
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(old_page) == old_inode);
        CHECK(read_file(out / "changes/index.html").find("Planen ändrad") != std::string::npos);
    }
    SUBCASE("an activity added to the plan, then committed") {
        const fs::path added = content / "groups/alfa/plans/2025/activities/ny.md";
        write_file(added, read_file(other));
        replace(added, "title = \"", "title = \"Ny aktivitet ");
        check_same_as_full_build(content, out, repo.path());
        git(repo.path(), "add -A", "2025-04-05T10:00:00");
        git(repo.path(), "commit -m 'Ny aktivitet'", "2025-04-05T10:00:00");
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(old_page) == old_inode);
        CHECK(read_file(out / "history/alfa/2025/index.html").find("Ny aktivitet Samordnad") != std::string::npos);
    }
    SUBCASE("an activity removed and committed") {
        fs::remove(activity);
        git(repo.path(), "commit -am 'Borttagen'", "2025-04-05T10:00:00");
        check_same_as_full_build(content, out, repo.path());
        CHECK(!fs::exists(out / "history/alfa/2025/activities/utbildning.html"));
    }
    SUBCASE("a build whose output folder was changed by someone else makes every page again") {
        write_file(old_page, "changed by hand");
        check_same_as_full_build(content, out, repo.path());
        CHECK(read_file(old_page) != "changed by hand");
    }
    SUBCASE("an output changed by hand before a rebuild of an edit: the output's walk beside the load still tells it") {
        // The inputs are not the stamp's: the build goes on without waiting for the output's
        // walk, whose digest must still keep it from trusting the page keys and the spare.
        write_file(old_page, "changed by hand");
        write_file(out / "extra.html", "added by hand");
        replace(activity, "title = \"", "title = \"Ny: ");
        check_same_as_full_build(content, out, repo.path());
        CHECK(read_file(old_page) != "changed by hand");
        CHECK_FALSE(fs::exists(out / "extra.html"));
    }
}

namespace {

// Where `page`'s line is in the table of page keys beside `out` (the order the last build handed
// its pages on in).
size_t line_in_table(const fs::path& out, const std::string& page) {
    const std::string table = read_file(out.parent_path() / ".samplan-cache" / out.filename() / "pages.txt");
    const auto at = table.find(" " + page + "\n");
    REQUIRE_MESSAGE(at != std::string::npos, page);
    return static_cast<size_t>(std::count(table.begin(), table.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
}

// The part of the search index that holds a group's pages, as build/build_site.cpp names it.
std::string group_search_part(const std::string& group) {
    samplan::Digest digest;
    digest.add(std::string_view(group));
    return "groups-" + std::to_string(digest.value() % 64);
}

}  // namespace

TEST_CASE_FIXTURE(Repository, "a rebuild makes the changed group's pages first, and writes the site a full build makes in the groups' order") {
    // Four groups (alfa, beta, a delta whose pages share gamma's part of the search index, and
    // gamma), a sitemap (base_url), and a commit that changes an activity of each: the change
    // log shows that commit's changes of all four, in the groups' order, and the sitemap lists
    // the groups' pages in that order too.
    std::string delta;
    for (int i = 0; delta.empty() && i < 10000; ++i)
        if (group_search_part("delta-" + std::to_string(i)) == group_search_part("gamma")) delta = "delta-" + std::to_string(i);
    REQUIRE(!delta.empty());
    replace(content / "site.toml", "title = \"", "base_url = \"https://example.org/plan/\"\ntitle = \"");
    for (const std::string& name : {std::string("beta"), delta, std::string("gamma")}) {
        fs::copy(content / "groups/alfa", content / "groups" / name, fs::copy_options::recursive);
        const std::string shown = std::string(1, static_cast<char>(name[0] - 'a' + 'A')) + name.substr(1);
        replace(content / "groups" / name / "group.toml", "\"Lokal samverkansgrupp Alfa\"", "\"Lokal samverkansgrupp " + shown + "\"");
        replace(content / "groups" / name / "group.toml", "municipality = \"Alfa\"", "municipality = \"" + shown + "\"");
    }
    git(repo.path(), "add -A", "2025-02-01T10:00:00");
    git(repo.path(), "commit -m 'Tre grupper till'", "2025-02-01T10:00:00");
    for (const std::string& name : {std::string("alfa"), std::string("beta"), delta, std::string("gamma")})
        replace(content / "groups" / name / "plans/2025/activities/sip.md", "+++\n", "+++\n# samma dag\n");
    git(repo.path(), "commit -am 'Alla fyra grupperna'", "2025-02-02T10:00:00");
    build(content, out);
    const std::string changes = read_file(out / "changes/index.html");
    const auto alfa_change = changes.find("history/alfa/2025/activities/sip"), gamma_change = changes.find("history/gamma/2025/activities/sip");
    REQUIRE(alfa_change != std::string::npos);
    REQUIRE(gamma_change != std::string::npos);
    CHECK(alfa_change < gamma_change);
    REQUIRE(fs::exists(out / "sitemap.xml"));
    // A full build hands the groups' pages on in their order.
    CHECK(line_in_table(out, "groups/alfa/index.html") < line_in_table(out, "groups/gamma/index.html"));

    // The last group's activity edited: its pages are made first, then those of delta, which
    // share its part of the search index; the site is the full build's.
    const fs::path gamma = content / "groups/gamma/plans/2025/activities/utbildning.md";
    replace(gamma, "title = \"", "title = \"Ny: ");
    check_same_as_full_build(content, out, repo.path());
    CHECK(line_in_table(out, "groups/gamma/index.html") < line_in_table(out, "groups/" + delta + "/index.html"));
    CHECK(line_in_table(out, "groups/" + delta + "/index.html") < line_in_table(out, "groups/alfa/index.html"));
    CHECK(read_file(out / "groups/gamma/2025/index.html").find("Ny: ") != std::string::npos);
    // Committed: the change log's new commit and the older one shared by the four groups, as a
    // full build shows them.
    git(repo.path(), "commit -am 'Gamma ändrad'", "2025-03-01T10:00:00");
    check_same_as_full_build(content, out, repo.path());
    CHECK(line_in_table(out, "groups/gamma/index.html") < line_in_table(out, "groups/alfa/index.html"));
    CHECK(read_file(out / "changes/index.html").find("Gamma ändrad") != std::string::npos);
    // Then the middle group's: made first, before alfa's and gamma's.
    replace(content / "groups/beta/plans/2025/activities/sip.md", "+++\n", "+++\n# beta igen\n");
    check_same_as_full_build(content, out, repo.path());
    CHECK(line_in_table(out, "groups/beta/index.html") < line_in_table(out, "groups/alfa/index.html"));
}

// A plan's page, when every file it shows is its newest commit, is keyed by what it is made from
// (not by its view model): each input it shows, changed and committed, makes it again.
TEST_CASE_FIXTURE(Repository, "a committed plan's page is kept while its inputs stay, and made again when one it shows changes") {
    const fs::path plan_page = out / "groups/alfa/2025/index.html";
    build(content, out);
    REQUIRE(fs::exists(plan_page));
    const auto commit = [&](const std::string& message) { git(repo.path(), "commit -am '" + message + "'", "2025-04-05T10:00:00"); };
    const auto shows = [&](const std::string& text) { return read_file(plan_page).find(text) != std::string::npos; };

    SUBCASE("nothing it shows changed: the very same file") {
        const ino_t inode = inode_of(plan_page);
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(plan_page) == inode);
    }
    SUBCASE("the group's name, committed") {
        replace(content / "groups/alfa/group.toml", "name = \"", "name = \"Nya ");
        commit("Nytt namn");
        check_same_as_full_build(content, out, repo.path());
        CHECK(shows("Nya Lokal samverkansgrupp Alfa"));
    }
    SUBCASE("a goal's title in the regional plan, committed") {
        replace(content / "regional/plan.toml", "title = \"Fler kan upptäcka risk\"", "title = \"Fler kan se risk\"");
        commit("Nytt mål");
        check_same_as_full_build(content, out, repo.path());
        CHECK(shows("Fler kan se risk"));
    }
    SUBCASE("a step's name in the process, committed") {
        replace(content / "processes/vagledning.toml", "title = \"Genomförandeplan\"", "title = \"Plan för genomförande\"");
        commit("Nytt steg");
        check_same_as_full_build(content, out, repo.path());
    }
    SUBCASE("the site's settings, committed") {
        replace(content / "site.toml", "title = \"", "title = \"Ny ");
        commit("Ny webbplats");
        check_same_as_full_build(content, out, repo.path());
        CHECK(shows("Ny "));
    }
    SUBCASE("an activity's title, edited and then committed") {
        replace(activity, "title = \"", "title = \"Ny: ");
        check_same_as_full_build(content, out, repo.path());
        CHECK(shows("Ny: "));
        commit("Ny titel");
        check_same_as_full_build(content, out, repo.path());
        replace(activity, "title = \"Ny: ", "title = \"Igen: ");
        commit("Igen");
        check_same_as_full_build(content, out, repo.path());
        CHECK(shows("Igen: "));
    }
    SUBCASE("another day: the timeline's today moves") {
        const std::string before = read_file(plan_page);
        const auto r = run_samplan({"build", "--content", content.string(), "--output", out.string(), "--today", "2025-09-01"});
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        const fs::path full = repo.path() / "full-today";
        const auto f = run_samplan({"build", "--content", content.string(), "--output", full.string(), "--today", "2025-09-01"});
        REQUIRE_MESSAGE(f.exit_code == 0, f.err);
        CHECK(read_file(plan_page) == read_file(full / "groups/alfa/2025/index.html"));
        CHECK(read_file(plan_page) != before);
        CHECK(files_of(out) == files_of(full));
    }
}

// A plan's folder entry: while every file of a plan is its newest commit and nothing else its
// pages show changed, all of them (its page, its activities', their history pages and older
// versions) are kept at once by one key. Each input they show, changed, makes them again. (The
// site has an address and a published version: the sitemap and the archived version's links to
// the current pages list the kept pages too.)
TEST_CASE_FIXTURE(Repository, "a committed plan's pages are kept whole while their inputs stay, and made again when one they show changes") {
    replace(content / "site.toml", "language = \"sv\"\n", "language = \"sv\"\nbase_url = \"https://example.org/plan/\"\n");
    // A second plan, of last year, with activities of its own.
    const fs::path last_year = content / "groups/alfa/plans/2024";
    fs::copy(content / "groups/alfa/plans/2025", last_year, fs::copy_options::recursive);
    write_file(last_year / "plan.toml", "title = \"Lokal handlingsplan 2024\"\nstart = 2024-01-01\nend = 2024-12-31\n"
                                        "status = \"avslutad\"\ndecided = 2024-02-01\nsent_to_office = 2024-02-10\n"
                                        "analysis = \"Förra året.\"\nprocess = \"vagledning\"\n");
    for (const char* name : {"utbildning.md", "sip.md"}) replace(last_year / "activities" / name, "title = \"", "title = \"Fjolårets ");
    git(repo.path(), "add -A", "2025-01-06T10:00:00");
    git(repo.path(), "commit -m 'Två planer'", "2025-01-06T10:00:00");
    git(repo.path(), "tag v1", "2025-01-06T10:00:00");
    // Older versions in both plans.
    replace(last_year / "activities/sip.md", "+++\n", "+++\n# en rad\n");
    replace(other, "+++\n", "+++\n# en rad\n");
    git(repo.path(), "commit -am 'Andra versionen'", "2025-02-05T10:00:00");
    build(content, out);

    const auto older_version = [&](const std::string& plan) {
        for (const auto& e : fs::directory_iterator(out / "history/alfa" / plan / "activities"))
            if (e.path().filename().string().rfind("sip_", 0) == 0) return e.path();
        FAIL("no older version of sip in " << plan);
        return fs::path();
    };
    const fs::path kept = older_version("2024"), edited = older_version("2025");
    const ino_t kept_inode = inode_of(kept), edited_inode = inode_of(edited);
    const fs::path kept_history = out / "history/alfa/2024/activities/sip.html";
    const auto commit = [&](const std::string& message) {
        git(repo.path(), "add -A", "2025-04-05T10:00:00");
        git(repo.path(), "commit -m '" + message + "'", "2025-04-05T10:00:00");
    };
    // Builds with `options` into `out` and into a new folder: the same files.
    const auto check_same_with = [&](const std::vector<std::string>& options) {
        std::vector<std::string> args = {"build", "--content", content.string(), "--output", out.string()};
        args.insert(args.end(), options.begin(), options.end());
        auto r = run_samplan(args);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        const fs::path full = repo.path() / ("full-" + std::to_string(std::rand()));
        args[4] = full.string();
        r = run_samplan(args);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
        check_same_files(files_of(out), files_of(full));
    };

    SUBCASE("nothing changed: every page of both plans is the very same file") {
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(kept) == kept_inode);
        CHECK(inode_of(edited) == edited_inode);
        CHECK(contains(read_file(out / "sitemap.xml"), "<loc>https://example.org/plan/groups/alfa/2024/utbildning/</loc>"));
    }
    SUBCASE("an activity of one plan edited in the working folder, then committed: the other plan's pages stay") {
        replace(activity, "title = \"", "title = \"Ny: ");
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(kept) == kept_inode);
        commit("Ny titel");
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(kept) == kept_inode);
        CHECK(contains(read_file(out / "history/alfa/2025/activities/utbildning.html"), "Ny: "));
        // Edited and committed between two builds: its plan's folder entry is no longer the same.
        replace(activity, "title = \"Ny: ", "title = \"Igen: ");
        commit("Igen");
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(kept) == kept_inode);
        CHECK(contains(read_file(out / "history/alfa/2025/activities/utbildning.html"), "Igen: "));
    }
    SUBCASE("an activity added to a committed plan, committed at once, then another first in the working folder") {
        const fs::path added = last_year / "activities/ny.md";
        write_file(added, read_file(last_year / "activities/utbildning.md"));
        replace(added, "title = \"", "title = \"Ny aktivitet ");
        commit("Ny aktivitet");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "history/alfa/2024/index.html"), "Ny aktivitet"));
        CHECK(inode_of(edited) == edited_inode);
        const fs::path another = last_year / "activities/en-till.md";
        write_file(another, read_file(last_year / "activities/utbildning.md"));
        replace(another, "title = \"", "title = \"En till ");
        check_same_as_full_build(content, out, repo.path());
        commit("En till");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "history/alfa/2024/index.html"), "En till"));
    }
    SUBCASE("an activity moved to the other plan, committed") {
        git(repo.path(), "mv " + activity.string() + " " + (last_year / "activities/utbildning-2025.md").string());
        commit("Flyttad");
        check_same_as_full_build(content, out, repo.path());
        CHECK(fs::exists(out / "groups/alfa/2024/utbildning-2025/index.html"));
        CHECK_FALSE(fs::exists(out / "groups/alfa/2025/utbildning/index.html"));
    }
    SUBCASE("the site's theme, committed") {
        write_file(content / "theme/i18n/sv.toml", "history_title = \"Ändringar\"\n");
        commit("Nytt tema");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(kept_history), "Ändringar"));
    }
    SUBCASE("the site's settings, committed") {
        replace(content / "site.toml", "title = \"", "title = \"Ny ");
        commit("Ny webbplats");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(kept), "Ny Testsajt"));
    }
    SUBCASE("another day, and the drafts shown or not") {
        write_file(last_year / "activities/utkast.md", read_file(last_year / "activities/utbildning.md"));
        replace(last_year / "activities/utkast.md", "title = \"", "draft = true\ntitle = \"Utkastet ");
        commit("Ett utkast");
        check_same_with({"--today", "2025-06-01"});
        check_same_with({"--today", "2025-06-01", "--drafts"});
        CHECK(contains(read_file(out / "groups/alfa/2024/index.html"), "Utkastet "));
        check_same_with({"--today", "2025-06-01"});
        CHECK_FALSE(contains(read_file(out / "groups/alfa/2024/index.html"), "Utkastet "));
        check_same_with({"--today", "2025-09-01"});
        check_same_with({"--today", "2024-06-01"});
    }
    SUBCASE("a folder entry in the page-key table that claims more pages than are before it is not trusted") {
        const fs::path table = repo.path() / ".samplan-cache/out/pages.txt";
        std::string text = read_file(table);
        const size_t folder = text.find(" f ");
        REQUIRE(folder != std::string::npos);
        text.insert(folder + 3, "99");
        write_file(table, text);
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(kept) == kept_inode);
    }
}

TEST_CASE_FIXTURE(Repository, "the pages made from the model alone are kept while every record is committed, and made again when one they show changes") {
    replace(content / "site.toml", "language = \"sv\"\n", "language = \"sv\"\nbase_url = \"https://example.org/plan/\"\n");
    // A second group with a plan of its own: its meeting paper stays while the first group's changes.
    const fs::path beta = content / "groups/beta";
    fs::copy(content / "groups/alfa", beta, fs::copy_options::recursive);
    replace(beta / "group.toml", "name = \"", "name = \"Beta: ");
    for (const char* name : {"utbildning.md", "sip.md"}) replace(beta / "plans/2025/activities" / name, "title = \"", "title = \"Betas ");
    // Decided before its last commit and running for years: revised or not is told by that commit's date.
    replace(beta / "plans/2025/plan.toml", "end = 2025-12-31", "end = 2030-12-31");
    replace(beta / "plans/2025/plan.toml", "decided = 2025-02-01", "decided = 2024-06-01");
    // A second process, which an activity can move to.
    write_file(content / "processes/annan.toml", read_file(content / "processes/vagledning.toml"));
    replace(content / "processes/annan.toml", "title = \"Vägledning\"\nguidance = \"vagledning\"\n", "title = \"Annan väg\"\n");
    replace(content / "processes/annan.toml", "title = \"Avrapportering\"", "title = \"Annans avrapportering\"");
    git(repo.path(), "add -A", "2025-01-06T10:00:00");
    git(repo.path(), "commit -m 'Två grupper'", "2025-01-06T10:00:00");
    build(content, out);
    const std::vector<std::string> pages = {"index.html", "groups/index.html", "processes/index.html", "processes/vagledning/index.html",
                                            "processes/annan/index.html", "regional/tidiga-insatser/index.html",
                                            "regional/tidiga-insatser/tidiga-insatser-1/index.html",
                                            "follow-up/index.html", "follow-up/coverage/index.html", "indicators/index.html",
                                            "meeting-papers/alfa/index.html", "meeting-papers/beta/index.html", "feed.xml", "sitemap.xml",
                                            "groups/alfa/index.html", "groups/beta/index.html",
                                            "indicators/local/alfa/2025/utbildning_antal-utbildade.html",
                                            "indicators/local/beta/2025/utbildning_antal-utbildade.html",
                                            "regional/index.html", "regional/suicidprevention/index.html",
                                            "regional/suicidprevention/suicidprevention-1/index.html"};
    std::map<std::string, ino_t> inodes;
    std::map<std::string, std::string> keys;
    for (const auto& page : pages) {
        INFO(page);
        inodes[page] = inode_of(out / page);
        keys[page] = key_in_table(out, page);
    }
    const auto commit = [&](const std::string& message) {
        git(repo.path(), "add -A", "2025-04-05T10:00:00");
        git(repo.path(), "commit -m '" + message + "'", "2025-04-05T10:00:00");
    };
    const auto build_with = [&](const fs::path& output, const std::vector<std::string>& options) {
        std::vector<std::string> args = {"build", "--content", content.string(), "--output", output.string()};
        args.insert(args.end(), options.begin(), options.end());
        const auto r = run_samplan(args);
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    };

    SUBCASE("nothing changed, or a commit that changes no record: every such page is the very same file") {
        check_same_as_full_build(content, out, repo.path());
        git(repo.path(), "commit --allow-empty -m 'Inget'", "2025-04-05T10:00:00");
        check_same_as_full_build(content, out, repo.path());
        for (const auto& page : pages) {
            INFO(page);
            CHECK(inode_of(out / page) == inodes.at(page));
        }
    }
    // The pages made from the records that do not show an activity's title: kept when it changes.
    const std::vector<std::string> title_free = {"groups/index.html", "processes/index.html", "processes/annan/index.html",
                                                 "follow-up/index.html", "follow-up/coverage/index.html",
                                                 "regional/suicidprevention/index.html", "regional/tidiga-insatser/index.html",
                                                 "regional/tidiga-insatser/tidiga-insatser-1/index.html"};
    SUBCASE("an activity's title edited in the working folder, then committed, twice") {
        replace(activity, "title = \"", "title = \"Ny: ");
        check_same_as_full_build(content, out, repo.path());
        CHECK(inode_of(out / "meeting-papers/beta/index.html") == inodes.at("meeting-papers/beta/index.html"));
        for (const auto& page : title_free) {  // not made again
            INFO(page);
            CHECK(key_in_table(out, page) == keys.at(page));
        }
        commit("Ny titel");
        check_same_as_full_build(content, out, repo.path());
        replace(activity, "title = \"Ny: ", "title = \"Igen: ");
        commit("Igen");
        check_same_as_full_build(content, out, repo.path());
        for (const std::string page : {"index.html", "processes/vagledning/index.html", "indicators/index.html",
                                       "indicators/local/alfa/2025/utbildning_antal-utbildade.html",
                                       "meeting-papers/alfa/index.html", "regional/index.html",
                                       "regional/suicidprevention/suicidprevention-1/index.html"}) {
            INFO(page);
            CHECK(contains(read_file(out / page), "Igen: "));
        }
        CHECK(inode_of(out / "meeting-papers/beta/index.html") == inodes.at("meeting-papers/beta/index.html"));
        CHECK(inode_of(out / "indicators/local/beta/2025/utbildning_antal-utbildade.html") ==
              inodes.at("indicators/local/beta/2025/utbildning_antal-utbildade.html"));
        for (const auto& page : title_free) {
            INFO(page);
            CHECK(key_in_table(out, page) == keys.at(page));
        }
    }
    SUBCASE("an activity moved to the other goal and the other process, committed, then back in the working folder") {
        const fs::path moved = beta / "plans/2025/activities/utbildning.md";
        replace(moved, "focus_area = \"suicidprevention\"\ngoal = \"suicidprevention-1\"",
                "focus_area = \"tidiga-insatser\"\ngoal = \"tidiga-insatser-1\"\nprocess = \"annan\"");
        commit("Flyttad");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "processes/annan/index.html"), "Betas Utbildning"));
        CHECK_FALSE(contains(read_file(out / "processes/vagledning/index.html"), "Betas Utbildning"));
        CHECK(contains(read_file(out / "regional/tidiga-insatser/tidiga-insatser-1/index.html"), "Betas Utbildning"));
        CHECK_FALSE(contains(read_file(out / "regional/suicidprevention/suicidprevention-1/index.html"), "Betas Utbildning"));
        replace(moved, "focus_area = \"tidiga-insatser\"\ngoal = \"tidiga-insatser-1\"\nprocess = \"annan\"",
                "focus_area = \"suicidprevention\"\ngoal = \"suicidprevention-1\"");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "processes/vagledning/index.html"), "Betas Utbildning"));
        CHECK_FALSE(contains(read_file(out / "processes/annan/index.html"), "Betas Utbildning"));
    }
    SUBCASE("a step changed, committed, then the activity moved to the other process in the working folder") {
        // The change log tells a change of step by the names of the activity's process as it is
        // now: it shows the other process's step once the activity moved, its commits the same.
        const fs::path stepped = beta / "plans/2025/activities/utbildning.md";
        replace(stepped, "step = 4\n", "step = 5\n");
        commit("Nästa steg");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "changes/index.html"), "5 Avrapportering"));
        CHECK(contains(read_file(out / "changes.xml"), "5 Avrapportering"));
        replace(stepped, "goal = \"suicidprevention-1\"", "goal = \"suicidprevention-1\"\nprocess = \"annan\"");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "changes/index.html"), "5 Annans avrapportering"));
        CHECK(contains(read_file(out / "changes.xml"), "5 Annans avrapportering"));
    }
    SUBCASE("an activity's target group, then the activity cancelled, then a report added, each committed") {
        const fs::path changed = beta / "plans/2025/activities/utbildning.md";
        replace(changed, "target_group = \"vuxna\"", "target_group = \"barn-och-unga\"");
        commit("Ny målgrupp");
        check_same_as_full_build(content, out, repo.path());
        replace(changed, "status = \"pågår\"", "status = \"avbruten\"");
        commit("Avbruten");
        check_same_as_full_build(content, out, repo.path());
        replace(changed, "on_schedule = true\n", "on_schedule = true\n\n[[reports]]\ndate = 2025-05-20\nprogress = \"Sent besked.\"\n");
        commit("Rapport");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "feed.xml"), "2025-05-20"));
    }
    SUBCASE("a warning about an activity, then the activity's title edited in the working folder") {
        const fs::path warned = beta / "plans/2025/activities/utbildning.md";
        replace(warned, "[[indicators]]",
                "[[subgoals]]\ntitle = \"Försenat delmål\"\nresponsible = \"Per Holm\"\ndue = 2025-05-01\ndone = false\n\n[[indicators]]");
        commit("Delmål");
        check_same_as_full_build(content, out, repo.path());
        replace(warned, "title = \"Betas ", "title = \"Varnad: ");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "follow-up/index.html"), "Varnad: "));
    }
    SUBCASE("a plan ended before today, committed: its group has no current plan") {
        replace(beta / "plans/2025/plan.toml", "end = 2030-12-31", "end = 2025-05-01");
        commit("Slut");
        check_same_as_full_build(content, out, repo.path());
    }
    SUBCASE("an indicator's value, committed") {
        replace(activity, "value = 48 }", "value = 77 }");
        commit("Nytt värde");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "indicators/local/alfa/2025/utbildning_antal-utbildade.html"), "77"));
    }
    SUBCASE("a group's name, committed") {
        replace(beta / "group.toml", "name = \"Beta: ", "name = \"Gamma: ");
        commit("Nytt namn");
        check_same_as_full_build(content, out, repo.path());
        for (const std::string page : {"index.html", "groups/index.html", "groups/beta/index.html", "follow-up/index.html",
                                       "meeting-papers/beta/index.html"}) {
            INFO(page);
            CHECK(contains(read_file(out / page), "Gamma: "));
        }
    }
    SUBCASE("a subgoal overdue, committed: the warnings change") {
        replace(beta / "plans/2025/activities/utbildning.md", "[[indicators]]",
                "[[subgoals]]\ntitle = \"Försenat delmål\"\nresponsible = \"Per Holm\"\ndue = 2025-05-01\ndone = false\n\n[[indicators]]");
        commit("Delmål");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "follow-up/index.html"), "Försenat delmål"));
        CHECK(contains(read_file(out / "meeting-papers/beta/index.html"), "Försenat delmål"));
        CHECK(inode_of(out / "meeting-papers/alfa/index.html") == inodes.at("meeting-papers/alfa/index.html"));
    }
    SUBCASE("an evaluation added, committed") {
        write_file(beta / "evaluations/utvardering-2025.md", read_file(beta / "evaluations/utvardering-2024.md"));
        replace(beta / "evaluations/utvardering-2025.md", "title = \"", "title = \"Nyare ");
        commit("Utvärdering");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "groups/beta/index.html"), "Nyare "));
        replace(beta / "evaluations/utvardering-2024.md", "title = \"", "title = \"Omdöpt: ");
        commit("Omdöpt utvärdering");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "groups/beta/index.html"), "Omdöpt: "));
    }
    SUBCASE("the regional plan and the process, committed") {
        replace(content / "regional/plan.toml", "title = \"Fler kan upptäcka risk\"", "title = \"Fler ser risken\"");
        commit("Nytt mål");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "regional/index.html"), "Fler ser risken"));
        CHECK(contains(read_file(out / "regional/suicidprevention/suicidprevention-1/index.html"), "Fler ser risken"));
        replace(content / "processes/vagledning.toml", "title = \"", "title = \"Nytt steg: ");
        commit("Ny process");
        check_same_as_full_build(content, out, repo.path());
        CHECK(contains(read_file(out / "processes/vagledning/index.html"), "Nytt steg: "));
    }
    SUBCASE("a commit's date amended: no record changes, the check's warnings do") {
        const auto check_same = [&] {
            build_with(out, {"--today", "2026-06-01"});
            const fs::path full = repo.path() / ("full-" + std::to_string(std::rand()));
            build_with(full, {"--today", "2026-06-01"});
            check_same_files(files_of(out), files_of(full));
        };
        check_same();
        CHECK(contains(read_file(out / "follow-up/index.html"), "2025-01-06"));
        git(repo.path(), "commit --amend --no-edit", "2025-03-01T10:00:00");
        check_same();
        CHECK(contains(read_file(out / "follow-up/index.html"), "2025-03-01"));
        CHECK_FALSE(contains(read_file(out / "follow-up/index.html"), "2025-01-06"));
    }
    SUBCASE("another day, and the drafts shown or not") {
        write_file(beta / "plans/2025/activities/utkast.md", read_file(beta / "plans/2025/activities/utbildning.md"));
        replace(beta / "plans/2025/activities/utkast.md", "title = \"", "draft = true\ntitle = \"Utkastet ");
        commit("Ett utkast");
        for (const auto& options : std::vector<std::vector<std::string>>{{"--today", "2025-06-01"},
                                                                         {"--today", "2025-06-01", "--drafts"},
                                                                         {"--today", "2025-06-01"},
                                                                         {"--today", "2025-09-01"},
                                                                         {"--today", "2024-06-01"},
                                                                         {"--today", "2027-06-01"}}) {
            build_with(out, options);
            const fs::path full = repo.path() / ("full-" + std::to_string(std::rand()));
            build_with(full, options);
            check_same_files(files_of(out), files_of(full));
        }
    }
}

TEST_CASE_FIXTURE(Repository, "the open data files are kept while nothing they show changes, and made again when it does") {
    build(content, out);
    const std::vector<std::string> data = {"data/site.json", "data/datapackage.json", "data/activities.csv", "data/indicators.csv"};
    // Keyed as the pages are: their keys are in the table of the pages' keys.
    const std::string table = read_file(repo.path() / ".samplan-cache/out/pages.txt");
    std::map<std::string, ino_t> inodes;
    for (const auto& file : data) {
        INFO(file);
        CHECK(contains(table, " " + file + "\n"));
        inodes[file] = inode_of(out / file);
    }
    // The plan's analysis is not in the open data: edited, then committed, the files stay the very same.
    const fs::path plan = content / "groups/alfa/plans/2025/plan.toml";
    replace(plan, "analysis = \"", "analysis = \"Ny analys. ");
    check_same_as_full_build(content, out, repo.path());
    git(repo.path(), "commit -am 'Planen ändrad'", "2025-04-05T10:00:00");
    check_same_as_full_build(content, out, repo.path());
    for (const auto& file : data) {
        INFO(file);
        CHECK(inode_of(out / file) == inodes.at(file));
    }
    // An activity's title is: the files that show it are made again, as a full build makes them.
    replace(activity, "title = \"", "title = \"Ny: ");
    check_same_as_full_build(content, out, repo.path());
    for (const std::string file : {"data/site.json", "data/activities.csv", "data/indicators.csv"}) {
        INFO(file);
        CHECK(inode_of(out / file) != inodes.at(file));
        CHECK(contains(read_file(out / file), "Ny: "));
    }
    CHECK(inode_of(out / "data/datapackage.json") == inodes.at("data/datapackage.json"));  // the same bytes
    git(repo.path(), "commit -am 'Ny titel'", "2025-04-06T10:00:00");
    check_same_as_full_build(content, out, repo.path());
    // And the site's title, in every file.
    const ino_t package = inode_of(out / "data/datapackage.json");
    replace(content / "site.toml", "title = \"", "title = \"Ny webbplats ");
    check_same_as_full_build(content, out, repo.path());
    CHECK(inode_of(out / "data/datapackage.json") != package);
    CHECK(contains(read_file(out / "data/datapackage.json"), "Ny webbplats "));
}

TEST_CASE_FIXTURE(Repository, "a rebuild parses again only the record files that changed, and reports and writes what a full build does") {
    age_files(content);
    const std::string first = build(content, out);
    CHECK_FALSE(contains(first, "read and parsed"));  // no cache yet
    const fs::path cache = repo.path() / ".samplan-cache/out/records.bin";
    REQUIRE(fs::exists(cache));

    // An edit: that file alone is read again; the site is the full build's.
    replace(activity, "title = \"", "title = \"Ny: ");
    age_file(activity);
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "records (1 read and parsed, the others as the last build parsed them)"));
    // Committed: no file changed.
    git(repo.path(), "commit -am 'Ny titel'", "2025-04-05T10:00:00");
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "records (0 read and parsed"));

    // A file written in the last seconds is read again by the next build too (its time may not
    // show a second change within the same tick), then kept once it is older.
    replace(other, "+++\n", "+++\n# en rad\n");
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "records (1 read and parsed"));
    replace(other, "# en rad", "# en annan rad");
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "records (1 read and parsed"));
    age_file(other);
    replace(activity, "title = \"", "title = \"Igen: ");
    age_file(activity);
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "records (2 read and parsed"));
    // A file written over in place with its old size and time (as cp -p does) changed its change time.
    const std::string kept = read_file(activity);
    std::string same_size = kept;
    same_size.replace(same_size.find("Igen"), 4, "IGEN");
    struct stat before {};
    REQUIRE(::stat(activity.c_str(), &before) == 0);
    write_file(activity, same_size);
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    REQUIRE(::utimensat(AT_FDCWD, activity.c_str(), times, 0) == 0);
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "records (1 read and parsed"));

    // A content error: the rebuild from the cache reports exactly what a fresh parse (check) does.
    replace(other, "+++\n", "+++\ntrasig = [\n");
    age_file(other);
    const auto failed = run_samplan({"build", "--content", content.string(), "--output", out.string(), "--today", "2025-06-01", "--verbose"});
    CHECK(failed.exit_code == 1);
    CHECK(contains(failed.err, "records (1 read and parsed"));
    const auto again = run_samplan({"build", "--content", content.string(), "--output", out.string(), "--today", "2025-06-01", "--verbose"});
    CHECK(again.exit_code == 1);
    CHECK(contains(again.err, "records (0 read and parsed"));
    const auto checked = run_samplan({"check", "--content", content.string(), "--today", "2025-06-01"});
    CHECK(checked.exit_code == 1);
    CHECK(contains(checked.out, "activities/sip.md:"));
    CHECK(contains(checked.out, "[toml]"));
    CHECK(again.out == checked.out);
    CHECK(failed.out == checked.out);

    // A damaged cache is not trusted: every file is read, and the site is the full build's.
    replace(other, "trasig = [\n", "");
    age_file(other);
    write_file(cache, read_file(cache).substr(0, fs::file_size(cache) / 2));
    CHECK_FALSE(contains(check_same_as_full_build(content, out, repo.path()), "read and parsed"));
    write_file(cache, "samplan records 1 another samplan\n");
    replace(activity, "title = \"", "title = \"Tredje: ");
    age_file(activity);
    CHECK_FALSE(contains(check_same_as_full_build(content, out, repo.path()), "read and parsed"));
}

// A rebuild reads each activity into the model as its record comes back from the cache, and lets
// go of the record there: what the model reports of an unchanged activity, and the pages of the
// edited one, are those of a full build.
TEST_CASE_FIXTURE(Repository, "a rebuild reports an unchanged activity's unknown key as a full build does, and shows the edited activity's new title") {
    replace(other, "title = \"", "oklar_nyckel = 1\ntitle = \"");
    age_files(content);
    auto run = [&] {
        return run_samplan({"build", "--content", content.string(), "--output", out.string(), "--today", "2025-06-01", "--verbose"});
    };
    const auto first = run();
    REQUIRE_MESSAGE(first.exit_code == 0, first.err);
    CHECK(contains(first.out, "sip.md:"));
    CHECK(contains(first.out, "oklar_nyckel"));

    replace(activity, "title = \"", "title = \"Nyss ändrad: ");
    age_file(activity);
    const auto rebuilt = run();
    REQUIRE_MESSAGE(rebuilt.exit_code == 0, rebuilt.err);
    CHECK(contains(rebuilt.err, "records (1 read and parsed, the others as the last build parsed them)"));
    CHECK(rebuilt.out == first.out);  // the same diagnostics, the unknown key among them
    bool shown = false;
    for (const auto& [path, bytes] : files_of(out))
        if (path.find("utbildning") != std::string::npos && contains(bytes, "Nyss ändrad: ")) shown = true;
    CHECK(shown);
    check_same_as_full_build(content, out, repo.path());
}

// The previous site is kept beside the output (.samplan-cache/<output>/spare) as the next build's
// staging folder: only the files that change are touched. Whatever happened in between, each
// build writes the site a full build writes.
TEST_CASE_FIXTURE(Repository, "the previous site kept as the next build's staging folder: edits, commits, failures and hands on it") {
    const fs::path spare = repo.path() / ".samplan-cache/out/spare";
    build(content, out);
    REQUIRE(fs::is_directory(spare));
    const fs::path kept_page = out / "assets/style.css";  // the theme's: no edit below concerns it
    REQUIRE(fs::exists(kept_page));
    const ino_t kept_inode = inode_of(kept_page);
    // The output folder is one of two folders that take turns: the site, and the spare.
    std::vector<ino_t> folders = {inode_of(out)};
    auto check_turns = [&] {
        folders.push_back(inode_of(out));
        const size_t n = folders.size();
        CHECK(folders[n - 1] != folders[n - 2]);
        if (n >= 3) CHECK(folders[n - 1] == folders[n - 3]);
    };
    // The spare holds the very files of the output (hard links), no other.
    auto check_spare = [&] {
        size_t files = 0;
        for (const auto& e : fs::recursive_directory_iterator(out)) {
            if (!e.is_regular_file()) continue;
            ++files;
            const fs::path there = spare / fs::relative(e.path(), out);
            INFO(there.string());
            CHECK((fs::exists(there) && inode_of(there) == inode_of(e.path())));
        }
        size_t spare_files = 0;
        for (const auto& e : fs::recursive_directory_iterator(spare)) spare_files += e.is_regular_file() ? 1 : 0;
        CHECK(spare_files == files);
    };
    auto restart_turns = [&] { folders = {inode_of(out)}; };

    // Edits and commits, one after the other.
    for (int i = 1; i <= 3; ++i) {
        replace(activity, "title = \"", "title = \"Ny " + std::to_string(i) + ": ");
        check_same_as_full_build(content, out, repo.path());
        check_turns();
        git(repo.path(), "commit -am 'Titel " + std::to_string(i) + "'", "2025-04-0" + std::to_string(i) + "T10:00:00");
        check_same_as_full_build(content, out, repo.path());
        check_turns();
        CHECK(inode_of(kept_page) == kept_inode);
    }
    check_spare();
    // An edit, then taken back.
    const std::string before_edit = read_file(other);
    replace(other, "+++\n", "+++\n# en rad\n");
    check_same_as_full_build(content, out, repo.path());
    check_turns();
    write_file(other, before_edit);
    check_same_as_full_build(content, out, repo.path());
    check_turns();
    CHECK(inode_of(kept_page) == kept_inode);

    // A build with a content error writes nothing; the next one goes on with the spare.
    write_file(other, before_edit + "\n+++\nbroken = \n");
    write_file(content / "groups/alfa/plans/2025/activities/trasig.md", "+++\ntitle = \n");
    const auto failed = run_samplan({"build", "--content", content.string(), "--output", out.string(), "--today", "2025-06-01"});
    CHECK(failed.exit_code == 1);
    fs::remove(content / "groups/alfa/plans/2025/activities/trasig.md");
    write_file(other, before_edit);
    replace(activity, "title = \"", "title = \"Efter felet: ");
    check_same_as_full_build(content, out, repo.path());
    check_turns();
    check_spare();

    // Builds killed at any moment (the spare taken, half written, swapped, being kept): the next
    // build writes the whole site all the same.
    for (const int delay_ms : {0, 20, 60, 150, 400}) {
        INFO("killed after " << delay_ms << " ms");
        replace(activity, "title = \"", "title = \"Dödad " + std::to_string(delay_ms) + ": ");
        const int pid = spawn_samplan({"build", "--content", content.string(), "--output", out.string(), "--today", "2025-06-01"});
        std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
        ::kill(-pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        replace(activity, "title = \"", "title = \"Igen: ");
        check_same_as_full_build(content, out, repo.path());
    }
    // (Until then it built without the spare, or with: either way it takes turns again.)
    replace(other, "+++\n", "+++\n# en rad till\n");
    check_same_as_full_build(content, out, repo.path());
    restart_turns();
    replace(other, "+++\n", "+++\n# och en till\n");
    check_same_as_full_build(content, out, repo.path());
    check_turns();
    check_spare();

    // The spare removed: a new staging folder, and a spare again after.
    fs::remove_all(spare);
    replace(activity, "title = \"", "title = \"Utan reserv: ");
    check_same_as_full_build(content, out, repo.path());
    CHECK(fs::is_directory(spare));
    check_spare();
    restart_turns();

    // A page of the spare replaced by hand (the output's file stays as it was) and one added: the
    // spare is not trusted, the site is the full build's.
    const fs::path spare_page = spare / fs::relative(kept_page, out);
    REQUIRE(fs::exists(spare_page));
    fs::remove(spare_page);
    write_file(spare_page, "changed by hand");
    write_file(spare / "extra.html", "added by hand");
    replace(activity, "title = \"", "title = \"Reserven ändrad: ");
    check_same_as_full_build(content, out, repo.path());
    CHECK(!fs::exists(out / "extra.html"));
    CHECK(read_file(kept_page) != "changed by hand");
    check_spare();

    // A page of the spare written over in place: the output's file, the same file, changed too;
    // that shows in the output folder, and the site is made again.
    write_file(spare_page, "changed in place");
    REQUIRE(read_file(kept_page) == "changed in place");
    replace(activity, "title = \"", "title = \"På plats: ");
    check_same_as_full_build(content, out, repo.path());
    CHECK(read_file(kept_page) != "changed in place");
    check_spare();

    // A file removed from the site by hand comes back.
    fs::remove(kept_page);
    check_same_as_full_build(content, out, repo.path());
    CHECK(fs::exists(kept_page));
    check_spare();
}

// The change log shows the newest 100 commits (site/builder.h, kChangelogRevisions); a rebuild that
// keeps a plan's history reads of the plan's own versions only those the change log shows.
TEST_CASE_FIXTURE(Repository, "an incremental build writes the same site as a full build when the plan's changes leave the change log") {
    const fs::path plan = content / "groups/alfa/plans/2025/plan.toml";
    replace(plan, "analysis = \"", "analysis = \"Ny analys. ");
    git(repo.path(), "commit -am 'Planen ändrad'", "2025-01-06T10:00:00");
    const fs::path added = content / "groups/alfa/plans/2025/activities/ny.md";
    write_file(added, read_file(other));
    replace(added, "title = \"", "title = \"Ny aktivitet ");
    git(repo.path(), "add -A", "2025-01-07T10:00:00");
    git(repo.path(), "commit -m 'Ny aktivitet'", "2025-01-07T10:00:00");
    // n commits of the group's evaluation only, one after the other (a file outside groups/ would be
    // an input of every page: site::SiteOptions::inputs_key).
    auto evaluation_commits = [&](int n) {
        const std::string command = "cd '" + repo.path().string() + "' && for i in $(seq " + std::to_string(n) +
                                    "); do echo \"Rad $i.\" >> content/groups/alfa/evaluations/utvardering-2024.md && GIT_AUTHOR_DATE=2025-02-01T10:00:00 "
                                    "GIT_COMMITTER_DATE=2025-02-01T10:00:00 git -c user.name=Test -c user.email=test@example.org "
                                    "commit -qam \"Utvärderingen $i\" || exit 1; done >/dev/null 2>&1";
        REQUIRE(std::system(command.c_str()) == 0);
    };
    // The activity added is the 100th commit from the newest, the plan's edit the 101st: the change
    // log shows the first and not the second.
    evaluation_commits(99);
    build(content, out);
    CHECK(read_file(out / "changes/index.html").find("Ny aktivitet") != std::string::npos);
    CHECK(read_file(out / "changes/index.html").find("Planen ändrad") == std::string::npos);

    // One edit after the other (each subcase would make the hundred commits again).
    const fs::path plan_history = out / "history/alfa/2025/index.html";
    ino_t plan_history_inode = inode_of(plan_history);
    // Commits of the evaluation: the plan's history is kept, and its last change leaves the change log.
    evaluation_commits(1);
    check_same_as_full_build(content, out, repo.path());
    CHECK(read_file(out / "changes/index.html").find("Ny aktivitet") == std::string::npos);
    CHECK(inode_of(plan_history) == plan_history_inode);
    evaluation_commits(1);
    check_same_as_full_build(content, out, repo.path());
    CHECK(inode_of(plan_history) == plan_history_inode);

    // The plan edited, then committed; then kept, with its newest change in the change log.
    replace(plan, "analysis = \"", "analysis = \"En analys till. ");
    check_same_as_full_build(content, out, repo.path());
    git(repo.path(), "commit -am 'Planen ändrad igen'", "2025-03-01T10:00:00");
    check_same_as_full_build(content, out, repo.path());
    plan_history_inode = inode_of(plan_history);
    evaluation_commits(1);
    check_same_as_full_build(content, out, repo.path());
    CHECK(inode_of(plan_history) == plan_history_inode);
    CHECK(read_file(out / "changes/index.html").find("Analysen ändrad") != std::string::npos);

    // An activity of the plan edited, then committed; another removed; then kept, with the removal
    // in the change log.
    replace(other, "+++\n", "+++\n# ändrad\n");
    check_same_as_full_build(content, out, repo.path());
    git(repo.path(), "commit -am 'Aktiviteten ändrad'", "2025-03-01T10:00:00");
    check_same_as_full_build(content, out, repo.path());
    fs::remove(added);
    git(repo.path(), "commit -am 'Borttagen'", "2025-03-02T10:00:00");
    check_same_as_full_build(content, out, repo.path());
    plan_history_inode = inode_of(plan_history);
    evaluation_commits(2);
    check_same_as_full_build(content, out, repo.path());
    CHECK(inode_of(plan_history) == plan_history_inode);
}

TEST_CASE("with the real Pagefind, an incremental build remakes one part of the search index, the same as a full build's") {
    const RealPagefind pagefind;
    if (!pagefind.installed()) return;
    TempDir repo;
    const fs::path content = commit_base_fixture(repo.path());
    const fs::path out = repo.path() / "out";
    build(content, out);
    REQUIRE(fs::exists(out / "pagefind/parts.json"));
    const Snapshot before = all_files_of(out);

    // A word that no page had, in one activity's text: after the rebuild, the part of the index
    // that holds that group's pages is new, the other parts are the very files they were.
    const fs::path activity = content / "groups/alfa/plans/2025/activities/utbildning.md";
    write_file(activity, read_file(activity) + "\nSnöskoterutbildning ingår.\n");
    const std::string err = build(content, out);
    CHECK(err.find("search index built") != std::string::npos);
    CHECK(err.find("kept)") != std::string::npos);
    const Snapshot after = all_files_of(out);
    CHECK(after.at("pagefind/pagefind.js") == before.at("pagefind/pagefind.js"));
    size_t changed = 0, kept = 0;
    for (const auto& file : after) {
        if (file.first.rfind("pagefind/", 0) != 0 || file.first == "pagefind/parts.json") continue;
        const auto it = before.find(file.first);
        (it != before.end() && it->second == file.second ? kept : changed) += 1;
    }
    CHECK(changed > 0);
    CHECK(kept > changed);

    // Byte for byte the index (and site) a full build makes.
    const fs::path full = repo.path() / "full";
    build(content, full);
    check_same_files(after, all_files_of(full));
}

TEST_CASE("with the real Pagefind, a part whose pages changed only where Pagefind does not read is kept, the same as a full build's") {
    const RealPagefind pagefind;
    if (!pagefind.installed()) return;
    TempDir repo;
    const fs::path content = commit_base_fixture(repo.path());
    const fs::path out = repo.path() / "out";
    build(content, out);
    const Snapshot before = all_files_of(out);
    const fs::path process_entry = out / "pagefind/parts/processes/pagefind-entry.json";
    struct stat made {};
    REQUIRE(::stat(process_entry.c_str(), &made) == 0);

    // A new title for an activity at a step of the process: the process page lists it among the
    // activities at that step (a list Pagefind does not read), the activity's own pages show it.
    const fs::path activity = content / "groups/alfa/plans/2025/activities/utbildning.md";
    const std::string text = read_file(activity);
    const std::string title = "title = \"Utbildning i suicidprevention\"";
    REQUIRE(text.find(title) != std::string::npos);
    std::string edited = text;
    edited.replace(edited.find(title), title.size(), "title = \"Utbildning i suicidprevention för snöskoteråkare\"");
    write_file(activity, edited);
    const std::string err = build(content, out);
    CHECK(err.find("search index built") != std::string::npos);
    const Snapshot after = all_files_of(out);
    const std::string process_page = "processes/vagledning/index.html";
    REQUIRE(after.count(process_page));
    CHECK(after.at(process_page) != before.at(process_page));
    CHECK(after.at(process_page).find("snöskoteråkare") != std::string::npos);
    // The process pages' part of the index is the very files it was (Pagefind did not make it
    // again); the group's part is new.
    struct stat kept {};
    REQUIRE(::stat(process_entry.c_str(), &kept) == 0);
    CHECK(kept.st_ino == made.st_ino);
    CHECK(kept.st_mtim.tv_nsec == made.st_mtim.tv_nsec);
    size_t process_files = 0, group_changed = 0;
    for (const auto& file : after) {
        const std::string& name = file.first;
        INFO(name);
        const auto it = before.find(name);
        if (name.rfind("pagefind/parts/processes/", 0) == 0) {
            ++process_files;
            REQUIRE(it != before.end());
            CHECK(it->second == file.second);
        } else if (name.rfind("pagefind/parts/groups-", 0) == 0 && (it == before.end() || it->second != file.second)) {
            ++group_changed;
        }
    }
    CHECK(process_files > 0);
    CHECK(group_changed > 0);

    // Byte for byte the index (and site) a full build makes.
    const fs::path full = repo.path() / "full";
    build(content, full);
    check_same_files(after, all_files_of(full));
}

// The differences cache (.samplan-cache/<output>/differences): an activity whose versions a
// rebuild reads only for its plan's history page (its own history page is kept) keeps their
// differences there, so that the next rebuilds of that page take them instead of reading git.
TEST_CASE_FIXTURE(Repository, "the plan's other activities' versions come from the differences cache, and a cache that does not fit is read again") {
    // The other activity's versions change its text and its priority: the plan's history shows both.
    replace(other, "SIP-arbete.", "SIP-arbete i hela länet.");
    git(repo.path(), "commit -am 'Texten'", "2025-02-05T10:00:00");
    replace(other, "priority = 2", "priority = 3");
    git(repo.path(), "commit -am 'Prioriteten'", "2025-03-05T10:00:00");
    const fs::path cache = repo.path() / ".samplan-cache/out/differences";
    const fs::path plan_history = out / "history/alfa/2025/index.html";
    build(content, out);
    CHECK_FALSE(fs::exists(cache));  // a full build stores nothing

    // An edit of the activity: the plan's history page is made again, the other activity's
    // versions read for it alone, and stored.
    replace(activity, "title = \"", "title = \"Ny: ");
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "0 from the differences cache, 1 read and stored in it"));
    CHECK(contains(read_file(plan_history), "i hela länet"));
    REQUIRE(std::distance(fs::directory_iterator(cache), fs::directory_iterator{}) == 1);
    const fs::path entry = fs::directory_iterator(cache)->path();
    const std::string stored = read_file(entry);
    REQUIRE(stored.rfind("samplan differences 1\n", 0) == 0);

    SUBCASE("committed, edited and committed again: taken from the cache, a revision further each time") {
        git(repo.path(), "commit -am 'Ny titel'", "2025-04-05T10:00:00");
        CHECK(contains(check_same_as_full_build(content, out, repo.path()), "1 from the differences cache, 0 read"));
        replace(activity, "title = \"Ny: ", "title = \"Igen: ");
        CHECK(contains(check_same_as_full_build(content, out, repo.path()), "1 from the differences cache, 0 read"));
        git(repo.path(), "commit -am 'Igen'", "2025-04-06T10:00:00");
        CHECK(contains(check_same_as_full_build(content, out, repo.path()), "1 from the differences cache, 0 read"));
        CHECK(read_file(entry) == stored);  // never written again
        CHECK(contains(read_file(plan_history), "i hela länet"));
    }
    SUBCASE("an entry from an older format, cut short, damaged or empty is read again from git, and stored again") {
        std::string older = stored, damaged = stored;
        older.replace(0, older.find('\n'), "samplan differences 0");
        damaged[damaged.size() * 3 / 4] = static_cast<char>(damaged[damaged.size() * 3 / 4] ^ 0x20);
        for (const std::string& bad : {older, stored.substr(0, stored.size() / 2), stored.substr(0, stored.size() - 1), damaged,
                                       std::string()}) {
            write_file(entry, bad);
            replace(activity, "title = \"", "title = \"X");
            CHECK(contains(check_same_as_full_build(content, out, repo.path()), "0 from the differences cache, 1 read and stored in it"));
            CHECK(read_file(entry) == stored);
        }
        git(repo.path(), "commit -am 'Ny titel'", "2025-04-05T10:00:00");
        CHECK(contains(check_same_as_full_build(content, out, repo.path()), "1 from the differences cache, 0 read"));
    }
    SUBCASE("the other activity's last commit amended: its entry is not used") {
        replace(other, "priority = 3", "priority = 4");
        replace(other, "i hela länet", "i hela regionen");
        git(repo.path(), "add content/groups/alfa/plans/2025/activities/sip.md", "2025-03-05T10:00:00");
        git(repo.path(), "commit --amend -m 'Prioriteten, rättad'", "2025-03-05T10:00:00");
        // Its own history changed: read for its own pages, not for the cache (the edited
        // activity, whose own history page is now kept, is read for the plan's and stored).
        CHECK(contains(check_same_as_full_build(content, out, repo.path()), "0 from the differences cache, 1 read and stored in it"));
        CHECK(read_file(entry) == stored);
        replace(activity, "title = \"", "title = \"X");
        CHECK(contains(check_same_as_full_build(content, out, repo.path()), "0 from the differences cache, 1 read and stored in it"));
        CHECK(read_file(entry) != stored);
        CHECK(contains(read_file(plan_history), "regionen."));
    }
    SUBCASE("the other activity deleted: its entry is removed, and so is what a killed store left") {
        // A store's temporary file of a process that is gone, and one of a process still running.
        const int child = ::fork();
        if (child == 0) ::_exit(0);
        REQUIRE(child > 0);
        REQUIRE(::waitpid(child, nullptr, 0) == child);
        const fs::path killed = entry.string() + ".tmp-" + std::to_string(child);
        const fs::path running = entry.string() + ".tmp-" + std::to_string(::getpid());
        write_file(killed, stored.substr(0, 10));
        write_file(running, stored.substr(0, 10));
        git(repo.path(), "rm -q content/groups/alfa/plans/2025/activities/sip.md", "2025-04-05T10:00:00");
        git(repo.path(), "commit -qm 'Borttagen'", "2025-04-05T10:00:00");
        check_same_as_full_build(content, out, repo.path());
        CHECK_FALSE(fs::exists(entry));
        CHECK_FALSE(fs::exists(killed));
        CHECK(fs::exists(running));
    }
    SUBCASE("a force-push: the other activity's last commit replaced by another, with as many revisions") {
        git(repo.path(), "reset -q --hard HEAD~1", "2025-03-05T10:00:00");
        replace(other, "priority = 2", "priority = 1");
        replace(other, "i hela länet", "i hela regionen");
        git(repo.path(), "commit -am 'Omskriven'", "2025-03-06T10:00:00");
        CHECK_FALSE(contains(check_same_as_full_build(content, out, repo.path()), "differences cache"));
        replace(activity, "title = \"", "title = \"X");
        CHECK(contains(check_same_as_full_build(content, out, repo.path()), "0 from the differences cache, 1 read and stored in it"));
        CHECK(read_file(entry) != stored);
        CHECK(contains(read_file(plan_history), "regionen."));
    }
}

// The change log shows the newest commits' changes of every activity, also of those whose pages are
// all kept: their newest versions come from the differences cache too, once a rebuild read them.
TEST_CASE_FIXTURE(Repository, "the change log's versions of activities whose pages are kept come from the differences cache") {
    replace(other, "SIP-arbete.", "SIP-arbete i hela länet.");
    git(repo.path(), "commit -am 'Texten'", "2025-02-05T10:00:00");
    const fs::path group = content / "groups/alfa/group.toml";
    build(content, out);
    CHECK_FALSE(fs::exists(repo.path() / ".samplan-cache/out/differences"));

    // The group's members: no activity's page changes, and the change log is made again.
    replace(group, "role = \"ledamot\"", "role = \"sekreterare\"");
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "0 from the differences cache, 2 read and stored in it"));
    replace(group, "role = \"sekreterare\"", "role = \"kassör\"");
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "2 from the differences cache, 0 read"));
    git(repo.path(), "commit -am 'Ny kassör'", "2025-04-05T10:00:00");
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "2 from the differences cache, 0 read"));
    CHECK(contains(read_file(out / "changes/index.html"), "Beskrivningen ändrad"));  // the other activity's text, in "Texten"
    // Then one activity edited: its plan's history page is made again, and needs every version of
    // the other, which the change log showed (it has so few): stored already.
    replace(activity, "title = \"", "title = \"Ny: ");
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "1 from the differences cache, 0 read"));
    git(repo.path(), "commit -am 'Ny titel'", "2025-04-06T10:00:00");
    CHECK(contains(check_same_as_full_build(content, out, repo.path()), "1 from the differences cache, 0 read"));
}
