#include <fnmatch.h>
#include <git2.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <thread>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "history/history.h"

#include "core/files.h"
#include "core/parallel.h"
#include "core/text.h"
#include "history/packs.h"

namespace samplan::history {
namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using Repo = std::unique_ptr<git_repository, Deleter<git_repository, git_repository_free>>;
using Commit = std::unique_ptr<git_commit, Deleter<git_commit, git_commit_free>>;
using Tree = std::unique_ptr<git_tree, Deleter<git_tree, git_tree_free>>;
using TreeEntry = std::unique_ptr<git_tree_entry, Deleter<git_tree_entry, git_tree_entry_free>>;
using Blob = std::unique_ptr<git_blob, Deleter<git_blob, git_blob_free>>;
using Diff = std::unique_ptr<git_diff, Deleter<git_diff, git_diff_free>>;
using Walk = std::unique_ptr<git_revwalk, Deleter<git_revwalk, git_revwalk_free>>;
using Mailmap = std::unique_ptr<git_mailmap, Deleter<git_mailmap, git_mailmap_free>>;
using Signature = std::unique_ptr<git_signature, Deleter<git_signature, git_signature_free>>;
using Object = std::unique_ptr<git_object, Deleter<git_object, git_object_free>>;

struct LibGit {
    LibGit() {
        git_libgit2_init();
        // libgit2 keeps no tree larger than 4 KiB in its object cache by default; a folder of
        // many groups or activities is larger, and every commit's diff reads it again.
        git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_TREE, static_cast<size_t>(1) << 20);
        // Of the objects cached (256 MiB by default, for all handles together), the history walk
        // reuses the trees of the commit before; blobs are read through history/packs.h.
        git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, static_cast<ssize_t>(16) << 20);
        // libgit2 hashes every object it reads again, with collision-detecting SHA-1, to check it
        // against its id: a tenth of a build's work. samplan only reads the repository (git
        // itself does not check objects on reading either).
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
    }
    ~LibGit() { git_libgit2_shutdown(); }
};

// libgit2, initialised once per process (and its options set once) whichever thread comes first.
void use_libgit2() { static LibGit lib; }

Date date_of(git_time_t time, int offset_minutes) {
    const long seconds = static_cast<long>(time) + 60L * offset_minutes;
    return Date::from_days_since_epoch(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400);
}

std::string oid_string(const git_oid* oid) {
    char buf[GIT_OID_HEXSZ + 1];
    git_oid_tostr(buf, sizeof buf, oid);
    return buf;
}

}  // namespace

// The open repository; libgit2 objects are used from one thread at a time.
struct History::Repository {
    Repo repo;
    std::string prefix;   // the content folder inside the work tree, "" or ending in '/'
    std::string content;  // the content folder on disk
    std::mutex mutex;
    // More handles on the same repository, for reading objects on several threads at once
    // (a handle and its objects belong to one thread at a time).
    std::mutex pool_mutex;
    std::vector<Repo> pool;
    // A handle for each thread that reads blobs through libgit2 (those the pack reader below
    // leaves to it), kept for the thread's next reads.
    std::map<std::thread::id, Repo> by_thread;
    // Blobs are read from the pack files by samplan's own reader where it can (history/packs.h):
    // its cache of unpacked objects keeps a long history's delta chains from being unpacked again
    // for every version. Made on first use.
    std::once_flag packs_once;
    std::unique_ptr<PackReader> packs;
    PackReader& pack_reader() {
        std::call_once(packs_once, [this] {
            constexpr size_t kCacheBytes = static_cast<size_t>(64) << 20;
            const char* common = git_repository_commondir(repo.get());
            packs = std::make_unique<PackReader>(std::string(common ? common : git_repository_path(repo.get())) + "objects/pack",
                                                 kCacheBytes);
        });
        return *packs;
    }

    // The git index's record of each file in the content folder (by path inside it): its blob
    // and what stat() said when git last wrote it. When the file's stat() still says the same,
    // the file still holds that blob (git status trusts the index the same way), so it need not
    // be read and hashed. Read once, on first use.
    struct Staged {
        git_oid id{};
        git_index_entry stat{};  // times, inode and size (path not kept)
    };
    std::once_flag index_once;
    std::map<std::string, Staged, std::less<>> index;
    struct timespec index_written {};  // the index file's own modification time

