// The fast TOML reader against toml++: what it reads must be exactly what toml++ gives (values,
// key order, source positions), and what it refuses is read by toml++, errors included.
#include <doctest/doctest.h>

#include <pthread.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "content/content.h"
#include "content/toml_reader.h"

using namespace samplan;
using namespace samplan::content;

namespace {

// The fast reader reads `text` itself, and its Value is the one toml++ gives.
void read_alike(const std::string& text, int line_offset = 0) {
    CAPTURE(text);
    TomlError error;
    const auto reference = parse_toml_reference(text, line_offset, error);
    CAPTURE(error.message);
    REQUIRE(reference);
    const auto fast = parse_toml_fast(text, line_offset);
    REQUIRE(fast);
    CHECK(first_difference(*fast, *reference) == "");
}

// The fast reader leaves `text` to toml++; parse_toml gives toml++'s result.
void refused(const std::string& text, bool valid) {
    CAPTURE(text);
    CHECK_FALSE(parse_toml_fast(text, 0));
    TomlError reference_error, error;
    const auto reference = parse_toml_reference(text, 0, reference_error);
    CHECK(reference.has_value() == valid);
    const auto result = parse_toml(text, 0, error);
    REQUIRE(result.has_value() == valid);
    if (valid) CHECK(first_difference(*result, *reference) == "");
    else CHECK(error.message == reference_error.message);
}

std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs `body` on a thread with a 256 KiB stack, where recursion once per level of a deep document
// overflows.
void on_small_stack(const std::function<void()>& body) {
    pthread_attr_t attr;
    REQUIRE(pthread_attr_init(&attr) == 0);
    REQUIRE(pthread_attr_setstacksize(&attr, 256 * 1024) == 0);
    pthread_t thread;
    auto main = [](void* f) -> void* {
        (*static_cast<const std::function<void()>*>(f))();
        return nullptr;
    };
    REQUIRE(pthread_create(&thread, &attr, main, const_cast<std::function<void()>*>(&body)) == 0);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attr);
}

// `text` nests too deeply: parse_toml reports it at `pos`, and the fast reader leaves it.
void too_deep(const std::string& text, SourcePos pos, int line_offset = 0) {
    CAPTURE(text.substr(0, 200));
    bool fast = true, parsed = true;
    TomlError error;
    on_small_stack([&] {
        fast = parse_toml_fast(text, line_offset).has_value();
        parsed = parse_toml(text, line_offset, error).has_value();
    });
    CHECK_FALSE(fast);
    CHECK_FALSE(parsed);
    CHECK(error.message == "tables and arrays nested too deeply (at most 64 levels)");
    CHECK(error.pos == pos);
}

std::string repeat(std::string_view part, int times) {
    std::string out;
    for (int i = 0; i < times; ++i) out += part;
    return out;
}

}  // namespace

TEST_CASE("the fast TOML reader reads records exactly as toml++ does") {
    read_alike(
        "title = \"Aktivitet 1\"\nstep = 3\nstart = 2025-01-01\npriority = -7\ndone = true\nshare = 0.25\n"
        "\n[assignment]\nscope = \"Vad uppdraget gäller.\"\n\n[[working_group]]\nname = \"A\"\nconvener = false\n"
        "\n[[working_group]]\nname = \"B\"\n\n[[indicators]]\nid = \"antal\"\n"
        "baseline = { date = 2025-01-01, value = 0 }\nvalues = [ { date = 2025-06-30, value = 12.5 } ]\n",
        3);
    // Strings of every kind, escapes, and characters wider than a byte before a value.
    read_alike("a = \"tab\\tq\\\"b\\\\ \\u00e5\\U0001F600 \\b\\f\\r\\n\"\nb = 'C:\\path'\nc = \"åäö\" # ok\n");
    read_alike("a = [\"åäö\", 5, 'ü', { x = \"ø\", y = 2 }]\n");
    read_alike("text = \"\"\"\nFirst line\n  second \"quoted\" \"\"line\\\n    joined\"\"\"\nafter = 1\n");
    read_alike("text = '''\nraw \\n text\nline'''  # comment\nnext = '''one line'''\n");
    read_alike("a = \"\"\"\"\"\"\nb = ''''''\nc = \"\"\nd = ''\n");
    // Numbers.
    read_alike("a = 0\nb = +17\nc = -0\nd = 1_000_000\ne = 9223372036854775807\nf = -9223372036854775808\n"
               "g = 1.5\nh = -0.0\ni = 1e5\nj = 6.626e-34\nk = 1E+3\nl = 3_141.592_65\nm = 0.1\nn = 1e05\n");
    // Dates, leap days included.
    read_alike("a = 2024-02-29\nb = 2000-02-29\nc = 2025-12-31 # a comment\nd = [2025-01-01,2025-01-02]\n");
    // Arrays over several lines, comments and a trailing comma.
    read_alike("list = [\n  1, # one\n  2,\n\n  [3, [4, []]],\n]\nempty = []\ntable = {}\n");
    // Headers: nested tables, arrays of tables, tables inside the last element of an array.
    read_alike("[a.b.c]\nx = 1\n[a.b.d]\ny = 2\n[[p.q]]\nr = 1\n[p.q.s]\nt = 2\n[[p.q]]\nr = 3\n[[p.q.u]]\nv = 4\n"
               "[ spaced . header ]\nz = true\n[[ list ]]\n");
    read_alike("[[focus_areas]]\nid = \"a\"\n  [[focus_areas.goals]]\n  id = \"a-1\"\n[[focus_areas]]\nid = \"b\"\n");
    // Keys in any order come out sorted, as toml++ keeps them; bare keys of digits and dashes.
    read_alike("zeta = 1\nalpha = 2\n1234 = 3\n-x_y- = 4\nMixed = 5\n");
    // Windows line endings, blank documents, comments only; a front matter's line offset.
    read_alike("a = 1\r\n# c\r\nb = \"x\"\r\n\r\n[t]\r\nc = [1,\r\n 2]\r\n");
    read_alike("");
    read_alike("# only a comment\n\n   \t\n");
    read_alike("a = 1\n\n[t]\nb = 2", 7);
}

