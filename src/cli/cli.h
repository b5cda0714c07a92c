// cli/cli.h — the samplan command line: finds the command in the table (commands.h), parses its
// arguments (args.h), runs it, and returns its exit code (build.h: 0 fine, 1 content errors,
// 2 usage or I/O errors, 128 + a stop signal).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace samplan::cli {

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace samplan::cli
