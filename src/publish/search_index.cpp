// publish/search_index.cpp — the search index (build_search_index, write_search_stamp in
// publish.h): finding Pagefind, its parts kept or made again, the stamp of what they were made from.
#include "publish/publish.h"
#include "publish/relative_path.h"
#include "publish/run_guarded.h"
#include "publish/search_index_cut.h"

#include "core/digest.h"
#include "core/files.h"
#include "core/parallel.h"
#include "core/stop.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <thread>
#include <unordered_set>
#include <vector>

namespace samplan::publish {
namespace fs = std::filesystem;
namespace {

// Pagefind: the program SAMPLAN_PAGEFIND names when it is set (and only it), else
// node_modules/.bin/pagefind (npm's wrapper, which starts the binary of @pagefind/linux-x64) in
// the working folder, then in the site's folder, else the first pagefind on PATH. Empty when
// there is none.
std::string find_pagefind(const std::string& site_folder) {
    if (const char* named = std::getenv("SAMPLAN_PAGEFIND"); named && *named)
        return ::access(named, X_OK) == 0 ? std::string(named) : std::string();
    std::vector<std::string> candidates = {"node_modules/.bin/pagefind"};
    if (!site_folder.empty()) candidates.push_back(site_folder + "/node_modules/.bin/pagefind");
    if (const char* path = std::getenv("PATH")) {
        const std::string p = path;
        for (size_t start = 0; start <= p.size();) {
            const size_t end = p.find(':', start);
            const std::string d = p.substr(start, end == std::string::npos ? std::string::npos : end - start);
            if (!d.empty()) candidates.push_back(d + "/pagefind");
            if (end == std::string::npos) break;
            start = end + 1;
        }
    }
    for (const auto& c : candidates)
        if (::access(c.c_str(), X_OK) == 0) return c;
    return {};
}

// npm's wrapper (node_modules/.bin/pagefind, a Node script) starts the binary of the platform's
// package, @pagefind/linux-<arch>/bin/pagefind_extended or pagefind, as its resolveBinary.js does
// (honouring PAGEFIND_EXTENDED_BINARY_PATH and PAGEFIND_BINARY_PATH): that binary, started
// directly, so that each part of the index does not pay for starting Node. `program` itself
// when it is not npm's wrapper or the binary is not found.
std::string npm_binary(const std::string& program) {
    std::error_code ec;
    const fs::path real = fs::canonical(program, ec);
    if (ec || real.filename() != "bin.cjs" || real.parent_path().filename() != "runner") return program;
    for (const char* variable : {"PAGEFIND_EXTENDED_BINARY_PATH", "PAGEFIND_BINARY_PATH"})
        if (const char* set = std::getenv(variable); set && *set) return program;  // the wrapper's choice: leave it to it
    struct utsname system {};
    if (::uname(&system) != 0) return program;
    const std::string machine = system.machine;
    const std::string arch = machine == "x86_64" ? "x64" : machine == "aarch64" ? "arm64" : machine;
    const fs::path modules = real.parent_path().parent_path().parent_path().parent_path();
    for (const char* name : {"pagefind_extended", "pagefind"}) {
        const fs::path binary = modules / "@pagefind" / ("linux-" + arch) / "bin" / name;
        if (::access(binary.c_str(), X_OK) == 0) return binary.string();
    }
    return program;
}

// Whether `program` is Pagefind's own binary (an executable named pagefind or pagefind_extended,
// not a script): it starts no process of its own, so run_guarded need not start it under a guard.
bool pagefind_binary(const std::string& program) {
    const std::string name = fs::path(program).filename().string();
    if (name != "pagefind" && name != "pagefind_extended") return false;
    const int fd = ::open(program.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    char magic[4] = {};
    const bool elf = ::read(fd, magic, sizeof magic) == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
    ::close(fd);
    return elf;
}

// Which file is `path` now (its target's when it is a link): inode, size, modification time.
std::string identity(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return {};
    return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) + ":" + std::to_string(st.st_size) + ":" +
           std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec);
}

// What Pagefind is: the program found and, for npm's wrapper, the package's binary beside it.
std::string pagefind_identity(const std::string& binary) {
    std::error_code ec;
    const fs::path real = fs::canonical(binary, ec);
    std::string id = real.string() + " " + identity(binary);
    if (!ec && real.parent_path().filename() == "runner") {  // node_modules/pagefind/lib/runner/bin.cjs
        const fs::path modules = real.parent_path().parent_path().parent_path().parent_path();
        for (const char* name : {"pagefind_extended", "pagefind"})
            id += " " + identity((modules / "@pagefind/linux-x64/bin" / name).string());
        id += " " + identity((modules / "pagefind/package.json").string());
    }
    return id;
}

// Hard-links the previous site's pagefind/ folder into the staging folder; false when it fails.
// (A spare staging folder has it already: the same files.)
bool keep_index(const std::string& previous_site, const std::string& staging, bool reused) {
    const fs::path from = fs::path(previous_site) / "pagefind";
    std::error_code ec;
    if (!fs::is_regular_file(from / "pagefind.js", ec)) return false;
    if (reused) {
        if (identity((from / "pagefind.js").string()) == identity(staging + "/pagefind/pagefind.js")) return true;
        fs::remove_all(fs::path(staging) / "pagefind", ec);
    }
    fs::copy(from, fs::path(staging) / "pagefind", fs::copy_options::recursive | fs::copy_options::create_hard_links, ec);
    if (ec) fs::remove_all(fs::path(staging) / "pagefind", ec);
    return !ec;
}

// The folder of a part of the index, relative to the site.
std::string part_folder(const std::string& name) { return name.empty() ? "pagefind" : "pagefind/parts/" + name; }

// Hard-links the files of the folder `from` into `to` (made here), its sub-folders too, but not
// the entries named in `skip` at its top (the main index leaves out the other parts and their list).
bool link_folder(const fs::path& from, const fs::path& to, const std::vector<std::string>& skip) {
    std::error_code ec;
    fs::create_directories(to, ec);
    if (ec) return false;
    for (const auto& e : fs::directory_iterator(from, ec)) {
        const std::string name = e.path().filename().string();
        if (std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
        fs::copy(e.path(), to / name, fs::copy_options::recursive | fs::copy_options::create_hard_links, ec);
        if (ec) return false;
    }
    return !ec;
}

// Pagefind's files that only the main index needs (the parts share its program and its
// WebAssembly in the browser): removed from the parts.
bool main_index_only(const std::string& name) {
    return name != "pagefind-entry.json" &&
           (name.rfind("pagefind.js", 0) == 0 || name.rfind("pagefind-", 0) == 0 || name.rfind("wasm.", 0) == 0);
}

// Reads the page at `path` whole into `out`; false when it is not a regular file that can be read.
bool read_page(const std::string& path, std::string& out) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return false;
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (ok) {
        out.resize(static_cast<size_t>(st.st_size));
        size_t done = 0;
        while (ok && done < out.size()) {
            const ssize_t got = ::read(fd, out.data() + done, out.size() - done);
            if (got < 0 && errno == EINTR) continue;
            ok = got > 0;
            if (ok) done += static_cast<size_t>(got);
        }
    }
    ::close(fd);
    return ok;
}

// Puts `pages` (relative to `staging`) into the folder `scratch`, at the same paths, for Pagefind:
// each page cut to what Pagefind reads of it (search_index_cut.h) where that takes something out,
// else the page itself, hard-linked. Returns a digest of what it gave (the paths and the bytes):
// Pagefind makes the same index from the same digest; 0 when a page could not be read.
std::uint64_t give_pages(const std::string& staging, const std::string& scratch, const std::vector<std::string>& pages) {
    std::unordered_set<std::string> made;
    auto make = [&](auto& self, const std::string& dir) -> void {
        if (dir.empty() || made.count(dir)) return;
        const size_t slash = dir.rfind('/');
        if (slash != std::string::npos) self(self, dir.substr(0, slash));
        const std::string full = scratch + "/" + dir;
        if (::mkdir(full.c_str(), 0777) != 0 && errno != EEXIST)
            throw std::runtime_error("cannot create " + full + ": " + std::strerror(errno));
        made.insert(dir);
    };
    if (::mkdir(scratch.c_str(), 0777) != 0) throw std::runtime_error("cannot create " + scratch + ": " + std::strerror(errno));
    std::string page, cut;
    Digest given;
    given.add("given 1");
    bool known = true;
    for (const auto& name : pages) {
        check_relative(name);
        make(make, folder_of(name));
        const std::string from = staging + "/" + name, to = scratch + "/" + name;
        const bool read = read_page(from, page);
        known = known && read;
        given.add(name);
        if (read && cut_for_search(page, cut)) {
            given.add("cut");
            given.add_words(cut);
            const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
            size_t done = 0;
            while (fd >= 0 && done < cut.size()) {
                const ssize_t wrote = ::write(fd, cut.data() + done, cut.size() - done);
                if (wrote < 0 && errno == EINTR) continue;
                if (wrote <= 0) break;
                done += static_cast<size_t>(wrote);
            }
            const int saved = errno;
            if (fd >= 0) ::close(fd);
            if (fd < 0 || done < cut.size())
                throw std::runtime_error("cannot write " + to + ": " + std::strerror(saved));
            continue;
        }
        given.add("whole");
        given.add_words(page);
        if (::link(from.c_str(), to.c_str()) != 0)
            throw std::runtime_error("cannot link " + from + " to " + to + ": " + std::strerror(errno));
    }
    if (!known) return 0;
    return given.value() != 0 ? given.value() : 1;
}

// Removes a folder on a thread of its own, waited for when dropped; `fd`, the folder open with its
// lock held, is closed once it is gone.
struct Remover {
    std::thread thread;
    Remover(const std::string& path, int fd) : thread([path, fd] {
        std::error_code ec;
        fs::remove_all(path, ec);
        ::close(fd);
    }) {}
    Remover(const Remover&) = delete;
    Remover& operator=(const Remover&) = delete;
    ~Remover() { thread.join(); }
};

// A part of the previous site's index, as the stamp describes it.
struct Previous {
    std::uint64_t pages = 0, given = 0;
    std::string identity;  // of its pagefind-entry.json
};

// How Pagefind's run over one part ended.
struct PartRun {
    RunEnd end = RunEnd::Ok;
    std::uint64_t given = 0;     // what Pagefind was given (give_pages); 0: not known
    bool kept_given = false;     // not made: the previous site's part, made from these very bytes, linked
    std::exception_ptr failure;  // Stopped, or the part's pages could not be given
};

std::string part_name(const SearchPart& part) { return part.name.empty() ? std::string("-") : part.name; }

// Empties the folder of a part made again, or linked from the previous site (the main one keeps the
// other parts): a spare staging folder's files are the output's too, never written over.
void clear_part(const fs::path& folder, bool main) {
    std::error_code ec;
    if (!main) {
        fs::remove_all(folder, ec);
        return;
    }
    for (const auto& e : fs::directory_iterator(folder, ec))
        if (e.path().filename() != "parts") fs::remove_all(e.path(), ec);
}

}  // namespace

