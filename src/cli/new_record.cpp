#include "cli/commands.h"

#include <algorithm>
#include <ostream>

#include "build/build.h"
#include "build/new_record.h"
#include "core/text.h"

namespace samplan::cli {

int new_command(const Arguments& args, std::ostream& out, std::ostream& err) {
    const std::vector<std::string>& words = args.words;
    const std::vector<std::pair<std::string, size_t>> kinds = {{"group", 1}, {"plan", 2}, {"activity", 3}, {"evaluation", 2}};
    auto kind = std::find_if(kinds.begin(), kinds.end(), [&](const auto& k) { return !words.empty() && k.first == words[0]; });
    if (kind == kinds.end() || words.size() != kind->second + 1) {
        err << "samplan new: " << (words.empty() ? std::string("what?") : "unexpected arguments") << "\n"
            << command_help(*args.command);
        return build::kFailed;
    }
    for (size_t i = 1; i < words.size(); ++i)
        if (!is_valid_id(words[i])) {
            err << "samplan new: bad id " << quote(words[i]) << ": use 1 to 64 of a-z, 0-9 and '-'\n";
            return build::kFailed;
        }
    const auto result = build::new_record(args.value("--content", "content"), words, today_local());
    if (result.status != build::kOk) {
        err << "samplan new: " << result.message << "\n";
        return result.status;
    }
    out << "samplan: created " << result.message << "\n";
    return build::kOk;
}

}  // namespace samplan::cli
