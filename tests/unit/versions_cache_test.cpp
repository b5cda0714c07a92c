// The differences cache's entries (history/versions_cache.h): what is stored comes back exactly,
// by its places in the file's revisions, and an entry that does not fit the history read now, or
// does not read back whole, is not used.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "history/versions_cache.h"

using namespace samplan;
using namespace samplan::history;

namespace {

// An activity file with three revisions (renamed, modified, added; newest first), among other
// commits of the history.
struct Fixture {
    std::vector<Revision> revisions;
    std::vector<Change> changes;  // one per revision of the file, kept in place (FileRevision points at them)
    std::vector<FileRevision> file;
    std::vector<RecordVersion> versions;
    const std::string path = "groups/alfa/plans/2025/activities/ny.md";

    Fixture() {
        for (int i = 0; i < 6; ++i)
            revisions.push_back({std::string(40, static_cast<char>('a' + i)), std::string(7, static_cast<char>('a' + i)),
                                 Date{2025, 1, 10 + i}, "Anna", "commit " + std::to_string(i)});
        changes = {{ChangeKind::Renamed, path, "groups/alfa/plans/2025/activities/gammal.md", std::string(40, '1')},
                   {ChangeKind::Modified, "groups/alfa/plans/2025/activities/gammal.md", "", std::string(40, '2')},
                   {ChangeKind::Added, "groups/alfa/plans/2025/activities/gammal.md", "", std::string(40, '3')}};
        file = {{1, ChangeKind::Renamed, &changes[0]}, {3, ChangeKind::Modified, &changes[1]}, {4, ChangeKind::Added, &changes[2]}};
        for (const auto& fr : file) {
            RecordVersion v;
            v.revision = fr.revision;
            v.change = fr.kind;
            v.path = fr.path();
            versions.push_back(std::move(v));
        }
        versions[0].differences = {{"title", {"Gammal", "Ny"}, {}, ""}};
        // Texts with every byte a line-based format would trip on.
        versions[1].differences = {
            {"status", {"planerad", "pågår"}, {}, ""},
            {"text", {"body"},
             {{WordRun::Kind::Same, "Första\tstycket\n\n"}, {WordRun::Kind::Deleted, std::string("gammalt\0ord ", 12)},
              {WordRun::Kind::Inserted, "nytt \\n ord\r\n"}, {WordRun::Kind::Same, ""}},
             "en aktivitet"},
            {"report_added", {}, {}, ""}};
        versions[1].moved_from = {"Planen", "Gruppen"};  // not stored (the activity's own history page shows it)
    }
    std::string encode(const std::string& key = "key") const { return encode_versions(key, path, versions, file, revisions); }
    std::optional<std::vector<RecordVersion>> decode(const std::string& bytes, const std::string& key = "key") const {
        return decode_versions(bytes, key, path, file, revisions);
    }
};

// Whether `got` is `want` as far as an entry holds it: revision, change, path and differences.
void check_same(const std::vector<RecordVersion>& got, const std::vector<RecordVersion>& want) {
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        CAPTURE(i);
        CHECK(got[i].revision == want[i].revision);
        CHECK(got[i].change == want[i].change);
        CHECK(got[i].path == want[i].path);
        CHECK_FALSE(got[i].activity.has_value());
        CHECK(got[i].moved_from.empty());
        CHECK_FALSE(got[i].current);
        REQUIRE(got[i].differences.size() == want[i].differences.size());
        for (size_t j = 0; j < want[i].differences.size(); ++j) {
            const Difference &a = got[i].differences[j], &b = want[i].differences[j];
            CHECK(a.kind == b.kind);
            CHECK(a.args == b.args);
            CHECK(a.record == b.record);
            REQUIRE(a.words.size() == b.words.size());
            for (size_t k = 0; k < b.words.size(); ++k) {
                CHECK(a.words[k].kind == b.words[k].kind);
                CHECK(a.words[k].text == b.words[k].text);
            }
        }
    }
}

}  // namespace