struct SearchIndex::State {
    const Output& output;
    SearchOptions options;
    const std::string staging;
    const bool reused;  // the staging folder holds the previous site's index
    std::string binary, program;  // Pagefind (empty: not installed), and what is started for it
    bool single_process = false;   // `program` is Pagefind's binary (pagefind_binary)
    std::string tool_line;
    std::unordered_map<std::string, Previous> previous;  // by part_name, from the stamp
    bool finished = false;

    // The scratch folders (one per part made, the pages given to Pagefind) are in one folder beside
    // the staging folder, named as a staging folder of this process (so that a killed build's is
    // removed by the next build, as its staging folder is): removing them (a file and a folder per
    // page) need not hold up the swap. It is made when a part first needs it, in the staging folder
    // and locked there, then moved out: another build never takes it for a killed build's while this
    // one runs, and a build killed before it is moved leaves it in its staging folder.
    std::mutex scratch_mutex;
    const std::string scratch_root;
    int scratch_fd = -1;  // open and locked while it is there
    size_t scratch_next = 0;

    // The parts started while the pages are made (start()): one thread makes them in turn.
    struct Early {
        SearchPart part;
        PartRun run;
    };
    std::mutex early_mutex;
    std::condition_variable early_wake;
    std::deque<SearchPart> waiting;
    std::vector<Early> early;  // made (or failed), in the order made
    bool closing = false;      // finish() or the destructor: no more parts are started
    size_t started = 0;        // parts handed to start() and taken
    std::atomic<bool> cancel{false};
    std::thread worker;