TEST_CASE("the fast TOML reader leaves to toml++ what it does not read, valid or not") {
    // Valid TOML in forms that records rarely use.
    refused("\"quoted key\" = 1\n", true);
    refused("a.b = 1\n", true);
    refused("t = { a.b = 1 }\n", true);
    refused("when = 2025-01-01T12:00:00Z\n", true);
    refused("when = 2025-01-01 12:00:00\n", true);
    refused("at = 07:30:00\n", true);
    refused("h = 0xFF\n", true);
    refused("o = 0o17\n", true);
    refused("i = inf\n", true);
    refused("n = -nan\n", true);
    refused("n = 1." + std::string(41, '0') + "1\n", true);  // long numbers are toml++'s to read
    refused("[a.b]\nx = 1\n[a]\ny = 2\n", true);
    refused("\xEF\xBB\xBF" "a = 1\n", true);
    refused("s = \"\"\"a\r\nb\"\"\"\n", true);
    refused("s = \"\"\"a\"\"\"\"\n", true);
    refused("s = \"\"\"a\\\n\n\xEF\xBB\xBF\xC2\xA0" "b\"\"\"\n", true);  // toml++ trims U+FEFF and U+00A0 (found by fuzzing)
    // Errors: toml++ reports them.
    refused("a = 1\na = 2\n", false);
    refused("[t]\n[t]\n", false);
    refused("a = 1\n[a]\n", false);
    refused("a = [1]\n[[a]]\n", false);
    refused("t = {x = 1}\n[t.y]\n", false);
    refused("[[a]]\n[a]\n", false);
    refused("d = 2025-02-29\n", false);
    refused("d = 2025-04-31\n", false);
    refused("d = 2025-13-01\n", false);
    refused("n = 01\n", false);
    refused("n = 1__0\n", false);
    refused("n = 1_\n", false);
    refused("n = 1.\n", false);
    refused("n = .5\n", false);
    refused("n = 1e\n", false);
    refused("n = 99999999999999999999\n", false);
    refused("n = 3" + std::string(150, '0') + ".5\n", false);  // beyond toml++'s 128 digits (found by fuzzing)
    refused("t = { a = 1, }\n", false);
    refused("t = { a = 1,\n b = 2 }\n", false);
    refused("s = \"never closed\n", false);
    refused("s = \"tab\x01\"\n", false);
    refused("s = \"\\x41\"\n", false);
    refused("s = \"\\uD800\"\n", false);
    refused("s = \"a\" \"b\"\n", false);
    refused("a = truex\n", false);
    refused("a = [1 2]\n", false);
    refused("a = \n", false);
    refused("a = 1 # bad \x7f comment\n", false);
    refused("s = \"\xc3\x28\"\n", false);
    refused("a = 1\rb = 2\n", false);
    refused("[a]]\n", false);
    refused("[[a] ]\n", false);
}

