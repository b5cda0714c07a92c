#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <vector>

#include "core/blob_id.h"
#include "core/date.h"
#include "core/digest.h"
#include "core/diagnostics.h"
#include "core/files.h"
#include "core/parallel.h"
#include "core/text.h"

using namespace samplan;

TEST_CASE("dates parse, compare and count months") {
    const auto d = parse_iso_date("2025-03-01");
    REQUIRE(d);
    CHECK(d->iso() == "2025-03-01");
    CHECK(Date{987, 1, 5}.iso() == "0987-01-05");
    CHECK(Date{2025, 12, 31}.iso() == "2025-12-31");
    CHECK_FALSE(parse_iso_date("2025-02-30"));
    CHECK_FALSE(parse_iso_date("2025-3-1"));
    CHECK_FALSE(parse_iso_date("20250301xx"));
    CHECK(Date{2024, 2, 29}.valid());
    CHECK_FALSE(Date{2025, 2, 29}.valid());
    CHECK(Date{2025, 1, 31}.add_months(1) == Date{2025, 2, 28});
    CHECK(Date{2025, 1, 15}.months_until(Date{2025, 6, 1}) == 4);
    CHECK(Date{2025, 1, 15}.months_until(Date{2025, 6, 15}) == 5);
    CHECK(Date::from_days_since_epoch(Date{2026, 11, 24}.days_since_epoch()) == Date{2026, 11, 24});
    CHECK(Date{1970, 1, 1}.days_since_epoch() == 0);
}

TEST_CASE("ids follow the content model") {
    CHECK(is_valid_id("tidiga-insatser-1"));
    CHECK(is_valid_id("2025"));
    CHECK_FALSE(is_valid_id(""));
    CHECK_FALSE(is_valid_id("-start"));
    CHECK_FALSE(is_valid_id("Stora"));
    CHECK_FALSE(is_valid_id(".."));
    CHECK_FALSE(is_valid_id("a/b"));
    CHECK_FALSE(is_valid_id("åtgärd"));
    CHECK_FALSE(is_valid_id(std::string(65, 'a')));
    CHECK(is_valid_id(std::string(64, 'a')));
}

TEST_CASE("suggestions name the nearest valid value") {
    CHECK(edit_distance("pagar", "pågår") == 2);
    CHECK(suggestion("tidiga-insater", {"suicidprevention", "tidiga-insatser"}) == " (did you mean 'tidiga-insatser'?)");
    CHECK(suggestion("xyz", {"vuxna", "barn-och-unga"}) == " (known: 'vuxna', 'barn-och-unga')");
    CHECK(suggestion("x", {}) == "");
}

TEST_CASE("UTF-8 validation finds the first bad byte and its line and column") {
    CHECK_FALSE(find_invalid_utf8("Åsa Öberg"));
    const std::string bad = "ab\nå\xff";
    REQUIRE(find_invalid_utf8(bad));
    CHECK(*find_invalid_utf8(bad) == 5);
    CHECK(line_column_at(bad, 5) == std::pair{2, 2});
    CHECK(find_invalid_utf8("\xc0\xaf"));      // overlong '/'
    CHECK(find_invalid_utf8("\xed\xa0\x80"));  // surrogate
    // Long runs of ASCII are skipped eight bytes at a time: the offset stays exact around them.
    for (size_t before = 0; before < 20; ++before) {
        const std::string text = std::string(before, 'a') + "\xc3\xa5" + std::string(9, 'b') + "\xff" + "cc";
        REQUIRE(find_invalid_utf8(text));
        CHECK(*find_invalid_utf8(text) == before + 11);
        CHECK_FALSE(find_invalid_utf8(text.substr(0, before + 11)));
    }
}

TEST_CASE("diagnostics are sorted by path and position and formatted like a compiler") {
    Diagnostics d;
    d.warning("b.toml", {3, 1}, "late", "x");
    d.error("a.toml", {10, 2}, "second", "y");
    d.error("a.toml", {2, 5}, "first", "z");
    d.error("a.toml", {2, 5}, "first", "z");
    d.sort();
    REQUIRE(d.all().size() == 3);
    CHECK(format_text(d.all()[0]) == "a.toml:2:5: error: first [z]");
    CHECK(format_text(d.all()[2]) == "b.toml:3:1: warning: late [x]");
    CHECK(d.error_count() == 2);
    CHECK(d.warning_count() == 1);
    CHECK(format_json({d.all()[2]}) ==
          "[\n  {\"path\": \"b.toml\", \"line\": 3, \"column\": 1, \"severity\": \"warning\", \"message\": \"late\", "
          "\"rule\": \"x\"}\n]\n");
    CHECK(json_quote("a\"b\\\n\x01") == "\"a\\\"b\\\\\\n\\u0001\"");
    CHECK(json_quote("åäö plain text\tend") == "\"åäö plain text\\tend\"");
    std::string out = "[";
    append_json_quoted(out, "x\"");
    append_json_quoted(out, "");
    CHECK(out == "[\"x\\\"\"\"\"");
}

