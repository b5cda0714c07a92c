// The records a build parsed, kept between builds by file identity (content/record_cache.h).
#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>

#include <sys/stat.h>

#include "content/content.h"
#include "content/record_cache.h"
#include "core/blob_id.h"

using namespace samplan;
using namespace samplan::content;
namespace fs = std::filesystem;

namespace {

// Files in memory whose identity is their bytes' hash; counts the files read.
class CountingSource final : public Source {
public:
    explicit CountingSource(std::map<std::string, std::string> files) : files_(std::move(files)), memory_(files_) {}
    EntryKind kind(const std::string& path) const override { return memory_.kind(path); }
    std::vector<DirEntry> list(const std::string& dir) const override { return memory_.list(dir); }
    ReadStatus read(const std::string& path, size_t max_bytes, std::string& out, std::string& error) const override {
        ++reads;
        return memory_.read(path, max_bytes, out, error);
    }
    std::string identity(const std::string& path) const override {
        const auto it = files_.find(path);
        return it == files_.end() ? std::string() : "hash " + std::to_string(std::hash<std::string>{}(it->second));
    }
    mutable std::atomic<int> reads{0};

private:
    std::map<std::string, std::string> files_;
    MemorySource memory_;
};

std::vector<std::string> lines(const Diagnostics& d) {
    std::vector<std::string> out;
    for (const auto& x : d.all()) {
        std::string line = format_text(x) + " args:";
        for (const auto& a : x.args) line += " " + a;
        out.push_back(line + " suggestion: " + x.suggestion + " form: " + x.form);
    }
    return out;
}

// Every field of every record, and every diagnostic, the same.
void check_same(const std::vector<Record>& a, const Diagnostics& da, const std::vector<Record>& b, const Diagnostics& db) {
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
        const std::string path = a[i].path;
        INFO(path);
        CHECK(a[i].path == b[i].path);
        CHECK(a[i].kind == b[i].kind);
        CHECK(a[i].id == b[i].id);
        CHECK(a[i].group == b[i].group);
        CHECK(a[i].plan == b[i].plan);
        CHECK(a[i].readable == b[i].readable);
        CHECK(a[i].body == b[i].body);
        CHECK(a[i].body_line == b[i].body_line);
        CHECK(a[i].blob == b[i].blob);
        CHECK(first_difference(a[i].data, b[i].data) == "");
    }
    CHECK(lines(da) == lines(db));
}

std::map<std::string, std::string> site_files() {
    std::map<std::string, std::string> files = {
        {"site.toml", "title = \"T\"\nbase_url = \"https://example.org/\"\n"},
        {"regional/plan.toml", "title = \n"},  // a TOML error
        {"processes/vagledning.toml", "title = \"P\"\nweights = [1.5, -0.0, 2e10, nan]\nflag = true\n"},
        {"pages/om.md", "no front matter"},
        {"groups/alfa/group.toml", "name = \"A\"\n[[members]]\nname = \"X\"\nsince = 2024-01-02\n"},
        {"groups/alfa/plans/2025/plan.toml",
         "title = \"P\"\nat = 1979-05-27T07:32:00.5-07:00\nlocal = 1979-05-27T07:32:00\ntime = 07:32:00\n"
         "inline = { a = 1, b = [\"x\", { c = 2 }] }\n"},
        {"groups/alfa/plans/2025/activities/deep.md",
         "+++\ntitle = \"D\"\n+++\n" + std::string(40, '>') + " too deep\n"},  // a Markdown limit
    };
    for (int i = 0; i < 30; ++i)
        files["groups/alfa/plans/2025/activities/a" + std::to_string(i) + ".md"] =
            "+++\ntitle = \"A " + std::to_string(i) + "\"\nstatus = \"planerad\"\n+++\nText *" + std::to_string(i) + "*\n";
    return files;
}

struct TempFile {
    fs::path path = fs::temp_directory_path() / ("samplan-records-" + std::to_string(std::random_device{}()) + "/records.bin");
    ~TempFile() {
        std::error_code ec;
        fs::remove_all(path.parent_path(), ec);
    }
};

}  // namespace

