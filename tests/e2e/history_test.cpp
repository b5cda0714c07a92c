// The plan-revision rule reads the git history when a plan lists no `revised` dates.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <cstdlib>

#include "harness.h"

namespace fs = std::filesystem;
using namespace samplan::test;

namespace {


const std::string kPlan =
    "title = \"Lokal handlingsplan\"\nstart = 2024-01-01\nend = 2026-12-31\nstatus = \"beslutad\"\n"
    "decided = 2024-01-10\nsent_to_office = 2024-01-20\nprocess = \"vagledning\"\n";
const char* kPlanPath = "groups/alfa/plans/2025/plan.toml";

void replace(std::string& text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
}

// The base fixture in repo/content, committed as the first plan on 2025-01-05; returns the
// path of its activity "utbildning".
fs::path first_plan_repository(const fs::path& repo) {
    return commit_base_fixture(repo) / "groups/alfa/plans/2025/activities/utbildning.md";
}

std::string check_on(const fs::path& content, const char* today) {
    return run_samplan({"check", "--content", content.string(), "--today", today}).out;
}

}  // namespace

TEST_CASE("the last commit that changed plan.toml counts as its revision (content/ in a subfolder)") {
    TempDir repo;
    const fs::path content = repo.path() / "content";
    copy_base_fixture(content);
    write_file(content / kPlanPath, kPlan);
    git(repo.path(), "init");
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m first", "2024-01-10T12:00:00");
    CHECK(check_on(content, "2025-06-01") ==
          "groups/alfa/plans/2025/plan.toml:5:11: warning: plan not revised within 12 months (last changed in git "
          "2024-01-10): revise it and add the date to 'revised' [plan-revision]\n");

    write_file(content / kPlanPath, kPlan + "analysis = \"Reviderad analys.\"\n");
    git(repo.path(), "commit -am revision", "2025-03-01T12:00:00");
    write_file(content / "pages/vagledning.md", "+++\ntitle = \"Vägledning\"\n+++\nNy text.\n");
    git(repo.path(), "commit -am other", "2025-05-01T12:00:00");
    CHECK(check_on(content, "2025-06-01") == "");
    CHECK(check_on(content, "2026-03-02") ==
          "groups/alfa/plans/2025/plan.toml:5:11: warning: plan not revised within 12 months (last changed in git "
          "2025-03-01): revise it and add the date to 'revised' [plan-revision]\n"
          "regional/plan.toml:19:17: warning: indicator 'vantetid' has a target for 2025 but no value for that year: "
          "add the outcome to 'values' [indicator-values]\n");
}

TEST_CASE("without git the revision counts from the decision, and the build says so once") {
    TempDir dir;
    copy_base_fixture(dir.path());
    write_file(dir.path() / kPlanPath, kPlan);
    const auto r = run_samplan({"check", "--content", dir.path().string(), "--today", "2025-06-01"});
    CHECK(r.out ==
          "groups/alfa/plans/2025/plan.toml:5:11: warning: plan not revised within 12 months (decided 2024-01-10 "
          "and not revised since): revise it and add the date to 'revised' [plan-revision]\n");
    CHECK(r.err.find("not in a git repository") != std::string::npos);
    CHECK(r.exit_code == 0);
}

