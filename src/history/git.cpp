// history/git.cpp — see git.h.
#include "history/git.h"

namespace samplan::history {
namespace {

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

}  // namespace

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

}  // namespace samplan::history
