// Search: Pagefind reads only the pages readers search (current records, pages, the guidance),
// never history pages, older versions or archived versions; its index is kept when none of those
// pages changed.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <map>
#include <set>
#include <sstream>

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

// What Pagefind indexed for each page, by its url ("/groups/…/"): the JSON of its fragment (gzip,
// holding "pagefind_dcd" and the page's JSON) in the main index or a part of it.
std::map<std::string, std::string> indexed_pages(const fs::path& site) {
    std::map<std::string, std::string> pages;
    const std::regex url(R"re("url":"([^"]*)")re");
    for (const auto& e : fs::recursive_directory_iterator(site / "pagefind")) {
        if (e.path().extension() != ".pf_fragment") continue;
        const std::string packed = read_file(e.path());
        z_stream z{};
        REQUIRE(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK);
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(packed.data()));
        z.avail_in = static_cast<uInt>(packed.size());
        std::string json;
        char buffer[16384];
        int status = Z_OK;
        while (status == Z_OK) {
            z.next_out = reinterpret_cast<Bytef*>(buffer);
            z.avail_out = sizeof buffer;
            status = inflate(&z, Z_NO_FLUSH);
            json.append(buffer, sizeof buffer - z.avail_out);
        }
        inflateEnd(&z);
        REQUIRE(status == Z_STREAM_END);
        std::smatch m;
        REQUIRE(std::regex_search(json, m, url));
        pages[m[1].str()] = json;
    }
    return pages;
}
// The text Pagefind indexed for the page at `url`; empty when none is.
std::string indexed_text(const fs::path& site, const std::string& url) {
    const auto pages = indexed_pages(site);
    const auto it = pages.find(url);
    return it == pages.end() ? std::string() : it->second;
}
// Gives the base fixture's activity "utbildning" (a step of the process "vagledning") a new title
// ending in "snöskoteråkare".
void retitle_utbildning(const fs::path& content) {
    const fs::path activity = content / "groups/alfa/plans/2025/activities/utbildning.md";
    std::string text = read_file(activity);
    const std::string title = "title = \"Utbildning i suicidprevention\"";
    REQUIRE(contains(text, title));
    text.replace(text.find(title), title.size(), "title = \"Utbildning i suicidprevention för snöskoteråkare\"");
    write_file(activity, text);
}

}  // namespace

