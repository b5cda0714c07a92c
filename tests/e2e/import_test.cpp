// `samplan import values`: CSV rows into the records, every error with its CSV line and nothing
// written then; the files' formatting kept; the values on the built site; re-import idempotent.
#include <doctest/doctest.h>

#include <map>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {

const std::string kImport = std::string(SAMPLAN_FIXTURES) + "/import/";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const size_t at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, from);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("import: every kind of error is reported with the CSV line and column, and nothing is written") {
    TempDir dir;
    copy_base_fixture(dir.path());
    const auto before = snapshot(dir.path());
    const std::string content = dir.path().string();

    const std::string csv = kImport + "errors.csv";
    const auto r = run_samplan({"import", "values", csv, "--content", content});
    CHECK(r.exit_code == 1);
    CHECK(r.out ==
          csv + ":2:1: error: unknown indicator 'antal-utbildad' in activity 'alfa/2025/utbildning' (did you mean 'antal-utbildade'?) [import-unknown-indicator]\n" +
          csv + ":3:1: error: indicator 'antal-utbildade' is a local indicator (in groups/alfa/plans/2025/activities/utbildning.md): give its group, plan and activity [import-missing-place]\n" +
          csv + ":4:36: error: no plan: a local indicator needs its group, plan and activity [import-missing-place]\n" +
          csv + ":5:31: error: group 'alfaa' does not exist (did you mean 'alfa'?) [import-unknown-place]\n" +
          csv + ":6:36: error: plan '2024' does not exist in group 'alfa' (did you mean '2025'?) [import-unknown-place]\n" +
          csv + ":7:41: error: activity 'utbilding' does not exist in plan 'alfa/2025' (did you mean 'utbildning'?) [import-unknown-place]\n" +
          csv + ":8:10: error: bad date '2025-13-01': write YYYY-MM-DD, such as 2025-06-30 [import-bad-date]\n" +
          csv + ":9:21: error: bad number '1 200': leave out thousands separators (write 1200 or 1200,5, not 1 200 or 1.200,5) [import-bad-number]\n" +
          csv + ":10:21: error: bad number 'abc': write a number such as 12, 12.5 or 12,5 [import-bad-number]\n" +
          csv + ":12:1: error: duplicate row: indicator 'vantetid' for 2025 is on line 11 already [import-duplicate-row]\n" +
          csv + ":13:1: error: this row has 5 fields, the first line names 6 columns [import-column-count]\n" +
          csv + ":14:1: error: unknown indicator 'vantetid2' (did you mean 'vantetid'?) [import-unknown-indicator]\n" +
          csv + ":15:1: error: unknown indicator 'vantetid' in activity 'alfa/2025/utbildning': it is a regional indicator; leave group, plan and activity empty [import-unknown-indicator]\n");
    CHECK(r.err == "samplan import: 13 errors; nothing written\n");

    const std::string year = kImport + "year.csv";
    const auto y = run_samplan({"import", "values", year, "--content", content});
    CHECK(y.exit_code == 1);
    CHECK(y.out ==
          year + ":2:10: error: bad year '25': write four digits, such as 2025 [import-bad-date]\n" +
          year + ":3:15: error: bad number '1.200,5': leave out thousands separators (write 1200 or 1200,5, not 1 200 or 1.200,5) [import-bad-number]\n" +
          year + ":4:15: error: no value: write a number such as 12 or 12,5 [import-bad-number]\n");

    const std::string header = kImport + "header.csv";
    const auto h = run_samplan({"import", "values", header, "--content", content});
    CHECK(h.exit_code == 1);
    CHECK(h.out ==
          header + ":1:1: error: missing column 'date' or 'year': the first line names the columns indicator, date or year, and value [import-missing-column]\n" +
          header + ":1:11: error: unknown column 'kommun' (known: 'indicator', 'date', 'year', 'value', 'group', 'plan', …) [import-unknown-column]\n");

    const std::string quote = kImport + "quote.csv";
    const auto q = run_samplan({"import", "values", quote, "--content", content});
    CHECK(q.exit_code == 1);
    CHECK(q.out == quote + ":2:15: error: this quoted field is never closed: a \" is missing [import-csv]\n");

    CHECK(snapshot(dir.path()) == before);
}

