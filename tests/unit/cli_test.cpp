// cli/args.h: the one argument parser of every command; and the command table against the man
// page and the bash completion, which must name every command and option it has.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/args.h"
#include "cli/commands.h"

using namespace samplan::cli;

namespace {

int no_run(const Arguments&, std::ostream&, std::ostream&) { return 0; }

const Command kTool{"tool", "a tool", "tool [--content DIR] [--dry-run] WORDS", "Does things.\n",
                    {{"--content", "DIR", "the content folder"}, {"--dry-run", "", "write nothing"}}, true, "", no_run};

// Parses `args` for kTool; the error message, or "" when it parsed.
std::string parse(std::vector<std::string> args, Arguments& out) {
    std::string error;
    return parse_arguments(kTool, args, out, error) ? "" : error;
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEST_CASE("an option's value is taken as --opt=value and as --opt value, words are kept in order") {
    Arguments a;
    CHECK(parse({"a", "--content=x=y", "b", "--dry-run"}, a) == "");
    CHECK(a.value("--content") == "x=y");
    CHECK(a.has("--dry-run"));
    CHECK(a.words == std::vector<std::string>{"a", "b"});
    Arguments b;
    CHECK(parse({"--content", "--dry-run"}, b) == "");  // a value may start with '-'
    CHECK(b.value("--content") == "--dry-run");
    CHECK(!b.has("--dry-run"));
    CHECK(b.value("--missing", "fallback") == "fallback");
    Arguments empty;
    CHECK(parse({"--content="}, empty) == "");
    CHECK(empty.has("--content"));
    CHECK(empty.value("--content", "content") == "");
}

TEST_CASE("an unknown option is an error that suggests the nearest known one") {
    Arguments a;
    CHECK(parse({"--contnet", "x"}, a) == "unknown option '--contnet' (did you mean '--content'?)");
    CHECK(parse({"--dryrun"}, a) == "unknown option '--dryrun' (did you mean '--dry-run'?)");
    CHECK(parse({"--contnet=x"}, a) == "unknown option '--contnet' (did you mean '--content'?)");
    CHECK(parse({"-x"}, a) == "unknown option '-x' (known: '--content', '--dry-run', '--help')");
}

TEST_CASE("an option without its value, or a flag given one, is an error") {
    Arguments a;
    CHECK(parse({"x", "--content"}, a) == "--content needs a value");
    CHECK(parse({"--dry-run=yes"}, a) == "--dry-run takes no value");
}

TEST_CASE("-h and --help ask for the help wherever they are, after -- every argument is a word") {
    Arguments a;
    CHECK(parse({"x", "--help", "--unknown"}, a) == "");
    CHECK(a.help);
    Arguments b;
    CHECK(parse({"-h"}, b) == "");
    CHECK(b.help);
    Arguments c;
    CHECK(parse({"--dry-run", "--", "--help", "-x", "--content"}, c) == "");
    CHECK(!c.help);
    CHECK(c.has("--dry-run"));
    CHECK(!c.has("--content"));
    CHECK(c.words == std::vector<std::string>{"--help", "-x", "--content"});
    Arguments d;
    CHECK(parse({"-"}, d) == "");  // a lone '-' is a word
    CHECK(d.words == std::vector<std::string>{"-"});
}

TEST_CASE("a command that takes no words refuses one") {
    Command no_words = kTool;
    no_words.takes_words = false;
    Arguments a;
    std::string error;
    const std::vector<std::string> args = {"--dry-run", "stray"};
    CHECK(!parse_arguments(no_words, args, a, error));
    CHECK(error == "unexpected argument 'stray'");
}

TEST_CASE("a command's help lists its options from the table, aligned, with -h and --help") {
    CHECK(command_help(kTool) ==
          "Usage: samplan tool [--content DIR] [--dry-run] WORDS\n\n"
          "Does things.\n\n"
          "Options:\n"
          "  --content DIR   the content folder\n"
          "  --dry-run       write nothing\n"
          "  -h, --help      show this help\n");
    const auto build = std::find_if(commands().begin(), commands().end(),
                                    [](const Command& c) { return std::string(c.name) == "build"; });
    REQUIRE(build != commands().end());
    const std::string help = command_help(*build);
    // A label too long for the column stands on a line of its own; a help of two lines keeps its column.
    CHECK(help.find("  --search-timeout SECONDS\n                       stop Pagefind (search) after this long") !=
          std::string::npos);
    CHECK(help.find("  --drafts             publish drafts too (records with draft = true, plans with status\n"
                    "                       \"utkast\"), marked as drafts;") != std::string::npos);
    CHECK(main_help(commands(), "", "").find("  import     write indicator values from a CSV file") != std::string::npos);
}

TEST_CASE("the man page and the bash completion name every command of the table and its options") {
    const std::filesystem::path root = std::filesystem::path(SAMPLAN_EXAMPLE_CONTENT).parent_path();
    const std::string man = read_text(root / "docs/samplan.1");
    const std::string completion = read_text(root / "scripts/completion.bash");
    REQUIRE(!man.empty());
    REQUIRE(!completion.empty());
    std::string names;
    for (const auto& c : commands()) names += (names.empty() ? "" : " ") + std::string(c.name);
    CHECK(completion.find("local commands=\"" + names + "\"") != std::string::npos);
    for (const auto& c : commands()) {
        const std::string name = c.name;
        // The man page's synopsis: ".B samplan NAME…", its options on the line after it.
        const size_t synopsis = man.find("\n.B samplan " + name);
        REQUIRE_MESSAGE(synopsis != std::string::npos, name);
        const size_t line = man.find('\n', synopsis + 1) + 1;
        const std::string man_options = man.substr(line, man.find('\n', line) - line);
        CHECK_MESSAGE(man.find("\n.B " + name) != std::string::npos, name);  // its paragraph under COMMANDS
        // The completion's line for the command: "    NAME) options=\"…\"", or on a line after "    NAME)".
        const size_t at = completion.find("\n    " + name + ")");
        REQUIRE_MESSAGE(at != std::string::npos, name);
        const size_t from = completion.find("options=\"", at), to = completion.find('"', from + 9);
        REQUIRE(from != std::string::npos);
        const std::string listed = " " + completion.substr(from + 9, to - from - 9) + " ";
        CHECK_MESSAGE(listed.find(" --help ") != std::string::npos, name);
        for (const auto& o : c.options) {
            CHECK_MESSAGE(listed.find(" " + std::string(o.name) + " ") != std::string::npos, (name + " " + std::string(o.name)));
            std::string man_name;  // "--dry-run" as the man page writes it: \-\-dry\-run
            for (const char ch : o.name) man_name += ch == '-' ? std::string("\\-") : std::string(1, ch);
            CHECK_MESSAGE(man_options.find(man_name + "\\fR") != std::string::npos, (name + " " + std::string(o.name)));
        }
    }
}
