// publish/publish.h: the output folder as a user sees it between builds (the previous site until
// a build succeeds, unchanged files left as they were, nothing beside it afterwards, nothing
// written outside it), and the programs the stage starts (publish/run_guarded.h).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "publish/publish.h"
#include "publish/run_guarded.h"
#include "publish/search_index_cut.h"

using namespace samplan;
namespace fs = std::filesystem;

namespace {

// A folder holding the output folder "site", removed at the end once the previous sites that
// builds replaced are removed too (in the background, publish.h).
struct Folder {
    fs::path dir = fs::temp_directory_path() / ("samplan-publish-" + std::to_string(std::random_device{}()));
    std::string out = (dir / "site").string();
    Folder() { fs::create_directories(dir); }
    ~Folder() {
        wait_for_no_staging();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    // The entries beside the output folder, by name.
    std::set<std::string> beside() const {
        std::set<std::string> names;
        for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
        return names;
    }
    // Waits (at most a minute) until no staging folder is beside the output folder: the previous
    // sites that builds swapped out are removed in the background.
    bool wait_for_no_staging() const {
        for (int i = 0; i < 6000; ++i) {
            const auto names = beside();
            if (std::none_of(names.begin(), names.end(), [](const std::string& n) { return n.rfind("site.tmp-", 0) == 0; }))
                return true;
            ::usleep(10'000);
        }
        return false;
    }
    // Builds a site of `files` (path, content); commits unless `fail`.
    void build(const std::vector<std::pair<std::string, std::string>>& files, bool fail = false) const {
        publish::Output output(out);
        for (const auto& [path, content] : files) output.write(path, content);
        if (!fail) output.commit();
    }
    std::string read(const std::string& path) const {
        std::ifstream in(fs::path(out) / path, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        return text.str();
    }
    struct stat status(const std::string& path) const {
        struct stat st {};
        REQUIRE_MESSAGE(::lstat((fs::path(out) / path).c_str(), &st) == 0, path);
        return st;
    }
};

bool same_file(const struct stat& a, const struct stat& b) {
    return a.st_ino == b.st_ino && a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

}  // namespace

TEST_CASE("publish: a build that fails leaves the previous site as it was, and nothing beside it") {
    const Folder folder;
    folder.build({{"index.html", "first"}, {"groups/a/index.html", "A"}});
    const struct stat before = folder.status("index.html");

    {
        // A build that writes a changed page and a new one, then fails before the swap (an error,
        // a stop): the Output is destroyed without commit().
        publish::Output output(folder.out);
        output.write("index.html", "second");
        output.write("groups/b/index.html", "B");
        CHECK(folder.beside().size() == 2);  // the site and this build's staging folder
    }
    CHECK(folder.beside() == std::set<std::string>{"site"});
    CHECK(folder.read("index.html") == "first");
    CHECK(same_file(folder.status("index.html"), before));
    CHECK(folder.read("groups/a/index.html") == "A");
    CHECK_FALSE(fs::exists(fs::path(folder.out) / "groups/b"));
}

TEST_CASE("publish: a build writes changed files, keeps unchanged ones as they were and drops removed pages") {
    const Folder folder;
    folder.build({{"index.html", "home"}, {"groups/a/index.html", "A"}, {"groups/b/index.html", "B"}, {"feed.xml", "1"}});
    CHECK(folder.beside() == std::set<std::string>{"site"});  // the first build renames its folder into place
    const struct stat home = folder.status("index.html"), a = folder.status("groups/a/index.html"),
                      feed = folder.status("feed.xml");

    publish::Output output(folder.out);
    output.write("index.html", "home");
    output.write("groups/a/index.html", "A");
    output.write("feed.xml", "2");
    output.write("groups/c/index.html", "C");
    CHECK(output.kept() == 2);
    CHECK(output.written() == 2);
    output.commit();

    // Unchanged: the same file, with the same modification time (rsync copies only what changed).
    CHECK(same_file(folder.status("index.html"), home));
    CHECK(same_file(folder.status("groups/a/index.html"), a));
    // Changed or new: written.
    CHECK(folder.read("feed.xml") == "2");
    CHECK(folder.status("feed.xml").st_ino != feed.st_ino);
    CHECK(folder.read("groups/c/index.html") == "C");
    // A page the build did not make is gone, its folder too.
    CHECK_FALSE(fs::exists(fs::path(folder.out) / "groups/b"));
    // The previous site, swapped out, is removed in the background: nothing stays beside the output.
    CHECK(folder.wait_for_no_staging());
    CHECK(folder.beside() == std::set<std::string>{"site"});
}

TEST_CASE("publish: keep() takes the previous site's file unread, a missing one is reported, not made") {
    const Folder folder;
    folder.build({{"index.html", "home"}, {"a/b.html", "b"}});
    const struct stat b = folder.status("a/b.html");
    publish::Output output(folder.out);
    CHECK(output.keep("a/b.html"));
    CHECK_FALSE(output.keep("a/missing.html"));
    CHECK(output.kept() == 1);
    output.write("index.html", "home, changed");
    output.commit();
    CHECK(same_file(folder.status("a/b.html"), b));
    CHECK_FALSE(fs::exists(fs::path(folder.out) / "a/missing.html"));
}

TEST_CASE("publish: no path leaves the output folder, whatever it is made of") {
    const Folder folder;
    // A previous site with a link that points outside it (a hand-made output folder, an attack).
    fs::create_directories(folder.out);
    std::ofstream(folder.dir / "outside.html") << "outside";
    fs::create_symlink(folder.dir / "outside.html", fs::path(folder.out) / "linked.html");

    publish::Output output(folder.out);
    for (const char* path : {"../outside.html", "/tmp/x.html", "a/../../outside.html", "a/./b.html", "./a.html", "", "a/",
                             "..", "a/.."}) {
        CAPTURE(path);
        CHECK_THROWS_WITH_AS(output.write(path, "x"), doctest::Contains("refusing to write outside the output"),
                             std::runtime_error);
        CHECK_THROWS_AS(output.keep(path), std::runtime_error);
    }
    // The link is neither kept nor followed: the new site has a file of its own there.
    CHECK_FALSE(output.keep("linked.html"));
    output.write("linked.html", "outside");  // the same bytes as the file the link points at
    output.write("index.html", "home");
    output.commit();
    CHECK(fs::is_regular_file(fs::symlink_status(fs::path(folder.out) / "linked.html")));
    std::ofstream(fs::path(folder.out) / "linked.html", std::ios::app) << " changed";
    std::ifstream in(folder.dir / "outside.html");
    std::string outside;
    std::getline(in, outside);
    CHECK(outside == "outside");
    CHECK(folder.wait_for_no_staging());  // the previous site with its link, removed
    CHECK(fs::is_regular_file(folder.dir / "outside.html"));
}

TEST_CASE("publish: a killed build's staging folder is removed by the next build, a running build's is left alone") {
    const Folder folder;
    folder.build({{"index.html", "home"}});
    // Killed: unlocked, its process gone (no process has the id 999999999).
    fs::create_directories(folder.dir / "site.tmp-999999999-0badf00d" / "groups");
    // Running: locked (as a build holds its own while it runs).
    const fs::path running = folder.dir / ("site.tmp-" + std::to_string(::getpid()) + "-00c0ffee");
    fs::create_directories(running);
    const int fd = ::open(running.c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(fd >= 0);
    REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
    // Another program's folder with a name like it, that no build makes.
    fs::create_directories(folder.dir / "site.tmp-notes");

    publish::remove_abandoned_staging(folder.out);
    CHECK(folder.beside() == std::set<std::string>{"site", running.filename().string(), "site.tmp-notes"});
    ::close(fd);
    fs::remove_all(running);
    fs::remove_all(folder.dir / "site.tmp-notes");
}

TEST_CASE("publish: the pages and parts given to Pagefind stay inside the staging folder") {
    const Folder folder;
    std::ofstream(folder.dir / "outside.html") << "<p>outside</p>";
    // Any program will do: the pages are linked into Pagefind's folder before it starts.
    ::setenv("SAMPLAN_PAGEFIND", "/bin/true", 1);
    publish::Output output(folder.out);
    output.write("index.html", "<p>home</p>");
    for (const auto& part : {publish::SearchPart{"", {"../outside.html"}, 1}, publish::SearchPart{"../x", {"index.html"}, 2}}) {
        publish::SearchOptions options;
        options.parts = {part};
        CHECK_THROWS_WITH_AS(publish::build_search_index(output, options),
                             doctest::Contains("refusing to write outside the output"), std::runtime_error);
    }
    ::unsetenv("SAMPLAN_PAGEFIND");
    CHECK_FALSE(fs::exists(folder.dir / "x"));
    CHECK(fs::hard_link_count(folder.dir / "outside.html") == 1);
}

TEST_CASE("publish: the search index is built by Pagefind, kept when its pages did not change, and missing when it fails") {
    const Folder folder;
    // A Pagefind that writes its index's two files: the entry lists the pages it was given.
    const fs::path fake = folder.dir / "pagefind";
    std::ofstream(fake) << "#!/bin/sh\n# --site SITE --output-path OUT --silent\nmkdir -p \"$4\" && echo js > \"$4/pagefind.js\" && "
                           "(cd \"$2\" && find . -type f | sort) > \"$4/pagefind-entry.json\"\n";
    fs::permissions(fake, fs::perms::owner_all);
    ::setenv("SAMPLAN_PAGEFIND", fake.c_str(), 1);
    const std::string stamp_file = (folder.dir / "search.txt").string();
    auto build = [&](const std::string& page_b, std::uint64_t digest_b) {
        publish::Output output(folder.out);
        output.write("index.html", "home");
        output.write("a/index.html", "a");
        output.write("b/index.html", page_b);
        publish::SearchOptions options;
        options.parts = {{"", {"index.html"}, 1}, {"a", {"a/index.html"}, 2}, {"b", {"b/index.html"}, digest_b}};
        options.stamp_file = stamp_file;
        const publish::SearchOutcome outcome = publish::build_search_index(output, options);
        output.commit();
        publish::write_search_stamp(stamp_file, outcome.stamp);
        return outcome;
    };
    const publish::SearchOutcome first = build("b", 3);
    CHECK(first.built);
    CHECK(first.parts_made == 3);
    CHECK(folder.read("pagefind/parts.json") == "[\"parts/a/\",\"parts/b/\"]\n");
    CHECK(folder.read("pagefind/parts/b/pagefind-entry.json") == "./b/index.html\n");
    CHECK_FALSE(fs::exists(fs::path(folder.out) / "pagefind/parts/b/pagefind.js"));  // only the main part has it
    const struct stat a = folder.status("pagefind/parts/a/pagefind-entry.json");

    const publish::SearchOutcome second = build("b, changed", 4);
    CHECK(second.built);
    CHECK(second.parts_made == 1);
    CHECK(second.parts_kept == 2);
    CHECK(same_file(folder.status("pagefind/parts/a/pagefind-entry.json"), a));

    // A Pagefind that fails: the site is published without search, and the stamp says there is none.
    std::ofstream(fake, std::ios::trunc) << "#!/bin/sh\nexit 1\n";
    const publish::SearchOutcome third = build("b, changed again", 5);
    ::unsetenv("SAMPLAN_PAGEFIND");
    CHECK_FALSE(third.built);
    CHECK(third.failed);
    CHECK(third.message.find("Pagefind failed") != std::string::npos);
    CHECK_FALSE(fs::exists(fs::path(folder.out) / "pagefind"));
    CHECK_FALSE(fs::exists(stamp_file));
}

// The lines of the file at `path` (none when it is missing).
static std::vector<std::string> lines_in(const fs::path& path) {
    std::vector<std::string> lines;
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Whether the process `pid` has ended (gone, or a zombie whose parent has not collected it yet).
static bool ended(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return true;
    const size_t close = line.rfind(')');
    return close == std::string::npos || close + 2 >= line.size() || line[close + 2] == 'Z' || line[close + 2] == 'X';
}

// Polls `done` for at most a minute (a bound against hanging, not a measurement).
static bool eventually(const std::function<bool()>& done) {
    for (int i = 0; i < 6000; ++i) {
        if (done()) return true;
        ::usleep(10'000);
    }
    return done();
}

TEST_CASE("publish: a part of the search index started while the pages are written is used only when its pages stayed the same") {
    const Folder folder;
    // A Pagefind whose entry holds the pages it was given, their paths and bytes; each run adds the
    // pages it read to a log, as one line in one write (parts made at once would mix their lines).
    const fs::path fake = folder.dir / "pagefind", log = folder.dir / "runs.txt";
    std::ofstream(fake) << "#!/bin/sh\n# --site SITE --output-path OUT --silent\nmkdir -p \"$4\" && echo js > \"$4/pagefind.js\" && "
                           "(cd \"$2\" && find . -type f | sort | while read f; do echo \"$f: $(cat \"$f\")\"; done) > \"$4/pagefind-entry.json\" && "
                           "runs=$(cd \"$2\" && find . -type f | sort | tr '\\n' ' ') && echo \"$runs\" >> '" + log.string() + "'\n";
    fs::permissions(fake, fs::perms::owner_all);
    ::setenv("SAMPLAN_PAGEFIND", fake.c_str(), 1);
    publish::Output output(folder.out);
    output.write("index.html", "home");
    output.write("a/index.html", "a");
    output.write("b/index.html", "b");
    publish::SearchOutcome outcome;
    {
        publish::SearchIndex index(output, publish::SearchOptions{});
        REQUIRE(index.can_start());
        index.start({"a", {"a/index.html"}, 2});
        index.start({"b", {"b/index.html"}, 3});
        REQUIRE(eventually([&] { return lines_in(log).size() == 2; }));
        // b's page was not final after all: written again, so the part given to finish() differs.
        output.write("b/index.html", "b, changed");
        outcome = index.finish({{"", {"index.html"}, 1}, {"a", {"a/index.html"}, 2}, {"b", {"b/index.html"}, 4}});
    }
    ::unsetenv("SAMPLAN_PAGEFIND");
    CHECK(outcome.built);
    CHECK(outcome.parts_made == 3);
    CHECK(outcome.parts_early == 1);
    CHECK(outcome.message.find("(3 pages in 3 parts, 1 of them while the pages were written, 0 kept)") != std::string::npos);
    // a was made once, early; b early, then again with its final page; the main part after.
    const auto runs = lines_in(log);
    CHECK(std::count(runs.begin(), runs.end(), "./a/index.html ") == 1);
    CHECK(std::count(runs.begin(), runs.end(), "./b/index.html ") == 2);
    CHECK(std::count(runs.begin(), runs.end(), "./index.html ") == 1);
    output.commit();
    CHECK(folder.read("pagefind/parts/a/pagefind-entry.json") == "./a/index.html: a\n");
    CHECK(folder.read("pagefind/parts/b/pagefind-entry.json") == "./b/index.html: b, changed\n");
    CHECK(folder.read("pagefind/parts.json") == "[\"parts/a/\",\"parts/b/\"]\n");
    outcome.removing.reset();
    CHECK(folder.beside() == std::set<std::string>{"site", "pagefind", "runs.txt"});
}

TEST_CASE("publish: a part being made when the build ends without the index is stopped with its Pagefind") {
    const Folder folder;
    // A Pagefind that notes its process id and waits.
    const fs::path fake = folder.dir / "pagefind", pid_file = folder.dir / "pid";
    std::ofstream(fake) << "#!/bin/sh\necho $$ > '" << pid_file.string() << ".tmp' && mv '" << pid_file.string() << ".tmp' '"
                        << pid_file.string() << "' && exec sleep 600\n";
    fs::permissions(fake, fs::perms::owner_all);
    ::setenv("SAMPLAN_PAGEFIND", fake.c_str(), 1);
    SUBCASE("a page failed, or a stop: the index is dropped while Pagefind runs") {
        publish::Output output(folder.out);
        output.write("a/index.html", "a");
        {
            publish::SearchIndex index(output, publish::SearchOptions{});
            index.start({"a", {"a/index.html"}, 2});
            REQUIRE(eventually([&] { return fs::exists(pid_file); }));
        }
        const int pid = std::stoi(lines_in(pid_file).at(0));
        CHECK(eventually([&] { return ended(pid); }));  // killed with its group (SIGKILL)
        // Nothing beside the staging folder: the pages given to Pagefind are removed.
        const auto names = folder.beside();
        CHECK(std::count_if(names.begin(), names.end(), [](const std::string& n) { return n.rfind("site.tmp-", 0) == 0; }) == 1);
    }
    SUBCASE("past the time limit, counted from the part's start: the site without search") {
        publish::Output output(folder.out);
        output.write("index.html", "home");
        publish::SearchOptions options;
        options.time_limit = std::chrono::seconds(1);
        publish::SearchIndex index(output, options);
        index.start({"", {"index.html"}, 2});
        REQUIRE(eventually([&] { return fs::exists(pid_file); }));
        const publish::SearchOutcome outcome = index.finish({{"", {"index.html"}, 2}});
        CHECK(outcome.failed);
        CHECK_FALSE(outcome.built);
        CHECK(outcome.message.find("Pagefind took longer than 1 s and was stopped") != std::string::npos);
        const int pid = std::stoi(lines_in(pid_file).at(0));
        CHECK(eventually([&] { return ended(pid); }));
        CHECK_FALSE(fs::exists(fs::path(output.staging_dir()) / "pagefind"));
    }
    ::unsetenv("SAMPLAN_PAGEFIND");
}

TEST_CASE("publish: a program run under a time limit tells how it ended") {
    const auto later = std::chrono::steady_clock::now() + std::chrono::hours(1);
    CHECK(publish::run_guarded({"/bin/true"}, later) == publish::RunEnd::Ok);
    CHECK(publish::run_guarded({"/bin/false"}, later) == publish::RunEnd::Failed);
    CHECK(publish::run_guarded({"/nonexistent/pagefind"}, later) == publish::RunEnd::CannotStart);
    // Past its time it is killed (the limit is already over: this does not depend on timing).
    CHECK(publish::run_guarded({"/bin/sleep", "600"}, std::chrono::steady_clock::now()) == publish::RunEnd::TimedOut);
}

// A pipe without close-on-exec, as another part's pipe to its guard is when parts of the search
// index start at once: once samplan closes its end, the other end sees it closed at once, though
// the program run (`single_process`: without a guard) still runs (were the guard or the program to
// hold it, that part's guard would not see samplan killed, nor kill its Pagefind).
static void check_other_descriptors_not_held(bool single_process) {
    Folder folder;
    const fs::path pid_file = folder.dir / "pid";
    int other[2];
    REQUIRE(::pipe(other) == 0);
    std::thread run([&] {
        const auto later = std::chrono::steady_clock::now() + std::chrono::hours(1);
        CHECK(publish::run_guarded({"/bin/sh", "-c", "echo $$ > " + pid_file.string() + ".tmp && mv " + pid_file.string() +
                                                         ".tmp " + pid_file.string() + " && exec sleep 600"},
                                   later, nullptr, single_process) == publish::RunEnd::Failed);
    });
    for (int i = 0; i < 2000 && !fs::exists(pid_file); ++i) ::usleep(10'000);  // a bound, not a measurement
    std::string pid;
    std::ifstream(pid_file) >> pid;
    ::close(other[1]);
    struct pollfd closed {other[0], POLLIN, 0};
    const bool seen = ::poll(&closed, 1, 20'000) == 1;  // at once, unless something still holds it
    CHECK(seen);
    char byte = 0;
    if (seen) CHECK(::read(other[0], &byte, 1) == 0);
    ::close(other[0]);
    REQUIRE(!pid.empty());
    ::kill(std::stoi(pid), SIGKILL);  // the program, killed by someone else: it failed
    run.join();
}

TEST_CASE("publish: a program run under a guard holds none of samplan's other descriptors") {
    check_other_descriptors_not_held(false);
}

TEST_CASE("publish: a program started without a guard tells how it ended as a guarded one does") {
    const auto later = std::chrono::steady_clock::now() + std::chrono::hours(1);
    CHECK(publish::run_guarded({"/bin/true"}, later, nullptr, true) == publish::RunEnd::Ok);
    CHECK(publish::run_guarded({"/bin/false"}, later, nullptr, true) == publish::RunEnd::Failed);
    CHECK(publish::run_guarded({"/nonexistent/pagefind"}, later, nullptr, true) == publish::RunEnd::CannotStart);
    CHECK(publish::run_guarded({"/bin/sleep", "600"}, std::chrono::steady_clock::now(), nullptr, true) ==
          publish::RunEnd::TimedOut);
    const std::atomic<bool> cancel{true};
    CHECK(publish::run_guarded({"/bin/sleep", "600"}, later, &cancel, true) == publish::RunEnd::Cancelled);
    // Its standard input and output are /dev/null (the shell's own, $$, read before printf's are redirected).
    Folder folder;
    const fs::path out = folder.dir / "out";
    CHECK(publish::run_guarded({"/bin/sh", "-c", "printf '%s\\n' \"$(readlink /proc/$$/fd/0)\" \"$(readlink /proc/$$/fd/1)\" > " + out.string()}, later, nullptr,
                               true) == publish::RunEnd::Ok);
    const auto std_in_out = lines_in(out);
    std::ostringstream shown;
    shown << std::ifstream(out).rdbuf();
    INFO(shown.str());
    CHECK(std_in_out == std::vector<std::string>{"/dev/null", "/dev/null"});
}

TEST_CASE("publish: a program started without a guard holds none of samplan's other descriptors") {
    check_other_descriptors_not_held(true);
}

TEST_CASE("publish: a program started without a guard ends when samplan is killed") {
    // A process standing for samplan starts it, and is killed (SIGKILL: nothing of its own runs).
    Folder folder;
    const fs::path pid_file = folder.dir / "pid";
    const pid_t samplan = ::fork();
    REQUIRE(samplan >= 0);
    if (samplan == 0) {
        const auto later = std::chrono::steady_clock::now() + std::chrono::hours(1);
        publish::run_guarded({"/bin/sh", "-c", "echo $$ > " + pid_file.string() + ".tmp && mv " + pid_file.string() + ".tmp " +
                                                   pid_file.string() + " && exec sleep 600"},
                             later, nullptr, true);
        ::_exit(0);
    }
    for (int i = 0; i < 2000 && !fs::exists(pid_file); ++i) ::usleep(10'000);  // a bound, not a measurement
    std::string pid;
    std::ifstream(pid_file) >> pid;
    ::kill(samplan, SIGKILL);
    int status = 0;
    ::waitpid(samplan, &status, 0);
    REQUIRE(!pid.empty());
    const bool gone = eventually([&] { return ended(std::stoi(pid)); });
    CHECK(gone);
    if (!gone) ::kill(std::stoi(pid), SIGKILL);
}

namespace {

// Every file below `root` with its inode and bytes, by path.
std::map<std::string, std::pair<ino_t, std::string>> files_with_inodes(const fs::path& root) {
    std::map<std::string, std::pair<ino_t, std::string>> files;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
        if (!e.is_regular_file()) continue;
        struct stat st {};
        REQUIRE(::lstat(e.path().c_str(), &st) == 0);
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        files[fs::relative(e.path(), root).string()] = {st.st_ino, text.str()};
    }
    return files;
}

ino_t folder_inode(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_ino;
}

}  // namespace

TEST_CASE("publish: with a spare, the previous site is the next build's staging folder, and every build writes the site asked for") {
    const Folder folder;
    const std::string spare = (folder.dir / "cache" / "spare").string();
    // The caller's digest of the output folder (build/up_to_date.h): here a number that each build
    // hands to the next, as the output folder's state it left.
    std::uint64_t state = 0;
    using Files = std::vector<std::pair<std::string, std::string>>;
    auto build = [&](const Files& files, bool reused, bool commit = true) {
        publish::Output output(folder.out, publish::Spare{spare, state});
        CHECK(output.staging_reused() == reused);
        for (const auto& [path, content] : files) output.write(path, content);
        output.search_index_done();
        if (!commit) return;
        output.commit();
        output.keep_spare(++state);
    };
    // The output holds `files` exactly, and the spare the very same files (hard links).
    auto check_site = [&](const Files& files) {
        const auto site = files_with_inodes(folder.out);
        REQUIRE(site.size() == files.size());
        for (const auto& file : files) {
            const std::string& path = file.first;  // (clang 14 cannot capture a structured binding)
            CAPTURE(path);
            REQUIRE(site.count(path));
            CHECK(site.at(path).second == file.second);
        }
        CHECK(files_with_inodes(spare) == site);
        // (A previous site that a build swapped out may still be being removed in the background.)
        CHECK(folder.wait_for_no_staging());
        CHECK(folder.beside() == std::set<std::string>{"site", "cache"});
    };

    const Files first = {{"index.html", "home"}, {"a/1.html", "A"}, {"b/1.html", "B"}, {"b/c/2.html", "C"}};
    build(first, false);  // no spare yet: a new staging folder; the spare is made from the site
    check_site(first);
    const ino_t first_folder = folder_inode(folder.out);
    const struct stat home = folder.status("index.html");

    // A page changed, a folder gone, one new: only they are touched; the unchanged page is the very file.
    const Files second = {{"index.html", "home"}, {"a/1.html", "A, changed"}, {"d/1.html", "D"}};
    build(second, true);
    check_site(second);
    CHECK(same_file(folder.status("index.html"), home));
    const ino_t second_folder = folder_inode(folder.out);
    CHECK(second_folder != first_folder);
    const struct stat a = folder.status("a/1.html");

    // And back: the first build's folder is the output again, brought to this site.
    const Files third = {{"index.html", "home, changed"}, {"a/1.html", "A, changed"}, {"b/1.html", "B"}};
    build(third, true);
    check_site(third);
    CHECK(folder_inode(folder.out) == first_folder);
    CHECK(same_file(folder.status("a/1.html"), a));

    // A build that fails (no commit) leaves the output as it was; the spare it took is gone, and
    // the next build makes a new staging folder.
    build({{"index.html", "failed"}}, true, false);
    CHECK(files_with_inodes(folder.out).size() == third.size());
    CHECK(folder.read("index.html") == "home, changed");
    CHECK(folder.beside() == std::set<std::string>{"site", "cache"});
    build(second, false);
    check_site(second);

    // The output folder changed since (the caller's state differs): the spare is not taken.
    ++state;
    build(first, false);
    check_site(first);
    // A file of the spare replaced by hand (a new file: the output's stays as it was): not taken.
    fs::remove(fs::path(spare) / "a/1.html");
    std::ofstream(fs::path(spare) / "a/1.html") << "by hand";
    build(first, false);
    check_site(first);
    // A file added to the spare by hand: not taken either.
    std::ofstream(fs::path(spare) / "b/c/extra.html") << "by hand";
    build(second, false);
    check_site(second);
    // The spare removed: a new staging folder.
    fs::remove_all(spare);
    build(third, false);
    check_site(third);
    build(first, true);
    check_site(first);
    CHECK(folder.wait_for_no_staging());
}

namespace {

// The files the spare's journal describes ("f mode size inode mtime path" lines), by path: their
// inode and size.
std::map<std::string, std::pair<ino_t, std::int64_t>> journal_files(const std::string& spare) {
    std::ifstream in(spare + ".txt");
    std::map<std::string, std::pair<ino_t, std::int64_t>> files;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("f ", 0) != 0) continue;
        std::istringstream fields(line.substr(2));
        std::uint32_t mode = 0;
        std::int64_t size = 0, mtime = 0;
        ino_t inode = 0;
        std::string path;
        fields >> mode >> size >> inode >> mtime;
        std::getline(fields >> std::ws, path);
        files[path] = {inode, size};
    }
    return files;
}

}  // namespace

TEST_CASE("publish: the journal's lines written while the index is made are those of the site swapped in, a file made after them too") {
    const Folder folder;
    const std::string spare = (folder.dir / "cache" / "spare").string();
    std::uint64_t state = 0;
    // A build that prepares the journal once its `files` are written, then writes `late` (the
    // archived versions' pages, made after the search index), and swaps.
    using Files = std::vector<std::pair<std::string, std::string>>;
    auto build = [&](const Files& files, const Files& late, bool reused) {
        publish::Output output(folder.out, publish::Spare{spare, state});
        CHECK(output.staging_reused() == reused);
        for (const auto& [path, content] : files) output.write(path, content);
        output.prepare_journal();
        for (const auto& [path, content] : late) output.write(path, content);
        output.search_index_done();
        output.commit();
        output.keep_spare(++state);
    };
    // The journal describes every file of the output, each as it is, and no other.
    auto check_journal = [&] {
        std::map<std::string, std::pair<ino_t, std::int64_t>> site;
        for (const auto& e : fs::recursive_directory_iterator(folder.out))
            if (e.is_regular_file())
                site[fs::relative(e.path(), folder.out).string()] = {folder_inode(e.path().string()),
                                                                     static_cast<std::int64_t>(e.file_size())};
        CHECK(journal_files(spare) == site);
    };
    build({{"index.html", "home"}, {"a/1.html", "A"}, {"b/1.html", "B"}}, {}, false);
    check_journal();
    // A spare taken: the kept files' lines come from the previous journal, the written ones anew.
    build({{"index.html", "home"}, {"a/1.html", "A, changed"}, {"c/1.html", "C"}}, {}, true);
    check_journal();
    // A file written after the lines were: they are written again, with it.
    build({{"index.html", "home"}, {"a/1.html", "A, changed"}}, {{"v1/index.html", "version 1"}}, true);
    check_journal();
    // A file kept after them (the same bytes as the previous site's).
    build({{"index.html", "home"}}, {{"a/1.html", "A, changed"}, {"v1/index.html", "version 1"}}, true);
    check_journal();
    // And the next build takes the spare that journal describes.
    build({{"index.html", "home, changed"}}, {}, true);
    check_journal();
    CHECK(folder.wait_for_no_staging());
}

namespace {

// The Pagefind of the source tree (npm install), its binary when npm's package has one; empty
// when it is not installed.
std::string real_pagefind() {
    const fs::path modules = fs::path(SAMPLAN_SOURCE) / "node_modules";
    for (const fs::path& p : {modules / "@pagefind/linux-x64/bin/pagefind_extended", modules / ".bin/pagefind"})
        if (::access(p.c_str(), X_OK) == 0) return p.string();
    return {};
}

// Every file under `folder` by its path, with its bytes.
std::map<std::string, std::string> files_under(const fs::path& folder) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(folder)) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path(), std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        files[fs::relative(e.path(), folder).string()] = bytes.str();
    }
    return files;
}

// Pages that a theme could make, each with something Pagefind reads outside its body or inside
// what it ignores, or with markup a cutter could misread: the cut of each (where it takes
// something out) must give the real Pagefind the very index the whole page gives it. `cut`: this
// one is expected to be cut (else given whole).
struct HostilePage {
    const char* path;
    bool cut;
    const char* html;
};
const HostilePage kHostilePages[] = {
    {"plain/index.html", true, R"(<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><title>Vanlig sida</title><script src="/assets/menu.js"></script></head>
<body><a href="#main" id="skip">Hoppa</a><header id="top"><nav><a href="/">Start</a> <a id="n2" href="/x">Menyord</a></nav>
<form><label for="q">Sök</label><input id="q" name="q"></form></header>
<main id="main" data-pagefind-body><h1>Vanlig rubrik</h1><p>Brödtext om samverkan.</p>
<h2 id="steg">Steg</h2><ol data-pagefind-ignore><li>Dolt steg</li><li id="s2">Annat dolt steg</li></ol>
<div data-pagefind-ignore="all"><span data-pagefind-filter="dold">Uteslutet filter</span><h1>Utesluten rubrik</h1></div>
<p>Efter listan, <span data-pagefind-ignore>inte detta</span> men detta.</p></main>
<footer><p>Sidfot med ord</p><ul><li><a href="/data">Öppna data</a></li></ul></footer></body></html>
)"},
    // The title from an <h1> outside the body (the first one Pagefind sees), an image after it.
    {"h1-outside/index.html", true, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Sidans titel</title></head>
<body><header><h1>Webbplatsens namn</h1><img src="/logo.png" alt="Logotyp"></header><nav><a href="/">Menyord</a></nav>
<main data-pagefind-body><h2>Inget h1 här</h2><p>Text i kroppen.</p></main><footer>Sidfot</footer></body></html>
)"},
    // Filters, metadata and sorting outside the body, one taking an element's text.
    {"filters-outside/index.html", true, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Filter</title><meta data-pagefind-meta="image[content]" content="/bild.png" property="og:image"></head>
<body><nav><ul><li><span data-pagefind-filter="avsnitt">Avsnittsnamn</span></li><li>Annat</li></ul></nav>
<aside><div><p data-pagefind-sort="datum:2026-01-02">x</p><p data-pagefind-default-meta="typ:sida">y</p></div></aside>
<main data-pagefind-body><h1>Filtrerad</h1><p>Ord.</p></main>
<footer><span data-pagefind-meta="forfattare">Anna Berg</span></footer></body></html>
)"},
    // Filters and a title inside ignored elements, and an image inside one after the title.
    {"filters-ignored/index.html", true, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Ignorerat</title></head>
<body><main data-pagefind-body><div data-pagefind-ignore><p>Dolt <span data-pagefind-filter="status">Pågår</span></p></div>
<h1>Rubriken</h1><section data-pagefind-ignore><div><img src="/figur.png" alt="Figur"></div></section>
<p data-pagefind-ignore data-pagefind-meta="title">Titel ur metadata</p>
<div data-pagefind-ignore data-pagefind-index-attrs="title" title="Attributets text">dold</div>
<p>Synligt.</p><ul data-pagefind-ignore><li>Bort</li></ul></main></body></html>
)"},
    // An <h1> inside an ignored element, before the visible one: it is the title.
    {"h1-ignored/index.html", true, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Titel</title></head>
<body><main data-pagefind-body><div data-pagefind-ignore><h1>Dold rubrik</h1></div><h1>Synlig rubrik</h1>
<p>Text <br data-pagefind-ignore>efter radbrytning.</p><div data-pagefind-ignore>bort</div></main></body></html>
)"},
    // Anchors: ids before the body, inside ignored elements and an ignored inline element inside
    // an element with an id, whose inline child's text goes to the anchor's text.
    {"anchors/index.html", true, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Ankare</title></head>
<body><div id="a1"><p id="a2">Före</p></div><details id="meny"><summary>Meny</summary><a id="a3" href="/">Länk</a></details>
<main data-pagefind-body><h1 id="topp">Ankarsida</h1><div data-pagefind-ignore><p id="dold">Dold</p></div>
<h2 id="rubrik">Rubrik <span data-pagefind-ignore>inte <b>men ändå</b></span> slut</h2><p>Text under rubriken.</p>
<h2 id="andra">Andra</h2><p id="stycke">Mer <em data-pagefind-ignore>bort <i>kursiv</i></em> text.</p>
<ol data-pagefind-ignore><li id="l1">Ett</li></ol><h3 id="tredje">Tredje</h3><p>Slut.</p></main>
<footer id="fot"><p id="f1">Fot</p></footer></body></html>
)"},
    // Text directly in the body's parent after the body: Pagefind adds it to the body's.
    {"after-body/index.html", true, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Efter</title></head>
<body><header>Huvud</header><div class="wrap"><nav>Nav</nav><main data-pagefind-body><h1>Kropp</h1><p>Innehåll</p></main>
Text efter kroppen<aside>Sidoruta</aside> och mer</div><footer>Fot</footer></body></html>
)"},
    // No <title> in the head: the first <title> is an SVG's, inside an ignored chart.
    {"svg-title/index.html", true, R"(<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"></head>
<body><header><a href="/">Hem</a></header><main data-pagefind-body><p>Ingen rubrik.</p>
<div data-pagefind-ignore><svg viewBox="0 0 10 10"><title id="t">Diagrammets titel</title><desc>Beskrivning</desc>
<path d="M0 0h1"/><line x1="0" y1="0" x2="1" y2="1"></line><foreignObject><p>Inne</p></foreignObject></svg></div>
<div data-pagefind-ignore><svg><title>Andra titeln</title></svg></div><p>Slut.</p></main></body></html>
)"},
    // Raw text that looks like markup: a textarea and a style holding end tags, a comment, an
    // attribute value with '>', an end tag with spaces.
    {"raw-text/index.html", true, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Råtext</title><style>main > p::after { content: "</div>"; }</style></head>
<body><!-- <main data-pagefind-body> --><header><textarea></header><h1>Falsk</h1></textarea></header>
<main data-pagefind-body><h1>Äkta</h1><div data-pagefind-ignore title="a>b"><textarea></div><p>inne</p></textarea>dold</div >
<p>Ord <!-- <h1>kommentar</h1> --> efter.</p><div data-pagefind-ignore><style>p{}</style><script src="x.js"></script>dold</div></main></body></html>
)"},
    // data-pagefind-ignore values other than "all": Pagefind ignores the content (or, for an
    // unknown value, excludes it all).
    {"ignore-values/index.html", true, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Värden</title></head>
<body><main data-pagefind-body><h1>Värden</h1><div data-pagefind-ignore="index">Index</div>
<div data-pagefind-ignore="TRUE">Sant</div><div data-pagefind-ignore="ALL"><span data-pagefind-filter="x">y</span></div>
<div data-pagefind-ignore="annat"><span data-pagefind-filter="okänt">värde</span></div><p>Kvar.</p></main></body></html>
)"},
    // Given whole: capitals in data-pagefind- attributes, a comment in a script, two bodies, no body.
    {"capitals/index.html", false, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Versaler</title></head>
<body><header>Huvud</header><MAIN DATA-PAGEFIND-BODY><h1>Versaler</h1><DIV DATA-PAGEFIND-IGNORE>dold</DIV></MAIN></body></html>
)"},
    {"script-comment/index.html", false, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Skript</title><script><!-- if (a) { document.write("<script>x</script>"); } --></script></head>
<body><header>Huvud</header><main data-pagefind-body><h1>Skript</h1><div data-pagefind-ignore>dold</div></main></body></html>
)"},
    {"two-bodies/index.html", false, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Två</title></head>
<body><header>Huvud</header><main data-pagefind-body><h1>Ett</h1></main><aside data-pagefind-body>Två<div data-pagefind-ignore>x</div></aside></body></html>
)"},
    {"unclosed/index.html", false, R"(<!DOCTYPE html>
<html lang="sv"><head><title>Öppen</title></head>
<body><header><p>Huvud</header><main data-pagefind-body><h1>Öppen</h1><p>Stycke<div data-pagefind-ignore>x</div></main></body></html>
)"},
    // Bytes of a broken UTF-8 sequence on each side of an element: Pagefind reads them apart.
    {"bytes/index.html", true,
     "<!DOCTYPE html>\n<html lang=\"sv\"><head><title>Bytes</title></head>\n<body><header>Huvud</header><div><main "
     "data-pagefind-body><h1>Bytes</h1><p>Text</p></main>efter \xc3<aside>x</aside><nav>y</nav>\xa9 slut</div></body></html>\n"},
    {"english/index.html", true, R"(<!DOCTYPE html>
<html lang="en"><head><title>English</title></head>
<body><header>Head</header><main data-pagefind-body><h1>English page</h1><p>Words.</p></main></body></html>
)"},
};

}  // namespace

TEST_CASE("publish: a page cut for search gives the real Pagefind the very index the whole page gives") {
    const std::string pagefind = real_pagefind();
    if (pagefind.empty()) {
        MESSAGE("Pagefind is not installed (npm install): not tested");
        return;
    }
    const Folder folder;
    for (const auto& page : kHostilePages) {
        INFO(page.path);
        std::string cut;
        const bool was_cut = publish::cut_for_search(page.html, cut);
        CHECK(was_cut == page.cut);
        if (was_cut) CHECK(cut.size() < std::string_view(page.html).size());
        for (const auto& [site, text] : {std::pair{"whole", std::string(page.html)}, std::pair{"cut", was_cut ? cut : std::string(page.html)}}) {
            fs::create_directories((folder.dir / site / page.path).parent_path());
            std::ofstream(folder.dir / site / page.path, std::ios::binary) << text;
        }
    }
    for (const char* site : {"whole", "cut"}) {
        const std::string line = "'" + pagefind + "' --site '" + (folder.dir / site).string() + "' --output-path '" +
                                 (folder.dir / site).string() + "-index' --silent >/dev/null 2>&1";
        REQUIRE(std::system(line.c_str()) == 0);
    }
    const auto whole = files_under(folder.dir / "whole-index"), cut = files_under(folder.dir / "cut-index");
    REQUIRE(whole.count("pagefind-entry.json"));
    CHECK(whole.size() > 10);
    CHECK(whole.size() == cut.size());
    for (const auto& file : whole) {
        const std::string& path = file.first;
        INFO(path);  // (a fragment's name is its digest: a page indexed otherwise has another)
        CHECK((cut.count(path) && cut.at(path) == file.second));
    }
}