    void read_index() {
        Repo handle = take_handle();
        if (!handle) return;
        git_index* raw = nullptr;
        if (git_repository_index(&raw, handle.get()) == 0) {
            struct stat st {};
            if (const char* file = git_index_path(raw); file && ::stat(file, &st) == 0) {
                index_written = st.st_mtim;
                for (size_t i = 0, n = git_index_entrycount(raw); i < n; ++i) {
                    const git_index_entry* e = git_index_get_byindex(raw, i);
                    if (!e || GIT_INDEX_ENTRY_STAGE(e) != 0) continue;  // a merge conflict's sides
                    const std::string_view path(e->path);
                    if (path.compare(0, prefix.size(), prefix) != 0) continue;
                    Staged& s = index[std::string(path.substr(prefix.size()))];
                    s.id = e->id;
                    s.stat = *e;
                    s.stat.path = nullptr;
                }
            }
            git_index_free(raw);
        }
        give_back(std::move(handle));
    }

    // Whether the index says the file at `path` (in the content folder) holds `blob` now.
    bool index_vouches(const std::string& path, const git_oid& blob) {
        std::call_once(index_once, [this] { read_index(); });
        const auto it = index.find(path);
        if (it == index.end() || !git_oid_equal(&it->second.id, &blob)) return false;
        const git_index_entry& e = it->second.stat;
        // Racily clean, as git calls it: written in the same instant as the index, the file may
        // have changed again without its times showing it.
        if (e.mtime.seconds > index_written.tv_sec ||
            (e.mtime.seconds == index_written.tv_sec && e.mtime.nanoseconds >= static_cast<unsigned>(index_written.tv_nsec)))
            return false;
        struct stat st {};
        if (::lstat((content + "/" + path).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
        return static_cast<std::uint32_t>(st.st_size) == e.file_size && static_cast<std::uint32_t>(st.st_ino) == e.ino &&
               st.st_mtim.tv_sec == e.mtime.seconds && static_cast<unsigned>(st.st_mtim.tv_nsec) == e.mtime.nanoseconds &&
               st.st_ctim.tv_sec == e.ctime.seconds && static_cast<unsigned>(st.st_ctim.tv_nsec) == e.ctime.nanoseconds;
    }

    // This thread's handle (see by_thread); a thread uses only its own, and a thread id is
    // given again only after its thread ended.
    git_repository* thread_handle() {
        std::lock_guard lock(pool_mutex);
        Repo& handle = by_thread[std::this_thread::get_id()];
        if (!handle) {
            git_repository* raw = nullptr;
            if (git_repository_open(&raw, git_repository_path(repo.get())) == 0) handle.reset(raw);
        }
        return handle.get();
    }

    Repo take_handle() {
        {
            std::lock_guard lock(pool_mutex);
            if (!pool.empty()) {
                Repo r = std::move(pool.back());
                pool.pop_back();
                return r;
            }
        }
        git_repository* raw = nullptr;
        if (git_repository_open(&raw, git_repository_path(repo.get())) != 0) return {};
        return Repo(raw);
    }
    void give_back(Repo handle) {
        std::lock_guard lock(pool_mutex);
        pool.push_back(std::move(handle));
    }

    Tree tree_of(const std::string& commit_id) {
        git_oid oid;
        git_commit* c = nullptr;
        if (git_oid_fromstr(&oid, commit_id.c_str()) != 0 || git_commit_lookup(&c, repo.get(), &oid) != 0) return {};
        Commit commit(c);
        git_tree* t = nullptr;
        if (git_commit_tree(&t, commit.get()) != 0) return {};
        return Tree(t);
    }
};

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
    std::vector<std::pair<size_t, const Change*>> out;
    out.reserve(refs.size());
    for (const auto& [revision, i] : refs) out.emplace_back(revision, &changes_[revision][i]);
    return out;
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
    if (revision.blob.empty()) return read(revision.revision, revision.path, max_bytes);
    return read_blob(revision.blob, max_bytes);
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
    if (repo_) repo_->pack_reader().release_cache();
}

bool History::in_working_folder(const FileRevision& revision) const {
    git_oid committed, now;
    if (!repo_ || revision.kind == ChangeKind::Deleted || git_oid_fromstr(&committed, revision.blob.c_str()) != 0)
        return false;
    if (repo_->index_vouches(revision.path, committed)) return true;
    std::string text, error;
    if (read_regular_file(repo_->content + "/" + revision.path, 64 * 1024 * 1024, text, error, true) != FileRead::Ok)
        return false;
    return git_odb_hash(&now, text.data(), text.size(), GIT_OBJECT_BLOB) == 0 && git_oid_equal(&now, &committed);
}

std::unique_ptr<content::Source> History::tree_source(const std::string& commit) const {
    if (!repo_) return nullptr;
    std::lock_guard lock(repo_->mutex);
    Tree tree = repo_->tree_of(commit);
    if (!tree) return nullptr;
    return std::make_unique<TreeSource>(*repo_, std::move(tree), repo_->prefix);
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

namespace {

// The cache: a text file of the revisions and their changes, newest first, for one head.
struct Cache {
    std::string head;
    std::vector<Revision> revisions;
    std::vector<std::vector<Change>> changes;
};

constexpr const char* kCacheMagic = "samplan-history-cache 3";  // 3: authors and summaries made valid UTF-8

std::string escape_field(const std::string& s) {
    std::string out;
    for (const char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '\t') out += "\\t";
        else if (c == '\n') out += "\\n";
        else if (c == '\r') out += "\\r";
        else out += c;
    }
    return out;
}

std::vector<std::string> split_fields(const std::string& line) {
    std::vector<std::string> fields(1);
    for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\t') { fields.emplace_back(); continue; }
        if (line[i] == '\\' && i + 1 < line.size()) {
            const char n = line[++i];
            fields.back() += n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n;
            continue;
        }
        fields.back() += line[i];
    }
    return fields;
}

bool read_cache(const std::string& file, const std::string& prefix, Cache& cache) {
    std::ifstream in(file, std::ios::binary);
    std::string line;
    if (!std::getline(in, line) || line != kCacheMagic) return false;
    if (!std::getline(in, line) || line.rfind("head\t", 0) != 0) return false;
    cache.head = line.substr(5);
    if (!std::getline(in, line) || split_fields(line) != std::vector<std::string>{"prefix", prefix}) return false;
    while (std::getline(in, line)) {
        const auto f = split_fields(line);
        if (f[0] == "R" && f.size() == 6) {
            const auto date = parse_iso_date(f[2]);
            if (!date) return false;
            cache.revisions.push_back({f[1], f[1].substr(0, 7), *date, f[3], f[4]});
            cache.changes.emplace_back();
            if (f[5] != "") return false;
        } else if (f[0] == "C" && f.size() == 5 && !cache.changes.empty() && f[1].size() == 1) {
            const char k = f[1][0];
            if (k != 'A' && k != 'M' && k != 'D' && k != 'R') return false;
            cache.changes.back().push_back({k == 'A' ? ChangeKind::Added : k == 'M' ? ChangeKind::Modified
                                            : k == 'D' ? ChangeKind::Deleted : ChangeKind::Renamed, f[2], f[3], f[4]});
        } else {
            return false;  // anything unexpected: read the history again
        }
    }
    return true;
}

void write_cache(const std::string& file, const std::string& head, const std::string& prefix,
                 const std::vector<Revision>& revisions, const std::vector<std::vector<Change>>& changes) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path(), ec);
    const std::string tmp = file + ".tmp-" + std::to_string(::getpid());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << kCacheMagic << "\nhead\t" << head << "\nprefix\t" << escape_field(prefix) << "\n";
        for (size_t i = 0; i < revisions.size(); ++i) {
            const auto& r = revisions[i];
            out << "R\t" << r.commit << "\t" << r.date.iso() << "\t" << escape_field(r.author) << "\t"
                << escape_field(r.summary) << "\t\n";
            for (const auto& c : changes[i]) {
                const char k = c.kind == ChangeKind::Added ? 'A' : c.kind == ChangeKind::Modified ? 'M'
                               : c.kind == ChangeKind::Deleted ? 'D' : 'R';
                out << "C\t" << k << "\t" << escape_field(c.path) << "\t" << escape_field(c.old_path) << "\t" << c.blob
                    << "\n";
            }
        }
        if (!out) {
            std::filesystem::remove(tmp, ec);
            return;
        }
    }
    std::filesystem::rename(tmp, file, ec);
    if (ec) std::filesystem::remove(tmp, ec);
}