TEST_CASE("Pagefind reads only the searched pages, and runs again only when one of them changed") {
    FakePagefind pagefind;
    TempDir repo;
    const fs::path content = commit_base_fixture(repo.path()), site = repo.path() / "site";
    git(repo.path(), "tag v1", "2025-01-05T10:00:00");
    const fs::path activity = content / "groups/alfa/plans/2025/activities/utbildning.md";
    write_file(activity, read_file(activity) + "\nEtt nytt stycke.\n");
    git(repo.path(), "commit -am 'Mer text'", "2025-03-01T10:00:00");
    const std::vector<std::string> build = {"build", "--content", content.string(), "--output", site.string(),
                                            "--today", "2025-06-01"};

    const auto first = run_samplan(build);
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    // One run per part of the index (docs/publishing.md).
    const int parts = pagefind.runs();
    REQUIRE(parts > 1);
    // The site has history pages, an older version and an archived version: none of them is read.
    CHECK(fs::exists(site / "history/alfa/2025/activities/utbildning.html"));
    CHECK(fs::exists(site / "versions/v1/index.html"));
    bool older_version = false;
    for (const auto& e : fs::directory_iterator(site / "history/alfa/2025/activities"))
        older_version = older_version || e.path().filename().string().rfind("utbildning_", 0) == 0;
    CHECK(older_version);
    std::set<std::string> given;
    int main_runs = 0;
    for (int run = 1; run <= parts; ++run) {
        for (const auto& f : pagefind.files(run)) {
            INFO(f);
            CHECK(given.insert(f).second);  // in one part only
            CHECK(ends_with(f, ".html"));
            CHECK(f.rfind("history/", 0) != 0);
            CHECK(f.rfind("versions/", 0) != 0);
        }
        // It reads them from a scratch folder of their own and writes the index into the site:
        // the main part into pagefind/, the others into pagefind/parts/, listed in parts.json.
        const auto args = pagefind.arguments(run);
        REQUIRE(args.size() >= 4);
        CHECK(args[0] == "--site");
        CHECK(args[2] == "--output-path");
        CHECK_FALSE(fs::exists(args[1]));  // removed once done
        if (ends_with(args[3], "/pagefind")) ++main_runs;
        else CHECK(read_file(site / "pagefind/parts.json").find("\"parts/" + fs::path(args[3]).filename().string() + "/\"") != std::string::npos);
    }
    CHECK(main_runs == 1);
    CHECK(given == searched_pages(site));
    CHECK(given.count("index.html"));
    CHECK(given.count("groups/alfa/2025/utbildning/index.html"));
    CHECK(given.count("pages/vagledning/index.html"));
    CHECK(fs::exists(site / "pagefind/pagefind.js"));
    for (const auto& e : fs::directory_iterator(site)) CHECK(e.path().filename().string()[0] != '.');

    // A build with no change to those pages (the output was touched by hand) keeps the index.
    const long long index_inode = inode(site / "pagefind/pagefind.js");
    write_file(site / "extra.txt", "by hand\n");
    const auto second = run_samplan(build);
    REQUIRE(second.exit_code == 0);
    CHECK(second.err.find("nothing changed") == std::string::npos);
    CHECK(second.err.find("search index kept: no searched page changed") != std::string::npos);
    CHECK(pagefind.runs() == parts);
    CHECK(inode(site / "pagefind/pagefind.js") == index_inode);

    // A change to an activity's text: Pagefind runs again over the part that holds the activity's
    // pages, and only that part; the others are kept.
    write_file(activity, read_file(activity) + "\nÄnnu ett stycke.\n");
    const auto third = run_samplan(build);
    INFO(third.err);
    REQUIRE(third.exit_code == 0);
    REQUIRE(pagefind.runs() == parts + 1);
    const auto again = pagefind.files(parts + 1);
    CHECK(std::find(again.begin(), again.end(), "groups/alfa/2025/utbildning/index.html") != again.end());
    CHECK(again.size() < given.size());
    CHECK(std::find(again.begin(), again.end(), "index.html") == again.end());
    CHECK(inode(site / "pagefind/pagefind.js") == index_inode);
    CHECK(third.err.find("kept)") != std::string::npos);
}

TEST_CASE("a page that changed only where Pagefind does not read leaves its part of the index kept") {
    FakePagefind pagefind;
    TempDir repo;
    const fs::path content = commit_base_fixture(repo.path()), site = repo.path() / "site";
    const std::vector<std::string> build = {"build", "--content", content.string(), "--output", site.string(),
                                            "--today", "2025-06-01"};
    const auto first = run_samplan(build);
    INFO(first.err);
    REQUIRE(first.exit_code == 0);
    const int parts = pagefind.runs();
    const std::string process_page = "processes/vagledning/index.html";
    const std::string before = read_file(site / process_page);
    REQUIRE(searched_pages(site).count(process_page));

    // A new title for an activity at a step of the process: the process page's list of the
    // activities at each step shows it, but Pagefind does not read that list
    // (data-pagefind-ignore); the activity's own page (and its plan's) shows it where Pagefind reads.
    retitle_utbildning(content);
    const auto second = run_samplan(build);
    INFO(second.err);
    REQUIRE(second.exit_code == 0);
    const std::string after = read_file(site / process_page);
    CHECK(after != before);
    CHECK(after.find("snöskoteråkare") != std::string::npos);
    REQUIRE(pagefind.runs() > parts);
    // So do the other searched pages that list the activity outside its group's folder: the
    // regional plan, the goal it works towards, the start page's latest events.
    std::set<std::string> listing;
    for (const auto& page : searched_pages(site))
        if (page.rfind("groups/alfa/", 0) != 0 && read_file(site / page).find("snöskoteråkare") != std::string::npos)
            listing.insert(page);
    CHECK(listing.count("regional/index.html") == 1);
    CHECK(listing.size() >= 3);
    bool activity_given = false;
    for (int run = parts + 1; run <= pagefind.runs(); ++run)
        for (const auto& f : pagefind.files(run)) {
            INFO(f);
            CHECK(listing.count(f) == 0);
            activity_given = activity_given || f == "groups/alfa/2025/utbildning/index.html";
        }
    CHECK(activity_given);
    CHECK(pagefind.runs() == parts + 1);  // the group's part alone
}

