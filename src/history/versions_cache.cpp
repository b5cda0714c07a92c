// history/versions_cache.cpp — see versions_cache.h.
#include "history/versions_cache.h"

#include <dirent.h>
#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <unordered_set>

#include "core/bytes.h"
#include "core/digest.h"
#include "core/files.h"

namespace samplan::history {
namespace {

// The first line of a file: its format. (The key holds samplan's identity: another samplan's
// entries are another key's.)
constexpr std::string_view kMagic = "samplan differences 1\n";
// More than any entry holds (an activity file is read up to 1 MiB, and an entry holds about one
// text per version): a larger size is damage.
constexpr std::uint32_t kMaxPayload = 256u * 1024 * 1024;

using Writer = ByteWriter;
using Reader = ByteReader;

std::uint8_t kind_code(ChangeKind kind) { return static_cast<std::uint8_t>(kind); }

}  // namespace

std::string encode_versions(const std::string& key, const std::string& path, const std::vector<RecordVersion>& versions,
                            const std::vector<FileRevision>& file, const std::vector<Revision>& revisions) {
    if (versions.size() > file.size() || versions.empty()) return {};
    std::string payload;
    Writer w(payload);
    w.raw(static_cast<std::uint32_t>(versions.size()));
    for (size_t i = 0; i < versions.size(); ++i) {
        const RecordVersion& v = versions[i];
        const FileRevision& fr = file[i];
        if (v.revision != fr.revision || v.change != fr.kind || v.path != fr.path() || fr.revision >= revisions.size())
            return {};
        w.raw(kind_code(fr.kind));
        w.text(fr.path());
        w.text(revisions[fr.revision].commit);
        w.text(fr.blob());
        w.raw(static_cast<std::uint32_t>(v.differences.size()));
        for (const Difference& d : v.differences) {
            w.text(d.kind);
            w.raw(static_cast<std::uint32_t>(d.args.size()));
            for (const auto& arg : d.args) w.text(arg);
            w.text(d.record);
            w.raw(static_cast<std::uint32_t>(d.words.size()));
            for (const WordRun& run : d.words) {
                w.raw(static_cast<std::uint8_t>(run.kind));
                w.text(run.text);
            }
        }
    }
    if (payload.size() > kMaxPayload) return {};
    // Compressed: a text difference holds the whole text (its unchanged words too), and the
    // versions of one file are much alike. zlib's checksum tells a damaged entry.
    uLongf size = compressBound(static_cast<uLong>(payload.size()));
    std::string compressed(size, '\0');
    if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &size, reinterpret_cast<const Bytef*>(payload.data()),
                  static_cast<uLong>(payload.size()), 1) != Z_OK)
        return {};
    compressed.resize(size);

    std::string out(kMagic);
    Writer header(out);
    header.text(key);
    header.text(path);
    header.raw(static_cast<std::uint32_t>(payload.size()));
    out += compressed;
    return out;
}

std::optional<std::vector<RecordVersion>> decode_versions(std::string_view bytes, const std::string& key, const std::string& path,
                                                          const std::vector<FileRevision>& file,
                                                          const std::vector<Revision>& revisions) {
    if (bytes.substr(0, kMagic.size()) != kMagic) return std::nullopt;
    Reader header(bytes.substr(kMagic.size()));
    if (header.text() != key || header.text() != path) return std::nullopt;
    const auto size = header.raw<std::uint32_t>();
    // No more than deflate can make of the stream (about 1,000 times its size): a larger size is
    // damage, and is not allocated.
    if (!header.ok || size > kMaxPayload || size > std::uint64_t{header.rest().size()} * 1100) return std::nullopt;
    // Exactly the size as written, the whole stream read, and nothing after it.
    std::string payload(size, '\0');
    uLongf made = size;
    uLong used = static_cast<uLong>(header.rest().size());
    if (uncompress2(reinterpret_cast<Bytef*>(payload.data()), &made, reinterpret_cast<const Bytef*>(header.rest().data()),
                    &used) != Z_OK ||
        made != size || used != header.rest().size())
        return std::nullopt;

    Reader r(payload);
    const auto count = r.count(17);  // a kind, a path, a commit, a blob and a count
    if (!r.ok || count == 0 || count > file.size()) return std::nullopt;
    std::vector<RecordVersion> versions(count);
    for (size_t i = 0; i < count; ++i) {
        const FileRevision& fr = file[i];
        const auto kind = r.raw<std::uint8_t>();
        const std::string_view at = r.text(), commit = r.text(), blob = r.text();
        if (!r.ok || kind != kind_code(fr.kind) || at != fr.path() || fr.revision >= revisions.size() ||
            commit != revisions[fr.revision].commit || blob != fr.blob())
            return std::nullopt;
        RecordVersion& v = versions[i];
        v.revision = fr.revision;
        v.change = fr.kind;
        v.path = fr.path();
        const auto differences = r.count(16);  // a kind, its arguments, its record and its runs: 4 bytes each at least
        v.differences.resize(differences);
        for (Difference& d : v.differences) {
            d.kind = r.text();
            d.args.resize(r.count(4));
            for (auto& arg : d.args) arg = r.text();
            d.record = r.text();
            d.words.resize(r.count(5));
            for (WordRun& run : d.words) {
                const auto run_kind = r.raw<std::uint8_t>();
                if (run_kind > static_cast<std::uint8_t>(WordRun::Kind::Deleted)) r.ok = false;
                run.kind = static_cast<WordRun::Kind>(run_kind);
                run.text = r.text();
            }
            if (!r.ok) return std::nullopt;
        }
        if (!r.ok) return std::nullopt;
    }
    if (!r.ok || !r.at_end()) return std::nullopt;
    return versions;
}

