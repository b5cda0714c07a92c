// The follow-up pages for the regional office: every warning in plain Swedish with a link to
// its record, the coverage matrix, indicator verdicts, meeting papers and calendars.
#include <doctest/doctest.h>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

// The base site with tests/fixtures/follow-up laid over it: one of every follow-up row.
fs::path build_follow_up_fixture(const TempDir& dir) {
    copy_base_fixture(dir.path() / "content");
    fs::copy(fs::path(SAMPLAN_FIXTURES) / "follow-up", dir.path() / "content",
             fs::copy_options::recursive | fs::copy_options::overwrite_existing);
    const auto r = run_samplan({"build", "--content", (dir.path() / "content").string(), "--output",
                                (dir.path() / "site").string(), "--today", "2025-06-01"});
    REQUIRE(r.exit_code == 0);
    return dir.path() / "site";
}

}  // namespace

TEST_CASE("every warning appears on the follow-up page in Swedish, linked to its record") {
    TempDir dir;
    const fs::path site = build_follow_up_fixture(dir);
    const std::string page = read_file(site / "follow-up/index.html");
    const std::string plan = "<a href=\"../groups/alfa/2025/index.html\">Lokal handlingsplan 2025</a>";
    const std::string activity = "<a href=\"../groups/alfa/2025/utbildning/index.html\">Utbildning i suicidprevention</a>";
    for (const std::string& row : std::vector<std::string>{
             "Planen har inte reviderats på 12 månader (senast 2024-01-10). – " + plan,
             "Planen beslutades 2024-01-10 men har inte skickats till kansliet. – " + plan,
             "Planen har 9 aktiviteter, fler än 8: hellre färre aktiviteter som genomförs väl. – " + plan,
             "Pågående aktivitet har 1 avrapporteringar, men 2 skulle ha gjorts till och med 2025-06-01. – " + activity,
             "Indikatorn ”Antal utbildade” saknar utfall för 2025-03-31. – " + activity,
             "Slutrapporten har inte skickats till kansliet. – <a href=\"../groups/alfa/2025/sip/index.html\">",
             "Mötet 2025-04-09 följde inte upp handlingsplanen. – <a href=\"../groups/alfa/index.html\">",
             "Indikatorn ”Väntetid till första besök” saknar utfall för 2024. – <a href=\"../regional/index.html\">"}) {
        INFO(row);
        CHECK(contains(page, row));
    }
    CHECK(contains(page, "Varningar just nu: <strong>8</strong>"));
    CHECK(contains(read_file(site / "groups/alfa/index.html"), "Att följa upp: <strong>7</strong>"));
    CHECK(contains(read_file(site / "index.html"), "<li>Beslutade planer som inte skickats till kansliet: 1</li>"));

    // The meeting paper lists what is overdue per activity.
    const std::string paper = read_file(site / "meeting-papers/alfa/index.html");
    CHECK(contains(paper, "<li>Indikatorn ”Antal utbildade” saknar utfall för <span class=\"date\">2025-03-31</span>.</li>"));
    CHECK(contains(paper, "<li>Planen beslutades <span class=\"date\">2024-01-10</span> men har inte skickats till kansliet.</li>"));

    // Indicator verdicts: the local indicator has no value yet, the regional one is on track.
    CHECK(contains(read_file(site / "indicators/local/alfa/2025/utbildning_antal-utbildade.html"),
                   "<span class=\"track track_unknown\">Kan inte bedömas ännu</span>"));
}

TEST_CASE("coverage, indicators and calendars of the example content") {
    TempDir out;
    const auto r = run_samplan({"build", "--content", SAMPLAN_EXAMPLE_CONTENT, "--output", (out.path() / "site").string(),
                                "--today", "2026-11-24"});
    REQUIRE(r.exit_code == 0);
    const fs::path site = out.path() / "site";
    const std::string home = read_file(site / "index.html");
    CHECK(contains(home, "<dt>Samverkansgrupper</dt> <dd>5</dd>"));
    CHECK(contains(home, "<dt>Aktiviteter i gällande planer</dt> <dd>12</dd>"));  // the 2026 plans
    CHECK(contains(home, "<dt>Regionala mål med aktiviteter i gällande planer</dt> <dd>9 / 11</dd>"));

    const std::string coverage = read_file(site / "follow-up/coverage/index.html");
    CHECK(contains(coverage, "<th scope=\"row\"><a href=\"../../groups/uddevalla/index.html\">Lokal samverkansgrupp Uddevalla</a></th>"
                             "<td class=\"zero\">0 <span class=\"visually-hidden\">inga aktiviteter</span></td>"));
    CHECK(contains(coverage, "<li><a href=\"../../regional/delaktighet/delaktighet-3/index.html\">Minskat stigma kring psykisk ohälsa</a></li>"));

    // The suicide rate falls towards its target: 2025's value is below the straight line.
    const std::string indicators = read_file(site / "indicators/index.html");
    CHECK(contains(indicators, "indicators/regional/"));
    CHECK(contains(indicators, "track_on"));

    const std::string ics = read_file(site / "calendars/uddevalla.ics");
    CHECK(ics.rfind("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", 0) == 0);
    CHECK(contains(ics, "DTSTART;VALUE=DATE:20260301\r\nDTEND;VALUE=DATE:20261216\r\nSUMMARY:SIP i praktiken – uppföljning av rutinen i skolan\r\n"));
    std::string unfolded = ics;  // long lines are folded with CRLF and a space (RFC 5545)
    for (size_t at; (at = unfolded.find("\r\n ")) != std::string::npos;) unfolded.erase(at, 3);
    CHECK(contains(unfolded, "SUMMARY:Avrapportering: SIP i praktiken – uppföljning av rutinen i skolan\r\n"));
    // An event links to its activity's page only by a full address: the example site has no
    // base_url, so its events carry no URL (a calendar program could not follow a relative one),
    // and the build says once what to set (with a base_url: well_formed_test.cpp).
    CHECK(!contains(unfolded, "\r\nURL:"));
    CHECK(contains(unfolded, "SUMMARY:SIP i praktiken – uppföljning av rutinen i skolan\r\nEND:VEVENT\r\n"));
    const std::string said = "samplan: no base_url in site.toml: the calendars' events link to no page";
    CHECK(r.err.find(said) != std::string::npos);
    CHECK(r.err.find(said) == r.err.rfind(said));
    CHECK(contains(ics, "END:VCALENDAR\r\n"));
    for (size_t start = 0, end; (end = ics.find("\r\n", start)) != std::string::npos; start = end + 2)
        CHECK(end - start <= 75);
}