TEST_CASE("history pages tell what changed in plain words, and old versions can be opened") {
    TempDir repo;
    const fs::path content = repo.path() / "content";
    const fs::path activity = first_plan_repository(repo.path());
    std::string text = read_file(activity);
    replace(text, "status = \"pågår\"", "status = \"avslutad\"");
    replace(text, "step = 4", "step = 5");
    replace(text, "convener = true\n", "");
    replace(text, "principal = \"Alfa kommun\"\n", "principal = \"Alfa kommun\"\nconvener = true\n");
    replace(text, "+++\nVi utbildar personal.",
            "[final_report]\ndate = 2025-05-30\ngoal_reached = \"Ja.\"\nsent_to_office = 2025-05-31\n"
            "+++\nVi utbildar personal i hela kommunen.");
    write_file(activity, text);
    std::string added = read_file(content / "groups/alfa/plans/2025/activities/sip.md");
    replace(added, "Samordnad individuell plan", "Ny aktivitet");
    write_file(content / "groups/alfa/plans/2025/activities/ny.md", added);
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m 'Utbildningen klar'", "2025-05-31T10:00:00");
    git(repo.path(), "tag v1 HEAD~1");
    git(repo.path(), "tag utkast-1 HEAD~1");  // does not match [history] versions = "v*"

    const auto r = run_samplan({"build", "--content", content.string(), "--output", (repo.path() / "site").string(),
                                "--today", "2025-06-01"});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    const fs::path site = repo.path() / "site";
    const std::string history = read_file(site / "history/alfa/2025/activities/utbildning.html");
    CHECK(history.find("<li>Status ändrad från pågår till avslutad</li>") != std::string::npos);
    CHECK(history.find("<li>Steg ändrat från 4 Genomförandeplan till 5 Avrapportering</li>") != std::string::npos);
    CHECK(history.find("<li>Slutrapport 2025-05-30</li>") != std::string::npos);
    CHECK(history.find("<ins><span class=\"visually-hidden\">[tillagt: </span>personal i hela kommunen.") != std::string::npos);
    CHECK(history.find("Skapad.") != std::string::npos);

    const std::string plan_history = read_file(site / "history/alfa/2025/index.html");
    CHECK(plan_history.find("<li>Aktivitet tillagd: Ny aktivitet</li>") != std::string::npos);
    // The plan's history holds its activities' changes, each saying which activity, steps by name.
    CHECK(contains(plan_history, "<li><span class=\"diff-record\">Utbildning i suicidprevention:</span> Status ändrad från pågår till avslutad</li>"));
    CHECK(contains(plan_history, "<li><span class=\"diff-record\">Utbildning i suicidprevention:</span> Steg ändrat från 4 Genomförandeplan till 5 Avrapportering</li>"));
    // Its newest entry is the plan's "Senast ändrad" (below); the change log tells each change once.
    CHECK(plan_history.find("<span class=\"date\">2025-05-31</span>") < plan_history.find("<span class=\"date\">2025-01-05</span>"));
    // plan.toml itself changed once, when it was added, and is still as it was then: that version
    // is the plan's own page, not a copy marked as older.
    size_t old_plans = 0;
    for (const auto& e : fs::directory_iterator(site / "history/alfa/2025"))
        if (e.path().filename().string()[0] == '_') ++old_plans;
    CHECK(old_plans == 0);
    CHECK(plan_history.find("<a href=\"../../../groups/alfa/2025/index.html\">Visa versionen från <span class=\"date\">2025-01-05</span></a>") !=
          std::string::npos);
    // The activity's newest version is its own page too; its first version is a page of its own.
    CHECK(history.find("<a href=\"../../../../groups/alfa/2025/utbildning/index.html\">Visa versionen från <span class=\"date\">2025-05-31</span></a>") !=
          std::string::npos);
    size_t old_activities = 0;
    for (const auto& e : fs::directory_iterator(site / "history/alfa/2025/activities"))
        if (e.path().filename().string().rfind("utbildning_", 0) == 0) ++old_activities;
    CHECK(old_activities == 1);

    // The first version, as it was: still ongoing, marked as an older version.
    fs::path old_page;
    for (const auto& e : fs::directory_iterator(site / "history/alfa/2025/activities"))
        if (e.path().filename().string().rfind("utbildning_", 0) == 0 && read_file(e.path()).find("<span class=\"date\">2025-01-05</span> (") != std::string::npos)
            old_page = e.path();
    REQUIRE(!old_page.empty());
    const std::string old = read_file(old_page);
    CHECK(old.find("<strong>Äldre version.</strong>") != std::string::npos);
    CHECK(old.find("status-ongoing") != std::string::npos);
    // Search finds the current page, not every older version of it.
    CHECK(old.find("data-pagefind-body") == std::string::npos);
    CHECK(read_file(site / "groups/alfa/2025/utbildning/index.html").find("data-pagefind-body") != std::string::npos);
    CHECK(old.find("href=\"../../../../groups/alfa/2025/utbildning/index.html\">Gå till den aktuella versionen") !=
          std::string::npos);

    const std::string activity_page = read_file(site / "groups/alfa/2025/utbildning/index.html");
    CHECK(activity_page.find("Senast ändrad <span class=\"date\">2025-05-31</span> · <a href=\"../../../../history/alfa/2025/activities/utbildning.html\">") !=
          std::string::npos);
    // The plan file did not change in the last commit, its activities did: the plan's "Senast
    // ändrad" is the newest change of the plan or any of its activities.
    CHECK(contains(read_file(site / "groups/alfa/2025/index.html"), "Senast ändrad <span class=\"date\">2025-05-31</span> · "));
    const std::string changes = read_file(site / "changes/index.html");
    CHECK(changes.find("<p>Utbildningen klar</p>") != std::string::npos);
    const size_t told = changes.find("Status ändrad från pågår till avslutad");
    CHECK(told != std::string::npos);
    CHECK(changes.find("Status ändrad från pågår till avslutad", told + 1) == std::string::npos);
    CHECK(read_file(site / "changes.xml").find("<title>Utbildningen klar</title>") != std::string::npos);
    CHECK(changes.find("Anna") == std::string::npos);  // authors are personal data: off by default
    CHECK(history.find("<li>Sammankallande Sara Lind → Per Holm</li>") != std::string::npos);
    CHECK(read_file(site / "follow-up/index.html")
              .find("Arbetsgruppen fick ny sammankallande 2025-05-31: Sara Lind → Per Holm. – <a href=\"../groups/alfa/2025/"
                    "utbildning/index.html\">Utbildning i suicidprevention</a> (<a href=\"../history/alfa/2025/activities/"
                    "utbildning.html\">Historik</a>)") != std::string::npos);
    // The same finding from `samplan check`, as a warning of its rule.
    const auto checked = run_samplan({"check", "--content", content.string(), "--today", "2025-06-01"});
    INFO(checked.out);
    CHECK(checked.exit_code == 0);
    CHECK(contains(checked.out, "groups/alfa/plans/2025/activities/utbildning.md:18:1: warning: the working group got a new "
                                "convener on 2025-05-31: 'Sara Lind' → 'Per Holm' (the latest change in git) "
                                "[working-group-convener-changed]\n"));
    CHECK_FALSE(contains(checked.out, "[working-group-principals-changed]"));
    // What the rules found is kept by the object ids of the two versions: a later build reads the
    // activity again only when they change, and finds the same; a damaged memo is read again.
    const fs::path memo = repo.path() / ".samplan-cache/site/history.txt.working-groups";
    REQUIRE(fs::exists(memo));
    CHECK(contains(read_file(memo), "\tSara Lind\tPer Holm\t0\n"));
    const std::string finding = "Arbetsgruppen fick ny sammankallande 2025-05-31: Sara Lind → Per Holm.";
    const std::string plan_text = read_file(content / "groups/alfa/plans/2025/plan.toml");
    int edit = 0;
    for (const std::string& damaged : {std::string(), std::string("samplan working-group memo 1\nnot a line\n")}) {
        if (!damaged.empty()) write_file(memo, damaged);
        write_file(content / "groups/alfa/plans/2025/plan.toml", plan_text + "# ändrad " + std::to_string(++edit) + "\n");
        const auto again = run_samplan({"build", "--content", content.string(), "--output", (repo.path() / "site").string(),
                                        "--today", "2025-06-01"});
        INFO(again.out);
        REQUIRE(again.exit_code == 0);
        CHECK(contains(read_file(site / "follow-up/index.html"), finding));
        CHECK(contains(read_file(memo), "\tSara Lind\tPer Holm\t0\n"));
    }
    // A memo that holds what the rules found is not written again.
    struct stat memo_before {};
    REQUIRE(::stat(memo.c_str(), &memo_before) == 0);
    write_file(content / "groups/alfa/plans/2025/plan.toml", plan_text + "# ändrad igen\n");
    {
        const auto again = run_samplan({"build", "--content", content.string(), "--output", (repo.path() / "site").string(),
                                        "--today", "2025-06-01"});
        REQUIRE(again.exit_code == 0);
        struct stat memo_after {};
        REQUIRE(::stat(memo.c_str(), &memo_after) == 0);
        CHECK(memo_after.st_ino == memo_before.st_ino);
        CHECK(contains(read_file(site / "follow-up/index.html"), finding));
    }
    write_file(content / "groups/alfa/plans/2025/plan.toml", plan_text);

    // The tagged version is published whole, from the tree at the tag, with a banner.
    CHECK(read_file(site / "versions/index.html").find("<a href=\"../versions/v1/index.html\">v1</a> (<span class=\"date\">2025-01-05</span>)") != std::string::npos);
    CHECK_FALSE(fs::exists(site / "versions/utkast-1"));
    const std::string archived = read_file(site / "versions/v1/groups/alfa/2025/utbildning/index.html");
    CHECK(archived.find("<strong>Arkiverad version v1 (<span class=\"date\">2025-01-05</span>).</strong> <a href=\"../../../../../../groups/alfa/2025/"
                        "utbildning/index.html\">Den här sidan i den aktuella versionen</a>") != std::string::npos);
    CHECK(archived.find("status-ongoing") != std::string::npos);
    CHECK_FALSE(fs::exists(site / "versions/v1/groups/alfa/2025/ny/index.html"));
    CHECK(fs::exists(site / "versions/v1/assets/style.css"));
    // Search indexes the current site only: an archived version has no search page, and no search field to reach one.
    CHECK_FALSE(fs::exists(site / "versions/v1/search/index.html"));
    CHECK_FALSE(contains(archived, "header-search"));
    CHECK(fs::exists(site / "search/index.html"));
    CHECK(contains(read_file(site / "index.html"), "<form class=\"header-search\" role=\"search\" action=\"search/index.html\""));
    // The search page has one search field, its own: not a second one in the header with the same label.
    const std::string search = read_file(site / "search/index.html");
    CHECK(contains(search, "<input id=\"search-input\" type=\"search\""));
    CHECK_FALSE(contains(search, "header-search"));

    // The same history in the terminal.
    const auto terminal = run_samplan({"history", "--content", content.string(),
                                       "groups/alfa/plans/2025/activities/utbildning.md"});
    CHECK(terminal.exit_code == 0);
    CHECK(terminal.out.find("groups/alfa/plans/2025/activities/utbildning.md: 2 revisions\n") == 0);
    CHECK(terminal.out.find("  Utbildningen klar (Test)\n    Status ändrad från pågår till avslutad\n    Steg ändrat från 4 till 5\n") !=
          std::string::npos);
    CHECK(terminal.out.find("Beskrivningen ändrad: Vi utbildar [-personal. -]{+personal i hela kommunen. +}") != std::string::npos);
    CHECK(run_samplan({"history", "--content", content.string(), "groups/alfa/nothing.md"}).exit_code == 2);
}

