#include "cli/cli.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "build/build.h"
#include "cli/import_values.h"
#include "cli/init.h"
#include "cli/new_record.h"
#include "cli/progress.h"
#include "content/content.h"
#include "core/stop.h"
#include "core/stop_signals.h"
#include "core/text.h"
#include "history/history.h"
#include "history/versions.h"
#include "serve/serve.h"
#include "site/site.h"

#ifndef SAMPLAN_VERSION
#define SAMPLAN_VERSION "0.0.0"
#endif

namespace samplan::cli {
namespace {

using build::kContentErrors;
using build::kOk;
constexpr int kUsage = build::kFailed;

constexpr const char* kMainHelp = R"(samplan — publishes the action plans of local collaboration groups

Usage: samplan COMMAND [OPTIONS]

Commands:
  check      load every record of the content folder and check it against the rules
  build      check, then publish the whole static site into the output folder
  history    print a record's revisions and what changed in each, from git
  new        create a group, plan, activity or evaluation with every key, commented
  import     write indicator values from a CSV file into the records (import values FILE.csv)
  serve      preview the site with its drafts on 127.0.0.1, rebuilt and reloaded on every change
  init       create a new content repository (samplan init [DIR]), with CI files
  theme      write the built-in theme into content/theme/ for customising

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

constexpr const char* kBuildHelp = R"(Usage: samplan build [--content DIR] [--output DIR] [--themes DIR] [--today YYYY-MM-DD] [--drafts] [--search-timeout SECONDS] [--timings] [--quiet | --verbose]

Checks the content (as samplan check does) and, when there is no error, publishes the whole
static site. The site is written into a temporary folder that replaces the output folder only
when everything succeeded: after an error the previous site is left as it was.

Options:
  --content DIR        the content folder (default: content)
  --output DIR         the output folder (default: output)
  --themes DIR         the folder holding themes (default: themes/ here, else the built-in theme)
  --today DATE         check and date the site as of DATE instead of today
  --format text|json   how diagnostics are printed
  --drafts             publish drafts too (records with draft = true, plans with status
                       "utkast"), marked as drafts; without it they are left out everywhere
  --search-timeout SECONDS
                       stop Pagefind (search) after this long: the site is then published
                       without search (default 600; 0: no limit)
  --timings            print the time each stage of the build took
  --quiet              print only diagnostics and errors
  --verbose            print each stage's details: counts, files written and kept, time

On a terminal the build shows its stage and a progress bar on standard error; when standard
error is not a terminal (a CI log) it prints one line as each stage starts and ends.
SIGTERM, SIGINT or SIGHUP stop the build within a second: Pagefind is ended, the temporary
folder removed, the output folder left as it was, and the exit status is 128 + the signal.
  -h, --help           show this help
)";

struct Args {
    std::string content = "content";
    std::string output = "output";
    std::string format = "text";
    std::string themes;
    Date today = today_local();
    bool quiet = false;
    bool verbose = false;
    bool drafts = false;
    bool timings = false;
    int port = 1313;
    int search_timeout = 600;  // seconds; 0: no limit
};

// Parses `--name value` and `--name=value` options of `command`; `allowed` lists the options
// that take a value, `flags` those that do not. Returns false after printing a usage error.
bool parse_args(const std::vector<std::string>& args, const std::vector<std::string>& allowed,
                const std::vector<std::string>& flags, Args& out, std::ostream& err, bool& help) {
    const std::string command = "samplan " + args[0];
    std::vector<std::string> known = allowed;
    known.insert(known.end(), flags.begin(), flags.end());
    known.push_back("--help");
    for (size_t i = 1; i < args.size(); ++i) {
        std::string name = args[i], value;
        if (name == "-h" || name == "--help") {
            help = true;
            return true;
        }
        if (std::find(flags.begin(), flags.end(), name) != flags.end()) {
            if (name == "--quiet") out.quiet = true;
            if (name == "--verbose") out.verbose = true;
            if (name == "--drafts") out.drafts = true;
            if (name == "--timings") out.timings = true;
            continue;
        }
        const auto eq = name.find('=');
        const bool inline_value = eq != std::string::npos && name.rfind("--", 0) == 0;
        if (inline_value) {
            value = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            err << command << ": unknown option " << quote(name) << suggestion(name, known) << "\n";
            return false;
        }
        if (!inline_value) {
            if (i + 1 >= args.size()) {
                err << command << ": " << name << " needs a value\n";
                return false;
            }
            value = args[++i];
        }
        if (name == "--content") {
            out.content = value;
        } else if (name == "--output") {
            out.output = value;
        } else if (name == "--themes") {
            out.themes = value;
        } else if (name == "--format") {
            if (value != "text" && value != "json") {
                err << command << ": --format is 'text' or 'json', not " << quote(value) << "\n";
                return false;
            }
            out.format = value;
        } else if (name == "--today") {
            const auto date = parse_iso_date(value);
            if (!date) {
                err << command << ": --today needs a date YYYY-MM-DD, not " << quote(value) << "\n";
                return false;
            }
            out.today = *date;
        } else if (name == "--port") {
            const bool digits = !value.empty() && value.size() <= 5 && value.find_first_not_of("0123456789") == std::string::npos;
            if (!digits || std::stoi(value) > 65535) {
                err << command << ": --port needs a port number from 0 to 65535, not " << quote(value) << "\n";
                return false;
            }
            out.port = std::stoi(value);
        } else if (name == "--search-timeout") {
            const bool digits = !value.empty() && value.size() <= 7 && value.find_first_not_of("0123456789") == std::string::npos;
            if (!digits) {
                err << command << ": --search-timeout needs a number of seconds (0 for no limit), not " << quote(value) << "\n";
                return false;
            }
            out.search_timeout = std::stoi(value);
        }
    }
    if (out.quiet && out.verbose) {
        err << command << ": --quiet and --verbose exclude each other\n";
        return false;
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(out.content, ec)) {
        err << command << ": content folder " << quote(out.content) << " does not exist or is not a folder\n";
        return false;
    }
    return true;
}

// A file of the build's cache: beside the output folder, not in it, since what it holds (commit
// authors among it) is not all for the public site. `.samplan-cache/<output's name>/<name>`:
// "history.txt" the history cache (history.h), "stamp.txt" what the last successful build read
// and wrote (build/up_to_date.h), "pages.txt" the keys of the pages it wrote (build/build_site.h),
// "search.txt" what the output's search index was made from (publish::SearchOptions).
std::string cache_file(const std::string& output, const char* name) {
    const std::filesystem::path out = std::filesystem::path(output).lexically_normal();
    std::string folder = out.filename().string();
    if (folder.empty()) folder = out.parent_path().filename().string();
    return (out.parent_path() / ".samplan-cache" / folder / name).string();
}

// The content folder as `check` and `history` read it: with its history, without a cache.
void load_and_check(const Args& options, build::Loaded& loaded) {
    const auto source = content::make_disk_source(options.content);
    build::load_and_check(*source, build::LoadOptions{options.today, true, true, options.content, "", false}, loaded);
}

void print_diagnostics(const build::Loaded& loaded, const Args& options, std::ostream& out, std::ostream& err) {
    if (options.format == "json") {
        out << format_json(loaded.diagnostics.all());
    } else {
        for (const auto& d : loaded.diagnostics.all()) out << format_text(d) << "\n";
    }
    if (options.quiet && !loaded.diagnostics.has_errors()) return;
    if (!loaded.history.note().empty()) err << "samplan: note: " << loaded.history.note() << "\n";
    const size_t errors = loaded.diagnostics.error_count(), warnings = loaded.diagnostics.warning_count();
    err << "samplan: " << errors << (errors == 1 ? " error, " : " errors, ") << warnings
        << (warnings == 1 ? " warning" : " warnings") << " in "
        << loaded.records << " records\n";
}

int check_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Args options;
    bool help = false;
    if (!parse_args(args, {"--content", "--format", "--today"}, {}, options, err, help)) return kUsage;
    if (help) {
        out << kCheckHelp;
        return kOk;
    }
    build::Loaded loaded;
    load_and_check(options, loaded);
    print_diagnostics(loaded, options, out, err);
    return loaded.diagnostics.has_errors() ? kContentErrors : kOk;
}

