// The history stage on a real repository made with the git command.
#include <doctest/doctest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>
#include <utility>

#include "content/content.h"
#include "history/cache.h"
#include "history/history.h"
#include "history/packs.h"
#include "history/versions.h"

namespace fs = std::filesystem;
using namespace samplan;

namespace {

struct HistoryRepo {
    fs::path dir;
    HistoryRepo() {
        dir = fs::temp_directory_path() / ("samplan-history-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir / "content");
        run("init -q");
    }
    ~HistoryRepo() {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    void run(const std::string& command, const std::string& date = "2025-01-01T12:00:00") const {
        const std::string line = "cd '" + dir.string() + "' && GIT_AUTHOR_DATE=" + date + " GIT_COMMITTER_DATE=" + date +
                                 " git -c user.name='Anna B' -c user.email=anna@example.org -c init.defaultBranch=main " +
                                 command + " >/dev/null 2>&1";
        REQUIRE(std::system(line.c_str()) == 0);
    }
    void write(const std::string& path, const std::string& text) const {
        fs::create_directories((dir / "content" / path).parent_path());
        std::ofstream(dir / "content" / path) << text;
    }
};

}  // namespace

TEST_CASE("one pass over the history finds each file's revisions, following renames") {
    HistoryRepo repo;
    repo.write("a.md", "första\n");
    repo.write("b.md", "b\n");
    std::ofstream(repo.dir / "README") << "outside content\n";
    repo.run("add -A");
    repo.run("commit -q -m 'Första versionen'", "2025-01-10T12:00:00");
    repo.run("tag v1");
    repo.write("a.md", "andra\n");
    repo.run("commit -q -am 'Andra versionen'", "2025-02-10T12:00:00");
    repo.run("mv content/a.md content/c.md");
    repo.run("commit -q -m 'Bytt namn'", "2025-03-10T12:00:00");
    repo.run("rm -q content/b.md");
    std::ofstream(repo.dir / "README") << "changed outside content\n";
    repo.run("commit -q -am 'Tagit bort b'", "2025-04-10T12:00:00");
    std::ofstream(repo.dir / ".mailmap") << "Anna Berg <anna@example.org>\n";

    const history::History h = history::read_history((repo.dir / "content").string());
    REQUIRE(h.available());
    REQUIRE(h.revisions().size() == 4);
    CHECK(h.revisions()[0].summary == "Tagit bort b");
    CHECK(h.revisions()[3].date == Date{2025, 1, 10});
    CHECK(h.revisions()[0].author == "Anna Berg");  // .mailmap in the work tree

    const auto& c = h.file_revisions("c.md");
    REQUIRE(c.size() == 3);  // renamed, modified, added
    CHECK(c[0].kind == history::ChangeKind::Renamed);
    CHECK(c[1].path() == "a.md");
    CHECK(c[2].kind == history::ChangeKind::Added);
    CHECK(*h.read(c[2].revision, c[2].path()) == "första\n");
    CHECK(*h.read(c[1].revision, "a.md") == "andra\n");
    CHECK_FALSE(h.read(c[0].revision, "a.md"));
    CHECK(h.last_change("c.md")->date == Date{2025, 3, 10});
    CHECK(h.file_revisions("b.md").front().kind == history::ChangeKind::Deleted);

    const auto tags = h.tags("v*");
    REQUIRE(tags.size() == 1);
    CHECK(tags[0].name == "v1");
    const auto source = h.tree_source(tags[0].commit);
    REQUIRE(source);
    CHECK(source->kind("a.md") == content::EntryKind::File);
    CHECK(source->kind("c.md") == content::EntryKind::Missing);
    CHECK(source->list("").size() == 2);
}

TEST_CASE("a plan's history names the activities added to and removed from its folder, by their titles then") {
    HistoryRepo repo;
    const std::string plan = "groups/alfa/plans/2025/";
    repo.write(plan + "plan.toml", "title = \"Plan\"\n");
    repo.write(plan + "activities/sip.md", "+++\ntitle = \"Samordnad plan\"\n+++\nSIP för barn och unga i skolan.\n");
    repo.write("groups/beta/plans/2025/activities/annan.md", "+++\ntitle = \"Annan grupp\"\n+++\n");
    repo.run("add -A");
    repo.run("commit -q -m first", "2025-01-10T12:00:00");
    // No plainly stated title, and nothing like sip.md (which would make it a rename).
    repo.write(plan + "activities/ny.md", "+++\n[funding]\namount_sek = 1\n+++\nEn helt annan text om äldreomsorg.\n");
    repo.run("rm -q content/" + plan + "activities/sip.md");
    repo.run("add -A");
    repo.run("commit -q -m second", "2025-02-10T12:00:00");

    const history::History h = history::read_history((repo.dir / "content").string());
    REQUIRE(h.revisions().size() == 2);
    const auto under = h.added_or_deleted_under(plan + "activities/");
    REQUIRE(under.size() == 3);  // the other group's activity is not under this plan
    CHECK(under[0].first == 0);
    CHECK(under[2].first == 1);
    CHECK(under[2].second->path == plan + "activities/sip.md");

    const auto versions = history::plan_versions(h, plan + "plan.toml", "alfa", "2025");
    REQUIRE(versions.size() == 2);
    std::vector<std::string> said;
    for (const auto& v : versions)
        for (const auto& d : v.differences) said.push_back(d.kind + ": " + d.args.front());
    CHECK(said == std::vector<std::string>{"activity_added: ny.md", "activity_removed: Samordnad plan",
                                           "activity_added: Samordnad plan"});
}

TEST_CASE("an activity moved to another plan is told as moved in both, one moved along with its plan's folder is not") {
    HistoryRepo repo;
    const std::string activity = "+++\ntitle = \"Samordnad plan\"\n+++\nSIP för barn och unga i skolan, med en lång text.\n";
    repo.write("groups/alfa/group.toml", "name = \"Grupp Alfa\"\n");
    repo.write("groups/beta/group.toml", "name = \"Grupp Beta\"\n");
    repo.write("groups/alfa/plans/2024/plan.toml", "title = \"Plan 2024\"\n");
    repo.write("groups/alfa/plans/2024/activities/sip.md", activity);
    repo.write("groups/beta/plans/2025/plan.toml", "title = \"Beta 2025\"\n");
    repo.run("add -A");
    repo.run("commit -q -m first", "2025-01-10T12:00:00");
    // The plan's whole folder renamed: its activity goes with it.
    repo.run("mv content/groups/alfa/plans/2024 content/groups/alfa/plans/2025");
    repo.run("commit -q -m second", "2025-02-10T12:00:00");
    // Then the activity moved to the other group's plan.
    fs::create_directories(repo.dir / "content/groups/beta/plans/2025/activities");
    repo.run("mv content/groups/alfa/plans/2025/activities/sip.md content/groups/beta/plans/2025/activities/sip.md");
    repo.run("commit -q -m third", "2025-03-10T12:00:00");

    const history::History h = history::read_history((repo.dir / "content").string());
    REQUIRE(h.revisions().size() == 3);
    // The file is known by where it is now, from each of its earlier paths.
    CHECK(h.path_now(2, "groups/alfa/plans/2024/activities/sip.md") == "groups/beta/plans/2025/activities/sip.md");
    CHECK(h.path_now(0, "groups/beta/plans/2025/activities/sip.md") == "groups/beta/plans/2025/activities/sip.md");
    auto said = [&](const std::string& plan) {
        std::vector<std::string> out;
        for (const auto& v : history::plan_versions(h, plan, "x", "x"))
            for (const auto& d : v.differences) {
                std::string line = std::to_string(v.revision) + " " + d.kind;
                for (const auto& arg : d.args) line += "|" + arg;
                out.push_back(line);
            }
        return out;
    };
    CHECK(said("groups/alfa/plans/2025/plan.toml") ==
          std::vector<std::string>{"0 activity_moved_out_group|Samordnad plan|groups/alfa/plans/2025/activities/sip.md|Beta 2025|Grupp Beta"});
    CHECK(said("groups/beta/plans/2025/plan.toml") ==
          std::vector<std::string>{"0 activity_moved_in_group|Samordnad plan|groups/beta/plans/2025/activities/sip.md|Plan 2024|Grupp Alfa"});
}

TEST_CASE("a file's path today follows each later rename, also when its old name is used again") {
    HistoryRepo repo;
    const std::string first = "+++\ntitle = \"Första\"\n+++\nEn text om samverkan kring barn och unga.\n";
    const std::string second = "+++\ntitle = \"Andra\"\n+++\nEn helt annan text om äldres psykiska hälsa.\n";
    repo.write("a/x.md", first);
    repo.run("add -A");
    repo.run("commit -q -m one", "2025-01-10T12:00:00");
    repo.run("mv content/a/x.md content/a/y.md");
    repo.run("commit -q -m two", "2025-02-10T12:00:00");
    repo.run("mv content/a/y.md content/b.md");  // and on: y.md is a name it had for a while
    repo.run("commit -q -m three", "2025-03-10T12:00:00");
    repo.write("a/x.md", second);  // a new file by the first one's old name
    repo.run("add -A");
    repo.run("commit -q -m four", "2025-04-10T12:00:00");
    repo.run("mv content/a/x.md content/a/z.md");
    repo.run("commit -q -m five", "2025-05-10T12:00:00");

    const history::History h = history::read_history((repo.dir / "content").string());
    REQUIRE(h.revisions().size() == 5);  // 0 is "five", 4 is "one"
    CHECK(h.path_now(4, "a/x.md") == "b.md");
    CHECK(h.path_now(3, "a/y.md") == "b.md");
    CHECK(h.path_now(1, "a/x.md") == "a/z.md");
    CHECK(h.path_now(0, "a/z.md") == "a/z.md");
    CHECK(h.path_now(0, "a/x.md") == "a/x.md");  // nothing renamed it after the newest commit
    CHECK(h.file_revisions("b.md").size() == 3);
    CHECK(h.file_revisions("a/z.md").size() == 2);
}

TEST_CASE("a folder outside git has no history, and says why") {
    const fs::path dir = fs::temp_directory_path() / ("samplan-nogit-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    const auto h = history::read_history(dir.string());
    CHECK_FALSE(h.available());
    CHECK(h.note().find("not in a git repository") != std::string::npos);
    CHECK(h.file_revisions("x").empty());
    fs::remove_all(dir);
}

TEST_CASE("a merge counts only for what it changed itself") {
    HistoryRepo repo;
    repo.write("a.md", "a\n");
    repo.write("b.md", "b\n");
    repo.run("add -A");
    repo.run("commit -q -m base", "2025-01-01T12:00:00");
    repo.run("checkout -q -b gren");
    repo.write("a.md", "a från grenen\n");
    repo.run("commit -q -am 'På grenen'", "2025-01-02T12:00:00");
    repo.run("checkout -q main");
    repo.write("b.md", "b på main\n");
    repo.run("commit -q -am 'På main'", "2025-01-03T12:00:00");
    repo.run("merge -q --no-edit gren", "2025-01-04T12:00:00");

    const history::History h = history::read_history((repo.dir / "content").string());
    const auto& a = h.file_revisions("a.md");
    REQUIRE(a.size() == 2);  // the branch commit and the base; not the merge
    CHECK(h.revisions()[a[0].revision].summary == "På grenen");
    CHECK(h.file_revisions("b.md").size() == 2);
}

TEST_CASE("an activity's title is read without a parse only where TOML leaves no doubt") {
    using history::plain_title;
    CHECK(plain_title("+++\ntitle = \"Utbildning i SIP\"\nstatus = \"pågår\"\n+++\nText\n") == "Utbildning i SIP");
    CHECK(plain_title("+++\r\n# kommentar\r\n  title=\"Å ä ö\"  # efter\r\n+++\r\n") == "Å ä ö");
    CHECK(plain_title("+++\nsubtitle = \"x\"\ntitles = \"y\"\ntitle = \"Rätt\"\n+++\n") == "Rätt");
    // Everything else is left to the parser.
    CHECK_FALSE(plain_title("+++\ntitle = \"Med \\\"citat\\\"\"\n+++\n"));       // an escape
    CHECK_FALSE(plain_title("+++\ntitle = 'Literal'\n+++\n"));                    // a literal string
    CHECK_FALSE(plain_title("+++\n[funding]\ntitle = \"Tabellens\"\n+++\n"));     // inside a table
    CHECK_FALSE(plain_title("+++\nnote = \"\"\"\ntitle = \"i en text\"\n\"\"\"\n+++\n"));  // inside a multi-line string
    CHECK_FALSE(plain_title("+++\ntitle = \"x\" y\n+++\n"));                      // not valid TOML
    CHECK_FALSE(plain_title("+++\ntitle = \"\xff\"\n+++\n"));                     // not UTF-8
    CHECK_FALSE(plain_title("title = \"utan front matter\"\n"));
}

TEST_CASE("a file is its newest revision only while it holds that revision's text") {
    HistoryRepo repo;
    repo.write("a.md", "första\n");
    repo.write("b.md", "b1\n");
    repo.write("c.md", "c1\n");
    repo.run("add -A");
    repo.run("commit -q -m 'Första versionen'", "2025-01-10T12:00:00");
    // Once the index is older than the files' times, git (and samplan) trust its stat data.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    repo.run("update-index --really-refresh");
    repo.write("b.md", "b2\n");  // edited, same size: only its times tell
    repo.write("c.md", "c2\n");
    repo.run("add content/c.md");  // staged, not committed: the index names another blob

    const history::History h = history::read_history((repo.dir / "content").string());
    REQUIRE(h.available());
    CHECK(h.in_working_folder(h.file_revisions("a.md").front()));
    CHECK_FALSE(h.in_working_folder(h.file_revisions("b.md").front()));
    CHECK_FALSE(h.in_working_folder(h.file_revisions("c.md").front()));
    // Back to the committed text: a fresh write's times differ from the index, so it is hashed.
    repo.write("b.md", "b1\n");
    const history::History again = history::read_history((repo.dir / "content").string());
    CHECK(again.in_working_folder(again.file_revisions("b.md").front()));
}

namespace {

// The word difference as a longest common subsequence over the whole texts, the plain way:
// what history::diff_words must give, without its shortcuts at the texts' common start and end.
std::vector<history::WordRun> plain_word_diff(const std::string& before, const std::string& after) {
    auto split = [](const std::string& s) {
        std::vector<std::string> words;
        std::string current;
        for (const char c : s) {
            current += c;
            if (c == ' ' || c == '\n' || c == '\t') words.push_back(std::exchange(current, {}));
        }
        if (!current.empty()) words.push_back(current);
        return words;
    };
    const auto a = split(before), b = split(after);
    std::vector<std::vector<unsigned>> lcs(a.size() + 1, std::vector<unsigned>(b.size() + 1, 0));
    for (size_t i = a.size(); i-- > 0;)
        for (size_t j = b.size(); j-- > 0;)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::vector<history::WordRun> runs;
    auto push = [&](history::WordRun::Kind kind, const std::string& word) {
        if (!runs.empty() && runs.back().kind == kind) runs.back().text += word;
        else runs.push_back({kind, word});
    };
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (a[i] == b[j]) { push(history::WordRun::Kind::Same, a[i]); ++i; ++j; }
        else if (lcs[i + 1][j] >= lcs[i][j + 1]) push(history::WordRun::Kind::Deleted, a[i++]);
        else push(history::WordRun::Kind::Inserted, b[j++]);
    }
    while (i < a.size()) push(history::WordRun::Kind::Deleted, a[i++]);
    while (j < b.size()) push(history::WordRun::Kind::Inserted, b[j++]);
    return runs;
}

std::string runs_text(const std::vector<history::WordRun>& runs) {
    std::string out;
    for (const auto& r : runs)
        out += (r.kind == history::WordRun::Kind::Same ? "=" : r.kind == history::WordRun::Kind::Inserted ? "+" : "-") + r.text + "|";
    return out;
}

}  // namespace

TEST_CASE("a text's word difference marks the same words as the whole texts' longest common subsequence") {
    // Words from a small vocabulary, so that a word recurs and the subsequence has many choices;
    // the second text is the first with words replaced, inserted and removed, near its start,
    // its end or anywhere.
    std::mt19937 rng(17);
    const std::vector<std::string> vocabulary = {"a ", "b ", "c ", "a\n", "b\n", "dd ", "e\t", "a", "b"};
    auto word = [&] { return vocabulary[rng() % vocabulary.size()]; };
    for (int round = 0; round < 3000; ++round) {
        std::vector<std::string> before(rng() % 14);
        for (auto& w : before) w = word();
        std::vector<std::string> after = before;
        for (unsigned edits = rng() % 4; edits-- > 0;) {
            const size_t at = after.empty() ? 0 : rng() % 3 == 0 ? 0 : rng() % 3 == 0 ? after.size() - 1 : rng() % after.size();
            switch (rng() % 3) {
                case 0: if (!after.empty()) after[at] = word(); break;
                case 1: after.insert(after.begin() + static_cast<std::ptrdiff_t>(std::min(at, after.size())), word()); break;
                default: if (!after.empty()) after.erase(after.begin() + static_cast<std::ptrdiff_t>(at));
            }
        }
        std::string x, y;
        for (const auto& w : before) x += w;
        for (const auto& w : after) y += w;
        INFO("before: " << x << " after: " << y);
        CHECK(runs_text(history::diff_words(x, y)) == runs_text(plain_word_diff(x, y)));
        CHECK(runs_text(history::diff_words(y, x)) == runs_text(plain_word_diff(y, x)));
    }
    // A word added to a long text: the runs are its common start, the word, its common end.
    std::string text, edited;
    for (int k = 0; k < 1500; ++k) {
        if (k == 700) edited += "nytt ";
        const std::string w = "ord" + std::to_string(k % 50) + " ";
        text += w;
        edited += w;
    }
    const auto runs = history::diff_words(text, edited);
    CHECK(runs_text(runs) == runs_text(plain_word_diff(text, edited)));
    REQUIRE(runs.size() == 3);
    CHECK(runs[1].kind == history::WordRun::Kind::Inserted);
    CHECK(runs[1].text == "nytt ");
}

namespace {

// What a shell command prints.
std::string output_of(const std::string& command) {
    std::string out;
    if (FILE* f = popen(command.c_str(), "r")) {
        char buf[4096];
        for (size_t n; (n = fread(buf, 1, sizeof buf, f)) > 0;) out.append(buf, n);
        pclose(f);
    }
    return out;
}

}  // namespace

TEST_CASE("blobs read from a packed repository are the texts git gives, deltas and all") {
    HistoryRepo repo;
    std::string text;
    for (int k = 0; k < 12; ++k) text += "Rad " + std::to_string(k) + " med lite text som upprepas.\n";
    for (int v = 0; v < 30; ++v) {
        // Versions that differ a little, so that git stores most of them as deltas on others.
        text.insert(text.size() / 2, "Version " + std::to_string(v) + " lade till en rad.\n");
        repo.write("a.md", text);
        repo.write("b.md", "b " + text.substr(0, text.size() / 3 + static_cast<size_t>(v)));
        repo.run("add -A");
        repo.run("commit -q -m v" + std::to_string(v));
    }
    repo.run("gc -q --aggressive");
    const std::string git = "git -C '" + repo.dir.string() + "' ";
    REQUIRE(output_of(git + "count-objects -v | grep '^count:'") == "count: 0\n");  // all packed
    std::vector<std::string> blobs;
    std::istringstream list(output_of(git + "rev-list --objects --all | cut -d ' ' -f 1 | " + git +
                                      "cat-file --batch-check='%(objecttype) %(objectname) %(deltabase)' | grep '^blob'"));
    size_t deltas = 0;
    for (std::string type, id, base; list >> type >> id >> base;) {
        blobs.push_back(id);
        if (base.find_first_not_of('0') != std::string::npos) ++deltas;
    }
    REQUIRE(blobs.size() == 60);
    CHECK(deltas > 20);
    std::map<std::string, std::string> texts;
    for (const auto& id : blobs) texts[id] = output_of(git + "cat-file blob " + id);
    auto raw_id = [](const std::string& id) {
        std::array<unsigned char, 20> raw{};
        for (size_t i = 0; i < 20; ++i) raw[i] = static_cast<unsigned char>(std::stoi(id.substr(2 * i, 2), nullptr, 16));
        return raw;
    };
    // A cache that holds every object unpacked; one that must compress some (a few KiB); one that
    // lets every object go at once.
    for (const size_t cache : {size_t{1} << 20, size_t{4096}, size_t{64}}) {
        CAPTURE(cache);
        history::PackReader reader((repo.dir / ".git/objects/pack").string(), cache);
        // Twice: the second time from the cache.
        for (int round = 0; round < 2; ++round)
            for (const auto& id : blobs) {
                const auto raw = raw_id(id);
                const auto read = reader.read_blob(raw.data(), 1 << 20);
                REQUIRE(read);
                CHECK(*read == texts[id]);
                CHECK_FALSE(reader.read_blob(raw.data(), read->size() - 1));  // larger than asked for
            }
        // Read from several threads at once (the cache compresses without its lock held).
        std::atomic<int> wrong{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int round = 0; round < 3; ++round)
                    for (size_t i = 0; i < blobs.size(); ++i) {
                        const auto& id = blobs[(i * 7 + static_cast<size_t>(t) * 13) % blobs.size()];
                        const auto raw = raw_id(id);
                        const auto read = reader.read_blob(raw.data(), 1 << 20);
                        if (!read || *read != texts.at(id)) ++wrong;
                    }
            });
        for (auto& t : threads) t.join();
        CHECK(wrong == 0);
        reader.release_cache();
        CHECK(reader.read_blob(raw_id(blobs.front()).data(), 1 << 20) == texts[blobs.front()]);
    }
    history::PackReader reader((repo.dir / ".git/objects/pack").string(), 1 << 20);
    // A tree is not read as a blob, and an id that no pack holds is left to libgit2.
    const std::string tree = output_of(git + "rev-parse HEAD^{tree}");
    unsigned char raw[20];
    for (size_t i = 0; i < 20; ++i) raw[i] = static_cast<unsigned char>(std::stoi(tree.substr(2 * i, 2), nullptr, 16));
    CHECK_FALSE(reader.read_blob(raw, 1 << 20));
    raw[19] ^= 1;
    CHECK_FALSE(reader.read_blob(raw, 1 << 20));
}