std::string VersionsCache::file_of(const std::string& path) const {
    Digest d;
    d.add("activity");
    d.add(path);
    return folder_ + "/" + d.hex() + ".bin";
}

std::optional<std::vector<RecordVersion>> newest_versions(std::vector<RecordVersion> stored, size_t revisions, size_t newest) {
    const size_t wanted = newest == 0 ? revisions : std::min(newest, revisions);
    if (stored.size() < wanted) return std::nullopt;
    stored.resize(wanted);
    // The oldest version read has nothing to be compared with.
    if (wanted < revisions) stored.back().differences.clear();
    return stored;
}

std::optional<std::vector<RecordVersion>> VersionsCache::load(const History& history, const std::string& path, const std::string& key,
                                                              size_t newest, const std::string* loaded) const {
    if (folder_.empty()) return std::nullopt;
    std::string bytes, error;
    if (read_regular_file(file_of(path), kMaxPayload, bytes, error, true) != FileRead::Ok) return std::nullopt;
    const auto& file = history.file_revisions(path);
    auto stored = decode_versions(bytes, key, path, file, history.revisions());
    if (!stored) return std::nullopt;
    auto versions = newest_versions(std::move(*stored), file.size(), newest);
    // As activity_versions sets it: the newest, when the activity was loaded from exactly its text.
    if (versions) versions->front().current = is_loaded(history, file.front(), loaded);
    return versions;
}

bool VersionsCache::store(const History& history, const std::string& path, const std::string& key,
                          const std::vector<RecordVersion>& versions) const {
    if (folder_.empty()) return false;
    const std::string bytes = encode_versions(key, path, versions, history.file_revisions(path), history.revisions());
    return !bytes.empty() && replace_file(file_of(path), bytes);
}

namespace {

// What a prune notes of the activities' paths it kept.
std::string pruned_note(const std::vector<std::string>& activity_paths) {
    Digest digest;
    digest.add_words("samplan pruned 1");
    for (const auto& path : activity_paths) digest.add_words(path);
    digest.add_word(activity_paths.size());
    return digest.hex() + "\n";
}

bool noted_as_pruned(const std::string& note_file, const std::string& note) {
    std::string text, error;
    return read_regular_file(note_file, 64, text, error) == FileRead::Ok && text == note;
}

}  // namespace

void VersionsCache::start_build(const std::vector<std::string>& activity_paths) const {
    if (folder_.empty()) return;
    const std::string note_file = folder_ + ".pruned";
    if (!noted_as_pruned(note_file, pruned_note(activity_paths))) ::unlink(note_file.c_str());
}

size_t VersionsCache::prune(const std::vector<std::string>& activity_paths) const {
    if (folder_.empty()) return 0;
    const std::string note_file = folder_ + ".pruned", note = pruned_note(activity_paths);
    // Pruned for these very paths already: only what killed stores left can be out of place.
    const bool pruned = noted_as_pruned(note_file, note);
    std::unordered_set<std::string> live;
    if (!pruned) {
        live.reserve(activity_paths.size());
        for (const auto& path : activity_paths) {
            const std::string file = file_of(path);
            live.insert(file.substr(file.rfind('/') + 1));
        }
    }
    std::vector<std::string> gone;
    DIR* dir = ::opendir(folder_.c_str());
    if (!dir) return 0;
    while (const dirent* e = ::readdir(dir)) {
        const std::string_view name(e->d_name);
        if (name == "." || name == "..") continue;
        const auto tmp = name.rfind(".tmp-");
        if (tmp == std::string_view::npos) {
            if (!pruned && !live.count(std::string(name))) gone.emplace_back(name);
            continue;
        }
        // replace_file's "<file>.tmp-<pid>": another build's store may be writing it right now.
        const std::string pid(name.substr(tmp + 5));
        if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos) continue;
        if (::kill(static_cast<pid_t>(std::stol(pid)), 0) != 0 && errno == ESRCH) gone.emplace_back(name);
    }
    ::closedir(dir);
    size_t removed = 0;
    for (const auto& name : gone)
        if (::unlink((folder_ + "/" + name).c_str()) == 0) ++removed;
    if (!pruned) replace_file(note_file, note);
    return removed;
}

}  // namespace samplan::history