constexpr const char* kHistoryHelp = R"(Usage: samplan history PATH [--content DIR] [--themes DIR]

Prints the revisions of one record (PATH relative to the content folder, e.g.
groups/uddevalla/plans/2026/activities/sip.md) from git, newest first, with what changed in each:
for plans and activities in the content model's own words, text changes as [-deleted-]{+inserted+}.

Options:
  --content DIR   the content folder (default: content)
  --themes DIR    where the theme's UI strings are (default: themes/ here, else the built-in theme)
  -h, --help      show this help
)";

int history_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    // The one positional argument is the record's path; the rest are options.
    std::vector<std::string> option_args = {args[0]};
    std::string record;
    for (size_t i = 1; i < args.size(); ++i) {
        if (args[i].rfind("-", 0) == 0) {
            option_args.push_back(args[i]);
            if (args[i].find('=') == std::string::npos && args[i] != "-h" && args[i] != "--help" && i + 1 < args.size())
                option_args.push_back(args[++i]);
        } else if (record.empty()) {
            record = args[i];
        } else {
            err << "samplan history: one record at a time (" << quote(record) << " and " << quote(args[i]) << ")\n";
            return kUsage;
        }
    }
    Args options;
    bool help = false;
    if (!parse_args(option_args, {"--content", "--themes"}, {}, options, err, help)) return kUsage;
    if (help) {
        out << kHistoryHelp;
        return kOk;
    }
    if (record.empty()) {
        err << "samplan history: which record? " << kHistoryHelp;
        return kUsage;
    }
    // A path given from the working folder ("content/groups/…") is taken relative to the content.
    const std::string prefix = std::filesystem::path(options.content).lexically_normal().generic_string() + "/";
    if (record.rfind(prefix, 0) == 0) record = record.substr(prefix.size());

    build::Loaded loaded;
    load_and_check(options, loaded);
    if (!loaded.history.available()) {
        err << "samplan history: " << (loaded.history.note().empty() ? "no history" : loaded.history.note()) << "\n";
        return kUsage;
    }
    const auto strings = build::load_strings(loaded.site, options.themes);
    std::vector<history::RecordVersion> versions;
    bool found = false;
    for (const auto& g : loaded.site.groups)
        for (const auto& p : g.plans) {
            if (p.path == record) {
                versions = history::plan_versions(loaded.history, p.path, g.id, p.id);
                found = true;
            }
            for (const auto& a : p.activities)
                if (a.path == record) {
                    versions = history::activity_versions(loaded.history, a.path, g.id, p.id, a.id);
                    found = true;
                }
        }
    if (!found)
        for (const auto& fr : loaded.history.file_revisions(record)) {
            history::RecordVersion v;
            v.revision = fr.revision;
            v.change = fr.kind;
            v.path = fr.path;
            versions.push_back(std::move(v));
        }
    if (versions.empty()) {
        err << "samplan history: git knows no revision of " << quote(record) << "\n";
        return kUsage;
    }
    out << record << ": " << versions.size() << (versions.size() == 1 ? " revision" : " revisions") << "\n";
    for (const auto& v : versions) {
        const auto& rev = loaded.history.revisions().at(v.revision);
        out << rev.date.iso() << "  " << rev.short_id << "  " << rev.summary << " (" << rev.author << ")\n";
        if (v.change == history::ChangeKind::Added) out << "    " << strings.get("history_created") << "\n";
        if (v.change == history::ChangeKind::Deleted) out << "    " << strings.get("history_deleted") << "\n";
        if (v.change == history::ChangeKind::Renamed) out << "    " << strings.get("history_renamed") << " (" << v.path << ")\n";
        for (const auto& d : v.differences) {
            out << "    " << site::describe_difference(d, strings);
            if (!d.words.empty()) {
                out << ": ";
                for (const auto& w : d.words) {
                    std::string text = w.text;
                    std::replace(text.begin(), text.end(), '\n', ' ');
                    if (w.kind == history::WordRun::Kind::Inserted) out << "{+" << text << "+}";
                    else if (w.kind == history::WordRun::Kind::Deleted) out << "[-" << text << "-]";
                    else out << text;
                }
            }
            out << "\n";
        }
    }
    return kOk;
}