// What one commit changed in the content folder itself (see read_history).
struct CommitChanges {
    Revision revision;
    std::vector<Change> changes;  // empty: the commit did not touch the content
    std::string note;             // why history is incomplete, if this commit tells
};

// One file changed between two trees; paths from the top of the repository.
struct Delta {
    git_delta_t status = GIT_DELTA_MODIFIED;
    std::string old_path, new_path;
    git_oid new_id{};
};

Tree subtree(git_repository* repo, const git_tree_entry* entry) {
    git_tree* t = nullptr;
    if (!entry || git_tree_entry_type(entry) != GIT_OBJECT_TREE || git_tree_lookup(&t, repo, git_tree_entry_id(entry)) != 0)
        return {};
    return Tree(t);
}

// The content folder's tree in `root` (`prefix` is "" or ends in '/'); null when it is not there.
Tree content_tree(git_repository* repo, const git_tree* root, const std::string& prefix) {
    if (!root) return {};
    if (prefix.empty()) {
        git_tree* t = nullptr;
        return git_tree_dup(&t, const_cast<git_tree*>(root)) == 0 ? Tree(t) : Tree();
    }
    git_tree_entry* raw = nullptr;
    if (git_tree_entry_bypath(&raw, root, prefix.substr(0, prefix.size() - 1).c_str()) != 0) return {};
    const TreeEntry entry(raw);
    return subtree(repo, entry.get());
}