TEST_CASE("records restored from the cache are exactly what parsing the files gives, diagnostics included") {
    TempFile file;
    auto files = site_files();
    Diagnostics fresh_d;
    const auto fresh = load_records(MemorySource(files), fresh_d);
    REQUIRE(fresh_d.error_count() >= 3);  // the TOML error, the missing front matter, the Markdown limit
    // Each record is named by the bytes it was parsed from, as git names them (the page keys use
    // it), a record that does not parse too; restored, it comes back with that name.
    for (const auto& r : fresh) {
        INFO(r.path);
        CHECK(r.blob == git_blob_id(files.at(r.path)));
    }

    {
        CountingSource source(files);
        RecordCache cache(file.path.string());
        Diagnostics d;
        const auto records = load_records(source, d, LoadOptions{1024 * 1024, &cache, {}});
        check_same(fresh, fresh_d, records, d);
        CHECK(source.reads == static_cast<int>(files.size()));
        CHECK(cache.restored() == 0);
        REQUIRE(fs::exists(file.path));
    }
    const auto written = fs::last_write_time(file.path);
    {
        CountingSource source(files);
        RecordCache cache(file.path.string());
        CHECK(cache.size() == files.size());
        Diagnostics d;
        const auto records = load_records(source, d, LoadOptions{1024 * 1024, &cache, {}});
        check_same(fresh, fresh_d, records, d);
        CHECK(source.reads == 0);
        CHECK(cache.restored() == files.size());
        CHECK(fs::last_write_time(file.path) == written);  // nothing changed: not written again
    }
    SUBCASE("a changed file is read again, alone") {
        files["groups/alfa/plans/2025/activities/a7.md"] = "+++\ntitle = \"Ny\"\nstatus = [\n+++\nText\n";
        Diagnostics expected_d;
        const auto expected = load_records(MemorySource(files), expected_d);
        for (int round = 0; round < 2; ++round) {
            CountingSource source(files);
            RecordCache cache(file.path.string());
            Diagnostics d;
            const auto records = load_records(source, d, LoadOptions{1024 * 1024, &cache, {}});
            check_same(expected, expected_d, records, d);
            CHECK(source.reads == (round == 0 ? 1 : 0));
        }
    }
    SUBCASE("a removed file leaves the cache, and another limit on a file's size reads every file again") {
        files.erase("groups/alfa/plans/2025/activities/a3.md");
        CountingSource source(files);
        RecordCache cache(file.path.string());
        Diagnostics d;
        load_records(source, d, LoadOptions{1024 * 1024, &cache, {}});
        CHECK(source.reads == 0);
        CHECK(RecordCache(file.path.string()).size() == files.size());
        CountingSource again(files);
        RecordCache other_limit(file.path.string());
        Diagnostics d2;
        load_records(again, d2, LoadOptions{512 * 1024, &other_limit, {}});
        CHECK(again.reads == static_cast<int>(files.size()));
    }
    SUBCASE("a cache file cut short or damaged anywhere is not trusted: the records are parsed as without it") {
        std::string bytes;
        {
            std::ifstream in(file.path, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        std::mt19937 random(7);
        for (int round = 0; round < 40; ++round) {
            std::string damaged = bytes;
            if (round % 2 == 0) damaged.resize(random() % bytes.size());
            else damaged[random() % bytes.size()] ^= static_cast<char>(1 + random() % 255);
            {
                std::ofstream out(file.path, std::ios::binary | std::ios::trunc);
                out << damaged;
            }
            CountingSource source(files);
            RecordCache cache(file.path.string());
            Diagnostics d;
            const auto records = load_records(source, d, LoadOptions{1024 * 1024, &cache, {}});
            // A flipped bit inside a kept text or number gives other data back (the file is not a
            // defence against tampering: whoever can write it can write the content); every other
            // damage must read as no cache, or as the records that were kept.
            if (round % 2 == 0) check_same(fresh, fresh_d, records, d);
        }
    }
}

TEST_CASE("an edit appends the record parsed anew to the cache file, and the file is written whole once it holds as much replaced as kept") {
    TempFile file;
    auto files = site_files();
    {
        CountingSource source(files);
        RecordCache cache(file.path.string());
        Diagnostics d;
        load_records(source, d, LoadOptions{1024 * 1024, &cache, {}});
    }
    const auto whole = fs::file_size(file.path);
    struct stat before {};
    REQUIRE(::stat(file.path.c_str(), &before) == 0);
    const std::string edited = "groups/alfa/plans/2025/activities/a7.md";
    std::uintmax_t size = whole;
    bool rewritten = false;
    for (int round = 0; round < 200 && !rewritten; ++round) {
        INFO("round " << round);
        files[edited] = "+++\ntitle = \"Ny " + std::to_string(round) + "\"\nstatus = \"planerad\"\n+++\n" +
                        std::string(static_cast<size_t>(round % 7) * 100, 'x') + "\n";
        Diagnostics expected_d;
        const auto expected = load_records(MemorySource(files), expected_d);
        {
            CountingSource source(files);
            RecordCache cache(file.path.string());
            CHECK(cache.size() == files.size());
            Diagnostics d;
            const auto records = load_records(source, d, LoadOptions{1024 * 1024, &cache, {}});
            check_same(expected, expected_d, records, d);
            CHECK(source.reads == 1);
        }
        struct stat now {};
        REQUIRE(::stat(file.path.c_str(), &now) == 0);
        rewritten = now.st_ino != before.st_ino;
        if (!rewritten) {
            CHECK(fs::file_size(file.path) > size);  // appended
            size = fs::file_size(file.path);
        } else {
            CHECK(fs::file_size(file.path) < size);  // the replaced entries left out
            CHECK(size <= 2 * whole + 8192);
            size = fs::file_size(file.path);
        }
        // The next load finds the edit kept: nothing read.
        CountingSource again(files);
        RecordCache cache(file.path.string());
        Diagnostics d;
        const auto records = load_records(again, d, LoadOptions{1024 * 1024, &cache, {}});
        check_same(expected, expected_d, records, d);
        CHECK(again.reads == 0);
    }
    CHECK(rewritten);

    SUBCASE("an appended batch cut short or damaged anywhere is not trusted") {
        files[edited] = "+++\ntitle = \"Sist\"\n+++\n";
        {
            CountingSource source(files);
            RecordCache cache(file.path.string());
            Diagnostics d;
            load_records(source, d, LoadOptions{1024 * 1024, &cache, {}});
        }
        std::string bytes;
        {
            std::ifstream in(file.path, std::ios::binary);
            bytes.assign(std::istreambuf_iterator<char>(in), {});
        }
        const auto appended = static_cast<size_t>(fs::file_size(file.path)) - static_cast<size_t>(size);
        REQUIRE(appended > 16);
        REQUIRE(appended < 1000);
        Diagnostics expected_d;
        const auto expected = load_records(MemorySource(files), expected_d);
        for (size_t at = bytes.size() - appended; at < bytes.size(); ++at) {
            for (const bool cut : {true, false}) {
                if (cut && at == bytes.size() - appended) continue;  // the file as it was before: fine
                std::string damaged = bytes;
                if (cut) damaged.resize(at);
                else damaged[at] = static_cast<char>(damaged[at] ^ 0x5a);
                {
                    std::ofstream out(file.path, std::ios::binary | std::ios::trunc);
                    out << damaged;
                }
                CountingSource source(files);
                RecordCache cache(file.path.string());
                CHECK(cache.size() == 0);
                Diagnostics d;
                const auto records = load_records(source, d, LoadOptions{1024 * 1024, &cache, {}});
                check_same(expected, expected_d, records, d);
                CHECK(source.reads == static_cast<int>(files.size()));
            }
        }
    }
}

TEST_CASE("a record's kept bytes cut short at any length do not decode") {
    Diagnostics d;
    const auto records = load_records(MemorySource(site_files()), d);
    for (const auto& record : records) {
        Diagnostics mine;
        for (const auto& x : d.all())
            if (x.path == record.path) mine.add(x);
        const std::string bytes = RecordCache::encode(record, mine, record.readable);
        Record back;
        back.path = record.path;
        Diagnostics back_d;
        bool ok = false;
        REQUIRE(RecordCache::decode(bytes, back, back_d, ok));
        CHECK(first_difference(back.data, record.data) == "");
        CHECK(ok == record.readable);
        CHECK(lines(back_d) == lines(mine));
        for (size_t n = 0; n < bytes.size(); ++n) {
            Record cut;
            Diagnostics cut_d;
            CHECK_FALSE(RecordCache::decode(std::string_view(bytes).substr(0, n), cut, cut_d, ok));
        }
    }
}

// What a build reads into its model as each record loads (LoadOptions::loaded): every record that
// parsed, once, with its index among the records returned, whether it was parsed or restored from
// the cache, and never one that does not parse (the TOML error, the missing front matter).
TEST_CASE("the load hands every record that parsed to its caller once, by its index, parsed or restored") {
    TempFile file;
    const auto files = site_files();
    for (const bool restored : {false, true}) {
        CAPTURE(restored);
        CountingSource source(files);
        RecordCache cache(file.path.string());
        std::mutex mutex;
        std::map<size_t, std::string> handed;  // index -> path
        int twice = 0;
        LoadOptions options{1024 * 1024, &cache, {}};
        options.loaded = [&](size_t index, Record& record) {
            const std::lock_guard lock(mutex);
            if (!handed.emplace(index, record.path).second) ++twice;
        };
        Diagnostics d;
        const auto records = load_records(source, d, options);
        CHECK(cache.restored() == (restored ? files.size() : 0));
        CHECK(twice == 0);
        size_t readable = 0;
        for (size_t i = 0; i < records.size(); ++i) {
            const std::string path = records[i].path;
            INFO(path);
            if (!records[i].readable) {
                CHECK(handed.count(i) == 0);
                continue;
            }
            ++readable;
            REQUIRE(handed.count(i) == 1);
            CHECK(handed.at(i) == path);
        }
        CHECK(handed.size() == readable);
        CHECK(readable < records.size());  // some do not parse
    }
}
