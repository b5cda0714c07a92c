#include "cli/cli.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>

#include "build/build.h"
#include "cli/commands.h"
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

// ---------------------------------------------------------------------------------------------
// The options several commands share.

bool read_options(const Arguments& args, Options& out, std::ostream& err) {
    out.content = args.value("--content", "content");
    out.output = args.value("--output", "output");
    out.themes = args.value("--themes");
    out.format = args.value("--format", "text");
    out.quiet = args.has("--quiet");
    out.verbose = args.has("--verbose");
    out.drafts = args.has("--drafts");
    out.timings = args.has("--timings");
    const std::string who = args.who() + ": ";
    const auto number = [](const std::string& value, size_t digits) {
        return !value.empty() && value.size() <= digits && value.find_first_not_of("0123456789") == std::string::npos;
    };
    if (out.format != "text" && out.format != "json") {
        err << who << "--format is 'text' or 'json', not " << quote(out.format) << "\n";
        return false;
    }
    if (args.has("--today")) {
        const auto date = parse_iso_date(args.value("--today"));
        if (!date) {
            err << who << "--today needs a date YYYY-MM-DD, not " << quote(args.value("--today")) << "\n";
            return false;
        }
        out.today = *date;
    }
    if (args.has("--port")) {
        const std::string port = args.value("--port");
        if (!number(port, 5) || std::stoi(port) > 65535) {
            err << who << "--port needs a port number from 0 to 65535, not " << quote(port) << "\n";
            return false;
        }
        out.port = std::stoi(port);
    }
    if (args.has("--search-timeout")) {
        const std::string seconds = args.value("--search-timeout");
        if (!number(seconds, 7)) {
            err << who << "--search-timeout needs a number of seconds (0 for no limit), not " << quote(seconds) << "\n";
            return false;
        }
        out.search_timeout = std::stoi(seconds);
    }
    if (out.quiet && out.verbose) {
        err << who << "--quiet and --verbose exclude each other\n";
        return false;
    }
    std::error_code ec;
    if (!std::filesystem::is_directory(out.content, ec)) {
        err << who << "content folder " << quote(out.content) << " does not exist or is not a folder\n";
        return false;
    }
    return true;
}

// A file of the build's cache: beside the output folder, not in it, since what it holds (commit
// authors among it) is not all for the public site. `.samplan-cache/<output's name>/<name>`:
// "history.txt" the history cache (history.h), "records.bin" the parsed records (content/record_cache.h,
// kept beside the history cache by build::make_site), "stamp.txt" what the last successful build read
// and wrote (build/up_to_date.h), "pages.txt" the keys of the pages it wrote (build/build_site.h),
// "search.txt" what the output's search index was made from (publish::SearchOptions), "spare" the
// previous site kept for the next build and "spare.txt" its journal (publish::Spare), and, beside
// "pages.txt", "differences" the differences cache (history/versions_cache.h).
std::string cache_file(const std::string& output, const char* name) {
    const std::filesystem::path out = std::filesystem::path(output).lexically_normal();
    std::string folder = out.filename().string();
    if (folder.empty()) folder = out.parent_path().filename().string();
    return (out.parent_path() / ".samplan-cache" / folder / name).string();
}

