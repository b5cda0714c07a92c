#include "edit/git_save.h"

#include <filesystem>

#include "history/libgit2.h"

namespace samplan::edit {
namespace {

using history::Commit;
using history::Index;
using history::Repo;
using history::Signature;
using history::Tree;
using history::TreeBuilder;

std::string last_error(const char* what) {
    const git_error* e = git_error_last();
    return std::string(what) + (e && e->message ? std::string(": ") + e->message : std::string());
}

std::string hex(const git_oid& oid) {
    char buffer[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(buffer, sizeof buffer, &oid);
    return buffer;
}

}  // namespace

std::string blob_id(std::string_view text) {
    history::use_libgit2();
    git_oid oid;
    if (git_odb_hash(&oid, text.data(), text.size(), GIT_OBJECT_BLOB) != 0) return {};
    return hex(oid);
}

bool commit_file(const std::string& file, const Author& author, const std::string& message, std::string& commit_id,
                 std::string& error) {
    namespace fs = std::filesystem;
    history::use_libgit2();
    git_repository* raw_repo = nullptr;
    if (git_repository_open_ext(&raw_repo, fs::path(file).parent_path().c_str(), 0, nullptr) != 0) {
        error = "Innehållet ligger inte i ett git-arkiv: ändringen sparades men checkades inte in.";
        return false;
    }
    Repo repo(raw_repo);
    const char* workdir = git_repository_workdir(repo.get());
    if (!workdir) {
        error = "Git-arkivet har ingen arbetskatalog.";
        return false;
    }
    std::error_code ec;
    const fs::path relative = fs::weakly_canonical(file, ec).lexically_relative(fs::weakly_canonical(workdir, ec));
    if (ec || relative.empty() || *relative.begin() == "..") {
        error = "Filen ligger utanför git-arkivet.";
        return false;
    }
    const std::string path = relative.generic_string();

    git_oid blob;
    if (git_blob_create_from_workdir(&blob, repo.get(), path.c_str()) != 0) {
        error = last_error("git blob");
        return false;
    }
    // On top of HEAD's tree, this file only; an unborn branch starts from the empty tree.
    Commit parent;
    git_oid head;
    if (git_reference_name_to_id(&head, repo.get(), "HEAD") == 0) {
        git_commit* c = nullptr;
        if (git_commit_lookup(&c, repo.get(), &head) != 0) {
            error = last_error("git HEAD");
            return false;
        }
        parent.reset(c);
    }
    Tree base;
    if (parent) {
        git_tree* t = nullptr;
        if (git_commit_tree(&t, parent.get()) != 0) {
            error = last_error("git tree");
            return false;
        }
        base.reset(t);
    } else {
        git_treebuilder* b = nullptr;
        git_oid empty;
        git_tree* t = nullptr;
        if (git_treebuilder_new(&b, repo.get(), nullptr) != 0) return error = last_error("git tree"), false;
        TreeBuilder builder(b);
        if (git_treebuilder_write(&empty, builder.get()) != 0 || git_tree_lookup(&t, repo.get(), &empty) != 0) {
            error = last_error("git tree");
            return false;
        }
        base.reset(t);
    }
    git_tree_update update{};
    update.action = GIT_TREE_UPDATE_UPSERT;
    update.id = blob;
    update.filemode = GIT_FILEMODE_BLOB;
    update.path = path.c_str();
    git_oid tree_id;
    git_tree* new_tree = nullptr;
    if (git_tree_create_updated(&tree_id, repo.get(), base.get(), 1, &update) != 0 ||
        git_tree_lookup(&new_tree, repo.get(), &tree_id) != 0) {
        error = last_error("git tree");
        return false;
    }
    Tree tree(new_tree);
    git_signature* raw_sig = nullptr;
    if (git_signature_now(&raw_sig, author.name.c_str(), author.email.c_str()) != 0) {
        error = "Namnet eller e-postadressen går inte att använda i en git-incheckning.";
        return false;
    }
    Signature signature(raw_sig);
    const git_commit* parents[] = {parent.get()};
    git_oid commit;
    if (git_commit_create(&commit, repo.get(), "HEAD", signature.get(), signature.get(), nullptr, message.c_str(), tree.get(),
                          parent ? 1 : 0, parents) != 0) {
        error = last_error("git commit");
        return false;
    }
    commit_id = hex(commit);
    // The index follows for this file, so that `git status` shows it as committed.
    git_index* raw_index = nullptr;
    if (git_repository_index(&raw_index, repo.get()) == 0) {
        Index index(raw_index);
        if (git_index_add_bypath(index.get(), path.c_str()) == 0) git_index_write(index.get());
    }
    return true;
}

}  // namespace samplan::edit
