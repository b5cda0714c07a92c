// history/git.cpp — see git.h.
#include "history/git.h"

#include <sys/stat.h>

#include <cstdint>
#include <string_view>

// libgit2 built with mbedtls (Debian's) reads and parses the system's certificate authorities
// (/etc/ssl/certs/ca-certificates.crt, some 140 certificates) in git_libgit2_init, for HTTPS
// remotes: 6 ms of CPU in every samplan run that reads the history, a sixtieth of a rebuild's
// (docs/performance.md, "(nineteenth session, fixed12)"). samplan only reads local repositories:
// this function, which libgit2 finds in the program before mbedtls's own, parses nothing. Should
// a remote ever be reached over HTTPS, the empty list of authorities makes mbedtls refuse every
// server's certificate (libgit2 requires a verified one): it fails, never trusts blindly. With a
// libgit2 built on OpenSSL or without TLS nothing calls it.
extern "C" int mbedtls_x509_crt_parse_file(void* /*chain*/, const char* /*path*/) { return 0; }

namespace samplan::history {
namespace {

struct LibGit {
    LibGit() {
        git_libgit2_init();
        // No object cache. Its limit counts the objects' bytes as stored, not what libgit2 keeps
        // for each (a tree parsed, its raw copy, its entry in the cache's map): the history walk's
        // trees are small, and a limit of 16 MiB held some 40 MiB of them at 5,000 commits, the
        // build's peak. Reading a tree again costs less than that cache saved: the pack's delta
        // bases stay cached (libgit2's own 16 MiB per pack), and the build is no slower without it.
        git_libgit2_opts(GIT_OPT_ENABLE_CACHING, 0);
        // libgit2 hashes every object it reads again, with collision-detecting SHA-1, to check it
        // against its id: a tenth of a build's work. samplan only reads the repository (git
        // itself does not check objects on reading either).
        git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
        // libgit2 maps a pack file in windows of up to 1 GiB, as many as 8 GiB at once: a whole
        // pack, and the history walk reads most of it, so all of it counted in the resident
        // memory while the walk ran (some 28 MiB of a 33 MiB pack at 10,000 commits, the build's
        // peak on a busy machine). Windows of 1 MiB, at most 8 MiB mapped: the least recently
        // used window not in use is unmapped when more is needed (docs/performance.md).
        git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, static_cast<size_t>(1) << 20);
        git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, static_cast<size_t>(8) << 20);
    }
    ~LibGit() { git_libgit2_shutdown(); }
};

}  // namespace

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

Repo History::Repository::take_handle() {
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

void History::Repository::give_back(Repo handle) {
    std::lock_guard lock(pool_mutex);
    pool.push_back(std::move(handle));
}

git_repository* History::Repository::thread_handle() {
    std::lock_guard lock(pool_mutex);
    Repo& handle = by_thread[std::this_thread::get_id()];
    if (!handle) {
        git_repository* raw = nullptr;
        if (git_repository_open(&raw, git_repository_path(repo.get())) == 0) handle.reset(raw);
    }
    return handle.get();
}

PackReader& History::Repository::pack_reader() {
    std::call_once(packs_once, [this] {
        // At most 16 MiB (compressed): on 1,000 activities with 10,000 commits (a 35 MiB pack) a
        // full build then applies 5% more deltas than with 32 MiB and peaks 11 MiB lower; with
        // 12 MiB it applies half again as many (docs/performance.md).
        constexpr size_t kCacheBytes = static_cast<size_t>(16) << 20;
        const char* common = git_repository_commondir(repo.get());
        packs = std::make_unique<PackReader>(std::string(common ? common : git_repository_path(repo.get())) + "objects/pack",
                                             kCacheBytes);
    });
    return *packs;
}

void History::Repository::read_index() {
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

bool History::Repository::index_vouches(const std::string& path, const git_oid& blob) {
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

Tree History::Repository::tree_of(const std::string& commit_id) {
    git_oid oid;
    git_commit* c = nullptr;
    if (git_oid_fromstr(&oid, commit_id.c_str()) != 0 || git_commit_lookup(&c, repo.get(), &oid) != 0) return {};
    Commit commit(c);
    git_tree* t = nullptr;
    if (git_commit_tree(&t, commit.get()) != 0) return {};
    return Tree(t);
}

}  // namespace samplan::history