namespace {

// The content folder as `check` and `history` read it: with its history, without a cache.
void load_and_check(const Options& options, build::Loaded& loaded) {
    const auto source = content::make_disk_source(options.content);
    build::load_and_check(*source, build::LoadOptions{options.today, true, true, options.content, "", false}, loaded);
}

void print_diagnostics(const build::Loaded& loaded, const Options& options, std::ostream& out, std::ostream& err) {
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

int check_command(const Arguments& args, std::ostream& out, std::ostream& err) {
    Options options;
    if (!read_options(args, options, err)) return build::kFailed;
    build::Loaded loaded;
    load_and_check(options, loaded);
    print_diagnostics(loaded, options, out, err);
    return loaded.diagnostics.has_errors() ? build::kContentErrors : build::kOk;
}

int history_command(const Arguments& args, std::ostream& out, std::ostream& err) {
    Options options;
    if (!read_options(args, options, err)) return build::kFailed;
    if (args.words.empty()) {
        err << "samplan history: which record? " << command_help(*args.command);
        return build::kFailed;
    }
    if (args.words.size() > 1) {
        err << "samplan history: one record at a time (" << quote(args.words[0]) << " and " << quote(args.words[1]) << ")\n";
        return build::kFailed;
    }
    // A path given from the working folder ("content/groups/…") is taken relative to the content.
    std::string record = args.words[0];
    const std::string prefix = std::filesystem::path(options.content).lexically_normal().generic_string() + "/";
    if (record.rfind(prefix, 0) == 0) record = record.substr(prefix.size());

    build::Loaded loaded;
    load_and_check(options, loaded);
    if (!loaded.history.available()) {
        err << "samplan history: " << (loaded.history.note().empty() ? "no history" : loaded.history.note()) << "\n";
        return build::kFailed;
    }
    const auto strings = build::load_strings(loaded.site, options.themes);
    const auto versions = history::record_versions(loaded.history, loaded.site, record);
    if (versions.empty()) {
        err << "samplan history: git knows no revision of " << quote(record) << "\n";
        return build::kFailed;
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
    return build::kOk;
}

int build_command(const Arguments& args, std::ostream& out, std::ostream& err) {
    Options options;
    if (!read_options(args, options, err)) return build::kFailed;
    // Before any thread starts: the stop signals are blocked in every thread but the one that
    // waits for them. Until the staging folder is made, there is nothing to undo: a signal ends
    // the build at once (with the history and record caches' temporary files, should it be writing them).
    handle_stop_signals();
    std::optional<StopAtOnce> reading(
        std::in_place, "samplan: stopped; " + quote(options.output) + " is unchanged\n",
        std::vector<std::string>{cache_file(options.output, "history.txt") + ".tmp-" + std::to_string(::getpid()),
                                 cache_file(options.output, "records.bin") + ".tmp-" + std::to_string(::getpid())});
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
    request.settings.spare = cache_file(options.output, "spare");
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
        return build::kOk;
    }
    if (rc == build::kContentErrors) {
        err << "samplan: the site was not built; " << quote(options.output) << " is unchanged\n";
        return build::kContentErrors;
    }
    if (options.timings) err << report.timings.report() << "\n";
    if (rc == build::kOk && report.swapped_then_stopped) {
        err << "samplan: stopped after the new site was swapped in; " << quote(options.output)
            << " holds the new site, complete\n";
        return stopped_exit_code();
    }
    if (rc == build::kOk && !options.quiet)
        err << "samplan: wrote " << report.pages << " pages and " << report.files << " files to "
            << quote(options.output) << "\n";
    return rc;
}

int serve_command(const Arguments& args, std::ostream& out, std::ostream& err) {
    Options options;
    if (!read_options(args, options, err)) return build::kFailed;
    return serve::serve(serve::ServeSettings{options.content, options.themes, options.port}, out, err);
}

// ---------------------------------------------------------------------------------------------
// The commands.

constexpr Option kContent{"--content", "DIR", "the content folder (default: content)"};
constexpr Option kThemes{"--themes", "DIR", "the folder holding themes (default: themes/ here, else the built-in theme)"};

const Command kCommands[] = {
    {"check", "load every record of the content folder and check it against the rules",
     "check [--content DIR] [--format text|json] [--today YYYY-MM-DD]",
     "Loads all records under the content folder and runs every rule of the content model.\n"
     "Prints one line per problem, sorted by file and line:\n"
     "  path:line:column: error|warning: message [rule]\n",
     {kContent,
      {"--format", "text|json", "text lines (default) or a JSON array for CI tools"},
      {"--today", "DATE", "check the time-based rules as of DATE instead of today"}},
     false, "", check_command},
    {"build", "check, then publish the whole static site into the output folder",
     "build [--content DIR] [--output DIR] [--themes DIR] [--today YYYY-MM-DD] [--format text|json] [--drafts] "
     "[--search-timeout SECONDS] "
     "[--timings] [--quiet | --verbose]",
     "Checks the content (as samplan check does) and, when there is no error, publishes the whole\n"
     "static site. The site is written into a temporary folder that replaces the output folder only\n"
     "when everything succeeded: after an error the previous site is left as it was.\n",
     {kContent,
      {"--output", "DIR", "the output folder (default: output)"},
      kThemes,
      {"--today", "DATE", "check and date the site as of DATE instead of today"},
      {"--format", "text|json", "how diagnostics are printed"},
      {"--drafts", "", "publish drafts too (records with draft = true, plans with status\n"
                       "\"utkast\"), marked as drafts; without it they are left out everywhere"},
      {"--search-timeout", "SECONDS", "stop Pagefind (search) after this long: the site is then published\n"
                                      "without search (default 600; 0: no limit)"},
      {"--timings", "", "print the time each stage of the build took"},
      {"--quiet", "", "print only diagnostics and errors"},
      {"--verbose", "", "print each stage's details: counts, files written and kept, time"}},
     false,
     "On a terminal the build shows its stage and a progress bar on standard error; when standard\n"
     "error is not a terminal (a CI log) it prints one line as each stage starts and ends.\n"
     "SIGTERM, SIGINT or SIGHUP stop the build within a second: Pagefind is ended, the temporary\n"
     "folder removed, the output folder left as it was, and the exit status is 128 + the signal.\n",
     build_command},
    {"history", "print a record's revisions and what changed in each, from git", "history PATH [--content DIR] [--themes DIR]",
     "Prints the revisions of one record (PATH relative to the content folder, e.g.\n"
     "groups/uddevalla/plans/2026/activities/sip.md) from git, newest first, with what changed in each:\n"
     "for plans and activities in the content model's own words, text changes as [-deleted-]{+inserted+}.\n",
     {kContent, {"--themes", "DIR", "where the theme's UI strings are (default: themes/ here, else the built-in theme)"}},
     true, "", history_command},
    {"new", "create a group, plan, activity or evaluation with every key, commented", "new KIND IDS… [--content DIR]",
     "  samplan new group ID                  groups/ID/group.toml\n"
     "  samplan new plan GROUP ID             groups/GROUP/plans/ID/plan.toml\n"
     "  samplan new activity GROUP PLAN ID    groups/GROUP/plans/PLAN/activities/ID.md\n"
     "  samplan new evaluation GROUP ID       groups/GROUP/evaluations/ID.md\n\n"
     "Writes the record with every key of the content model, commented in Swedish, with today's dates\n"
     "and the references that can be known (principals, process, focus area) filled in. Never\n"
     "overwrites a file. Ids are 1 to 64 of a-z, 0-9 and '-'. A group.toml or plan.toml starts with\n"
     "a '#:schema' line naming its JSON Schema (when schemas/ lies beside the content folder), so that\n"
     "editors with Taplo validate and complete it while typing.\n",
     {kContent}, true, "", new_command},
    {"import", "write indicator values from a CSV file into the records (import values FILE.csv)",
     "import values FILE.csv [--content DIR] [--dry-run]", kImportDescription,
     {kContent, {"--dry-run", "", "print what would be added and changed; write nothing"}}, true,
     "Exit status: 0 done (or nothing to do), 1 problems in the CSV or the content, 2 usage or I/O errors.\n",
     import_command},
    {"serve", "preview the site with its drafts on 127.0.0.1, rebuilt and reloaded on every change",
     "serve [--content DIR] [--port N] [--themes DIR]",
     "Builds the site with its drafts (marked \"Utkast\") and shows it at http://127.0.0.1:PORT/ while\n"
     "you edit. When a file of the content folder or of the theme changes, the site is rebuilt and open\n"
     "pages reload by themselves. When the content has an error, the pages show its diagnostics over\n"
     "the last version that built, until the error is fixed.\n\n"
     "It also prints the address of the editor (/_edit/?token=…): forms for groups, plans, activities\n"
     "and evaluations, checked while you type, saved into the record's file and committed to git.\n\n"
     "The site is built into .samplan-cache/serve/ beside the content folder, never into the output\n"
     "folder. Only this computer can open the address. Ctrl-C stops it.\n",
     {kContent, {"--port", "N", "the port (default: 1313; 0 picks a free one)"}, kThemes}, false, "", serve_command},
    {"init", "create a new content repository (samplan init [DIR]), with CI files", "init [DIR]", kInitDescription, {},
     true, "", init_command},
    {"cms", "write the hosted editor (Decap CMS configured from the content model) for GitHub or GitLab",
     "cms [--content DIR] [--output DIR] --backend github|gitlab --repo OWNER/NAME [--branch B] [--app-id ID] "
     "[--auth-url URL] [--site-url URL] [--script URL] [--toml URL] [--review]",
     kCmsDescription,
     {kContent,
      {"--output", "DIR", "where config.yml, index.html and samplan-cms.js are written (default: admin)"},
      {"--backend", "NAME", "github (default), gitlab, or test-repo (in memory, for tests)"},
      {"--repo", "OWNER/NAME", "the repository holding the content"},
      {"--branch", "NAME", "the branch staff save to (default: main)"},
      {"--content-path", "PATH", "the content folder's path inside the repository (default: as --content)"},
      {"--app-id", "ID", "GitLab: the id of the OAuth application staff sign in with (PKCE)"},
      {"--auth-url", "URL", "GitHub: the address of the OAuth relay; GitLab: a self-hosted GitLab's address"},
      {"--site-url", "URL", "the published site's address, for the CMS's links"},
      {"--script", "URL", "Decap CMS's script as index.html loads it (default: decap-cms.js, beside it)"},
      {"--toml", "URL", "smol-toml's module as samplan-cms.js imports it (default: ./smol-toml/index.js)"},
      {"--review", "", "every save opens a merge (pull) request instead of committing to the branch"},
      {"--today", "DATE", "load the content as of DATE instead of today"}},
     false, "", cms_command},
    {"theme", "write the built-in theme into content/theme/ for customising", "theme [--content DIR]",
     "Writes the theme built into samplan (templates/, assets/ and i18n/) into DIR/theme/ (default:\n"
     "content/theme/), where a site overrides its theme file by file: change what you need, and delete\n"
     "the files you did not change, so that they keep following samplan's own theme as it is updated.\n"
     "Files that are already there are kept as they are.\n",
     {kContent}, false, "", theme_command},
};

constexpr std::string_view kIntro = "samplan — publishes the action plans of local collaboration groups\n\n"
                                    "Usage: samplan COMMAND [OPTIONS]\n\n";
constexpr std::string_view kOutro =
    "\nOptions:\n"
    "  -h, --help     show this help (samplan COMMAND --help for a command, or samplan help COMMAND)\n"
    "  --version      print the version\n\n"
    "Exit status: 0 no errors (warnings allowed), 1 content errors, 2 usage or I/O errors.\n";

}  // namespace

std::span<const Command> commands() { return kCommands; }

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    try {
        const std::string help = main_help(kCommands, kIntro, kOutro);
        if (args.empty()) {
            err << help;
            return build::kFailed;
        }
        std::string name = args[0];
        std::vector<std::string> rest(args.begin() + 1, args.end());
        if (name == "help" && !rest.empty()) {  // samplan help COMMAND: samplan COMMAND --help
            name = rest[0];
            rest = {"--help"};
        } else if (name == "-h" || name == "--help" || name == "help") {
            out << help;
            return build::kOk;
        }
        if (name == "--version") {
            out << "samplan " << SAMPLAN_VERSION << "\n";
            return build::kOk;
        }
        const auto* command = std::find_if(std::begin(kCommands), std::end(kCommands),
                                           [&](const Command& c) { return name == c.name; });
        if (command == std::end(kCommands)) {
            std::vector<std::string> names;
            for (const auto& c : kCommands) names.emplace_back(c.name);
            err << "samplan: unknown command " << quote(name) << suggestion(name, names) << "\n"
                << "Run 'samplan --help' for the commands.\n";
            return build::kFailed;
        }
        Arguments parsed;
        std::string error;
        if (!parse_arguments(*command, rest, parsed, error)) {
            err << "samplan " << command->name << ": " << error << "\n";
            return build::kFailed;
        }
        if (parsed.help) {
            out << command_help(*command);
            return build::kOk;
        }
        return command->run(parsed, out, err);
    } catch (const std::exception& e) {
        err << "samplan: internal error: " << e.what() << "\n";
        return build::kFailed;
    }
}

}  // namespace samplan::cli
