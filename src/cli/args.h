// cli/args.h — the one argument parser of every command, and the command table's entry type.
// A command names its options once (name, value placeholder, help line); from that the parser
// accepts them, as `--name value` or `--name=value`, and the command's help lists them. `-h` or
// `--help` anywhere asks for the help; after `--` every argument is a word, even one starting
// with '-'. An unknown option is an error that suggests the nearest known one.
#pragma once

#include <iosfwd>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace samplan::cli {

struct Option {
    std::string_view name;   // "--content"
    std::string_view value;  // "DIR"; empty: a flag, which takes no value
    std::string_view help;   // for the command's help; a '\n' starts another line of it
};

struct Arguments;

// One command of `samplan`: what `samplan --help` lists, what `samplan NAME --help` prints (the
// usage, the description, the options, then `after`), and the function that runs it.
struct Command {
    const char* name;
    const char* summary;      // one line
    const char* usage;        // after "Usage: samplan "
    const char* description;  // paragraphs, each line ending in '\n'
    std::vector<Option> options;
    bool takes_words;         // whether arguments other than options are allowed (the command checks them)
    const char* after;        // help text after the options, or ""
    int (*run)(const Arguments& args, std::ostream& out, std::ostream& err);
};

// What a command was given.
struct Arguments {
    const Command* command = nullptr;
    std::vector<std::string> words;            // the arguments that are not options, in order
    std::map<std::string, std::string> given;  // option name → its value ("" for a flag)
    bool help = false;                         // -h or --help

    [[nodiscard]] bool has(std::string_view option) const { return given.count(std::string(option)) != 0; }
    [[nodiscard]] std::string value(std::string_view option, std::string fallback = "") const;
    // "samplan NAME", what its messages start with.
    [[nodiscard]] std::string who() const;
};

// Parses `args` (what follows the command's name) for `command`. Returns false with `error` set
// to the message (without "samplan NAME: ") when an option is unknown, lacks its value, or is a
// flag given one, or when a word comes to a command that takes none.
bool parse_arguments(const Command& command, std::span<const std::string> args, Arguments& out, std::string& error);

// `samplan NAME --help`.
std::string command_help(const Command& command);
// `samplan --help`: `intro`, the commands with their summaries, then `outro`.
std::string main_help(std::span<const Command> commands, std::string_view intro, std::string_view outro);

}  // namespace samplan::cli
