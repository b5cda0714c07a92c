// history/packs.h — blobs read straight from a repository's pack files, with one cache of the
// objects unpacked on the way (history stage, internal).
//
// Every older version of every record is read from git. In a packed repository each version is
// a delta on another object, in chains of up to 50 (git gc's depth) that mix the versions of many
// files. libgit2 keeps the bases it unpacked in a cache of 16 MiB that it empties whole when full:
// on a history of 10,000 commits, reading record after record rebuilt some 8 objects per version
// read, and more the longer the history (the chains the reads of nearby records share no longer
// fit). This reader keeps the objects it unpacked (bases and the versions read), compressed, in a
// cache that lets go of the least recently used first, so that reading the versions of one file
// after the other costs about one delta each.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace samplan::history {

class PackReader {
public:
    // Reads the pack files in `pack_dir` (a repository's objects/pack folder); its cache holds
    // as much as their size (of objects compressed once it is full), at most
    // `max_cache_bytes`.
    PackReader(const std::string& pack_dir, size_t max_cache_bytes);
    ~PackReader();
    PackReader(const PackReader&) = delete;
    PackReader& operator=(const PackReader&) = delete;

    // The blob `id` (20 bytes, binary), when a pack holds it and it unpacks; nullopt otherwise
    // (a loose object, another pack format, an object that is not a blob, a damaged pack: the
    // caller reads it the ordinary way). Thread-safe.
    std::optional<std::string> read_blob(const unsigned char* id, size_t max_bytes);
    // Empties the cache (thread-safe).
    void release_cache();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Applies a git delta to `base`; nullopt when the delta is not valid for it.
std::optional<std::string> apply_git_delta(const std::string& base, const unsigned char* delta, size_t size);

}  // namespace samplan::history
