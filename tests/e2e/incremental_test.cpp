// Incremental builds: a rebuild into the same output makes again only the pages whose inputs
// changed, and writes exactly the site that a full build into a new folder writes.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <map>

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

std::string build(const fs::path& content, const fs::path& output) {
    const auto r = run_samplan({"build", "--content", content.string(), "--output", output.string(), "--today",
                                "2025-06-01", "--verbose"});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return r.err;
}

// Builds into `incremental` (the same output as before) and into a new folder, and checks that
// both hold the same files, byte for byte.
void check_same_as_full_build(const fs::path& content, const fs::path& incremental, const fs::path& scratch) {
    build(content, incremental);
    const fs::path full = scratch / ("full-" + std::to_string(std::rand()));
    build(content, full);
    const auto a = files_of(incremental), b = files_of(full);
    REQUIRE(a.size() == b.size());
    for (const auto& file : b) {
        const std::string& path = file.first;  // (clang 14 cannot capture a structured binding in INFO)
        INFO(path);
        const auto it = a.find(path);
        REQUIRE(it != a.end());
        CHECK(it->second == file.second);
    }
}

}  // namespace

TEST_CASE("an incremental build writes the same site as a full build, after edits of every kind") {
    TempDir repo;
    const fs::path content = repo.path() / "content";
    const fs::path out = repo.path() / "out";
    copy_base_fixture(content);
    const fs::path activity = content / "groups/alfa/plans/2025/activities/utbildning.md";
    const fs::path other = content / "groups/alfa/plans/2025/activities/sip.md";
    git(repo.path(), "init", "2025-01-05T10:00:00");
    git(repo.path(), "add -A", "2025-01-05T10:00:00");
    git(repo.path(), "commit -m 'Första planen'", "2025-01-05T10:00:00");
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
}