// The object id of a file's text; none (zero) for a symbolic link, whose object holds where the
// link leads: the file is then read through its tree, which refuses links (see TreeSource).
git_oid file_id(const git_tree_entry* entry) {
    return git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK ? git_oid{} : *git_tree_entry_id(entry);
}

// The files that differ between trees `a` and `b` (either may be null: empty), found by walking
// both at once and never entering a folder whose id is the same on both sides. (libgit2 1.5's
// tree diff expands every folder, so each commit cost as much as the whole content folder.) Both
// trees list their entries in git's order, so one merge pass pairs them; a file and a folder of
// the same name do not pair (git orders a folder as its name and '/'), which makes the file
// deleted or added and the folder walked on its own.
void diff_trees(git_repository* repo, const git_tree* a, const git_tree* b, const std::string& base,
                std::vector<Delta>& out) {
    const size_t na = a ? git_tree_entrycount(a) : 0, nb = b ? git_tree_entrycount(b) : 0;
    for (size_t i = 0, j = 0; i < na || j < nb;) {
        const git_tree_entry* ea = i < na ? git_tree_entry_byindex(a, i) : nullptr;
        const git_tree_entry* eb = j < nb ? git_tree_entry_byindex(b, j) : nullptr;
        const int order = !ea ? 1 : !eb ? -1 : git_tree_entry_cmp(ea, eb);
        if (order < 0) eb = nullptr;
        if (order > 0) ea = nullptr;
        if (ea) ++i;
        if (eb) ++j;
        if (ea && eb && git_oid_equal(git_tree_entry_id(ea), git_tree_entry_id(eb)) &&
            git_tree_entry_filemode(ea) == git_tree_entry_filemode(eb))
            continue;
        const std::string path = base + git_tree_entry_name(ea ? ea : eb);
        const bool tree_a = ea && git_tree_entry_type(ea) == GIT_OBJECT_TREE;
        const bool tree_b = eb && git_tree_entry_type(eb) == GIT_OBJECT_TREE;
        if (tree_a || tree_b) {
            const Tree sa = tree_a ? subtree(repo, ea) : Tree(), sb = tree_b ? subtree(repo, eb) : Tree();
            diff_trees(repo, sa.get(), sb.get(), path + "/", out);
            continue;
        }
        const bool blob_a = ea && git_tree_entry_type(ea) == GIT_OBJECT_BLOB;
        const bool blob_b = eb && git_tree_entry_type(eb) == GIT_OBJECT_BLOB;
        const git_oid id = blob_b ? file_id(eb) : git_oid{};
        if (blob_a && blob_b) out.push_back({GIT_DELTA_MODIFIED, path, path, id});
        else if (blob_a) out.push_back({GIT_DELTA_DELETED, path, path, {}});
        else if (blob_b) out.push_back({GIT_DELTA_ADDED, path, path, id});
    }
}