TEST_CASE("committing an edit already built changes only the pages' dates, and Pagefind does not run again") {
    FakePagefind pagefind;
    TempDir repo;
    const fs::path content = commit_base_fixture(repo.path()), site = repo.path() / "site";
    const std::vector<std::string> build = {"build", "--content", content.string(), "--output", site.string(),
                                            "--today", "2025-06-01"};
    REQUIRE(run_samplan(build).exit_code == 0);
    retitle_utbildning(content);
    const auto edited = run_samplan(build);
    INFO(edited.err);
    REQUIRE(edited.exit_code == 0);
    const std::string page = "groups/alfa/2025/utbildning/index.html";
    const std::string before = read_file(site / page);
    REQUIRE(contains(before, "snöskoteråkare"));
    const int runs = pagefind.runs();

    // The commit moves the page's "Senast ändrad" to the commit's date, which Pagefind does not
    // read (data-pagefind-ignore): the index it would make is the one the site has.
    git(repo.path(), "commit -qam 'Ny titel'", "2025-05-20T10:00:00");
    const auto committed = run_samplan(build);
    INFO(committed.err);
    REQUIRE(committed.exit_code == 0);
    const std::string after = read_file(site / page);
    CHECK(after != before);
    CHECK(contains(after, "<span class=\"date\">2025-05-20</span>"));
    CHECK(contains(after, "data-pagefind-ignore>Senast ändrad"));
    CHECK(pagefind.runs() == runs);
}

namespace {
// The example site built into `out`/site (with the search index when Pagefind is installed).
fs::path build_example_site(const TempDir& out) {
    const fs::path site = out.path() / "site";
    const auto r = run_samplan({"build", "--content", SAMPLAN_EXAMPLE_CONTENT, "--output", site.string(), "--today",
                                "2026-11-24"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return site;
}
}  // namespace

TEST_CASE("the real Pagefind indexes exactly the searched pages of the example site") {
    const RealPagefind pagefind;
    if (!pagefind.installed()) return;
    TempDir out;
    const fs::path site = build_example_site(out);
    // The main part and the others listed in parts.json hold every searched page between them.
    size_t indexed = 0;
    std::vector<fs::path> parts = {site / "pagefind"};
    const std::string list = read_file(site / "pagefind/parts.json");
    const std::regex part(R"re("(parts/[a-z0-9_-]+)/")re");
    for (auto it = std::sregex_iterator(list.begin(), list.end(), part); it != std::sregex_iterator(); ++it)
        parts.push_back(site / "pagefind" / (*it)[1].str());
    CHECK(parts.size() > 2);
    for (const auto& folder : parts) {
        INFO(folder);
        const std::string entry = read_file(folder / "pagefind-entry.json");
        std::smatch count;
        REQUIRE(std::regex_search(entry, count, std::regex(R"("page_count":(\d+))")));
        indexed += static_cast<size_t>(std::stoul(count[1]));
    }
    CHECK(indexed == searched_pages(site).size());
    CHECK(fs::exists(site / "pagefind/pagefind-ui.js"));

    // What readers search for is indexed (title, body, reports, indicator names); the step list
    // and the charts' tables of figures, marked data-pagefind-ignore, are not (Pagefind leaves
    // the charts' SVG out by itself).
    const std::string activity = indexed_text(site, "/groups/trollhattan/2025/ips-arbetsinriktat-stod/");
    REQUIRE(!activity.empty());
    CHECK(activity.find("Arbetsinriktat stöd enligt IPS") != std::string::npos);                 // the title
    CHECK(activity.find("Två arbetsspecialister arbetar enligt IPS-modellen") != std::string::npos);  // the assignment
    CHECK(activity.find("behandlingskonferenser") != std::string::npos);                        // a report
    CHECK(activity.find("Antal deltagare") != std::string::npos);                               // an indicator's name
    CHECK(activity.find("Tidig dialog med styrelsen") == std::string::npos);  // a step of the list, not the current one
    CHECK(activity.find("Uppgifterna i diagrammet") == std::string::npos);    // a chart's table of figures
    // A process page is found by its steps, not by the titles of the activities at each step
    // (those find the activities' own pages; and an edited title would make the process page's
    // part of the index again).
    const std::string process = indexed_text(site, "/processes/samordningsforbund/");
    REQUIRE(!process.empty());
    CHECK(process.find("En idé om samverkan väcks") != std::string::npos);       // a step
    CHECK(process.find("IPS blir ordinarie verksamhet") == std::string::npos);  // an activity at a step
}

// A search as a reader makes it: the pages among `pages` whose indexed text (Pagefind's "content")
// holds `word` (lower case) as a whole word, capitals in ASCII letters aside. (Pagefind also finds
// a word by its stem and by a prefix of it: the words below are none of another's.)
std::set<std::string> found(const std::map<std::string, std::string>& pages, const std::string& word) {
    std::set<std::string> urls;
    auto letter = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80;
    };
    for (const auto& [url, json] : pages) {
        const size_t begin = json.find("\"content\":\"");
        if (begin == std::string::npos) continue;
        std::string text = json.substr(begin + 11, json.find("\",\"", begin + 11) - begin - 11);
        for (auto& c : text)
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1))
            if ((at == 0 || !letter(text[at - 1])) && (at + word.size() == text.size() || !letter(text[at + word.size()]))) {
                urls.insert(url);
                break;
            }
    }
    return urls;
}