TEST_CASE("a JSON string escapes every byte that needs it wherever it stands in a long text") {
    // The writer looks at eight bytes at a time: each byte value at each place of a text longer
    // than that, and two such bytes side by side, against the escapes one byte at a time.
    auto expected = [](std::string_view s) {
        std::string out = "\"";
        for (const char ch : s) {
            const auto c = static_cast<unsigned char>(ch);
            if (c == '"') out += "\\\"";
            else if (c == '\\') out += "\\\\";
            else if (c == '\n') out += "\\n";
            else if (c == '\r') out += "\\r";
            else if (c == '\t') out += "\\t";
            else if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += ch;
            }
        }
        return out + "\"";
    };
    size_t wrong = 0;
    for (int byte = 1; byte < 256; ++byte)
        for (size_t at = 0; at < 21; ++at) {
            std::string text = "plain text, åäö and on";  // 25 bytes
            text[at] = static_cast<char>(byte);
            if (json_quote(text) != expected(text)) ++wrong;
            text[at + 1] = static_cast<char>(byte);
            if (json_quote(text) != expected(text)) ++wrong;
            if (json_quote(text.substr(0, at + 2)) != expected(text.substr(0, at + 2))) ++wrong;
        }
    CHECK(wrong == 0);
    CHECK(json_quote(std::string_view("\0abcdefgh\x1f", 10)) == "\"\\u0000abcdefgh\\u001f\"");
}

TEST_CASE("diagnostics with the same place and message keep the order they were reported in when sorted") {
    // The first of two that differ only in what is not compared (the suggestion) is the one kept,
    // and the others keep their order among equals, as a stable sort of the reports gives.
    Diagnostics d;
    std::vector<Diagnostic> reported;
    for (int i = 0; i < 200; ++i) {
        const std::string path = "groups/g" + std::to_string((i * 7) % 5) + "/a.md";
        auto& x = d.warning(path, {(i * 13) % 4, 1}, "message " + std::to_string(i % 3), "r");
        x.suggestion = "s" + std::to_string(i);
        reported.push_back(x);
    }
    d.sort();
    std::stable_sort(reported.begin(), reported.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.path, a.pos.line, a.message) < std::tie(b.path, b.pos.line, b.message);
    });
    std::vector<std::string> expected;
    for (size_t i = 0; i < reported.size(); ++i)
        if (i == 0 || std::tie(reported[i].path, reported[i].pos.line, reported[i].message) !=
                          std::tie(reported[i - 1].path, reported[i - 1].pos.line, reported[i - 1].message))
            expected.push_back(format_text(reported[i]) + " " + reported[i].suggestion);
    std::vector<std::string> got;
    for (const auto& x : d.all()) got.push_back(format_text(x) + " " + x.suggestion);
    CHECK(got == expected);
    CHECK(got.size() == 60);
}

TEST_CASE("quoted values are shortened and control characters escaped") {
    CHECK(quote("a\tb") == "'a\\x09b'");
    const std::string long_value(100, 'x');
    CHECK(quote(long_value) == "'" + std::string(60, 'x') + "…'");
}

TEST_CASE("on_all_cores runs every job once") {
    for (const size_t n : {size_t{0}, size_t{1}, size_t{7}, size_t{1000}}) {
        std::vector<std::atomic<int>> runs(n);
        on_all_cores(n, [&](size_t i) { ++runs[i]; });
        for (size_t i = 0; i < n; ++i) CHECK(runs[i].load() == 1);
    }
}

TEST_CASE("on_all_cores hands the first failure to its caller, and no job starts after it") {
    std::atomic<int> ran{0};
    CHECK_THROWS_WITH(on_all_cores(1000,
                                   [&](size_t i) {
                                       ++ran;
                                       if (i == 0) throw std::runtime_error("job 0 failed");
                                       std::this_thread::sleep_for(std::chrono::milliseconds(10));
                                   }),
                      "job 0 failed");
    // Job 0 is among the first taken and fails at once; the other threads were each in one 10 ms
    // job then, and took no other.
    const int after = ran.load();
    CHECK(after < 100);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    CHECK(ran.load() == after);  // every thread had stopped when it returned
}