// The same through libgit2, with its rename detection: used for a commit that adds and deletes.
bool libgit2_deltas(git_repository* repo, const git_tree* a, const git_tree* b, const std::string& prefix,
                    std::vector<Delta>& out) {
    git_diff_options options;
    git_diff_options_init(&options, GIT_DIFF_OPTIONS_VERSION);
    std::string pathspec = prefix;
    char* spec = pathspec.data();
    if (!pathspec.empty()) {
        options.pathspec.strings = &spec;
        options.pathspec.count = 1;
    }
    git_diff* raw_diff = nullptr;
    if (git_diff_tree_to_tree(&raw_diff, repo, const_cast<git_tree*>(a), const_cast<git_tree*>(b), &options) != 0)
        return false;
    Diff diff(raw_diff);
    git_diff_find_options find;
    git_diff_find_options_init(&find, GIT_DIFF_FIND_OPTIONS_VERSION);
    find.flags = GIT_DIFF_FIND_RENAMES;
    git_diff_find_similar(diff.get(), &find);
    out.clear();
    for (size_t i = 0; i < git_diff_num_deltas(diff.get()); ++i) {
        const git_diff_delta* d = git_diff_get_delta(diff.get(), i);
        out.push_back({d->status, d->old_file.path ? d->old_file.path : "", d->new_file.path ? d->new_file.path : "",
                       d->new_file.mode == GIT_FILEMODE_LINK ? git_oid{} : d->new_file.id});
    }
    return true;
}

void diff_commit(git_repository* repo, const git_oid& id, const std::string& prefix, const git_mailmap* mailmap,
                 CommitChanges& out) {
    git_commit* raw_commit = nullptr;
    if (git_commit_lookup(&raw_commit, repo, &id) != 0) return;
    const Commit commit(raw_commit);
    auto inside = [&](const std::string& path) { return path.compare(0, prefix.size(), prefix) == 0; };

    git_tree* raw_tree = nullptr;
    if (git_commit_tree(&raw_tree, commit.get()) != 0) return;
    Tree tree(raw_tree);
    Tree parent_tree;
    if (git_commit_parentcount(commit.get()) > 0) {
        git_commit* parent = nullptr;
        if (git_commit_parent(&parent, commit.get(), 0) == 0) {
            Commit owned(parent);
            git_tree* pt = nullptr;
            if (git_commit_tree(&pt, owned.get()) == 0) parent_tree.reset(pt);
        } else {
            out.note = "history is incomplete: a parent commit is missing (fetch the full history)";
        }
    }
    // A merge only counts for what it changed itself: a file as it came from another parent
    // was changed by that parent's commits, which the walk meets on their own.
    std::vector<Tree> other_parents;
    for (unsigned i = 1; i < git_commit_parentcount(commit.get()); ++i) {
        git_commit* parent = nullptr;
        if (git_commit_parent(&parent, commit.get(), i) != 0) continue;
        Commit owned(parent);
        git_tree* pt = nullptr;
        if (git_commit_tree(&pt, owned.get()) == 0) other_parents.emplace_back(pt);
    }
    auto from_other_parent = [&](const Delta& delta) {
        for (const auto& t : other_parents) {
            git_tree_entry* raw_entry = nullptr;
            const std::string& path = delta.status == GIT_DELTA_DELETED ? delta.old_path : delta.new_path;
            const bool found = git_tree_entry_bypath(&raw_entry, t.get(), path.c_str()) == 0;
            TreeEntry entry(found ? raw_entry : nullptr);
            if (delta.status == GIT_DELTA_DELETED ? !found : found && git_oid_equal(git_tree_entry_id(entry.get()), &delta.new_id))
                return true;
        }
        return false;
    };
    std::vector<Delta> deltas;
    {
        const Tree before = content_tree(repo, parent_tree.get(), prefix), after = content_tree(repo, tree.get(), prefix);
        diff_trees(repo, before.get(), after.get(), prefix, deltas);
    }
    // A rename is an addition and a deletion that match: only then is libgit2's detection needed.
    const bool adds = std::any_of(deltas.begin(), deltas.end(), [](const Delta& d) { return d.status == GIT_DELTA_ADDED; });
    const bool deletes = std::any_of(deltas.begin(), deltas.end(), [](const Delta& d) { return d.status == GIT_DELTA_DELETED; });
    if (adds && deletes && !libgit2_deltas(repo, parent_tree.get(), tree.get(), prefix, deltas)) return;
    std::sort(deltas.begin(), deltas.end(), [](const Delta& x, const Delta& y) {
        return (x.status == GIT_DELTA_DELETED ? x.old_path : x.new_path) < (y.status == GIT_DELTA_DELETED ? y.old_path : y.new_path);
    });

    std::vector<Change> changes;
    for (const Delta& delta : deltas) {
        if (!other_parents.empty() && from_other_parent(delta)) continue;
        Change c;
        switch (delta.status) {
            case GIT_DELTA_ADDED: c.kind = ChangeKind::Added; break;
            case GIT_DELTA_DELETED: c.kind = ChangeKind::Deleted; break;
            case GIT_DELTA_RENAMED: c.kind = ChangeKind::Renamed; break;
            default: c.kind = ChangeKind::Modified;
        }
        if (c.kind == ChangeKind::Deleted) {
            if (!inside(delta.old_path)) continue;
            c.old_path = delta.old_path.substr(prefix.size());
        } else {
            if (!inside(delta.new_path)) continue;
            c.path = delta.new_path.substr(prefix.size());
            if (c.kind == ChangeKind::Renamed && inside(delta.old_path)) c.old_path = delta.old_path.substr(prefix.size());
            else if (c.kind == ChangeKind::Renamed) c.kind = ChangeKind::Added;  // moved in from outside
            if (!git_oid_is_zero(&delta.new_id)) c.blob = oid_string(&delta.new_id);
        }
        changes.push_back(std::move(c));
    }
    if (changes.empty()) return;

    Revision& rev = out.revision;
    rev.commit = oid_string(git_commit_id(commit.get()));
    rev.short_id = rev.commit.substr(0, 7);
    const git_signature* committer = git_commit_committer(commit.get());
    rev.date = date_of(committer->when.time, committer->when.offset);
    git_signature* author = nullptr;
    if (git_commit_author_with_mailmap(&author, commit.get(), mailmap) == 0) {
        Signature owned(author);
        rev.author = publishable(owned->name ? owned->name : "");
    }
    // Git stores a message's bytes as they were typed: decoded here as UTF-8, with U+FFFD for
    // invalid bytes and for characters no published format allows (controls among them).
    const char* summary = git_commit_summary(commit.get());
    rev.summary = publishable(summary ? summary : "");
    out.changes = std::move(changes);
}

