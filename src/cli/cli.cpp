#include "cli/cli.h"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>

#include "check/check.h"
#include "content/content.h"
#include "core/text.h"
#include "history/history.h"
#include "model/build.h"

#ifndef SAMPLAN_VERSION
#define SAMPLAN_VERSION "0.0.0"
#endif

namespace samplan::cli {
namespace {

constexpr int kOk = 0;
constexpr int kContentErrors = 1;
constexpr int kUsage = 2;

constexpr const char* kMainHelp = R"(samplan — publishes the action plans of local collaboration groups

Usage: samplan COMMAND [OPTIONS]

Commands:
  check      load every record of the content folder and check it against the rules

Options:
  -h, --help     show this help (samplan COMMAND --help for a command)
  --version      print the version

Exit status: 0 no errors (warnings allowed), 1 content errors, 2 usage or I/O errors.
)";

constexpr const char* kCheckHelp = R"(Usage: samplan check [--content DIR] [--format text|json] [--today YYYY-MM-DD]

Loads all records under the content folder and runs every rule of the content model.
Prints one line per problem, sorted by file and line:
  path:line:column: error|warning: message [rule]

Options:
  --content DIR        the content folder (default: content)
  --format text|json   text lines (default) or a JSON array for CI tools
  --today DATE         check the time-based rules as of DATE instead of today
  -h, --help           show this help
)";

struct CheckArgs {
    std::string content = "content";
    std::string format = "text";
    Date today = today_local();
};

// Parses `--name value` and `--name=value` options; returns false after printing a usage error.
bool parse_check_args(const std::vector<std::string>& args, CheckArgs& out, std::ostream& err, bool& help) {
    const std::vector<std::string> known = {"--content", "--format", "--today", "--help"};
    for (size_t i = 1; i < args.size(); ++i) {
        std::string name = args[i], value;
        if (name == "-h" || name == "--help") {
            help = true;
            return true;
        }
        const auto eq = name.find('=');
        const bool inline_value = eq != std::string::npos && name.rfind("--", 0) == 0;
        if (inline_value) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (name != "--content" && name != "--format" && name != "--today") {
            err << "samplan check: unknown option " << quoted(name) << suggestion(name, known) << "\n";
            return false;
        }
        if (!inline_value) {
            if (i + 1 >= args.size()) {
                err << "samplan check: " << name << " needs a value\n";
                return false;
            }
            value = args[++i];
        }
        if (name == "--content") {
            out.content = value;
        } else if (name == "--format") {
            if (value != "text" && value != "json") {
                err << "samplan check: --format is 'text' or 'json', not " << quoted(value) << "\n";
                return false;
            }
            out.format = value;
        } else {
            const auto date = parse_iso_date(value);
            if (!date) {
                err << "samplan check: --today needs a date YYYY-MM-DD, not " << quoted(value) << "\n";
                return false;
            }
            out.today = *date;
        }
    }
    return true;
}

int check_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    CheckArgs options;
    bool help = false;
    if (!parse_check_args(args, options, err, help)) return kUsage;
    if (help) {
        out << kCheckHelp;
        return kOk;
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(options.content, ec)) {
        err << "samplan check: content folder " << quoted(options.content) << " does not exist or is not a folder\n";
        return kUsage;
    }

    // The pipeline up to the checks: content → model → history → check.
    Diagnostics diagnostics;
    const auto source = content::make_disk_source(options.content);
    const auto records = content::load_records(*source, diagnostics);
    const model::Site site = model::build_model(records, diagnostics);
    const history::History history = history::read_history(options.content);
    check::run_checks(site, check::CheckOptions{options.today, &history}, diagnostics);
    diagnostics.sort();

    if (options.format == "json") {
        out << format_json(diagnostics.all());
    } else {
        for (const auto& d : diagnostics.all()) out << format_text(d) << "\n";
    }
    if (!history.note().empty()) err << "samplan: note: " << history.note() << "\n";
    err << "samplan: " << diagnostics.error_count() << (diagnostics.error_count() == 1 ? " error, " : " errors, ")
        << diagnostics.warning_count() << (diagnostics.warning_count() == 1 ? " warning" : " warnings") << " in "
        << std::count_if(records.begin(), records.end(), [](const content::Record& r) { return r.readable; })
        << " records\n";
    return diagnostics.has_errors() ? kContentErrors : kOk;
}

}  // namespace

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    try {
        if (args.empty()) {
            err << kMainHelp;
            return kUsage;
        }
        const std::string& command = args[0];
        if (command == "-h" || command == "--help" || command == "help") {
            out << kMainHelp;
            return kOk;
        }
        if (command == "--version") {
            out << "samplan " << SAMPLAN_VERSION << "\n";
            return kOk;
        }
        if (command == "check") return check_command(args, out, err);
        err << "samplan: unknown command " << quoted(command) << suggestion(command, {"check"}) << "\n"
            << "Run 'samplan --help' for the commands.\n";
        return kUsage;
    } catch (const std::exception& e) {
        err << "samplan: internal error: " << e.what() << "\n";
        return kUsage;
    }
}

}  // namespace samplan::cli
