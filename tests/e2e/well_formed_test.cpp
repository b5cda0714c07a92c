// Hostile text in the records and in the commit messages (control characters, noncharacters,
// invalid UTF-8, formulas): every XML file of the site, archived versions included, is read by a
// strict XML parser (expat), every calendar holds only what RFC 5545 allows, every text file is
// valid UTF-8 without characters XML or HTML refuse (JSON: valid UTF-8, its escapes hold the
// records' text exactly), and no CSV cell can start a formula.
#include <doctest/doctest.h>
#include <expat.h>

#include <cstdlib>
#include <memory>
#include <regex>
#include <set>

#include "core/text.h"
#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Commits declare their messages Latin-1, so that git stores the bytes as given (a message that
// is not UTF-8 in a commit that says UTF-8, git would itself read as Latin-1 and re-encode).
// Commits whose messages keep their bytes as written (git would re-encode a message that is not
// UTF-8 as Latin-1 itself).
void git_latin1(const fs::path& repo, const std::string& args, const std::string& date) {
    samplan::test::git(repo, "-c i18n.commitEncoding=ISO-8859-1 " + args, date);
}

// Empty when `text` is a well-formed XML document, else expat's complaint and where.
std::string xml_error(const std::string& text) {
    const std::unique_ptr<XML_ParserStruct, decltype(&XML_ParserFree)> parser(XML_ParserCreate(nullptr), XML_ParserFree);
    if (XML_Parse(parser.get(), text.data(), static_cast<int>(text.size()), XML_TRUE) == XML_STATUS_OK) return {};
    return std::string(XML_ErrorString(XML_GetErrorCode(parser.get()))) + " at line " +
           std::to_string(XML_GetCurrentLineNumber(parser.get())) + ", column " +
           std::to_string(XML_GetCurrentColumnNumber(parser.get()));
}

// Empty when `text` is UTF-8 whose characters XML 1.0 allows and HTML does not call parse errors
// (no C0 control but tab, line feed and carriage return, no DEL or C1 control, no U+FFFE or
// U+FFFF); else what is wrong and at which byte. Written here, apart from samplan's own check.
std::string character_error(const std::string& text) {
    for (size_t i = 0; i < text.size();) {
        const auto b = static_cast<unsigned char>(text[i]);
        const auto at = " at byte " + std::to_string(i);
        if (b < 0x80) {
            if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F) return "control character" + at;
            ++i;
            continue;
        }
        const size_t len = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b <= 0xDF ? 2 : 0;
        if (len == 0 || i + len > text.size()) return "invalid UTF-8" + at;
        unsigned cp = b & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
        for (size_t k = 1; k < len; ++k) {
            const auto c = static_cast<unsigned char>(text[i + k]);
            if ((c & 0xC0) != 0x80) return "invalid UTF-8" + at;
            cp = (cp << 6) | (c & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return "invalid UTF-8" + at;
        if (cp <= 0x9F) return "C1 control character" + at;
        if (cp == 0xFFFE || cp == 0xFFFF) return "noncharacter" + at;
        i += len;
    }
    return {};
}

// Empty when every line of an iCalendar file ends in CRLF, is at most 75 octets long and holds
// no control character but tab (RFC 5545 3.1 and 3.3.11); else the first problem.
std::string ics_error(const std::string& text) {
    size_t start = 0;
    int line = 1;
    while (start < text.size()) {
        const size_t end = text.find("\r\n", start);
        if (end == std::string::npos) return "line " + std::to_string(line) + " does not end in CRLF";
        const std::string content = text.substr(start, end - start);
        if (content.size() > 75) return "line " + std::to_string(line) + " is longer than 75 octets";
        for (const char c : content)
            if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F)
                return "line " + std::to_string(line) + " holds a control character";
        // A line folded inside a UTF-8 sequence would not be valid UTF-8 on its own.
        if (auto problem = character_error(content); !problem.empty()) return "line " + std::to_string(line) + ": " + problem;
        start = end + 2;
        ++line;
    }
    return {};
}

// A cell a spreadsheet would read as a formula: it starts with = + - @, a tab or a carriage
// return (OWASP's list) and is not a plain number.
bool formula(const std::string& cell) {
    static const std::regex number("[-+]?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?");
    return !cell.empty() && std::string("=+-@\t\r").find(cell[0]) != std::string::npos && !std::regex_match(cell, number);
}

}  // namespace