int build_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Args options;
    bool help = false;
    if (!parse_args(args, {"--content", "--output", "--today", "--themes", "--format", "--search-timeout"},
                    {"--quiet", "--verbose", "--drafts", "--timings"}, options, err, help))
        return kUsage;
    if (help) {
        out << kBuildHelp;
        return kOk;
    }
    // Before any thread starts: the stop signals are blocked in every thread but the one that
    // waits for them. Until the staging folder is made, there is nothing to undo: a signal ends
    // the build at once (with the history cache's temporary file, should it be writing it).
    handle_stop_signals();
    std::optional<StopAtOnce> reading(std::in_place, "samplan: stopped; " + quote(options.output) + " is unchanged\n",
                                      std::vector<std::string>{cache_file(options.output, "history.txt") + ".tmp-" +
                                                               std::to_string(::getpid())});
    build::BuildReport report;
    Progress progress(err, options.quiet ? Verbosity::Quiet : options.verbose ? Verbosity::Verbose : Verbosity::Normal,
                      &err == &std::cerr && stderr_is_terminal());
    report.timings.attach(&progress);
    std::error_code ec;
    build::SiteRequest request;
    request.settings = build::BuildSettings{options.content, options.output, options.themes, options.today,
                                            options.quiet,   options.drafts, {}};
    request.settings.search_stamp = cache_file(options.output, "search.txt");
    request.settings.search_time_limit = std::chrono::seconds(options.search_timeout);
    request.settings.page_keys_file = cache_file(options.output, "pages.txt");
    request.history_cache = cache_file(options.output, "history.txt");
    request.stamp_file = cache_file(options.output, "stamp.txt");
    request.stamp_options = "today " + options.today.iso() + (options.drafts ? " drafts" : "") + " format " + options.format +
                            " output " + std::filesystem::absolute(options.output, ec).lexically_normal().string();
    build::SiteHooks hooks;
    hooks.up_to_date = [&](const std::string& previous) {
        out << previous;  // that build's diagnostics, as they were
    };
    hooks.checked = [&](const build::Loaded& loaded) {
        if (!options.quiet && loaded.history.available())
            err << "samplan: history: " << loaded.history.commits_read()
                << (loaded.history.commits_read() == 1 ? " commit read, " : " commits read, ")
                << loaded.history.commits_from_cache() << " from the cache\n";
        std::ostringstream diagnostics_text;
        print_diagnostics(loaded, options, diagnostics_text, err);
        out << diagnostics_text.str();
        return diagnostics_text.str();
    };
    hooks.publishing = [&] {
        out.flush();
        // From here on a signal asks the build to stop at its next step (build::publish_site).
        reading.reset();
    };
    const int rc = build::make_site(std::move(request), hooks, report, err);
    if (report.up_to_date) {
        if (options.timings) err << report.timings.report() << "\n";
        if (!options.quiet)
            err << "samplan: nothing changed since the last build; " << quote(options.output) << " is up to date\n";
        return kOk;
    }
    if (rc == kContentErrors) {
        err << "samplan: the site was not built; " << quote(options.output) << " is unchanged\n";
        return kContentErrors;
    }
    if (options.timings) err << report.timings.report() << "\n";
    if (rc == kOk && report.swapped_then_stopped) {
        err << "samplan: stopped after the new site was swapped in; " << quote(options.output)
            << " holds the new site, complete\n";
        return stopped_exit_code();
    }
    if (rc == kOk && !options.quiet)
        err << "samplan: wrote " << report.pages << " pages and " << report.files << " files to "
            << quote(options.output) << "\n";
    return rc;
}