TEST_CASE("a git delta is applied only when it fits its base") {
    const std::string base = "abcdefghij";
    // Source size 10, target size 7: copy 4 bytes from offset 2, then insert "XYZ".
    const unsigned char delta[] = {10, 7, 0x80 | 0x01 | 0x10, 2, 4, 3, 'X', 'Y', 'Z'};
    const auto out = history::apply_git_delta(base, delta, sizeof delta);
    REQUIRE(out);
    CHECK(*out == "cdefXYZ");
    CHECK_FALSE(history::apply_git_delta("abc", delta, sizeof delta));  // another base size
    const unsigned char past_end[] = {10, 7, 0x80 | 0x01 | 0x10, 8, 4, 3, 'X', 'Y', 'Z'};
    CHECK_FALSE(history::apply_git_delta(base, past_end, sizeof past_end));  // copies beyond the base
    const unsigned char too_long[] = {10, 2, 3, 'X', 'Y', 'Z'};
    CHECK_FALSE(history::apply_git_delta(base, too_long, sizeof too_long));  // more than the target size
    const unsigned char cut[] = {10, 7, 0x80 | 0x01 | 0x10, 2};
    CHECK_FALSE(history::apply_git_delta(base, cut, sizeof cut));  // ends inside an instruction
    const unsigned char reserved[] = {10, 0, 0};
    CHECK_FALSE(history::apply_git_delta(base, reserved, sizeof reserved));
}