    State(const Output& out, SearchOptions opts)
        : output(out), options(std::move(opts)), staging(out.staging_dir()), reused(out.staging_reused()),
          scratch_root(out.staging_dir() + "-0") {
        options.parts.clear();
        binary = find_pagefind(options.site_folder);
        if (binary.empty()) return;
        program = npm_binary(binary);
        single_process = pagefind_binary(program);
        Digest tool;
        tool.add("samplan-search 3");  // 3: each part's line also holds the digest of what Pagefind was given
        tool.add(pagefind_identity(binary));
        tool.add("--silent");
        tool_line = "search " + tool.hex();
        // The previous site's parts: lines "name pages given identity".
        if (!options.stamp_file.empty()) {
            std::ifstream in(options.stamp_file, std::ios::binary);
            std::string line;
            if (std::getline(in, line) && line == tool_line)
                while (std::getline(in, line)) {
                    std::istringstream fields(line);
                    std::string name;
                    Previous part;
                    if (fields >> name >> part.pages >> part.given >> part.identity) previous[name] = std::move(part);
                }
        }
    }

    std::chrono::steady_clock::time_point deadline_from_now() const {
        return options.time_limit.count() > 0 ? std::chrono::steady_clock::now() + options.time_limit
                                              : std::chrono::steady_clock::time_point::max();
    }