TEST_CASE("a search for the theme's own words finds no activity, a search for an activity's words still does") {
    const RealPagefind pagefind;
    if (!pagefind.installed()) return;
    TempDir out;
    const fs::path site = build_example_site(out);
    std::map<std::string, std::string> activities;  // /groups/<group>/<year>/<activity>/
    for (const auto& [url, json] : indexed_pages(site))
        if (std::regex_match(url, std::regex(R"(/groups/[^/]+/\d{4}/[^/]+/)"))) activities[url] = json;
    REQUIRE(activities.size() > 10);
    // The labels before the values, the sections' headings, the table heads, the link to an
    // indicator's page and a chart's axis stand on every activity page: searched, they found
    // every activity, and so nothing.
    for (const char* word : {"målgrupp", "status", "beskrivning", "uppdragshandling", "arbetsgrupp", "ansvarig",
                             "indikatorn", "mar"}) {
        INFO(word);
        CHECK(found(activities, word).empty());
    }
    // What a reader looks for is found: the activity's title, its description, its target group,
    // an indicator's name and verdict, a report's text, a responsible person, a sub-goal.
    const std::string ips = "/groups/trollhattan/2025/ips-arbetsinriktat-stod/";
    for (const char* word : {"arbetsinriktat", "individual", "vuxna", "deltagare", "nått", "behandlingskonferenser",
                             "axelsson", "arbetsspecialister", "samordningsförbundet", "2025-02-28"}) {
        INFO(word);
        CHECK(found(activities, word).count(ips) == 1);
    }
    CHECK(found(activities, "vuxna").size() > 1);
    CHECK(found(activities, "vuxna").size() < activities.size());
}

// Every file under `folder` by its path (relative to it), with its bytes; `skip`: top entries left out.
static std::map<std::string, std::string> files_under(const fs::path& folder, const std::set<std::string>& skip = {}) {
    std::map<std::string, std::string> files;
    for (auto it = fs::recursive_directory_iterator(folder); it != fs::recursive_directory_iterator(); ++it) {
        const std::string rel = fs::relative(it->path(), folder).string();
        if (it.depth() == 0 && skip.count(rel)) {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file()) files[rel] = read_file(it->path());
    }
    return files;
}