// The mailmap, as libgit2's git_mailmap_from_repository reads it, but with the work tree's
// .mailmap never read through a symbolic link out of the work tree (libgit2 would follow it):
// the .mailmap of the work tree, then the blob named by git's config `mailmap.blob`, then the
// file named by `mailmap.file` (the config is the operator's, not the repository's content).
// Later entries win, so one text of all three reads the same. A .mailmap that leads out of the
// work tree is left out and reported in `problems`, with its path from the content folder
// (`prefix` is the content folder inside the work tree).
std::string mailmap_text(git_repository* repo, const std::string& workdir, const std::string& prefix,
                         std::vector<Diagnostic>& problems) {
    std::string text, error;
    const InsideFolder work_tree(workdir);
    if (work_tree.read(".mailmap", 1024 * 1024, text, error) == FileRead::Outside) {
        std::string shown = ".mailmap";
        for (size_t i = 0; i < prefix.size(); ++i)
            if (prefix[i] == '/') shown = "../" + shown;
        Diagnostic d;
        d.path = shown;
        d.pos = {1, 1};
        d.message = "symbolic link points outside the repository; refused";
        d.rule = "outside-content";
        problems.push_back(std::move(d));
        text.clear();
    }
    if (!text.empty() && text.back() != '\n') text += '\n';
    git_config* raw_config = nullptr;
    if (git_repository_config_snapshot(&raw_config, repo) != 0) return text;
    const std::unique_ptr<git_config, Deleter<git_config, git_config_free>> config(raw_config);
    git_buf value = GIT_BUF_INIT;
    if (git_config_get_string_buf(&value, config.get(), "mailmap.blob") == 0) {
        git_object* raw = nullptr;
        if (git_revparse_single(&raw, repo, value.ptr) == 0) {
            const Object object(raw);
            git_object* peeled = nullptr;
            if (git_object_peel(&peeled, object.get(), GIT_OBJECT_BLOB) == 0) {
                const Blob blob(reinterpret_cast<git_blob*>(peeled));
                text.append(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                            static_cast<size_t>(git_blob_rawsize(blob.get())));
                text += '\n';
            }
        }
    }
    git_buf_dispose(&value);
    if (git_config_get_path(&value, config.get(), "mailmap.file") == 0) {
        const std::string file = value.ptr[0] == '/' ? std::string(value.ptr) : workdir + value.ptr;
        if (std::string more; read_regular_file(file, 1024 * 1024, more, error) == FileRead::Ok) text += more;
    }
    git_buf_dispose(&value);
    return text;
}

}  // namespace

