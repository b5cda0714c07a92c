// cli/commands.h — the functions of the command table (cli.cpp), one per command, and what they
// share. Each gets its parsed arguments (args.h), calls a stage (build/, serve/), prints, and
// returns the exit code (build.h). A new command is a function here and a row of the table.
#pragma once

#include <iosfwd>
#include <span>
#include <string>

#include "cli/args.h"
#include "core/date.h"

namespace samplan::cli {

// The table of commands, in the order `samplan --help` lists them.
std::span<const Command> commands();

// The options that check, build, history, serve and import share, with their defaults.
struct Options {
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

// Reads and checks the options given (a date, a port, …; the content folder must exist). Returns
// false after printing why.
bool read_options(const Arguments& args, Options& out, std::ostream& err);

int import_command(const Arguments& args, std::ostream& out, std::ostream& err);
int new_command(const Arguments& args, std::ostream& out, std::ostream& err);
int init_command(const Arguments& args, std::ostream& out, std::ostream& err);
int cms_command(const Arguments& args, std::ostream& out, std::ostream& err);
// A file of the build's cache for the output folder `output` (cli.cpp): `.samplan-cache/<output's
// name>/<name>` beside it.
std::string cache_file(const std::string& output, const char* name);
int theme_command(const Arguments& args, std::ostream& out, std::ostream& err);

extern const char* const kImportDescription;
extern const char* const kInitDescription;
extern const char* const kCmsDescription;

}  // namespace samplan::cli
