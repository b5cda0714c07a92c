#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "build/up_to_date.h"
#include "publish/publish.h"

using namespace samplan;
namespace fs = std::filesystem;

TEST_CASE("the output digest from what a build wrote equals the digest of a walk over the folder") {
    const fs::path dir = fs::temp_directory_path() / ("samplan-up-to-date-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    const std::string out = (dir / "site").string();
    auto build = [&](const std::string& extra) {
        publish::Output output(out);
        // Names whose order differs between whole paths and folder by folder ('-' and '.' sort before '/').
        for (const char* path : {"a/index.html", "a-b/index.html", "a.html", "a/b/c/index.html", "index.html", "z/_1.html"})
            output.write(path, std::string("<p>") + path + (std::string(path) == "a.html" ? extra : "") + "</p>");
        // What another program puts in the folder being built (Pagefind's index), and a hidden file.
        fs::create_directories(fs::path(output.staging_dir()) / "pagefind" / "index");
        std::ofstream(fs::path(output.staging_dir()) / "pagefind" / "index" / "x.pf") << "index";
        std::ofstream(fs::path(output.staging_dir()) / ".hidden") << "h";
        output.commit();
        return build::output_state(out, output.inode(), output.made());
    };
    const std::uint64_t first = build("");
    CHECK(first != 0);
    CHECK(first == build::output_state(out));
    // A second build keeps the unchanged files (hard links) and writes the changed one.
    const std::uint64_t second = build(" ändrad");
    CHECK(second == build::output_state(out));
    CHECK(second != first);
    // Any change to the folder afterwards shows.
    std::ofstream(fs::path(out) / "pagefind" / "index" / "x.pf", std::ios::app) << "more";
    CHECK(build::output_state(out) != second);
    // The sites replaced are removed in the background (publish.h): wait for that before removing the rest.
    for (int i = 0; i < 6000; ++i) {
        bool staging = false;
        for (const auto& e : fs::directory_iterator(dir)) staging = staging || e.path().filename().string().rfind("site.tmp-", 0) == 0;
        if (!staging) break;
        ::usleep(10'000);
    }
    fs::remove_all(dir);
}

// A temporary folder with an output folder and, in a cache folder, the spare site that builds
// into it keep; removed at the end.
struct SpareSite {
    fs::path dir;
    std::string out, spare;
    std::uint64_t state = 0;  // the output's digest after the last build
    explicit SpareSite(const std::string& name)
        : dir(fs::temp_directory_path() / ("samplan-up-to-date-" + name + "-" + std::to_string(::getpid()))),
          out((dir / "site").string()),
          spare((dir / "cache" / "spare").string()) {
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    ~SpareSite() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    SpareSite(const SpareSite&) = delete;
    SpareSite& operator=(const SpareSite&) = delete;
};

TEST_CASE("the output digest from what a build wrote equals a walk's, when the build took the previous site as its staging folder") {
    SpareSite site("spare");
    const std::string &out = site.out, &spare = site.spare;
    std::uint64_t& state = site.state;
    auto build = [&](const std::vector<std::string>& paths, const std::string& extra) {
        publish::Output output(out, publish::Spare{spare, state});
        for (const auto& path : paths) output.write(path, "<p>" + path + (path == "a.html" ? extra : "") + "</p>");
        output.search_index_done();
        output.commit();
        state = build::output_state(out, output.inode(), output.made());
        output.keep_spare(state);
        return output.staging_reused();
    };
    CHECK_FALSE(build({"a/index.html", "a.html", "a/b/c/index.html", "index.html", "z/_1.html"}, ""));
    CHECK(state == build::output_state(out));
    CHECK(build({"a/index.html", "a.html", "a/b/c/index.html", "index.html", "y/1.html"}, " ändrad"));  // z/ gone, y/ new
    CHECK(state == build::output_state(out));
    CHECK(build({"a.html", "a/b/c/index.html", "index.html"}, ""));
    CHECK(state == build::output_state(out));
}

TEST_CASE("the output digest from what a rebuild kept equals a walk's, and a kept file changed in place shows") {
    SpareSite site("kept");
    const std::string &out = site.out, &spare = site.spare;
    std::uint64_t& state = site.state;
    // Writes `written`, keeps `kept` (unread, as a rebuild keeps a page whose inputs did not
    // change), and adds what another program puts at the top (a search index) once per `index`.
    auto build = [&](const std::vector<std::string>& written, const std::vector<std::string>& kept, const std::string& index) {
        publish::Output output(out, publish::Spare{spare, state});
        for (const auto& path : written) output.write(path, "<p>" + path + "</p>");
        for (const auto& path : kept) REQUIRE(output.keep(path));
        const fs::path search = fs::path(output.staging_dir()) / "pagefind";
        fs::create_directories(search / "index");
        if (!fs::exists(search / "index" / (index + ".pf"))) {
            fs::remove_all(search / "index");
            fs::create_directories(search / "index");
            std::ofstream(search / "index" / (index + ".pf")) << index;
        }
        output.search_index_done();
        output.commit();
        state = build::output_state(out, output);
        output.keep_spare(state);
        return output.staging_reused();
    };
    // Every file and folder under `folder`, files by their inode: the spare must hold the very files
    // of the output (its search index included), and nothing else.
    auto listing = [](const fs::path& folder) {
        std::map<std::string, std::uintmax_t> entries;
        for (const auto& e : fs::recursive_directory_iterator(folder)) {
            struct stat st {};
            REQUIRE(::lstat(e.path().c_str(), &st) == 0);
            entries[fs::relative(e.path(), folder).string()] = S_ISDIR(st.st_mode) ? 0 : st.st_ino;
        }
        return entries;
    };
    const std::vector<std::string> all = {"a/index.html", "a-b/index.html", "a.html", "a/b/c/index.html", "index.html", "z/_1.html"};
    CHECK_FALSE(build(all, {}, "1"));
    CHECK(state == build::output_state(out));
    // Everything kept but one page, whose folder goes: the spare is the staging folder, and what it
    // kept is described by its journal, not looked at.
    CHECK(listing(spare) == listing(out));
    CHECK(build({"a.html"}, {"a/index.html", "a-b/index.html", "a/b/c/index.html", "index.html"}, "1"));
    CHECK(state == build::output_state(out));
    CHECK(listing(spare) == listing(out));
    CHECK_FALSE(fs::exists(fs::path(out) / "z"));
    // The search index made again (its folder replaced): read from the disk, and brought to the spare.
    CHECK(build({"y/1.html"}, {"a/index.html", "a-b/index.html", "a.html", "a/b/c/index.html", "index.html"}, "2"));
    CHECK(state == build::output_state(out));
    CHECK(listing(spare) == listing(out));
    CHECK(fs::exists(fs::path(spare) / "pagefind/index/2.pf"));
    // A kept page of the output written over in place with its old size: its time shows it, and
    // the next build does not take the spare (nor could it keep that page as it is).
    const fs::path page = fs::path(out) / "a/b/c/index.html";
    struct stat before {};
    REQUIRE(::stat(page.c_str(), &before) == 0);
    {
        std::ofstream in_place(page, std::ios::in | std::ios::out | std::ios::binary);
        in_place << "<P>";
    }
    // (Its time a second off the old one, whatever the clock's tick.)
    const struct timespec times[2] = {before.st_atim, {before.st_mtim.tv_sec - 1, before.st_mtim.tv_nsec}};
    REQUIRE(::utimensat(AT_FDCWD, page.c_str(), times, 0) == 0);
    const std::uint64_t now = build::output_state(out);
    CHECK(now != state);
    state = now;  // (as the caller hands on the walk's digest)
    CHECK_FALSE(build(all, {}, "2"));
    CHECK(state == build::output_state(out));
    for (int i = 0; i < 6000; ++i) {
        bool staging = false;
        for (const auto& e : fs::directory_iterator(site.dir)) staging = staging || e.path().filename().string().rfind("site.tmp-", 0) == 0;
        if (!staging) break;
        ::usleep(10'000);
    }
}
