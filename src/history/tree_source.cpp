// history/tree_source.cpp — see tree_source.h.
#include "history/tree_source.h"

#include <algorithm>
#include <string>
#include <vector>

namespace samplan::history {
namespace {

// The content folder inside one commit's tree. Symbolic links are refused like those on disk
// that leave the folder: a tree cannot tell where they would lead.
class TreeSource final : public content::Source {
public:
    TreeSource(History::Repository& repo, Tree tree, std::string prefix)
        : repo_(repo), tree_(std::move(tree)), prefix_(std::move(prefix)) {}

    content::EntryKind kind(const std::string& path) const override {
        std::lock_guard lock(repo_.mutex);
        return kind_locked(path);
    }

    std::vector<content::DirEntry> list(const std::string& dir) const override {
        std::lock_guard lock(repo_.mutex);
        std::vector<content::DirEntry> out;
        Tree sub = subtree(dir);
        if (!sub) return out;
        const size_t n = git_tree_entrycount(sub.get());
        for (size_t i = 0; i < n; ++i) {
            const git_tree_entry* e = git_tree_entry_byindex(sub.get(), i);
            out.push_back({git_tree_entry_name(e), kind_of(e)});
        }
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
        return out;
    }

    content::ReadStatus read(const std::string& path, size_t max_bytes, std::string& out, std::string& error) const override {
        std::lock_guard lock(repo_.mutex);
        git_tree_entry* raw = nullptr;
        if (git_tree_entry_bypath(&raw, tree_.get(), (prefix_ + path).c_str()) != 0) {
            error = "not in this version";
            return content::ReadStatus::Error;
        }
        TreeEntry entry(raw);
        if (const auto k = kind_of(entry.get()); k != content::EntryKind::File) {
            error = "not a regular file";
            return k == content::EntryKind::Outside ? content::ReadStatus::Outside : content::ReadStatus::Error;
        }
        git_blob* b = nullptr;
        if (git_blob_lookup(&b, git_tree_owner(tree_.get()), git_tree_entry_id(entry.get())) != 0) {
            error = "cannot read the object";
            return content::ReadStatus::Error;
        }
        Blob blob(b);
        const auto size = static_cast<size_t>(git_blob_rawsize(blob.get()));
        if (size > max_bytes) return content::ReadStatus::TooLarge;
        out.assign(static_cast<const char*>(git_blob_rawcontent(blob.get())), size);
        return content::ReadStatus::Ok;
    }

private:
    static content::EntryKind kind_of(const git_tree_entry* e) {
        switch (git_tree_entry_filemode(e)) {
            case GIT_FILEMODE_BLOB:
            case GIT_FILEMODE_BLOB_EXECUTABLE: return content::EntryKind::File;
            case GIT_FILEMODE_TREE: return content::EntryKind::Directory;
            case GIT_FILEMODE_LINK: return content::EntryKind::Outside;
            default: return content::EntryKind::Other;
        }
    }

    content::EntryKind kind_locked(const std::string& path) const {
        if (path.empty()) return prefix_.empty() || subtree("") ? content::EntryKind::Directory : content::EntryKind::Missing;
        git_tree_entry* raw = nullptr;
        if (git_tree_entry_bypath(&raw, tree_.get(), (prefix_ + path).c_str()) != 0) return content::EntryKind::Missing;
        TreeEntry entry(raw);
        return kind_of(entry.get());
    }

    Tree subtree(const std::string& dir) const {
        std::string full = prefix_ + dir;
        while (!full.empty() && full.back() == '/') full.pop_back();
        git_tree* t = nullptr;
        if (full.empty()) {
            if (git_tree_dup(&t, tree_.get()) != 0) return {};
            return Tree(t);
        }
        git_tree_entry* raw = nullptr;
        if (git_tree_entry_bypath(&raw, tree_.get(), full.c_str()) != 0) return {};
        TreeEntry entry(raw);
        if (git_tree_entry_type(entry.get()) != GIT_OBJECT_TREE) return {};
        if (git_tree_lookup(&t, git_tree_owner(tree_.get()), git_tree_entry_id(entry.get())) != 0) return {};
        return Tree(t);
    }

    History::Repository& repo_;
    Tree tree_;
    std::string prefix_;
};

}  // namespace

std::unique_ptr<content::Source> make_tree_source(History::Repository& repo, Tree tree) {
    return std::make_unique<TreeSource>(repo, std::move(tree), repo.prefix);
}

}  // namespace samplan::history
