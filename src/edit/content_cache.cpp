#include "edit/content_cache.h"

#include <sys/stat.h>

#include <filesystem>
#include <utility>

#include "content/source.h"
#include "model/build.h"

namespace samplan::edit {
namespace fs = std::filesystem;

ContentCache::Stamps ContentCache::scan() const {
    Stamps stamps;
    std::error_code ec;
    const fs::path root(content_);
    for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const std::string name = it->path().filename().string();
        struct stat st {};
        const bool found = ::stat(it->path().c_str(), &st) == 0;  // through a link: its target's stamp
        if (name.empty() || name[0] == '.') {  // load_records ignores these too
            if (found && S_ISDIR(st.st_mode)) it.disable_recursion_pending();
            continue;
        }
        const std::string relative = it->path().lexically_relative(root).generic_string();
        if (!found) {
            stamps[relative] = {-1, -1, 0, false};  // a dangling link: a change when it starts to resolve
            continue;
        }
        stamps[relative] = {static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec,
                            static_cast<long long>(st.st_size), static_cast<unsigned long long>(st.st_ino),
                            S_ISDIR(st.st_mode)};
    }
    return stamps;
}

void ContentCache::load_all(Stamps stamps) {
    Diagnostics ignored;  // a check reports the diagnostics of its own record, parsed afresh
    records_ = content::load_records(*content::make_disk_source(content_), ignored);
    index_.clear();
    for (size_t i = 0; i < records_.size(); ++i) index_[records_[i].path] = i;
    stamps_ = std::move(stamps);
    ++full_loads_;
}

void ContentCache::refresh() {
    Stamps now = scan();
    if (stamps_ && now == *stamps_ && site_) return;
    bool whole = !stamps_ || now.size() != stamps_->size();
    std::vector<size_t> changed;
    if (!whole) {
        for (auto a = now.begin(), b = stamps_->begin(); a != now.end(); ++a, ++b) {
            if (a->first != b->first) {  // a name came, another went
                whole = true;
                break;
            }
            if (a->second == b->second) continue;
            const bool folder = std::get<3>(a->second), was_folder = std::get<3>(b->second);
            if (folder && was_folder) continue;  // its entries are compared one by one
            const auto record = index_.find(a->first);
            if (folder != was_folder || record == index_.end()) {  // not a record: whatever it is, read all again
                whole = true;
                break;
            }
            changed.push_back(record->second);
        }
    }
    if (whole) {
        load_all(std::move(now));
    } else {
        const auto disk = content::make_disk_source(content_);
        Diagnostics ignored;
        for (const size_t i : changed) {
            content::reload_record(*disk, records_[i], ignored);
            ++reparsed_;
        }
        stamps_ = std::move(now);
    }
    Diagnostics ignored;
    site_.emplace(model::build_model(records_, ignored));
}

model::Site ContentCache::with_record(content::Record record, Diagnostics& diagnostics) {
    const auto it = index_.find(record.path);
    if (it == index_.end()) {
        records_.push_back(std::move(record));
        struct Restore {
            std::vector<content::Record>& records;
            ~Restore() { records.pop_back(); }
        } restore{records_};
        return model::build_model(records_, diagnostics);
    }
    std::swap(records_[it->second], record);
    struct Restore {
        content::Record& kept;
        content::Record& other;
        ~Restore() { std::swap(kept, other); }
    } restore{records_[it->second], record};
    return model::build_model(records_, diagnostics);
}

}  // namespace samplan::edit