TEST_CASE("an activity's newest versions read once (by the check) and taken over give the versions read afresh") {
    HistoryRepo repo;
    const std::string path = "groups/alfa/plans/2025/activities/sip.md";
    const char* titles[] = {"Första", "Andra", "Tredje", "Fjärde"};
    for (int i = 0; i < 4; ++i) {
        repo.write(path, std::string("+++\ntitle = \"") + titles[i] + "\"\n+++\nText " + std::to_string(i) + " om skolan.\n");
        repo.run("add -A");
        repo.run("commit -q -m v" + std::to_string(i), "2025-0" + std::to_string(i + 1) + "-10T12:00:00");
    }
    const history::History h = history::read_history((repo.dir / "content").string());
    REQUIRE(h.file_revisions(path).size() == 4);
    // The activity as loaded now (the newest version stands in for it).
    const auto now = history::activity_versions(h, path, "alfa", "2025", "sip", nullptr, 1);
    REQUIRE(now.size() == 1);
    REQUIRE(now[0].activity);
    const model::Activity current = *now[0].activity;

    auto said = [](const std::vector<history::RecordVersion>& versions) {
        std::vector<std::string> out;
        for (const auto& v : versions) {
            std::string line = std::to_string(v.revision) + (v.current ? " current " : " ") + (v.activity ? v.activity->title : "-");
            for (const auto& d : v.differences) {
                line += " | " + d.kind;
                for (const auto& a : d.args) line += " " + a;
            }
            out.push_back(line);
        }
        return out;
    };
    for (const size_t newest : {size_t{0}, size_t{1}, size_t{2}, size_t{3}}) {
        auto read = history::activity_versions(h, path, "alfa", "2025", "sip", &current, 2);
        REQUIRE(read.size() == 2);
        CHECK(read[0].current);
        read[0].activity.reset();  // as the check lets it go
        const auto taken = history::activity_versions(h, path, "alfa", "2025", "sip", &current, newest, std::move(read));
        const auto afresh = history::activity_versions(h, path, "alfa", "2025", "sip", &current, newest);
        CHECK(said(taken) == said(afresh));
        CHECK(taken.size() == (newest == 0 ? 4 : newest));
    }
    // Differences were compared (not an empty comparison of empty lists).
    CHECK(said(history::activity_versions(h, path, "alfa", "2025", "sip", &current))[1] == "1 Tredje | title Andra Tredje | text description");
}