// Builds `content` with the real Pagefind (`binary`) and checks each part of the index against the
// one Pagefind makes from the same pages whole, taken from the site.
static void check_same_index(const fs::path& binary, const fs::path& content, const std::string& today) {
    // Pagefind, through a script that notes each run's pages (with their sizes) and output folder.
    TempDir dir;
    const fs::path script = dir.path() / "pagefind";
    write_file(script, "#!/bin/sh\n# --site SITE --output-path OUT --silent\nd='" + dir.path().string() +
                           "'\nn=1; while ! mkdir \"$d/run-$n\" 2>/dev/null; do n=$((n+1)); done\n"
                           "(cd \"$2\" && find . -type f -printf '%s %P\\n' | LC_ALL=C sort -k2) > \"$d/run-$n/files\"\n"
                           "printf '%s\\n' \"$4\" > \"$d/run-$n/output\"\nexec '" + binary.string() + "' \"$@\"\n");
    ::chmod(script.c_str(), 0755);
    ::setenv("SAMPLAN_PAGEFIND", script.c_str(), 1);
    const fs::path site = dir.path() / "site";
    const auto r = run_samplan({"build", "--content", content.string(), "--output", site.string(), "--today", today});
    ::unsetenv("SAMPLAN_PAGEFIND");
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    int runs = 0;
    std::uintmax_t given_bytes = 0, page_bytes = 0;
    for (int run = 1; fs::exists(dir.path() / ("run-" + std::to_string(run)) / "output"); ++run, ++runs) {
        const fs::path notes = dir.path() / ("run-" + std::to_string(run));
        // Where the part is in the site: pagefind/ or pagefind/parts/<part>/.
        std::string output = read_file(notes / "output");
        output.erase(output.find_last_not_of('\n') + 1);
        const std::string folder = output.substr(output.rfind("/pagefind"));
        INFO(folder);
        // The same pages whole, from the site, to the real Pagefind.
        const fs::path whole = dir.path() / ("whole-" + std::to_string(run));
        std::istringstream files(read_file(notes / "files"));
        for (std::string line; std::getline(files, line);) {
            const std::string page = line.substr(line.find(' ') + 1);
            given_bytes += std::stoull(line.substr(0, line.find(' ')));
            page_bytes += fs::file_size(site / page);
            fs::create_directories((whole / page).parent_path());
            fs::copy_file(site / page, whole / page);
        }
        const std::string line = "'" + binary.string() + "' --site '" + whole.string() + "' --output-path '" +
                                 whole.string() + "-index' --silent >/dev/null 2>&1";
        REQUIRE(std::system(line.c_str()) == 0);
        const bool main = folder == "/pagefind";
        const auto made = files_under(site / folder.substr(1), {"parts", "parts.json"});
        auto expected = files_under(whole.string() + "-index");
        if (!main)  // a part leaves out what only the main index needs (Pagefind's program and WebAssembly)
            for (auto it = expected.begin(); it != expected.end();)
                it = (it->first.rfind("pagefind-", 0) == 0 && it->first != "pagefind-entry.json") ||
                             it->first.rfind("pagefind.js", 0) == 0 || it->first.rfind("wasm.", 0) == 0
                         ? expected.erase(it)
                         : std::next(it);
        REQUIRE(expected.count("pagefind-entry.json"));
        CHECK(made.size() == expected.size());
        for (const auto& file : expected) {
            const std::string& path = file.first;
            INFO(path);  // (a fragment's name is its digest: a page indexed otherwise has another)
            CHECK((made.count(path) && made.at(path) == file.second));
        }
    }
    CHECK(runs > 2);
    // Pagefind was given less than the whole pages: their headers, menus and footers, the step
    // lists and the charts were taken out.
    CHECK(given_bytes < page_bytes * 3 / 4);
}