std::string repository_state(const std::string& content_dir) {
    use_libgit2();
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path content = fs::weakly_canonical(fs::absolute(content_dir, ec), ec);
    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, content.c_str(), 0, nullptr) != 0) return "no repository";
    Repo repo(raw);
    std::string state;
    char hex[GIT_OID_HEXSZ + 1];
    git_oid oid;
    if (git_reference_name_to_id(&oid, repo.get(), "HEAD") == 0) state += std::string("head ") + git_oid_tostr(hex, sizeof hex, &oid) + "\n";
    if (git_repository_is_shallow(repo.get()) == 1) state += "shallow\n";
    git_reference_iterator* raw_it = nullptr;
    if (git_reference_iterator_glob_new(&raw_it, repo.get(), "refs/tags/*") == 0) {
        std::vector<std::string> tags;
        for (git_reference* ref = nullptr; git_reference_next(&ref, raw_it) == 0; git_reference_free(ref)) {
            const git_oid* target = git_reference_target(ref);
            tags.push_back(std::string(git_reference_name(ref)) + " " + (target ? git_oid_tostr(hex, sizeof hex, target) : "?"));
        }
        git_reference_iterator_free(raw_it);
        std::sort(tags.begin(), tags.end());
        for (const auto& t : tags) state += "tag " + t + "\n";
    }
    if (const char* workdir = git_repository_workdir(repo.get())) {
        struct stat st {};
        if (::stat((std::string(workdir) + ".mailmap").c_str(), &st) == 0)
            state += "mailmap " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
                     std::to_string(st.st_mtim.tv_nsec) + "\n";
    }
    return state;
}

History read_history(const std::string& content_dir, const std::string& cache_file) {
    use_libgit2();
    History h;
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path content = fs::weakly_canonical(fs::absolute(content_dir, ec), ec);

    git_repository* raw = nullptr;
    if (git_repository_open_ext(&raw, content.c_str(), 0, nullptr) != 0) {
        h.note_ = "the content folder is not in a git repository: no history";
        return h;
    }
    auto repo = std::make_unique<History::Repository>();
    repo->repo.reset(raw);
    const char* workdir = git_repository_workdir(repo->repo.get());
    if (!workdir) {
        h.note_ = "the repository has no working folder: no history";
        return h;
    }
    std::string prefix = content.lexically_relative(fs::weakly_canonical(workdir, ec)).generic_string();
    if (prefix == ".") prefix.clear();
    if (!prefix.empty()) prefix += "/";
    repo->prefix = prefix;
    repo->content = content.string();
    // Read before the cache is looked at: a .mailmap that leads out is reported on every build.
    const std::string mailmap = mailmap_text(repo->repo.get(), workdir, prefix, h.problems_);

    git_oid head;
    if (git_reference_name_to_id(&head, repo->repo.get(), "HEAD") != 0) {
        h.note_ = "the repository has no commits yet: no history";
        return h;
    }

    // What an earlier build read: only the commits since its head are walked now.
    Cache cache;
    bool from_cache = !cache_file.empty() && read_cache(cache_file, prefix, cache);
    git_oid cached_head;
    if (from_cache && git_oid_fromstr(&cached_head, cache.head.c_str()) != 0) from_cache = false;
    if (from_cache && git_oid_equal(&cached_head, &head)) {
        h.revisions_ = std::move(cache.revisions);
        h.changes_ = std::move(cache.changes);
        h.cached_ = h.revisions_.size();
        h.index_files();
        h.repo_ = std::move(repo);
        return h;
    }
    if (from_cache && git_graph_descendant_of(repo->repo.get(), &head, &cached_head) != 1) from_cache = false;

    // Commits newest first. Debian's libgit2 cannot walk a shallow clone: then follow first
    // parents until an object is missing.
    // (The walk itself reads every commit: their ids are all the diffs below need.)
    std::vector<git_oid> ids;
    git_revwalk* raw_walk = nullptr;
    if (git_revwalk_new(&raw_walk, repo->repo.get()) == 0) {
        Walk walk(raw_walk);
        git_revwalk_sorting(walk.get(), GIT_SORT_TOPOLOGICAL | GIT_SORT_TIME);
        if (from_cache) git_revwalk_hide(walk.get(), &cached_head);
        if (git_revwalk_push(walk.get(), &head) == 0) {
            git_oid oid;
            while (git_revwalk_next(&oid, walk.get()) == 0) ids.push_back(oid);
        }
    }
    if (ids.empty() && !from_cache) {
        std::vector<Commit> commits;
        git_commit* c = nullptr;
        if (git_commit_lookup(&c, repo->repo.get(), &head) == 0) commits.emplace_back(c);
        while (!commits.empty() && git_commit_parentcount(commits.back().get()) > 0) {
            git_commit* parent = nullptr;
            if (git_commit_parent(&parent, commits.back().get(), 0) != 0) break;
            commits.emplace_back(parent);
        }
        for (const auto& commit : commits) ids.push_back(*git_commit_id(commit.get()));
    }
    if (ids.empty() && !from_cache) {
        h.note_ = "cannot read the repository's commits (is it damaged?): no history";
        return h;
    }
    if (git_repository_is_shallow(repo->repo.get()) == 1)
        h.note_ = "shallow clone: history is incomplete (fetch the full history)";

    // Each commit's own changes, from one tree diff against its first parent. The commits are
    // independent of each other: they are shared out to one thread per core, each with its own
    // handle on the repository (libgit2 objects belong to one handle).
    std::vector<CommitChanges> results(ids.size());
    // Each thread takes runs of consecutive commits (a commit's parent tree is then the tree the
    // thread read for the commit before, still in that handle's object cache), the next run as
    // soon as it is done: commits differ in cost (newer trees hold more files), so a fixed share
    // per thread would leave one waiting for the other.
    const std::string gitdir = git_repository_path(repo->repo.get());
    const unsigned workers = std::min(worker_count(), static_cast<unsigned>(ids.size() / 64 + 1));
    constexpr size_t kRun = 32;
    std::atomic<size_t> next_run{0};
    auto work = [&](git_repository* handle) {
        git_mailmap* raw_mailmap = nullptr;
        const Mailmap map(git_mailmap_from_buffer(&raw_mailmap, mailmap.data(), mailmap.size()) == 0 ? raw_mailmap : nullptr);
        for (size_t begin; (begin = next_run.fetch_add(kRun)) < ids.size();)
            for (size_t i = begin; i < std::min(begin + kRun, ids.size()); ++i)
                diff_commit(handle, ids[i], prefix, map.get(), results[i]);
    };
    // A thread that cannot open a handle of its own leaves the runs to the others.
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < workers; ++t)
        threads.emplace_back([&] {
            git_repository* raw_handle = nullptr;
            if (git_repository_open(&raw_handle, gitdir.c_str()) != 0) return;
            Repo handle(raw_handle);
            work(handle.get());
        });
    work(repo->repo.get());
    for (auto& t : threads) t.join();
    threads.clear();
    for (auto& r : results) {
        if (!r.note.empty() && h.note_.empty()) h.note_ = r.note;
        if (r.changes.empty()) continue;
        h.revisions_.push_back(std::move(r.revision));
        h.changes_.push_back(std::move(r.changes));
    }
    if (from_cache) {
        h.cached_ = cache.revisions.size();
        h.revisions_.insert(h.revisions_.end(), std::make_move_iterator(cache.revisions.begin()),
                            std::make_move_iterator(cache.revisions.end()));
        h.changes_.insert(h.changes_.end(), std::make_move_iterator(cache.changes.begin()),
                          std::make_move_iterator(cache.changes.end()));
    }
    h.index_files();
    if (!cache_file.empty() && h.note_.empty()) write_cache(cache_file, oid_string(&head), prefix, h.revisions_, h.changes_);
    h.repo_ = std::move(repo);
    return h;
}