TEST_CASE("an entry of the differences cache reads back exactly, by its places in the file's revisions") {
    Fixture f;
    const std::string bytes = f.encode();
    REQUIRE_FALSE(bytes.empty());
    const auto back = f.decode(bytes);
    REQUIRE(back.has_value());
    check_same(*back, f.versions);

    // Two new commits since, neither of this file: the versions are the same places, at their new
    // revision indexes.
    std::vector<Revision> revisions = f.revisions;
    revisions.insert(revisions.begin(), {{std::string(40, 'y'), "yyyyyyy", Date{2025, 2, 1}, "Bo", "ny"},
                                         {std::string(40, 'z'), "zzzzzzz", Date{2025, 2, 2}, "Bo", "nyare"}});
    std::vector<FileRevision> file = f.file;
    for (auto& fr : file) fr.revision += 2;
    const auto shifted = decode_versions(bytes, "key", f.path, file, revisions);
    REQUIRE(shifted.has_value());
    std::vector<RecordVersion> want = f.versions;
    for (auto& v : want) v.revision += 2;
    check_same(*shifted, want);
}

TEST_CASE("an entry of the differences cache is not used for another key, path or history of the file") {
    Fixture f;
    const std::string bytes = f.encode();
    CHECK_FALSE(f.decode(bytes, "another key").has_value());
    CHECK_FALSE(decode_versions(bytes, "key", f.path + "x", f.file, f.revisions).has_value());

    SUBCASE("a commit amended: another commit id at the same place") {
        f.revisions[3].commit = std::string(40, 'q');
        CHECK_FALSE(f.decode(bytes).has_value());
    }
    SUBCASE("a force-push: another text at the same place") {
        f.changes[1].blob = std::string(40, '9');
        CHECK_FALSE(f.decode(bytes).has_value());
    }
    SUBCASE("a revision more") {
        Change added{ChangeKind::Modified, f.path, "", std::string(40, '0')};
        f.file.insert(f.file.begin(), FileRevision{0, ChangeKind::Modified, &added});
        CHECK_FALSE(f.decode(bytes).has_value());
    }
    SUBCASE("a revision less (the oldest gone: the file's history cut short)") {
        f.file.pop_back();
        CHECK_FALSE(f.decode(bytes).has_value());
    }
    SUBCASE("another kind of change at a place") {
        f.file[0].kind = ChangeKind::Modified;
        CHECK_FALSE(f.decode(bytes).has_value());
    }
    SUBCASE("another path at a place") {
        f.changes[0].path = "groups/alfa/plans/2025/activities/annan.md";
        CHECK_FALSE(f.decode(bytes).has_value());
    }
}

TEST_CASE("the newest versions of a file are stored as they were read, and serve a read of as many or fewer") {
    Fixture f;
    // As a read of the newest two gives them: the older of the two has nothing to be compared with.
    std::vector<RecordVersion> newest(f.versions.begin(), f.versions.begin() + 2);
    newest.back().differences.clear();
    const std::string bytes = encode_versions("key", f.path, newest, f.file, f.revisions);
    REQUIRE_FALSE(bytes.empty());
    const auto back = f.decode(bytes);
    REQUIRE(back.has_value());
    check_same(*back, newest);

    CHECK_FALSE(newest_versions(*back, 3, 0).has_value());  // every version: too few
    CHECK_FALSE(newest_versions(*back, 3, 3).has_value());
    check_same(*newest_versions(*back, 3, 2), newest);
    const auto one = newest_versions(*back, 3, 1);
    REQUIRE(one.has_value());
    REQUIRE(one->size() == 1);
    CHECK(one->front().revision == 1);
    CHECK(one->front().differences.empty());  // the newest alone: compared with nothing

    // Every version: they serve any read.
    const auto all = f.decode(f.encode());
    REQUIRE(all.has_value());
    check_same(*newest_versions(*all, 3, 0), f.versions);
    check_same(*newest_versions(*all, 3, 5), f.versions);  // (more than there are: all)
    check_same(*newest_versions(*all, 3, 2), newest);

    // Not the newest of the file's revisions, or more than it has: not stored.
    std::vector<RecordVersion> other = f.versions;
    other[1].revision = 2;
    CHECK(encode_versions("key", f.path, other, f.file, f.revisions).empty());
    other = f.versions;
    other.erase(other.begin());
    CHECK(encode_versions("key", f.path, other, f.file, f.revisions).empty());
    other = f.versions;
    other.push_back(f.versions.back());
    CHECK(encode_versions("key", f.path, other, f.file, f.revisions).empty());
    CHECK(encode_versions("key", f.path, {}, {}, f.revisions).empty());
}

