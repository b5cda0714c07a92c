// history/history.cpp — History's queries and reads (history.h); read_history, which fills it,
// is in walk.cpp.
#include "history/history.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstring>
#include <iterator>

#include "core/files.h"
#include "history/git.h"
#include "history/tree_source.h"

// mimalloc's, when the program links it (CMakeLists.txt): gives the memory freed back to the system.
extern "C" void mi_collect(bool force) __attribute__((weak));

namespace samplan::history {

History::History() = default;
History::~History() = default;
History::History(History&&) noexcept = default;
History& History::operator=(History&&) noexcept = default;

const std::vector<FileRevision>& History::file_revisions(const std::string& path) const {
    static const std::vector<FileRevision> kNone;
    auto it = files_.find(path);
    return it == files_.end() ? kNone : it->second;
}

std::vector<std::pair<size_t, const Change*>> History::added_or_deleted_under(const std::string& folder) const {
    std::vector<std::pair<size_t, size_t>> refs;
    for (auto it = added_or_deleted_.lower_bound(folder);
         it != added_or_deleted_.end() && it->first.compare(0, folder.size(), folder) == 0; ++it)
        refs.insert(refs.end(), it->second.begin(), it->second.end());
    std::sort(refs.begin(), refs.end());
    refs.erase(std::unique(refs.begin(), refs.end()), refs.end());  // a move within `folder` is under both its folders
    std::vector<std::pair<size_t, const Change*>> out;
    out.reserve(refs.size());
    for (const auto& [revision, i] : refs) out.emplace_back(revision, &changes_[revision][i]);
    return out;
}

std::string History::path_now(size_t revision, const std::string& path) const {
    // The first rename from `path` after `revision` (the newest of those older than it: index 0
    // is the newest), which index_files() followed to the file's name today.
    const auto it = renamed_from_.find(path);
    if (it == renamed_from_.end()) return path;
    const auto& renames = it->second;  // by revision, newest first
    const auto after = std::lower_bound(renames.begin(), renames.end(), revision,
                                        [](const auto& rename, size_t r) { return rename.first < r; });
    return after == renames.begin() ? path : std::prev(after)->second;
}

std::optional<FileChange> History::last_change(const std::string& path) const {
    const auto& revs = file_revisions(path);
    if (revs.empty()) return std::nullopt;
    const Revision& r = revisions_.at(revs.front().revision);
    return FileChange{r.date, r.commit};
}

std::optional<std::string> History::read(size_t revision, const std::string& path, size_t max_bytes) const {
    if (!repo_ || revision >= revisions_.size()) return std::nullopt;
    const auto source = tree_source(revisions_[revision].commit);
    if (!source) return std::nullopt;
    std::string text, error;
    if (source->read(path, max_bytes, text, error) != content::ReadStatus::Ok) return std::nullopt;
    return text;
}

std::optional<std::string> History::read(const FileRevision& revision, size_t max_bytes) const {
    if (revision.kind == ChangeKind::Deleted) return std::nullopt;
    if (revision.blob().empty()) return read(revision.revision, revision.path(), max_bytes);
    return read_blob(revision.blob(), max_bytes);
}

std::optional<std::string> History::read_blob(const std::string& blob, size_t max_bytes) const {
    git_oid oid;
    if (!repo_ || git_oid_fromstr(&oid, blob.c_str()) != 0) return std::nullopt;
    if (auto text = repo_->pack_reader().read_blob(oid.id, max_bytes)) return text;
    git_repository* handle = repo_->thread_handle();
    if (!handle) return std::nullopt;
    std::optional<std::string> text;
    git_blob* raw = nullptr;
    if (git_blob_lookup(&raw, handle, &oid) == 0) {
        const Blob b(raw);
        const auto size = static_cast<size_t>(git_blob_rawsize(b.get()));
        if (size <= max_bytes) text.emplace(static_cast<const char*>(git_blob_rawcontent(b.get())), size);
    }
    return text;
}

void History::release_read_cache() const {
    if (!repo_) return;
    repo_->pack_reader().release_cache();
    // The cache was filled by the threads that read the versions, which are gone: their memory is
    // given back now, not when the allocator next looks at it (mimalloc, when the program has it).
    if (mi_collect) mi_collect(true);
}

void History::release_index() {
    release_read_cache();
    std::vector<std::vector<Change>>().swap(changes_);
    std::map<std::string, std::vector<FileRevision>>().swap(files_);
    std::map<std::string, std::vector<std::pair<size_t, size_t>>>().swap(added_or_deleted_);
    std::map<std::string, std::vector<std::pair<size_t, std::string>>>().swap(renamed_from_);
}

bool History::in_working_folder(const FileRevision& revision) const {
    git_oid committed, now;
    if (!repo_ || revision.kind == ChangeKind::Deleted || git_oid_fromstr(&committed, revision.blob().c_str()) != 0)
        return false;
    if (repo_->index_vouches(revision.path(), committed)) return true;
    std::string text, error;
    if (read_regular_file(repo_->content + "/" + revision.path(), 64 * 1024 * 1024, text, error, true) != FileRead::Ok)
        return false;
    return git_odb_hash(&now, text.data(), text.size(), GIT_OBJECT_BLOB) == 0 && git_oid_equal(&now, &committed);
}

std::unique_ptr<content::Source> History::tree_source(const std::string& commit) const {
    if (!repo_) return nullptr;
    std::lock_guard lock(repo_->mutex);
    Tree tree = repo_->tree_of(commit);
    if (!tree) return nullptr;
    return make_tree_source(*repo_, std::move(tree));
}

std::vector<Tag> History::tags(const std::string& glob, std::vector<UnreadableTag>* unreadable) const {
    std::vector<Tag> out;
    if (!repo_) return out;
    std::lock_guard lock(repo_->mutex);
    // Every name under refs/tags/, loose or packed, one at a time: git_tag_list gives up on all of
    // them (and says nothing) when one packed name is broken.
    std::vector<std::string> names;
    git_reference_iterator* raw_it = nullptr;
    if (git_reference_iterator_glob_new(&raw_it, repo_->repo.get(), "refs/tags/*") != 0) return out;
    const char* refname = nullptr;
    while (git_reference_next_name(&refname, raw_it) == 0) names.emplace_back(refname + std::strlen("refs/tags/"));
    git_reference_iterator_free(raw_it);
    auto cannot = [&](const std::string& name, const char* fallback) {
        const git_error* e = git_error_last();
        if (unreadable) unreadable->push_back({name, e && e->message ? e->message : fallback});
    };
    for (const auto& name : names) {
        if (fnmatch(glob.c_str(), name.c_str(), 0) != 0) continue;
        const std::string full = "refs/tags/" + name;
        int valid = 0;
        if (git_reference_name_is_valid(&valid, full.c_str()) != 0 || !valid) {
            if (unreadable) unreadable->push_back({name, "not a valid tag name"});
            continue;
        }
        git_object* raw = nullptr;
        if (git_revparse_single(&raw, repo_->repo.get(), full.c_str()) != 0) {
            cannot(name, "its object is missing");
            continue;
        }
        Object object(raw);
        git_object* peeled = nullptr;
        if (git_object_peel(&peeled, object.get(), GIT_OBJECT_COMMIT) != 0) {
            cannot(name, "it does not point to a commit");
            continue;
        }
        Commit commit(reinterpret_cast<git_commit*>(peeled));
        const git_signature* committer = git_commit_committer(commit.get());
        out.push_back({name, oid_string(git_commit_id(commit.get())), date_of(committer->when.time, committer->when.offset)});
    }
    std::sort(out.begin(), out.end(), [](const Tag& a, const Tag& b) { return a.date != b.date ? a.date < b.date : a.name < b.name; });
    return out;
}

// Walking from new to old, `now` maps a path as it was to the path the file has today.
void History::index_files() {
    files_.clear();
    added_or_deleted_.clear();
    renamed_from_.clear();
    for (size_t revision = 0; revision < changes_.size(); ++revision)
        for (size_t i = 0; i < changes_[revision].size(); ++i) {
            const Change& c = changes_[revision][i];
            auto folder = [](const std::string& file) { return file.substr(0, file.rfind('/') + 1); };
            if (c.kind == ChangeKind::Renamed && folder(c.path) != folder(c.old_path)) {
                added_or_deleted_[folder(c.old_path)].emplace_back(revision, i);
                added_or_deleted_[folder(c.path)].emplace_back(revision, i);
            }
            if (c.kind != ChangeKind::Added && c.kind != ChangeKind::Deleted) continue;
            added_or_deleted_[folder(c.kind == ChangeKind::Deleted ? c.old_path : c.path)].emplace_back(revision, i);
        }
    std::map<std::string, std::string> now;
    auto current = [&](const std::string& path) {
        auto it = now.find(path);
        return it == now.end() ? path : it->second;
    };
    for (size_t index = 0; index < changes_.size(); ++index)
        for (const auto& c : changes_[index]) {
            if (c.kind == ChangeKind::Deleted) {
                files_[current(c.old_path)].push_back({index, c.kind, &c});
                continue;
            }
            const std::string today = current(c.path);
            files_[today].push_back({index, c.kind, &c});
            if (c.kind != ChangeKind::Renamed) continue;
            now[c.old_path] = today;  // older commits knew it by its old name
            renamed_from_[c.old_path].emplace_back(index, today);
        }
    // Kept for the whole build: without the room the vectors grew into.
    for (auto& [path, revisions] : files_) revisions.shrink_to_fit();
    for (auto& [folder, refs] : added_or_deleted_) refs.shrink_to_fit();
}

}  // namespace samplan::history