TEST_CASE("an activity removed from its plan keeps its earlier changes in the plan's history, under its name then") {
    TempDir repo;
    const fs::path content = repo.path() / "content";
    first_plan_repository(repo.path());
    const fs::path sip = content / "groups/alfa/plans/2025/activities/sip.md";
    std::string text = read_file(sip);
    replace(text, "title = \"Samordnad individuell plan\"", "title = \"SIP i skolan\"");
    replace(text, "step = 5", "step = 4");
    write_file(sip, text);
    // A draft when it was removed: never published, its changes stay untold.
    const fs::path utbildning = content / "groups/alfa/plans/2025/activities/utbildning.md";
    text = read_file(utbildning);
    replace(text, "step = 4", "draft = true\nstep = 5");
    write_file(utbildning, text);
    git(repo.path(), "commit -am 'SIP byter namn'", "2025-03-01T10:00:00");
    git(repo.path(), "rm -q content/groups/alfa/plans/2025/activities/sip.md content/groups/alfa/plans/2025/activities/utbildning.md");
    git(repo.path(), "commit -m 'SIP utgår'", "2025-04-01T10:00:00");

    const std::vector<std::string> args{"build", "--content", content.string(), "--output", (repo.path() / "site").string(),
                                        "--today", "2025-06-01", "--quiet"};
    auto plan_history_says = [&](const char* when) {
        INFO(when);
        const std::string page = read_file(repo.path() / "site/history/alfa/2025/index.html");
        CHECK(contains(page, "<li>Aktivitet borttagen: SIP i skolan</li>"));
        // Its change before the removal, labelled with its name as it was, the step by its name.
        CHECK(contains(page, "<li><span class=\"diff-record\">SIP i skolan:</span> Titel ändrad från ”Samordnad individuell plan” till ”SIP i skolan”</li>"));
        CHECK(contains(page, "<li><span class=\"diff-record\">SIP i skolan:</span> Steg ändrat från 5 Avrapportering till 4 Genomförandeplan</li>"));
        CHECK(page.find("<span class=\"date\">2025-04-01</span>") < page.find("<span class=\"date\">2025-03-01</span>"));
        // Told once: neither the removal nor the addition again as a change of the activity.
        CHECK_FALSE(contains(page, "Filen ändrad"));
        CHECK_FALSE(contains(page, "Utbildning i suicidprevention:</span>"));
        // The removal is the plan's newest change.
        CHECK(contains(read_file(repo.path() / "site/groups/alfa/2025/index.html"), "Senast ändrad <span class=\"date\">2025-04-01</span>"));
    };
    REQUIRE(run_samplan(args).exit_code == 0);
    plan_history_says("full build");
    // Rebuilt with the plan's history kept from before (nothing of the plan changed), and remade.
    write_file(content / "pages/vagledning.md", "+++\ntitle = \"Vägledning\"\n+++\nNy text.\n");
    git(repo.path(), "commit -am 'Vägledningen'", "2025-05-01T10:00:00");
    REQUIRE(run_samplan(args).exit_code == 0);
    plan_history_says("plan history kept");
    std::string plan = read_file(content / kPlanPath);
    replace(plan, "Vi saknar samordning.", "Ny analys.");
    write_file(content / kPlanPath, plan);
    git(repo.path(), "commit -am 'Ny analys'", "2025-05-15T10:00:00");
    REQUIRE(run_samplan(args).exit_code == 0);
    CHECK(contains(read_file(repo.path() / "site/history/alfa/2025/index.html"), "<li><span class=\"diff-record\">SIP i skolan:</span> Steg ändrat"));
}