constexpr const char* kServeHelp = R"(Usage: samplan serve [--content DIR] [--port N] [--themes DIR]

Builds the site with its drafts (marked "Utkast") and shows it at http://127.0.0.1:PORT/ while
you edit. When a file of the content folder or of the theme changes, the site is rebuilt and open
pages reload by themselves. When the content has an error, the pages show its diagnostics over
the last version that built, until the error is fixed.

The site is built into .samplan-cache/serve/ beside the content folder, never into the output
folder. Only this computer can open the address. Ctrl-C stops it.

Options:
  --content DIR   the content folder (default: content)
  --port N        the port (default: 1313; 0 picks a free one)
  --themes DIR    the folder holding themes (default: themes/ here, else the built-in theme)
  -h, --help      show this help
)";

int serve_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    Args options;
    bool help = false;
    if (!parse_args(args, {"--content", "--port", "--themes"}, {}, options, err, help)) return kUsage;
    if (help) {
        out << kServeHelp;
        return kOk;
    }
    return serve::serve(serve::ServeSettings{options.content, options.themes, options.port}, out, err);
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
        if (command == "build") return build_command(args, out, err);
        if (command == "history") return history_command(args, out, err);
        if (command == "new") return new_command(args, out, err);
        if (command == "import") return import_command(args, out, err);
        if (command == "serve") return serve_command(args, out, err);
        if (command == "init") return init_command(args, out, err);
        if (command == "theme") return theme_command(args, out, err);
        err << "samplan: unknown command " << quote(command) << suggestion(command, {"check", "build", "history", "new", "import", "serve", "init", "theme"}) << "\n"
            << "Run 'samplan --help' for the commands.\n";
        return kUsage;
    } catch (const std::exception& e) {
        err << "samplan: internal error: " << e.what() << "\n";
        return kUsage;
    }
}

}  // namespace samplan::cli
