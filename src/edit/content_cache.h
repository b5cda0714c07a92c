// edit/content_cache.h — the content folder as the editor's requests see it: loaded once, kept,
// and brought up to date before each request from the files' stamps (modification time, size,
// inode). A record file that changed (a save, an edit in a text editor) is read and parsed again
// alone; a file or folder added, removed or renamed, or a change to a file that is not a record,
// loads the whole folder again. The model of the kept records is kept as well. So a check as you
// type costs one record's parse, the model and the rules, not a load of the whole folder.
//
// Not thread-safe: the editor holds its lock around each use.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "content/content.h"
#include "core/diagnostics.h"
#include "model/model.h"

namespace samplan::edit {

class ContentCache {
public:
    explicit ContentCache(std::string content_dir) : content_(std::move(content_dir)) {}

    // Brings the records and the model up to date with the folder.
    void refresh();
    // The records as load_records reads them (unreadable ones included, with `readable` false).
    [[nodiscard]] const std::vector<content::Record>& records() const { return records_; }
    // The model of the records (built without the rules).
    [[nodiscard]] const model::Site& site() const { return *site_; }

    // The model with `record` in place of the kept record at its path (or added, for a new one);
    // the model's diagnostics go to `diagnostics`. The kept records are left as they were.
    model::Site with_record(content::Record record, Diagnostics& diagnostics);

    // How often the whole folder was loaded, and how many records were parsed again one by one
    // (for the tests: an outside edit must be seen, and a check must not load everything).
    [[nodiscard]] size_t full_loads() const { return full_loads_; }
    [[nodiscard]] size_t reparsed() const { return reparsed_; }

private:
    // (modification time in ns, size, inode, is a folder) of every entry whose name does not start
    // with '.', by its path relative to the content folder.
    using Stamps = std::map<std::string, std::tuple<long long, long long, unsigned long long, bool>>;
    Stamps scan() const;
    void load_all(Stamps stamps);

    std::string content_;
    std::optional<Stamps> stamps_;
    std::vector<content::Record> records_;
    std::map<std::string, size_t> index_;  // record path → its place in records_
    std::optional<model::Site> site_;
    size_t full_loads_ = 0, reparsed_ = 0;
};

}  // namespace samplan::edit