TEST_CASE("an activity moved to another plan leaves the old plan's history and comes into the new one's, each with its own changes") {
    TempDir repo;
    const fs::path content = repo.path() / "content";
    first_plan_repository(repo.path());
    // A plan for next year in the same group, and another group with a plan.
    std::string plan = read_file(content / kPlanPath);
    replace(plan, "Lokal handlingsplan 2025", "Lokal handlingsplan 2026");
    write_file(content / "groups/alfa/plans/2026/plan.toml", plan);
    std::string group = read_file(content / "groups/alfa/group.toml");
    replace(group, "Lokal samverkansgrupp Alfa", "Lokal samverkansgrupp Beta");
    write_file(content / "groups/beta/group.toml", group);
    write_file(content / "groups/beta/plans/2025/plan.toml", read_file(content / kPlanPath));
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m 'Nya planer'", "2025-02-01T10:00:00");
    const std::string sip_2025 = "content/groups/alfa/plans/2025/activities/sip.md";
    const std::string sip_2026 = "content/groups/alfa/plans/2026/activities/sip.md";
    std::string text = read_file(repo.path() / sip_2025);
    replace(text, "step = 5", "step = 4");
    write_file(repo.path() / sip_2025, text);
    git(repo.path(), "commit -am 'SIP steg 4'", "2025-03-01T10:00:00");
    fs::create_directories(repo.path() / "content/groups/alfa/plans/2026/activities");
    git(repo.path(), "mv " + sip_2025 + " " + sip_2026);
    git(repo.path(), "commit -m 'SIP till 2026'", "2025-04-01T10:00:00");
    fs::create_directories(repo.path() / "content/groups/beta/plans/2025/activities");
    git(repo.path(), "mv content/groups/alfa/plans/2025/activities/utbildning.md content/groups/beta/plans/2025/activities/utbildning.md");
    git(repo.path(), "commit -m 'Utbildningen till Beta'", "2025-05-01T10:00:00");
    text = read_file(repo.path() / sip_2026);
    replace(text, "step = 4", "step = 3");
    write_file(repo.path() / sip_2026, text);
    git(repo.path(), "commit -am 'SIP steg 3'", "2025-05-15T10:00:00");

    const fs::path site = repo.path() / "site";
    const std::vector<std::string> args{"build", "--content", content.string(), "--output", site.string(), "--today", "2025-06-01", "--quiet"};
    auto histories_say = [&](const char* when) {
        INFO(when);
        const std::string sip = "<span class=\"diff-record\">Samordnad individuell plan:</span> ";
        // The old plan: both left, named with the plan they went to (and its group, when another);
        // SIP's change while it was here stays, its change in the new plan is not here.
        const std::string old_plan = read_file(site / "history/alfa/2025/index.html");
        CHECK(contains(old_plan, "<li>Aktivitet flyttad till planen ”Lokal handlingsplan 2026”: Samordnad individuell plan</li>"));
        CHECK(contains(old_plan, "<li>Aktivitet flyttad till planen ”Lokal handlingsplan 2025” i Lokal samverkansgrupp Beta: "
                                 "Utbildning i suicidprevention</li>"));
        CHECK(contains(old_plan, "<li>" + sip + "Steg ändrat från 5 Avrapportering till 4 Genomförandeplan</li>"));
        CHECK_FALSE(contains(old_plan, "till 3 "));
        CHECK_FALSE(contains(old_plan, "2025-05-15"));
        // The new plans: it came, from which plan; its changes from then on, its earlier ones not.
        const std::string new_plan = read_file(site / "history/alfa/2026/index.html");
        CHECK(contains(new_plan, "<li>Aktivitet flyttad hit från planen ”Lokal handlingsplan 2025”: Samordnad individuell plan</li>"));
        CHECK(contains(new_plan, "<li>" + sip + "Steg ändrat från 4 Genomförandeplan till 3"));
        CHECK_FALSE(contains(new_plan, "från 5 Avrapportering till 4"));
        CHECK_FALSE(contains(new_plan, "Filen ändrad"));
        CHECK_FALSE(contains(new_plan, "Aktivitet tillagd"));
        CHECK_FALSE(contains(new_plan, "2025-03-01"));
        const std::string beta = read_file(site / "history/beta/2025/index.html");
        CHECK(contains(beta, "<li>Aktivitet flyttad hit från planen ”Lokal handlingsplan 2025” i Lokal samverkansgrupp Alfa: "
                             "Utbildning i suicidprevention</li>"));
        CHECK_FALSE(contains(beta, "Utbildning i suicidprevention:</span>"));  // its changes before were in Alfa's plan
        // The activities' own histories say from which plan each came (and group, when another).
        const std::string sip_history = read_file(site / "history/alfa/2026/activities/sip.html");
        CHECK(contains(sip_history, "<p>Flyttad hit från planen ”Lokal handlingsplan 2025”.</p>"));
        CHECK_FALSE(contains(sip_history, "Flyttad eller bytt namn."));
        CHECK(contains(read_file(site / "history/beta/2025/activities/utbildning.html"),
                       "<p>Flyttad hit från planen ”Lokal handlingsplan 2025” i Lokal samverkansgrupp Alfa.</p>"));
        // "Senast ändrad": the old plan's newest change is an activity leaving it, not what that
        // activity did since; the new plans' are their newest changes.
        CHECK(contains(read_file(site / "groups/alfa/2025/index.html"), "Senast ändrad <span class=\"date\">2025-05-01</span>"));
        CHECK(contains(read_file(site / "groups/alfa/2026/index.html"), "Senast ändrad <span class=\"date\">2025-05-15</span>"));
        CHECK(contains(read_file(site / "groups/beta/2025/index.html"), "Senast ändrad <span class=\"date\">2025-05-01</span>"));
        // The change log and its feed tell the move under both plans.
        const std::string changes = read_file(site / "changes/index.html");
        CHECK(contains(changes, "Aktivitet flyttad till planen ”Lokal handlingsplan 2026”: Samordnad individuell plan"));
        CHECK(contains(changes, "Aktivitet flyttad hit från planen ”Lokal handlingsplan 2025”: Samordnad individuell plan"));
        const std::string feed = read_file(site / "changes.xml");
        CHECK(contains(feed, "Lokal handlingsplan 2025: Aktivitet flyttad till planen ”Lokal handlingsplan 2026”: Samordnad individuell plan"));
        CHECK(contains(feed, "Lokal handlingsplan 2026: Aktivitet flyttad hit från planen ”Lokal handlingsplan 2025”: Samordnad individuell plan"));
    };
    const auto first = run_samplan(args);
    INFO(first.out);
    REQUIRE(first.exit_code == 0);
    histories_say("full build");
    // Rebuilt with the plans' histories kept (nothing of them changed), then with them made again.
    write_file(content / "pages/vagledning.md", "+++\ntitle = \"Vägledning\"\n+++\nNy text.\n");
    git(repo.path(), "commit -am 'Vägledningen'", "2025-05-20T10:00:00");
    REQUIRE(run_samplan(args).exit_code == 0);
    histories_say("plan histories kept");
    for (const char* file : {"groups/alfa/plans/2025/plan.toml", "groups/alfa/plans/2026/plan.toml", "groups/beta/plans/2025/plan.toml"}) {
        plan = read_file(content / file);
        replace(plan, "Vi saknar samordning.", "Ny analys.");
        write_file(content / file, plan);
    }
    REQUIRE(run_samplan(args).exit_code == 0);  // not committed: the plan files' newest version is the working folder's
    histories_say("plan histories made again");
}