namespace {

// A fresh folder under the system's temporary folder, removed at the end.
struct Scratch {
    std::filesystem::path path;
    Scratch() {
        path = std::filesystem::temp_directory_path() / ("samplan-core-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(path);
    }
    ~Scratch() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
};

}  // namespace

TEST_CASE("replace_file writes the whole new text in place, makes its folder and leaves no temporary file") {
    namespace fs = std::filesystem;
    Scratch scratch;
    const std::string file = (scratch.path / "a/b/stamp").string();
    REQUIRE(replace_file(file, "first\n"));
    REQUIRE(replace_file(file, "second"));
    std::string text, error;
    REQUIRE(read_regular_file(file, 1024, text, error) == FileRead::Ok);
    CHECK(text == "second");
    CHECK(std::distance(fs::directory_iterator(scratch.path / "a/b"), fs::directory_iterator()) == 1);
    // A file where its folder should be: nothing is written, and false says so.
    CHECK_FALSE(replace_file(file + "/below", "x"));
    CHECK(std::distance(fs::directory_iterator(scratch.path / "a/b"), fs::directory_iterator()) == 1);
}

TEST_CASE("InsideFolder follows links that stay inside and refuses those that lead out") {
    namespace fs = std::filesystem;
    Scratch scratch;
    const fs::path root = scratch.path / "root", outside = scratch.path / "outside";
    fs::create_directories(root / "a/b");
    fs::create_directories(outside);
    std::ofstream(root / "a/b/inne.txt") << "inne";
    std::ofstream(outside / "ute.txt") << "ute";
    fs::create_symlink("b/inne.txt", root / "a/relativ");
    fs::create_symlink(root / "a/b/inne.txt", root / "a/absolut");
    fs::create_symlink("../../outside/ute.txt", root / "a/upp");
    fs::create_symlink(outside / "ute.txt", root / "a/ut");
    fs::create_symlink(outside, root / "a/mapp");
    fs::create_symlink("b", root / "a/c");

    const InsideFolder folder(root.string());
    REQUIRE(folder.usable());
    std::string text, error;
    CHECK(folder.read("a/b/inne.txt", 100, text, error) == FileRead::Ok);
    CHECK(text == "inne");
    text.clear();
    CHECK(folder.read("a/relativ", 100, text, error) == FileRead::Ok);
    CHECK(text == "inne");
    CHECK(folder.read("a/absolut", 100, text, error) == FileRead::Ok);
    CHECK(folder.read("a/c/inne.txt", 100, text, error) == FileRead::Ok);  // a linked folder inside
    CHECK(folder.read("a/upp", 100, text, error) == FileRead::Outside);
    CHECK(folder.read("a/ut", 100, text, error) == FileRead::Outside);
    CHECK(folder.read("a/mapp/ute.txt", 100, text, error) == FileRead::Outside);
    CHECK(folder.read("../outside/ute.txt", 100, text, error) == FileRead::Outside);
    CHECK(folder.read(outside.string() + "/ute.txt", 100, text, error) == FileRead::Outside);
    CHECK(folder.read("a/b/../../a/b/inne.txt", 100, text, error) == FileRead::Ok);
    CHECK(folder.read("a/saknas", 100, text, error) == FileRead::Missing);
    CHECK(folder.read("a/b", 100, text, error) == FileRead::NotRegular);
    CHECK(folder.read("a/b/inne.txt", 2, text, error) == FileRead::TooLarge);

    std::vector<InsideFolder::Entry> entries;
    REQUIRE(folder.list("a", entries, error) == FileRead::Ok);
    std::vector<std::string> names;
    for (const auto& e : entries) {
        using Type = InsideFolder::Entry::Type;
        names.push_back(e.name + (e.type == Type::Link ? "@" : e.type == Type::Folder ? "/" : ""));
    }
    CHECK(names == std::vector<std::string>{"absolut@", "b/", "c@", "mapp@", "relativ@", "upp@", "ut@"});
    CHECK(folder.list("a/mapp", entries, error) == FileRead::Outside);
    CHECK(entries.empty());
    CHECK(folder.list("a/c", entries, error) == FileRead::Ok);
    CHECK(folder.list("a/saknas", entries, error) == FileRead::Missing);
}

TEST_CASE("text from outside becomes valid UTF-8 of characters every published format allows") {
    const std::string fffd = "\xEF\xBF\xBD";
    // Invalid bytes (Latin-1, a lone continuation byte, a cut sequence, an overlong form) become U+FFFD.
    CHECK(valid_utf8("\xC4ndrad") == fffd + "ndrad");
    CHECK(valid_utf8("a\x80" "b\xE2\x82") == "a" + fffd + "b" + fffd + fffd);
    CHECK(valid_utf8("\xC0\xAF") == fffd + fffd);
    CHECK(valid_utf8("Ändrad \x01 \xEF\xBF\xBE") == "Ändrad \x01 \xEF\xBF\xBE");  // valid UTF-8 is kept as it is
    // Tab, line feed and carriage return stay; other C0 controls, DEL, C1 controls and noncharacters go.
    for (const char32_t c : {U'\t', U'\n', U'\r', U' ', U'~', U'\u00A0', U'å', U'\uD7FF', U'\uE000', U'\uFFFD', U'\U00010000', U'\U0010FFFD'})
        CHECK_MESSAGE(is_publishable(c), static_cast<unsigned>(c));
    for (const char32_t c : {0x0u, 0x1u, 0x8u, 0xBu, 0xCu, 0x1Bu, 0x1Fu, 0x7Fu, 0x80u, 0x9Fu, 0xFDD0u, 0xFDEFu, 0xFFFEu, 0xFFFFu,
                             0x1FFFEu, 0x10FFFFu, 0xD800u, 0x110000u})
        CHECK_MESSAGE(!is_publishable(static_cast<char32_t>(c)), c);
    CHECK(is_publishable(std::string_view("Åsa\tsa \"hej\"\r\n\xF0\x9F\x98\x80")));
    CHECK_FALSE(is_publishable(std::string_view("a\x01")));
    CHECK_FALSE(is_publishable(std::string_view("\xEF\xBF\xBE")));
    CHECK_FALSE(is_publishable(std::string_view("\xC2\x85")));  // U+0085, a C1 control
    CHECK_FALSE(is_publishable(std::string_view("\xFF")));
    CHECK(publishable("a\x01" "b\x1B[31mc\xEF\xBF\xBE" "d\xEF\xBF\xBF" "e\xC3") ==
          "a" + fffd + "b" + fffd + "[31mc" + fffd + "d" + fffd + "e" + fffd);
    CHECK(publishable("Ändrad\tå\r\n") == "Ändrad\tå\r\n");
    CHECK(text_char_at("\xF0\x9F\x98\x80", 0).length == 4);
    CHECK(text_char_at("\xF0\x9F\x98\x80", 0).publishable);
    CHECK(text_char_at("\xF0\x9F\x98", 0).length == 1);
    CHECK_FALSE(text_char_at("\xF0\x9F\x98", 0).publishable);
}

TEST_CASE("a digest taken eight bytes at a time tells texts apart by any byte, by their length and by where one ends") {
    auto of = [](const std::vector<std::string>& texts) {
        Digest d;
        for (const auto& t : texts) d.add_words(t);
        return d.value();
    };
    std::set<std::uint64_t> seen;
    size_t made = 0;
    for (size_t length = 0; length <= 19; ++length) {
        const std::string base(length, 'a');
        seen.insert(of({base}));
        ++made;
        for (size_t at = 0; at < length; ++at) {  // every byte counts, the middle of a short tail too
            std::string changed = base;
            changed[at] = 'b';
            seen.insert(of({changed}));
            ++made;
        }
    }
    CHECK(seen.size() == made);
    CHECK(of({"ab", "c"}) != of({"a", "bc"}));
    CHECK(of({"abcdefgh", ""}) != of({"abcdefgh"}));
    CHECK(of({"x"}) != of({"x", ""}));
}

TEST_CASE("git_blob_id names bytes as git hash-object does, at every length around a block's end") {
    CHECK(git_blob_id("") == "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391");
    CHECK(git_blob_id("hello\n") == "ce013625030ba8dba906f756967f9e9ca394464a");
    std::string alphabet;
    for (int i = 0; i < 1000; ++i) alphabet.push_back(static_cast<char>('a' + i % 26));
    CHECK(git_blob_id(alphabet) == "f05c3c76ea47de4081ed0b821349d5c62a8e8461");
    // With the header "blob N\0" (8 bytes), 47 to 64 bytes end a block just before, at and after
    // the place of the length.
    const std::vector<std::pair<size_t, std::string>> xs = {{47, "719ddd7888a02660234770b651274214ff7df239"},
                                                            {48, "3b3abca28de4b8ce6ea9dac5da512120ed7c5a0c"},
                                                            {55, "e329c5109ce10a7367561757d2f5a053c528f11e"},
                                                            {56, "355e203863c368f0404d7fc7ae4761122c117dd2"},
                                                            {63, "6529afa7528d02472056dd24b8348542a4ad65b0"},
                                                            {64, "2036367ceafc6ad317a509db8f6b9c2773f731e0"}};
    for (const auto& x : xs) {
        INFO(x.first);
        CHECK(git_blob_id(std::string(x.first, 'x')) == x.second);
    }
}
