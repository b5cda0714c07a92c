// history/tree_diff.cpp — see tree_diff.h.
#include "history/tree_diff.h"

#include <algorithm>

#include "core/text.h"

namespace samplan::history {
namespace {

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

}  // namespace

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
    changes.reserve(deltas.size());  // kept for the whole build: no room to spare
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

}  // namespace samplan::history
