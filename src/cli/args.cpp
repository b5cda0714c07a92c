#include "cli/args.h"

#include <algorithm>

#include "core/text.h"

namespace samplan::cli {

std::string Arguments::value(std::string_view option, std::string fallback) const {
    const auto it = given.find(std::string(option));
    return it == given.end() ? fallback : it->second;
}

std::string Arguments::who() const { return std::string("samplan ") + (command ? command->name : ""); }

bool parse_arguments(const Command& command, std::span<const std::string> args, Arguments& out, std::string& error) {
    out.command = &command;
    bool options_ended = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (options_ended || arg.size() < 2 || arg[0] != '-') {
            if (!command.takes_words) {
                error = "unexpected argument " + quote(arg);
                return false;
            }
            out.words.push_back(arg);
            continue;
        }
        if (arg == "--") {
            options_ended = true;
            continue;
        }
        if (arg == "-h" || arg == "--help") {
            out.help = true;
            return true;
        }
        const size_t eq = arg.rfind("--", 0) == 0 ? arg.find('=') : std::string::npos;
        const std::string name = arg.substr(0, eq);
        const auto option = std::find_if(command.options.begin(), command.options.end(),
                                          [&](const Option& o) { return o.name == name; });
        if (option == command.options.end()) {
            std::vector<std::string> known;
            for (const auto& o : command.options) known.emplace_back(o.name);
            known.emplace_back("--help");
            error = "unknown option " + quote(name) + suggestion(name, known);
            return false;
        }
        if (option->value.empty()) {
            if (eq != std::string::npos) {
                error = name + " takes no value";
                return false;
            }
            out.given[name] = "";
        } else if (eq != std::string::npos) {
            out.given[name] = arg.substr(eq + 1);
        } else if (i + 1 < args.size()) {
            out.given[name] = args[++i];
        } else {
            error = name + " needs a value";
            return false;
        }
    }
    return true;
}

namespace {

// "  LABEL   help", the help's further lines under its first; a label too long for the column
// stands on a line of its own.
void list_row(std::string& out, const std::string& label, std::string_view help, size_t column) {
    out += "  " + label;
    if (label.size() + 2 >= column) out += "\n" + std::string(column, ' ');
    else out += std::string(column - label.size() - 2, ' ');
    for (size_t at = 0; at <= help.size();) {
        const size_t end = std::min(help.find('\n', at), help.size());
        if (at > 0) out += std::string(column, ' ');
        out.append(help.substr(at, end - at));
        out += '\n';
        at = end + 1;
    }
}

}  // namespace

std::string command_help(const Command& command) {
    constexpr size_t kWidest = 20;  // a longer label stands on a line of its own
    std::vector<std::pair<std::string, std::string_view>> rows;
    for (const auto& o : command.options)
        rows.emplace_back(std::string(o.name) + (o.value.empty() ? "" : " " + std::string(o.value)), o.help);
    rows.emplace_back("-h, --help", "show this help");
    size_t widest = 0;
    for (const auto& [label, help] : rows)
        if (label.size() <= kWidest) widest = std::max(widest, label.size());
    std::string out = std::string("Usage: samplan ") + command.usage + "\n\n" + command.description + "\nOptions:\n";
    for (const auto& [label, help] : rows) list_row(out, label, help, widest + 5);
    if (*command.after) out += std::string("\n") + command.after;
    return out;
}

std::string main_help(std::span<const Command> commands, std::string_view intro, std::string_view outro) {
    std::string out(intro);
    out += "Commands:\n";
    for (const auto& c : commands) list_row(out, c.name, c.summary, 13);
    return out + std::string(outro);
}

}  // namespace samplan::cli