TEST_CASE("import: a dry run says what would change and writes nothing") {
    TempDir dir;
    copy_base_fixture(dir.path());
    const auto before = snapshot(dir.path());
    const std::string csv = kImport + "values.csv";
    const auto r = run_samplan({"import", "values", csv, "--content", dir.path().string(), "--dry-run"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "regional/plan.toml\n"
                   "  would add    vantetid 2025 = 50  [" + csv + ":2]\n"
                   "  would change vantetid 2024 = 52 (was 55)  [" + csv + ":3]\n"
                   "groups/alfa/plans/2025/activities/utbildning.md\n"
                   "  would add    antal-utbildade 2025-09-30 = 80  [" + csv + ":4]\n");
    CHECK(r.err == "samplan import: dry run: 2 values to add and 1 to change in 2 files; 1 value was there already; nothing written\n");
    CHECK(snapshot(dir.path()) == before);

    TempDir other;
    write_file(other.path() / "empty.csv", "indicator,year,value\n");
    const auto empty = run_samplan({"import", "values", (other.path() / "empty.csv").string(), "--content", dir.path().string()});
    CHECK(empty.exit_code == 0);
    CHECK(empty.err == "samplan import: no values in '" + (other.path() / "empty.csv").string() + "': only the line naming the columns\n");
    CHECK(snapshot(dir.path()) == before);
}

TEST_CASE("import: values land in their records, show on the built site, and a re-import changes nothing") {
    TempDir dir;
    copy_base_fixture(dir.path());
    const fs::path regional = dir.path() / "regional/plan.toml";
    const fs::path activity = dir.path() / "groups/alfa/plans/2025/activities/utbildning.md";
    const std::string regional_before = read_file(regional), activity_before = read_file(activity);
    const std::string content = dir.path().string();

    const auto r = run_samplan({"import", "values", kImport + "values.csv", "--content", content});
    CHECK(r.exit_code == 0);
    CHECK(r.err == "samplan import: added 2 values and changed 1 in 2 files; 1 value was there already\n");
    // Only the values arrays change; every other byte stays.
    CHECK(read_file(regional) == replaced(regional_before, "    values = [ { year = 2024, value = 55 } ]\n",
                                          "    values = [ { year = 2024, value = 52 }, { year = 2025, value = 50 } ]\n"));
    CHECK(read_file(activity) ==
          replaced(activity_before, "values = [ { date = 2025-05-30, value = 48 } ]\n",
                   "values = [ { date = 2025-05-30, value = 48 }, { date = 2025-09-30, value = 80 } ]\n"));

    // Semicolons, Swedish column names, a byte order mark, CRLF and decimal commas.
    const auto sv = run_samplan({"import", "values", kImport + "svenska.csv", "--content", content});
    CHECK(sv.exit_code == 0);
    CHECK(contains(read_file(regional), "{ year = 2025, value = 50 }, { year = 2026, value = 42.5 } ]\n"));
    CHECK(contains(read_file(activity), "{ date = 2025-09-30, value = 80 }, { date = 2025-12-31, value = 96.25 } ]\n"));

    // Importing the same files again changes nothing.
    const auto files = snapshot(dir.path());
    for (const char* csv : {"values.csv", "svenska.csv"}) {
        const auto again = run_samplan({"import", "values", kImport + csv, "--content", content});
        CHECK(again.exit_code == 0);
        CHECK(again.out == "");
        CHECK(contains(again.err, "samplan import: nothing to change: "));
    }
    CHECK(snapshot(dir.path()) == files);

    TempDir out;
    const fs::path site = out.path() / "site";
    REQUIRE(run_samplan({"build", "--content", content, "--output", site.string(), "--today", "2025-10-01", "--quiet"})
                .exit_code == 0);
    const std::string regional_page = read_file(site / "indicators/regional/vantetid/index.html");
    CHECK(contains(regional_page, "<tr><th scope=\"row\"><span class=\"date\">2024</span></th> <td>Utfall</td> <td>52</td></tr>"));
    CHECK(contains(regional_page, "<tr><th scope=\"row\"><span class=\"date\">2026</span></th> <td>Utfall</td> <td>42,5</td></tr>"));
    const std::string local_page = read_file(site / "indicators/local/alfa/2025/utbildning_antal-utbildade.html");
    CHECK(contains(local_page, "<tr><th scope=\"row\"><span class=\"date\">2025-09-30</span></th> <td>Utfall</td> <td>80</td></tr>"));
    const std::string csv = read_file(site / "data/indicators.csv");
    CHECK(contains(csv, "regional,,,,,,tidiga-insatser,Tidiga insatser,tidiga-insatser-1,Fler barn får tidigt stöd,,,vantetid,Väntetid till första besök,dagar,value,2025,50\r\n"));
    CHECK(contains(csv, "local,alfa,Lokal samverkansgrupp Alfa,2025,utbildning,Utbildning i suicidprevention,suicidprevention,"
                        "Suicidprevention,suicidprevention-1,Fler kan upptäcka risk,vuxna,Vuxna,antal-utbildade,Antal utbildade,personer,value,2025-09-30,80\r\n"));
    CHECK(contains(csv, "local,alfa,Lokal samverkansgrupp Alfa,2025,utbildning,Utbildning i suicidprevention,suicidprevention,"
                        "Suicidprevention,suicidprevention-1,Fler kan upptäcka risk,vuxna,Vuxna,antal-utbildade,Antal utbildade,personer,value,2025-12-31,96.25\r\n"));
}

TEST_CASE("import: a multi-line array keeps its comments, a missing values key is added") {
    TempDir dir;
    copy_base_fixture(dir.path());
    const fs::path activity = dir.path() / "groups/alfa/plans/2025/activities/utbildning.md";
    const fs::path sip = dir.path() / "groups/alfa/plans/2025/activities/sip.md";
    write_file(activity, replaced(read_file(activity), "values = [ { date = 2025-05-30, value = 48 } ]\n",
                                  "values = [\n  { date = 2025-05-30, value = 48 },  # vårens kurs\n]  # fler i höst\n"));
    write_file(sip, replaced(read_file(sip), "\n[final_report]",
                             "\n[[indicators]]\nid = \"antal-planer\"  # SIP:ar\ntitle = \"Antal planer\"\n\n[final_report]"));
    const auto sip_before = read_file(sip);
    const auto activity_before = read_file(activity);
    write_file(dir.path() / "v.csv",
               "group;plan;activity;indicator;date;value\n"
               "alfa;2025;utbildning;antal-utbildade;2025-10-15;90\n"
               "alfa;2025;sip;antal-planer;2025-03-31;4\n"
               "alfa;2025;sip;antal-planer;2025-02-28;\"2,0\"\n");
    const auto r = run_samplan({"import", "values", (dir.path() / "v.csv").string(), "--content", dir.path().string()});
    CHECK(r.exit_code == 0);
    CHECK(read_file(activity) == replaced(activity_before, "# vårens kurs\n", "# vårens kurs\n  { date = 2025-10-15, value = 90 },\n"));
    CHECK(read_file(sip) == replaced(sip_before, "title = \"Antal planer\"\n",
                                     "title = \"Antal planer\"\nvalues = [ { date = 2025-02-28, value = 2.0 }, "
                                     "{ date = 2025-03-31, value = 4 } ]\n"));
    CHECK(run_samplan({"check", "--content", dir.path().string(), "--today", "2025-06-01"}).exit_code == 0);
}

TEST_CASE("import: content with errors is not touched, and the usage and help") {
    TempDir dir;
    copy_base_fixture(dir.path());
    const fs::path plan = dir.path() / "groups/alfa/plans/2025/plan.toml";
    write_file(plan, replaced(read_file(plan), "end = 2025-12-31", "end = 2024-12-31"));
    const auto before = snapshot(dir.path());
    const auto r = run_samplan({"import", "values", kImport + "values.csv", "--content", dir.path().string()});
    CHECK(r.exit_code == 1);
    CHECK(contains(r.out, "groups/alfa/plans/2025/plan.toml:"));
    CHECK(contains(r.err, "the content has errors; fix them first"));
    CHECK(snapshot(dir.path()) == before);

    const auto help = run_samplan({"import", "--help"});
    CHECK(help.exit_code == 0);
    CHECK(contains(help.out, "Usage: samplan import values FILE.csv [--content DIR] [--dry-run]"));
    CHECK(contains(run_samplan({"--help"}).out, "  import     "));
    const auto typo = run_samplan({"import", "valeus", "x.csv"});
    CHECK(typo.exit_code == 2);
    CHECK(typo.err == "samplan import: unknown kind 'valeus' (did you mean 'values'?)\n");
    const auto missing = run_samplan({"import", "values", "/nonexistent/x.csv", "--content", dir.path().string()});
    CHECK(missing.exit_code == 2);
    CHECK(contains(missing.err, "cannot read '/nonexistent/x.csv'"));
}