    // A new scratch folder's path (not made yet), the folder that holds them made when needed.
    std::string next_scratch() {
        std::lock_guard lock(scratch_mutex);
        if (scratch_fd < 0) {
            std::error_code ec;
            const std::string made = staging + "/.samplan-search";
            fs::remove_all(made, ec);
            if (::mkdir(made.c_str(), 0777) != 0) throw std::runtime_error("cannot create " + made + ": " + std::strerror(errno));
            const int fd = ::open(made.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (fd >= 0) ::flock(fd, LOCK_EX | LOCK_NB);
            if (fd < 0 || ::rename(made.c_str(), scratch_root.c_str()) != 0) {
                const int saved = errno;
                if (fd >= 0) ::close(fd);
                fs::remove_all(made, ec);
                throw std::runtime_error("cannot create " + scratch_root + ": " + std::strerror(saved));
            }
            scratch_fd = fd;
        }
        return scratch_root + "/" + std::to_string(scratch_next++);
    }

    // Removes the scratch folders now (a stop or a failure leaves nothing behind).
    void remove_scratch() {
        std::lock_guard lock(scratch_mutex);
        if (scratch_fd < 0) return;
        std::error_code ec;
        fs::remove_all(scratch_root, ec);
        ::close(scratch_fd);
        scratch_fd = -1;
    }

    // Pagefind over `part`'s pages, given in a scratch folder of their own (cut, or linked), into
    // the part's folder of the staging folder (emptied by the caller); or the previous site's part
    // linked there when Pagefind would be given the very bytes it was given for it.
    PartRun run_part(const SearchPart& part, std::chrono::steady_clock::time_point deadline) {
        PartRun run;
        const std::string index = staging + "/" + part_folder(part.name);
        try {
            const std::string scratch = next_scratch();
            run.given = give_pages(staging, scratch, part.pages);
            const auto known = previous.find(part_name(part));
            if (run.given != 0 && known != previous.end() && known->second.given == run.given) {
                const fs::path before = fs::path(output.output_dir()) / part_folder(part.name);
                if (!known->second.identity.empty() &&
                    identity((before / "pagefind-entry.json").string()) == known->second.identity &&
                    link_folder(before, index, {"parts", "parts.json"})) {
                    run.kept_given = true;
                    return run;
                }
                clear_part(index, part.name.empty());  // (half linked: made instead)
            }
            run.end = run_guarded({program, "--site", scratch, "--output-path", index, "--silent"}, deadline, &cancel,
                                  single_process);
            std::error_code e;
            if (run.end == RunEnd::Ok && !fs::is_regular_file(index + "/pagefind-entry.json", e) &&
                !fs::is_regular_file(index + "/pagefind.js", e))
                run.end = RunEnd::Failed;
            if (run.end == RunEnd::Ok && !part.name.empty())
                for (const auto& f : fs::directory_iterator(index, e))
                    if (main_index_only(f.path().filename().string())) fs::remove_all(f.path(), e);
        } catch (...) {
            run.failure = std::current_exception();
        }
        return run;
    }

    // The thread of start(): the parts in the order started, until finish() or a failure.
    void make_early() {
        for (;;) {
            Early made;
            {
                std::unique_lock lock(early_mutex);
                early_wake.wait(lock, [&] { return closing || !waiting.empty(); });
                if (closing) return;
                made.part = std::move(waiting.front());
                waiting.pop_front();
            }
            try {
                check_relative(part_folder(made.part.name));
                clear_part(fs::path(staging) / part_folder(made.part.name), made.part.name.empty());
                made.run = run_part(made.part, deadline_from_now());
            } catch (...) {
                made.run.failure = std::current_exception();
            }
            const bool go_on = !made.run.failure && made.run.end == RunEnd::Ok;
            std::lock_guard lock(early_mutex);
            early.push_back(std::move(made));
            if (!go_on) return;  // finish() makes the rest, and tells what went wrong
        }
    }

    // No more parts started; waits for the one being made (`cancel`: its Pagefind killed).
    void close_early(bool cancelled) {
        {
            std::lock_guard lock(early_mutex);
            closing = true;
            if (cancelled) cancel = true;
        }
        early_wake.notify_all();
        if (worker.joinable()) worker.join();
    }
};

SearchIndex::SearchIndex(const Output& output, SearchOptions options) : state_(std::make_unique<State>(output, std::move(options))) {}

SearchIndex::~SearchIndex() {
    state_->close_early(true);
    state_->remove_scratch();
}

bool SearchIndex::can_start() const { return !state_->binary.empty() && !state_->options.keep_previous; }

void SearchIndex::start(SearchPart part) {
    State& s = *state_;
    if (!can_start()) return;
    std::lock_guard lock(s.early_mutex);
    if (s.closing) return;
    s.waiting.push_back(std::move(part));
    ++s.started;
    if (s.worker.joinable()) {
        s.early_wake.notify_one();
        return;
    }
    try {
        s.worker = std::thread([&s] { s.make_early(); });
    } catch (const std::system_error&) {  // no thread to be had: finish() makes the part
        s.waiting.clear();
        s.closing = true;
    }
}

bool SearchIndex::making() const {
    std::lock_guard lock(state_->early_mutex);
    return !state_->closing && state_->early.size() < state_->started;
}

SearchOutcome SearchIndex::finish(std::vector<SearchPart> parts) {
    State& s = *state_;
    if (s.finished) throw std::logic_error("SearchIndex::finish called twice");
    s.finished = true;
    s.close_early(false);
    s.output.search_index_done();
    const SearchOptions& options = s.options;
    SearchOutcome outcome;
    const std::string& staging = s.staging;
    const bool reused = s.reused;
    const Output& output = s.output;
    std::error_code ec;
    // A stop asked for while a part was made early: as in the parts made below.
    for (const auto& made : s.early)
        if (made.run.failure) {
            try {
                std::rethrow_exception(made.run.failure);
            } catch (const Stopped&) {
                throw;
            } catch (...) {  // made again below, which tells what went wrong
            }
        }
    if (options.keep_previous && keep_index(output.output_dir(), staging, reused)) {
        outcome.built = true;
        outcome.message = "search index kept from the previous site";
        return outcome;
    }
    if (s.binary.empty()) {
        fs::remove_all(fs::path(staging) / "pagefind", ec);
        const char* named = std::getenv("SAMPLAN_PAGEFIND");
        outcome.message =
            named && *named ? "search is not built: SAMPLAN_PAGEFIND names no program that can be run (" + std::string(named) + ")"
                            : "search is not built: Pagefind is not installed (npm install pagefind in this folder, or put "
                              "pagefind on PATH, or name it in SAMPLAN_PAGEFIND)";
        return outcome;
    }
    const std::string& binary = s.binary;

    // The parts made early whose pages are the final ones are used; the others' folders are emptied
    // (before the parts are linked or made below).
    std::unordered_map<std::string, const State::Early*> early;  // by part_name
    for (const auto& made : s.early) {
        const auto final_part = std::find_if(parts.begin(), parts.end(), [&](const SearchPart& p) { return p.name == made.part.name; });
        if (!made.run.failure && final_part != parts.end() && final_part->digest == made.part.digest &&
            final_part->pages == made.part.pages) {
            early[part_name(made.part)] = &made;
        } else {
            try {
                check_relative(part_folder(made.part.name));
                clear_part(fs::path(staging) / part_folder(made.part.name), made.part.name.empty());
            } catch (const std::runtime_error&) {  // (a name that leads out: nothing was made)
            }
        }
    }

    // What each part was given (0: not known): carried over for a part kept, found for one given.
    std::unordered_map<std::string, std::uint64_t> given;
    std::vector<const SearchPart*> to_make;
    std::vector<const State::Early*> used;  // made early, in `parts`' order
    RunEnd end = RunEnd::Ok;
    if (reused) {
        // The previous site's parts that this site has not (their group is gone).
        std::unordered_set<std::string> names;
        for (const auto& part : parts) names.insert(part.name);
        for (const auto& e : fs::directory_iterator(fs::path(staging) / "pagefind/parts", ec))
            if (!names.count(e.path().filename().string())) fs::remove_all(e.path(), ec);
        ec.clear();
    }
    // The previous site's parts, each kept when it was made from the same pages by the same
    // Pagefind, or from pages that gave Pagefind the same bytes (they changed only where Pagefind
    // does not read: give_pages).
    for (const auto& part : parts) {
        check_relative(part_folder(part.name));
        if (const auto made = early.find(part_name(part)); made != early.end()) {
            used.push_back(made->second);
            given[part_name(part)] = made->second->run.given;
            if (made->second->run.end != RunEnd::Ok && end == RunEnd::Ok) end = made->second->run.end;
            continue;
        }
        const fs::path before = fs::path(output.output_dir()) / part_folder(part.name);
        const fs::path now = fs::path(staging) / part_folder(part.name);
        const std::string made_from = identity((before / "pagefind-entry.json").string());
        const auto known = s.previous.find(part_name(part));
        const bool same_pages = known != s.previous.end() && known->second.pages == part.digest &&
                                !made_from.empty() && known->second.identity == made_from;
        if (same_pages) given[part_name(part)] = known->second.given;
        if (same_pages && reused && identity((now / "pagefind-entry.json").string()) == made_from) {
            ++outcome.parts_kept;  // there already, the very files
            continue;
        }
        if (reused || fs::exists(now / "pagefind-entry.json", ec)) clear_part(now, part.name.empty());  // (or half linked)
        if (same_pages && link_folder(before, now, {"parts", "parts.json"})) {
            ++outcome.parts_kept;
            continue;
        }
        clear_part(now, part.name.empty());
        to_make.push_back(&part);
    }

    // Pagefind, over each part's pages, several at once.
    const auto deadline = s.deadline_from_now();
    std::mutex mutex;
    size_t next = 0;
    std::vector<PartRun> runs(to_make.size());  // by to_make's index
    std::exception_ptr failure;
    auto work = [&] {
        for (;;) {
            size_t i = 0;
            {
                std::lock_guard lock(mutex);
                if (next >= to_make.size() || end != RunEnd::Ok || failure) return;
                i = next++;
            }
            runs[i] = s.run_part(*to_make[i], deadline);
            std::lock_guard lock(mutex);
            if (runs[i].failure) {
                if (!failure) failure = runs[i].failure;
                return;
            }
            if (runs[i].end != RunEnd::Ok && end == RunEnd::Ok) end = runs[i].end;
        }
    };
    const size_t threads_wanted = end == RunEnd::Ok ? std::min<size_t>(to_make.size(), core_count()) : 0;
    std::vector<std::thread> threads;
    for (size_t t = 1; t < threads_wanted; ++t) threads.emplace_back(work);
    if (threads_wanted > 0) work();
    for (auto& t : threads) t.join();
    if (end == RunEnd::Ok && !failure) {
        std::lock_guard lock(s.scratch_mutex);
        if (s.scratch_fd >= 0) {
            try {
                outcome.removing = std::make_shared<Remover>(s.scratch_root, s.scratch_fd);
                s.scratch_fd = -1;
            } catch (const std::system_error&) {  // no thread to be had: removed below
            }
        }
    }
    s.remove_scratch();  // (a stop or a failure leaves nothing behind)
    if (failure) std::rethrow_exception(failure);  // Stopped, or a part's pages could not be given

    const std::string index = staging + "/pagefind";
    if (end == RunEnd::Ok && fs::is_regular_file(index + "/pagefind.js", ec)) {
        // The other parts, for the search page to merge.
        std::string list = "[";
        for (const auto& part : parts)
            if (!part.name.empty()) list += std::string(list.size() > 1 ? "," : "") + "\"parts/" + part.name + "/\"";
        list += "]\n";
        ::unlinkat(output.staging_fd(), "pagefind/parts.json", 0);  // (a spare's is the output's too)
        const int fd = ::openat(output.staging_fd(), "pagefind/parts.json", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
        const bool listed = fd >= 0 && ::write(fd, list.data(), list.size()) == static_cast<ssize_t>(list.size());
        if (fd >= 0) ::close(fd);
        if (listed) {
            outcome.built = true;
            size_t pages = 0;
            auto count = [&](const SearchPart& part, const PartRun& run, bool made_early) {
                given[part_name(part)] = run.given;
                if (run.kept_given) {
                    ++outcome.parts_kept;
                    return;
                }
                ++outcome.parts_made;
                if (made_early) ++outcome.parts_early;
                pages += part.pages.size();
            };
            for (const auto* made : used) count(made->part, made->run, true);
            for (size_t i = 0; i < to_make.size(); ++i) count(*to_make[i], runs[i], false);
            if (outcome.parts_made == 0 && to_make.empty() && used.empty())
                outcome.message = "search index kept: no searched page changed";
            else if (outcome.parts_made == 0)
                outcome.message = "search index kept: no searched page changed where Pagefind reads it";
            else
                outcome.message = "search index built with " + binary + " (" + std::to_string(pages) + " pages in " +
                                  std::to_string(outcome.parts_made) + (outcome.parts_made == 1 ? " part" : " parts") +
                                  (outcome.parts_early == 0 ? std::string()
                                   : outcome.parts_early == outcome.parts_made
                                       ? std::string(", made while the pages were written")
                                       : ", " + std::to_string(outcome.parts_early) + " of them while the pages were written") +
                                  ", " + std::to_string(outcome.parts_kept) + " kept)";
            outcome.stamp = s.tool_line;
            for (const auto& part : parts) {
                const auto it = given.find(part_name(part));
                outcome.stamp += "\n" + part_name(part) + " " + std::to_string(part.digest) + " " +
                                 std::to_string(it == given.end() ? 0 : it->second) + " " +
                                 identity(staging + "/" + part_folder(part.name) + "/pagefind-entry.json");
            }
            return outcome;
        }
        end = RunEnd::Failed;
    }
    fs::remove_all(index, ec);  // what it left, if anything
    outcome.failed = true;
    if (end == RunEnd::TimedOut)
        outcome.message = "search is not built: Pagefind took longer than " + std::to_string(options.time_limit.count()) +
                          " s and was stopped (--search-timeout SECONDS allows more)";
    else if (end == RunEnd::CannotStart)
        outcome.message = "search is not built: cannot start " + binary;
    else
        outcome.message = "search is not built: Pagefind failed (" + binary + ")";
    return outcome;
}

SearchOutcome build_search_index(const Output& output, const SearchOptions& options) {
    SearchIndex index(output, options);
    return index.finish(options.parts);
}

void write_search_stamp(const std::string& stamp_file, const std::string& stamp) {
    std::error_code ec;
    if (stamp.empty()) {
        fs::remove(stamp_file, ec);
        return;
    }
    replace_file(stamp_file, stamp + "\n");
}
}  // namespace samplan::publish