// Walking from new to old, `now` maps a path as it was to the path the file has today.
void History::index_files() {
    files_.clear();
    added_or_deleted_.clear();
    for (size_t revision = 0; revision < changes_.size(); ++revision)
        for (size_t i = 0; i < changes_[revision].size(); ++i) {
            const Change& c = changes_[revision][i];
            if (c.kind != ChangeKind::Added && c.kind != ChangeKind::Deleted) continue;
            const std::string& file = c.kind == ChangeKind::Deleted ? c.old_path : c.path;
            added_or_deleted_[file.substr(0, file.rfind('/') + 1)].emplace_back(revision, i);
        }
    std::map<std::string, std::string> now;
    auto current = [&](const std::string& path) {
        auto it = now.find(path);
        return it == now.end() ? path : it->second;
    };
    for (size_t index = 0; index < changes_.size(); ++index)
        for (const auto& c : changes_[index]) {
            if (c.kind == ChangeKind::Deleted) {
                files_[current(c.old_path)].push_back({index, c.kind, c.old_path, {}});
                continue;
            }
            const std::string today = current(c.path);
            files_[today].push_back({index, c.kind, c.path, c.blob});
            if (c.kind == ChangeKind::Renamed) now[c.old_path] = today;  // older commits knew it by its old name
        }
}

}  // namespace samplan::history