TEST_CASE("an entry of the differences cache from an older format, cut short or damaged is not used") {
    Fixture f;
    const std::string bytes = f.encode();
    std::string older = bytes;
    older.replace(0, older.find('\n'), "samplan differences 0");
    CHECK_FALSE(f.decode(older).has_value());
    CHECK_FALSE(f.decode("").has_value());
    for (size_t n = 0; n < bytes.size(); ++n) {
        CAPTURE(n);
        CHECK_FALSE(f.decode(bytes.substr(0, n)).has_value());
    }
    CHECK_FALSE(f.decode(bytes + '\0').has_value());
    CHECK_FALSE(f.decode(bytes + bytes).has_value());
    // Any byte changed: not used, or (a bit that deflate leaves unused at the end of its stream,
    // just before zlib's checksum) the very same versions. Never other differences.
    for (size_t n = 0; n < bytes.size(); ++n)
        for (const unsigned char flip : {0x01, 0x20, 0x80, 0xff}) {
            std::string damaged = bytes;
            damaged[n] = static_cast<char>(static_cast<unsigned char>(damaged[n]) ^ flip);
            CAPTURE(n);
            CAPTURE(static_cast<int>(flip));
            if (const auto back = f.decode(damaged)) {
                CHECK(n + 4 + 4 >= bytes.size());  // (the checksum is the last 4 bytes)
                check_same(*back, f.versions);
            }
        }
}

// The prune's note: a prune with the paths of the last one removes only what killed stores left;
// entries stored for other paths (a build of another set of activities, killed before its prune)
// are removed by the next prune all the same, since start_build forgot the note first.
TEST_CASE("the differences cache is pruned of other paths' entries after a build of other activities, noted or not") {
    namespace fs = std::filesystem;
    const fs::path root = fs::temp_directory_path() / ("samplan-prune-" + std::to_string(::getpid()));
    fs::remove_all(root);
    fs::create_directories(root / "differences");
    const VersionsCache cache((root / "differences").string());
    auto put = [](const std::string& file) { std::ofstream(file) << "x"; };
    const std::vector<std::string> both = {"groups/a/x.md", "groups/a/y.md"}, one = {"groups/a/x.md"};
    put(cache.file_of("groups/a/x.md"));
    put(cache.file_of("groups/a/y.md"));
    put(cache.file_of("groups/a/gone.md"));
    cache.start_build(both);
    CHECK(cache.prune(both) == 1);
    CHECK(fs::exists(cache.file_of("groups/a/y.md")));
    CHECK_FALSE(fs::exists(cache.file_of("groups/a/gone.md")));
    // A build of other activities stores an entry of its own, and is killed before its prune.
    cache.start_build(one);
    put(cache.file_of("groups/a/z.md"));
    // A store killed midway (its process gone: pid 999999999 is beyond any system's).
    put(cache.file_of("groups/a/x.md") + ".tmp-999999999");
    cache.start_build(both);
    CHECK(cache.prune(both) == 2);
    CHECK_FALSE(fs::exists(cache.file_of("groups/a/z.md")));
    CHECK_FALSE(fs::exists(cache.file_of("groups/a/x.md") + ".tmp-999999999"));
    CHECK(fs::exists(cache.file_of("groups/a/x.md")));
    // Noted for these paths: a killed store's file still goes, the entries stay.
    put(cache.file_of("groups/a/y.md") + ".tmp-999999999");
    cache.start_build(both);
    CHECK(cache.prune(both) == 1);
    CHECK(fs::exists(cache.file_of("groups/a/x.md")));
    CHECK(fs::exists(cache.file_of("groups/a/y.md")));
    // Another set of paths: pruned to it.
    cache.start_build(one);
    CHECK(cache.prune(one) == 1);
    CHECK_FALSE(fs::exists(cache.file_of("groups/a/y.md")));
    fs::remove_all(root);
}