TEST_CASE("feeds, calendars, pages and open data stay well formed whatever the records and commits hold") {
    TempDir repo;
    const fs::path content = repo.path() / "content";
    copy_base_fixture(content);
    fs::copy(fs::path(SAMPLAN_FIXTURES) / "hostile", content, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    std::string site_toml = read_file(content / "site.toml");
    site_toml = "base_url = \"https://example.org/plan/\"\n" + site_toml;  // for sitemap.xml
    site_toml.replace(site_toml.find("authors = false"), 15, "authors = true");
    write_file(content / "site.toml", site_toml);

    // Commit messages and an author name with control characters, noncharacters and bytes that
    // are not UTF-8 (a message typed in Latin-1).
    const fs::path message = repo.path() / "message.txt";
    write_file(message, "F\xC3\xB6rsta\x01 versionen \xEF\xBF\xBE\xEF\xBF\xBF \x1B[31mr\xC3\xB6" "d\n");
    git_latin1(repo.path(), "init", "2025-05-01T10:00:00");
    git_latin1(repo.path(), "add -A", "2025-05-01T10:00:00");
    git_latin1(repo.path(), "commit -q -F '" + message.string() + "'", "2025-05-01T10:00:00");
    git_latin1(repo.path(), "tag v1", "2025-05-01T10:00:00");
    const fs::path activity = content / "groups/alfa/plans/2025/activities/utbildning.md";
    std::string text = read_file(activity);
    text.replace(text.find("step = 4"), 8, "step = 5");
    write_file(activity, text);
    write_file(message, "\xC4ndrad av \xFF\xFE n\xE5gon \xC2\x85\x01\n");
    git_latin1(repo.path(), "add -A", "2025-05-20T10:00:00");
    git_latin1(repo.path(), "commit -q -F '" + message.string() + "' --author='Ann\x01 \xC5kesson\xEF\xBF\xBF <ann@example.org>'",
        "2025-05-20T10:00:00");

    const fs::path site = repo.path() / "site";
    const auto r = run_samplan({"build", "--content", content.string(), "--output", site.string(), "--today", "2025-06-01",
                                "--quiet"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);

    std::set<std::string> xml_files, ics_files, csv_files;
    size_t text_files = 0;
    for (const auto& e : fs::recursive_directory_iterator(site)) {
        if (!e.is_regular_file()) continue;
        const std::string rel = fs::relative(e.path(), site).generic_string();
        const std::string ext = e.path().extension().string();
        if (ext != ".html" && ext != ".xml" && ext != ".ics" && ext != ".csv" && ext != ".json") continue;
        if (rel.rfind("pagefind/", 0) == 0) continue;  // Pagefind's own files, when it is installed
        INFO(rel);
        const std::string file = read_file(e.path());
        ++text_files;
        if (ext == ".html") {
            // Every page describes itself for search engines and link previews: words, no markup.
            const std::string meta = "<meta name=\"description\" content=\"";
            const size_t at = file.find(meta);
            REQUIRE(at != std::string::npos);
            CHECK(file.find(meta, at + 1) == std::string::npos);
            const std::string description = file.substr(at + meta.size(), file.find('"', at + meta.size()) - at - meta.size());
            CHECK(description.size() > 10);
            CHECK(description.find('<') == std::string::npos);
            CHECK(description.find('>') == std::string::npos);
        }
        if (ext == ".json") CHECK_FALSE(samplan::find_invalid_utf8(file));
        else CHECK(character_error(file) == "");
        if (ext == ".xml") {
            xml_files.insert(rel);
            CHECK(xml_error(file) == "");
        } else if (ext == ".ics") {
            ics_files.insert(rel);
            CHECK(ics_error(file) == "");
        } else if (ext == ".csv") {
            csv_files.insert(rel);
            for (const auto& row : parse_csv(file))
                for (const auto& cell : row) CHECK_MESSAGE(!formula(cell), cell);
        }
    }
    CHECK(text_files > 50);
    for (const char* name : {"feed.xml", "changes.xml", "sitemap.xml", "versions/v1/feed.xml"})
        CHECK_MESSAGE(xml_files.count(name) == 1, name);
    CHECK(ics_files.count("calendars/alfa.ics") == 1);
    CHECK(ics_files.count("versions/v1/calendars/alfa.ics") == 1);
    CHECK(csv_files.count("data/indicators.csv") == 1);
    CHECK(csv_files.count("versions/v1/data/indicators.csv") == 1);

    // The hostile text got there, made harmless.
    const auto indicators = parse_csv(read_file(site / "data/indicators.csv"));
    auto has_cell = [&](const std::string& cell) {
        for (const auto& row : indicators)
            for (const auto& c : row)
                if (c == cell) return true;
        return false;
    };
    CHECK(has_cell("'-1+cmd|' /C calc'!A0"));
    CHECK(has_cell("'\t=1+1"));
    CHECK(has_cell("'\r=2+2"));
    CHECK(has_cell("'@SUM(A1)"));
    const std::string changes = read_file(site / "changes.xml");
    CHECK(changes.find("<title>" + kReplacement + "ndrad av " + kReplacement + kReplacement + " n" + kReplacement + "gon " +
                       kReplacement + kReplacement + "</title>") != std::string::npos);
    CHECK(changes.find("<title>Första" + kReplacement + " versionen " + kReplacement + kReplacement + " " + kReplacement +
                       "[31mröd</title>") != std::string::npos);
    CHECK(read_file(site / "changes/index.html").find(" – Ann" + kReplacement + " " + kReplacement + "kesson" + kReplacement) !=
          std::string::npos);
    for (const char* feed : {"feed.xml", "versions/v1/feed.xml"})
        CHECK_MESSAGE(read_file(site / feed).find("evil\u202c " + kReplacement + kReplacement + "[31m" + kReplacement + kReplacement +
                                                kReplacement + "</title>") != std::string::npos,
                      feed);
    std::string calendar = read_file(site / "calendars/alfa.ics");
    for (size_t fold; (fold = calendar.find("\r\n ")) != std::string::npos;) calendar.erase(fold, 3);
    CHECK(calendar.find(kReplacement + "\\;\\,\\\\" + kReplacement) != std::string::npos);
    // With a base_url, each event links to its activity's page by its full address.
    CHECK(calendar.find("URL:https://example.org/plan/groups/alfa/2025/utbildning/index.html\r\n") != std::string::npos);
}