TEST_CASE("the fast TOML reader reads the example site and every fixture as toml++ does") {
    size_t read = 0, left = 0, example = 0;
    for (const char* root : {SAMPLAN_EXAMPLE_CONTENT, SAMPLAN_FIXTURES}) {
        for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
            const auto& p = entry.path();
            if (!entry.is_regular_file() || (p.extension() != ".toml" && p.extension() != ".md")) continue;
            CAPTURE(p.string());
            const std::string text = read_file(p);
            std::string toml = text;
            int offset = 0;
            if (p.extension() == ".md") {
                FrontMatter fm;
                SourcePos pos;
                std::string error;
                if (!split_front_matter(text, fm, pos, error)) continue;
                toml = fm.toml;
                offset = 1;
            }
            TomlError error;
            const auto reference = parse_toml_reference(toml, offset, error);
            const auto fast = parse_toml_fast(toml, offset);
            if (!fast) {
                ++left;
                continue;
            }
            ++read;
            if (std::string(root) == SAMPLAN_EXAMPLE_CONTENT) ++example;
            REQUIRE(reference);  // never a document toml++ refuses
            CHECK(first_difference(*fast, *reference) == "");
        }
    }
    MESSAGE("fast reader: " << read << " files read, " << left << " left to toml++");
    CHECK(example > 20);  // the example site is written in what the fast reader reads
    CHECK(read > left);
}

TEST_CASE("TOML nested deeper than 64 levels is an error at the first node too deep, whatever the stack") {
    static_assert(kMaxTomlNesting == 64);
    constexpr int kDeep = 100000;
    // A table header, a dotted key, arrays and inline tables of 100,000 levels (a 200 KB header
    // overflowed an 8 MiB stack in Release builds).
    too_deep("[b" + repeat(".b", kDeep - 1) + "]\nx = 1\n", {1, 2 + 2 * 64});
    too_deep("[[b" + repeat(" . b", kDeep - 1) + "]]\n", {1, 3 + 4 * 64});
    too_deep("a" + repeat(".a", kDeep - 1) + " = 1\n", {1, 1 + 2 * 64});
    too_deep("x = " + std::string(kDeep, '[') + std::string(kDeep, ']') + "\n", {1, 5 + 64});
    too_deep("x = " + repeat("{b = ", kDeep) + "1" + std::string(kDeep, '}') + "\n", {1, 6 + 5 * 63});
    too_deep("x = " + repeat("{b.c = ", kDeep) + "1" + std::string(kDeep, '}') + "\n", {1, 8 + 7 * 31});
    too_deep("x = [" + repeat("[1, {b = ", kDeep) + "\n", {1, 7 + 9 * 31});  // never closed: still too deep
    // The levels add up: a header's parts, a key's parts, brackets; positions shift with the front
    // matter and count characters.
    too_deep("title = \"å\"\n[t.u]\n\"ä\".v = 1\n\"ö\" = " + std::string(63, '[') + std::string(63, ']') + "\n",
             {5, 7 + 62}, 1);
    too_deep("[t" + repeat(".t", 63) + "]\nx = 1\n", {2, 1});
    too_deep("a = [1979-05-27 07:32:00, " + std::string(70, '[') + std::string(70, ']') + "]\n", {1, 27 + 63});

    // Exactly 64 levels are read, by the fast reader as by toml++; empty containers add none.
    read_alike("x = " + std::string(64, '[') + std::string(64, ']') + "\n");
    read_alike("x = " + std::string(63, '[') + "1" + std::string(63, ']') + "\n");
    read_alike("x = " + repeat("{b = ", 63) + "{}" + std::string(63, '}') + "\n");
    read_alike("[t" + repeat(".t", 61) + "]\nx = [[]]\n");
    read_alike("[[t" + repeat(".t", 62) + "]]\nx = 1\n[[t" + repeat(".t", 62) + "]]\nx = 2\n");
    TomlError error;
    CHECK(parse_toml("[t" + repeat(".t", 61) + "]\nx.y = 1\n", 0, error));
    // Brackets and dots in strings and comments are not nesting.
    const std::string brackets(5000, '[');
    CHECK(parse_toml("\"" + repeat("k.", 100) + "\" = 1\ns = \"" + brackets + "\"\nl = '" + brackets + "' # " +
                         brackets + "\nm = \"\"\"\n" + brackets + "\n\"\"\"\nn = '''" + brackets +
                         "\n'''\na = [ # " + brackets + "\n  \"]\", '}', \"\\\"[\",\n]\n",
                     0, error));
}