TEST_CASE("the history cache gives back what it was given: tabs, line breaks and backslashes in names and summaries") {
    HistoryRepo dir;  // (a folder, removed at the end)
    const std::string file = (dir.dir / "history.txt").string();
    const std::string odd = "a\tb\nc\rd\\e\\tf\\";  // a backslash last, and one before a 't'
    std::vector<history::Revision> revisions = {
        {std::string(40, 'a'), std::string(7, 'a'), *parse_iso_date("2025-01-02"), "Anna " + odd, "Ändrad " + odd},
        {std::string(40, 'b'), std::string(7, 'b'), *parse_iso_date("2024-12-31"), "", "\\"}};
    std::vector<std::vector<history::Change>> changes = {
        {{history::ChangeKind::Renamed, "groups/a b\tc.md", "groups/old\\name.md", std::string(40, 'c')}},
        {{history::ChangeKind::Deleted, "", "groups/x.md", ""}, {history::ChangeKind::Added, "y.md", "", std::string(40, 'd')}}};
    history::write_cache(file, "head", "content/" + odd, revisions, changes);
    history::Cache cache;
    REQUIRE(history::read_cache(file, "content/" + odd, cache));
    CHECK(cache.head == "head");
    REQUIRE(cache.revisions.size() == 2);
    for (size_t i = 0; i < 2; ++i) {
        CHECK(cache.revisions[i].commit == revisions[i].commit);
        CHECK(cache.revisions[i].date == revisions[i].date);
        CHECK(cache.revisions[i].author == revisions[i].author);
        CHECK(cache.revisions[i].summary == revisions[i].summary);
    }
    REQUIRE(cache.changes.size() == 2);
    REQUIRE(cache.changes[1].size() == 2);
    CHECK(cache.changes[0][0].kind == history::ChangeKind::Renamed);
    CHECK(cache.changes[0][0].path == changes[0][0].path);
    CHECK(cache.changes[0][0].old_path == changes[0][0].old_path);
    CHECK(cache.changes[1][0].kind == history::ChangeKind::Deleted);
    CHECK(cache.changes[1][1].blob == changes[1][1].blob);
    history::Cache other;
    CHECK_FALSE(history::read_cache(file, "content/another", other));  // written for another folder
    // A line with a field too few, after lines with more (whose fields the reader reuses), or a
    // line cut short: the file is not used.
    std::string text;
    {
        std::ifstream in(file, std::ios::binary);
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    const std::string last_change = "\t" + std::string(40, 'd') + "\n";
    REQUIRE(text.size() > last_change.size());
    REQUIRE(text.compare(text.size() - last_change.size(), last_change.size(), last_change) == 0);
    for (const std::string& damaged : {text.substr(0, text.size() - last_change.size()) + "\n",
                                       text + "C\tA\tz.md\n",
                                       text + "R\t" + std::string(40, 'e') + "\t2024-01-01\tA\n"}) {
        std::ofstream(file, std::ios::binary | std::ios::trunc) << damaged;
        history::Cache cut;
        CHECK_FALSE(history::read_cache(file, "content/" + odd, cut));
    }
    std::ofstream(file, std::ios::binary | std::ios::trunc) << text.substr(0, text.size() - 1);  // no last newline: fine
    history::Cache whole;
    CHECK(history::read_cache(file, "content/" + odd, whole));
    CHECK(whole.changes.size() == 2);
}