TEST_CASE("a shallow clone builds with the history it has, and says once to fetch the rest") {
    TempDir repo;
    copy_base_fixture(repo.path() / "content");
    git(repo.path(), "init");
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m first", "2025-01-05T10:00:00");
    write_file(repo.path() / "content/pages/vagledning.md", "+++\ntitle = \"Vägledning\"\n+++\nNy text.\n");
    git(repo.path(), "commit -am second", "2025-02-05T10:00:00");
    TempDir clone;
    git(clone.path(), "clone -q --depth 1 file://" + repo.path().string() + " shallow");
    const auto r = run_samplan({"build", "--content", (clone.path() / "shallow/content").string(), "--output",
                                (clone.path() / "site").string(), "--today", "2025-06-01"});
    CHECK(r.exit_code == 0);
    const auto first = r.err.find("fetch the full history");
    CHECK(first != std::string::npos);
    CHECK(r.err.find("fetch the full history", first + 1) == std::string::npos);
    CHECK(fs::exists(clone.path() / "site/history/alfa/2025/activities/utbildning.html"));
    // The public pages say it in Swedish, and claim no creation on the oldest commit present.
    for (const char* page : {"site/history/alfa/2025/activities/utbildning.html", "site/history/alfa/2025/index.html",
                             "site/changes/index.html"}) {
        INFO(page);
        const std::string html = read_file(clone.path() / page);
        CHECK(!contains(html, "shallow"));
        CHECK(!contains(html, "fetch the full history"));
        CHECK(contains(html, "Historiken är ofullständig"));
        CHECK(!contains(html, "Skapad."));
    }
    // Nor a false "Senast ändrad": the activity changed on the oldest commit present or before it.
    for (const char* page : {"site/groups/alfa/2025/utbildning/index.html", "site/groups/alfa/2025/index.html"}) {
        INFO(page);
        CHECK(contains(read_file(clone.path() / page),
                       "Senast ändrad <span class=\"date\">2025-02-05</span> eller tidigare (historiken är ofullständig) · "));
    }
}

