// cli/new_record.h — `samplan new`: a new record with every key of the content model, commented
// in Swedish, dated today, with the references that can be known filled in.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace samplan::cli {

int new_command(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace samplan::cli
