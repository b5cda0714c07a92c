// cli/cli.h — the samplan command line: parses arguments, runs the build stage (build/build.h),
// prints, and picks the exit code (build.h: 0 fine, 1 content errors, 2 usage or I/O errors).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace samplan::cli {

int run(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace samplan::cli