TEST_CASE("a corrupt repository gives a clean fall back to no history, never a crash") {
    TempDir repo;
    copy_base_fixture(repo.path() / "content");
    git(repo.path(), "init");
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m first", "2025-01-05T10:00:00");
    // Every object of the repository gone, HEAD pointing at nothing readable.
    fs::remove_all(repo.path() / ".git/objects");
    fs::create_directories(repo.path() / ".git/objects");
    const auto r = run_samplan({"build", "--content", (repo.path() / "content").string(), "--output",
                                (repo.path() / "site").string(), "--today", "2025-06-01"});
    CHECK(r.exit_code == 0);
    CHECK(r.err.find("samplan: note: cannot read the repository's commits") != std::string::npos);
    CHECK(fs::exists(repo.path() / "site/index.html"));
    CHECK_FALSE(fs::exists(repo.path() / "site/changes/index.html"));

    write_file(repo.path() / ".git/HEAD", "garbage\n");
    const auto r2 = run_samplan({"check", "--content", (repo.path() / "content").string(), "--today", "2025-06-01"});
    CHECK(r2.exit_code == 0);
    CHECK(r2.err.find("samplan: note:") != std::string::npos);
}

TEST_CASE("a rebuild reads only the commits since the last build, and a damaged cache is read again") {
    TempDir repo;
    const fs::path content = repo.path() / "content";
    copy_base_fixture(content);
    git(repo.path(), "init");
    git(repo.path(), "add -A");
    git(repo.path(), "commit -m first", "2025-01-05T10:00:00");
    write_file(content / "pages/vagledning.md", "+++\ntitle = \"Vägledning\"\n+++\nAndra.\n");
    git(repo.path(), "commit -am second", "2025-02-05T10:00:00");
    const std::vector<std::string> args = {"build", "--content", content.string(), "--output",
                                           (repo.path() / "site").string(), "--today", "2025-06-01"};
    CHECK(run_samplan(args).err.find("samplan: history: 2 commits read, 0 from the cache") != std::string::npos);
    write_file(content / "pages/vagledning.md", "+++\ntitle = \"Vägledning\"\n+++\nTredje.\n");
    git(repo.path(), "commit -am third", "2025-03-05T10:00:00");
    CHECK(run_samplan(args).err.find("samplan: history: 1 commit read, 2 from the cache") != std::string::npos);
    const std::string history = read_file(repo.path() / "site/history/_pages/vagledning/index.html");
    for (const char* message : {"<p>first</p>", "<p>second</p>", "<p>third</p>"}) CHECK(history.find(message) != std::string::npos);

    write_file(repo.path() / ".samplan-cache/site/history.txt", "samplan-history-cache 1\nhead\tnonsense\n");
    CHECK(run_samplan(args).err.find("samplan: history: 3 commits read, 0 from the cache") != std::string::npos);
}

