// cli/import_values.h — `samplan import values FILE.csv`: indicator values from a spreadsheet
// into the records that hold them, editing only the `values` arrays and keeping everything
// else of each file as it was. All or nothing: any problem in the CSV and no file changes.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace samplan::cli {

int import_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace samplan::cli
