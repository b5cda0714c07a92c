// history/history.h — what git knows about the content: when each file last changed.
// Read in one pass over the history (one revision walk, one tree diff per commit).
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/date.h"

namespace samplan::history {

struct FileChange {
    Date date;            // committer's local date of the newest commit touching the file
    std::string commit;   // its id
};

class History {
public:
    // The newest commit that changed `path` (relative to the content folder), if known.
    [[nodiscard]] std::optional<FileChange> last_change(const std::string& path) const;
    [[nodiscard]] bool available() const { return available_; }
    // Why history is reduced or missing ("not a git repository", "shallow clone: …"); empty when complete.
    [[nodiscard]] const std::string& note() const { return note_; }
    [[nodiscard]] size_t commits_read() const { return commits_read_; }

private:
    friend History read_history(const std::string& content_dir);
    bool available_ = false;
    std::string note_;
    size_t commits_read_ = 0;
    std::map<std::string, FileChange> last_change_;
};

// Never fails: without a usable repository the History is simply not available.
History read_history(const std::string& content_dir);

}  // namespace samplan::history