TEST_CASE("a record edited since its last commit keeps a page for that commit's version") {
    TempDir repo;
    const fs::path content = repo.path() / "content";
    const fs::path activity = first_plan_repository(repo.path());
    std::string text = read_file(activity);
    replace(text, "Vi utbildar personal.", "Vi utbildar all personal.");
    write_file(activity, text);  // not committed

    const auto r = run_samplan({"build", "--content", content.string(), "--output", (repo.path() / "site").string(),
                                "--today", "2025-06-01"});
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    const fs::path site = repo.path() / "site";
    fs::path committed;
    for (const auto& e : fs::directory_iterator(site / "history/alfa/2025/activities"))
        if (e.path().filename().string().rfind("utbildning_", 0) == 0) committed = e.path();
    REQUIRE(!committed.empty());
    const std::string old = read_file(committed);
    CHECK(old.find("<strong>Äldre version.</strong>") != std::string::npos);
    CHECK(old.find("Vi utbildar personal.") != std::string::npos);  // as committed, not as edited since
    CHECK(read_file(site / "groups/alfa/2025/utbildning/index.html").find("Vi utbildar all personal.") != std::string::npos);
    const std::string history = read_file(site / "history/alfa/2025/activities/utbildning.html");
    CHECK(history.find("<a href=\"../../../../history/alfa/2025/activities/" + committed.filename().string() +
                       "\">Visa versionen från <span class=\"date\">2025-01-05</span></a>") != std::string::npos);
}