TEST_CASE("the real Pagefind makes the same index from the pages samplan gives it as from the whole pages") {
    const RealPagefind real;
    if (!real.installed()) return;
    const fs::path binary =
        fs::path(SAMPLAN_EXAMPLE_CONTENT).parent_path() / "node_modules/@pagefind/linux-x64/bin/pagefind_extended";
    if (!fs::exists(binary)) {
        MESSAGE("Pagefind's binary is not installed: not tested");
        return;
    }
    SUBCASE("the example site") { check_same_index(binary, SAMPLAN_EXAMPLE_CONTENT, "2026-11-24"); }
    SUBCASE("records holding markup, entities, control characters and very long text") {
        TempDir dir;
        const fs::path content = dir.path() / "content";
        copy_base_fixture(content);
        fs::copy(fs::path(SAMPLAN_FIXTURES) / "hostile", content, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
        check_same_index(binary, content, "2025-06-01");
    }
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
    REQUIRE(pagefind.runs() >= 1);
    std::set<std::string> pages;
    for (const auto& e : fs::recursive_directory_iterator(site)) {
        const std::string rel = fs::relative(e.path(), site).string();
        if (e.path().extension() == ".html" && rel.rfind("versions/", 0) != 0) pages.insert(rel);
    }
    std::set<std::string> given;
    for (int run = 1; run <= pagefind.runs(); ++run)
        for (const auto& f : pagefind.files(run)) given.insert(f);
    CHECK(given == pages);
}

namespace {

// The part of the index each run of `pagefind` from `first` on made (its --output-path's last
// folder: "pagefind" for the main part), with what it was given: the last run for each part.
std::map<std::string, std::vector<std::string>> given_by_part(const FakePagefind& pagefind, int first) {
    std::map<std::string, std::vector<std::string>> parts;
    for (int run = first; run <= pagefind.runs(); ++run) {
        const auto args = pagefind.arguments(run);
        REQUIRE(args.size() >= 4);
        parts[fs::path(args[3]).filename().string()] = pagefind.sums(run);
    }
    return parts;
}

}  // namespace

TEST_CASE("a part of the index made while the pages are written is given what a full build gives it") {
    FakePagefind pagefind;
    TempDir repo;
    const fs::path content = commit_base_fixture(repo.path()), site = repo.path() / "site";
    auto build_into = [&](const fs::path& output) {
        const auto r = run_samplan({"build", "--content", content.string(), "--output", output.string(), "--today", "2025-06-01"});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
    };
    build_into(site);
    const fs::path plan = content / "groups/alfa/plans/2025";
    int full_builds = 0;
    // Rebuilds `site` after a change, then builds into a new folder: each part Pagefind ran for in
    // the rebuild was given, the last time, the very pages (cut the same) it is given in the full
    // build; returns how many times Pagefind ran for each part in the rebuild.
    auto check = [&](const char* change) {
        INFO(change);
        const int before = pagefind.runs();
        build_into(site);
        const int rebuilt = pagefind.runs();
        REQUIRE(rebuilt > before);
        build_into(repo.path() / ("full-" + std::to_string(++full_builds)));
        const auto last = given_by_part(pagefind, before + 1);
        const auto full = given_by_part(pagefind, rebuilt + 1);
        std::map<std::string, int> runs;
        for (int run = before + 1; run <= rebuilt; ++run) ++runs[fs::path(pagefind.arguments(run).at(3)).filename().string()];
        for (const auto& part : last) {
            const std::string& name = part.first;
            INFO(name);
            REQUIRE(full.count(name));
            CHECK(part.second == full.at(name));
        }
        return runs;
    };

    // A word in an activity's text: its group's part, once, and no other.
    write_file(plan / "activities/utbildning.md", read_file(plan / "activities/utbildning.md") + "\nSnöskoter.\n");
    auto runs = check("an activity's text");
    CHECK(runs.size() == 1);
    CHECK(runs.begin()->first.rfind("groups-", 0) == 0);
    CHECK(runs.begin()->second == 1);
    // The last page of the group's part to be made, its evaluation.
    const fs::path evaluation = content / "groups/alfa/evaluations/utvardering-2024.md";
    write_file(evaluation, read_file(evaluation) + "\nSnöskoter igen.\n");
    runs = check("the evaluation's text");
    CHECK(runs.size() == 1);
    CHECK(runs.begin()->second == 1);
    // A new activity: a page the part had not, made after some of those it had.
    write_file(plan / "activities/nyaste.md", read_file(plan / "activities/sip.md"));
    check("a new activity");
    // A new evaluation, the group's last page: made after every page the part had (those are
    // mostly kept, the new one is rendered), so its part is most likely started without it, and
    // must be made again.
    write_file(content / "groups/alfa/evaluations/zz-utvardering.md",
               "+++\ntitle = \"Utvärdering 2025\"\ndate = 2025-05-10\n+++\nSnöskoterutvärdering.\n");
    check("a new evaluation");
    REQUIRE(fs::exists(site / "evaluations/alfa/zz-utvardering/index.html"));
    // An activity removed: a page the part had is not made again.
    fs::remove(plan / "activities/sip.md");
    check("an activity removed");
}
