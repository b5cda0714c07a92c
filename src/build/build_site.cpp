#include "build/build_site.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <mutex>
#include <ostream>
#include <thread>
#include <unordered_map>

#include <sys/resource.h>
#include <unistd.h>

#include "build/build.h"
#include "build/up_to_date.h"
#include "content/content.h"
#include "content/layout.h"
#include "core/digest.h"
#include "core/files.h"
#include "core/parallel.h"
#include "core/path_log.h"
#include "core/stop.h"
#include "core/text.h"
#include "history/versions_cache.h"
#include "model/build.h"
#include "publish/publish.h"
#include "render/render.h"
#include "site/paths.h"
#include "site/site.h"

// mimalloc's, when the program links it (CMakeLists.txt): returns the memory freed to the system.
extern "C" void mi_collect(bool force) __attribute__((weak));

namespace samplan::build {
namespace fs = std::filesystem;
namespace {

std::string find_themes(const BuildSettings& settings) { return themes_folder(settings.themes); }

// Pages travel from the thread that builds the view models to the render workers through this
// bounded queue: rendering starts with the first page, and only a few pages are in memory at once.
// A full queue makes the builder wait until it is half empty (and an empty one makes a worker
// wait), so the threads wake each other once per several pages, not once per page.
class PageQueue {
public:
    explicit PageQueue(size_t capacity) : capacity_(capacity) {}

    // Blocks while the queue is full; false once the workers gave up (a page failed).
    bool push(site::PageView&& page) {
        std::unique_lock lock(mutex_);
        if (pages_.size() >= capacity_ && !stopped_) {
            builder_waits_ = true;
            space_.wait(lock, [&] { return pages_.size() <= capacity_ / 2 || stopped_; });
            builder_waits_ = false;
        }
        if (stopped_) return false;
        pages_.push_back(std::move(page));
        if (idle_ > 0) ready_.notify_one();
        return true;
    }
    // Blocks until a page is there; false when the queue is closed and empty, or stopped.
    bool pop(site::PageView& page) {
        std::unique_lock lock(mutex_);
        ++idle_;
        ready_.wait(lock, [&] { return !pages_.empty() || closed_ || stopped_; });
        --idle_;
        if (stopped_ || pages_.empty()) return false;
        page = std::move(pages_.front());
        pages_.pop_front();
        if (builder_waits_ && pages_.size() <= capacity_ / 2) space_.notify_one();
        return true;
    }
    void close() {
        std::lock_guard lock(mutex_);
        closed_ = true;
        ready_.notify_all();
    }
    void stop() {
        std::lock_guard lock(mutex_);
        stopped_ = true;
        ready_.notify_all();
        space_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable ready_, space_;
    std::deque<site::PageView> pages_;
    size_t capacity_;
    size_t idle_ = 0;  // workers waiting for a page
    bool builder_waits_ = false, closed_ = false, stopped_ = false;
};

struct QueueStopped {};  // thrown through the view-model builder when a page failed to render

// What a page holds, as search needs to know it: whether Pagefind reads it, and its size and hash
// (kept in the page keys, so that a kept page need not be read again).
struct PageFacts {
    bool searched = false;
    std::size_t size = 0, hash = 0;
};

// The keys of the pages a build wrote (site::PageView::key) and what they held, by path: valid for
// the output folder only while it is in the state `output` (output_state) that follows the first line.
// (Views of the table's text, which PageKeys holds: no string is made per page when it is read.)
struct PageKey {
    std::string_view key;
    PageFacts facts;
    // A folder entry (site::PageView::folder; its facts.size is the number of its pages): its
    // pages' lines and its own, as the table has them (each ending in a newline).
    bool folder = false;
    std::string_view block = {};
};

// One line of the table: "key searched size hash path", `searched` "s", "-" or, for a folder
// entry, "f" (whose size is the number of the lines before it that are its pages). False when it
// is not such a line.
bool parse_key_line(std::string_view line, PageKey& entry, std::string_view& path) {
    auto field = [](std::string_view& from, std::string_view& out) {
        const size_t space = from.find(' ');
        if (space == 0 || space == std::string_view::npos) return false;
        out = from.substr(0, space);
        from.remove_prefix(space + 1);
        return true;
    };
    auto number = [&field](std::string_view& from, std::size_t& out) {
        std::string_view digits;
        if (!field(from, digits)) return false;
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
        return ec == std::errc() && end == digits.data() + digits.size();
    };
    std::string_view searched;
    if (!field(line, entry.key) || !field(line, searched) || !number(line, entry.facts.size) ||
        !number(line, entry.facts.hash) || line.empty() || (searched != "s" && searched != "-" && searched != "f"))
        return false;
    entry.facts.searched = searched == "s";
    entry.folder = searched == "f";
    path = line;
    return true;
}

// Calls fn(path, entry) for each page of a folder entry's block (PageKey::block), in order.
template <class Fn>
void for_each_folder_page(std::string_view block, Fn&& fn) {
    while (!block.empty()) {
        const size_t end = block.find('\n');
        PageKey entry;
        std::string_view path;
        if (!parse_key_line(block.substr(0, end), entry, path) || entry.folder) return;  // its own line, last
        fn(path, entry);
        block.remove_prefix(end + 1);
    }
}
class PageKeys {
public:
    using value_type = std::pair<std::string_view, PageKey>;
    using const_iterator = const value_type*;
    // (A table by the paths' hashes, open addressing: tens of thousands of lines are read on every
    // rebuild, with no node per line.)
    [[nodiscard]] const_iterator find(std::string_view path) const {
        if (slots_.empty()) return end();
        for (size_t at = std::hash<std::string_view>{}(path) & mask_; slots_[at] != 0; at = (at + 1) & mask_)
            if (entries_[slots_[at] - 1].first == path) return entries_.data() + (slots_[at] - 1);
        return end();
    }
    [[nodiscard]] const_iterator end() const { return entries_.data() + entries_.size(); }
    [[nodiscard]] const_iterator begin() const { return entries_.data(); }
    // Lets go of the table and its memory.
    void release() {
        std::vector<value_type>().swap(entries_);
        std::vector<std::uint32_t>().swap(slots_);
        std::string().swap(text_);
    }

private:
    friend void read_page_keys(const std::string& file, std::uint64_t output, PageKeys& keys);
    // Room for `n` entries.
    void reserve(size_t n) {
        size_t size = 16;
        while (size < 2 * n) size *= 2;
        slots_.assign(size, 0);
        mask_ = size - 1;
        entries_.reserve(n);
    }
    // Adds the entry unless its path is there already (the first one counts).
    void add(std::string_view path, const PageKey& entry) {
        size_t at = std::hash<std::string_view>{}(path) & mask_;
        for (; slots_[at] != 0; at = (at + 1) & mask_)
            if (entries_[slots_[at] - 1].first == path) return;
        entries_.emplace_back(path, entry);
        slots_[at] = static_cast<std::uint32_t>(entries_.size());
    }
    std::string text_;
    std::vector<value_type> entries_;
    std::vector<std::uint32_t> slots_;  // an entry's index + 1; 0: empty
    size_t mask_ = 0;
};

// The part of the search index that holds the pages of the group `group_id` (search_part).
std::string group_search_part(std::string_view group_id) {
    Digest digest;
    digest.add(group_id);
    return "groups-" + std::to_string(digest.value() % 64);
}

// The part of the search index a page belongs to (publish::SearchPart): the pages of a group and
// its evaluations go to one of 64 parts by their group's id, the others by their top folder, the
// pages at the top to the main part (""). An edit so makes again the index of a few pages.
std::string search_part(const std::string& path) {
    const size_t first = path.find('/');
    if (first == std::string::npos) return "";
    const std::string top = path.substr(0, first);
    if (const auto group = site::group_of_path(path)) return group_search_part(*group);
    const bool plain = top.size() <= 64 && std::all_of(top.begin(), top.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
    return plain ? top : "other";
}

// A part of the search index with `pages` (sorted here, each once), and their digest: over the
// paths, sizes and hashes.
publish::SearchPart search_part_of(std::string name, std::vector<std::pair<std::string, PageFacts>>& pages) {
    std::stable_sort(pages.begin(), pages.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    pages.erase(std::unique(pages.begin(), pages.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
                pages.end());
    publish::SearchPart part;
    part.name = std::move(name);
    Digest digest;
    for (const auto& [path, facts] : pages) {
        digest.add(path);
        digest.add(std::to_string(facts.size) + " " + std::to_string(facts.hash));
        part.pages.push_back(path);
    }
    part.digest = digest.value();
    return part;
}

// The pages Pagefind reads: those whose HTML has data-pagefind-body, since Pagefind then indexes
// no other page (history pages and older versions have none); when no page has it, Pagefind would
// read every page, and so it gets every page. Thread-safe.
class SearchedPages {
public:
    void add(const std::string& path, const std::string& html) {
        if (path.size() < 5 || path.compare(path.size() - 5, 5, ".html") != 0) return;
        add(path, PageFacts{html.find("data-pagefind-body") != std::string::npos, html.size(),
                            std::hash<std::string_view>{}(html)});
    }
    void add(const std::string& path, const PageFacts& facts) {
        std::lock_guard lock(mutex_);
        pages_.add(path, std::string_view(reinterpret_cast<const char*>(&facts), sizeof facts));
        any_searched_ = any_searched_ || facts.searched;
        if (ready_) watch_page(path, facts);
    }
    // Calls fn(path, facts) for every page noted, in the order noted (a page is noted once; were
    // one noted twice, the first would count).
    template <class Fn>
    void for_each(Fn&& fn) const {
        pages_.for_each([&fn](std::string_view path, std::string_view bytes) {
            PageFacts facts;
            std::memcpy(&facts, bytes.data(), sizeof facts);
            fn(path, facts);
        });
    }
    // Before the pages are noted: watches the parts of the index that the previous build's
    // searched pages made (`previous`, its page keys). Once every page such a part had is noted
    // again (written or kept: final) and one of them changed or another page joined it, `ready`
    // gets the part as it is then (called once per part, under this object's lock), so that
    // Pagefind can make its index while the other pages are made. A page that joins it later, or a
    // page it had that is not made again, makes the part that fill() gives another (its digest).
    void watch(const PageKeys& previous, std::function<void(publish::SearchPart)> ready) {
        std::lock_guard lock(mutex_);
        for (const auto& [path, key] : previous) {
            if (!key.facts.searched) continue;
            const std::string page(path);
            std::string name = search_part(page);
            Watched& part = watched_[name];
            part.name = std::move(name);
            ++part.remaining;
            expected_.emplace(page, std::make_pair(&part, key.facts));
        }
        if (!watched_.empty()) ready_ = std::move(ready);
    }
    // The parts of the index (search_part), the main one first, each with its pages sorted and a
    // digest of their paths and bytes. When no page is at the top, one part holds them all.
    void fill(publish::SearchOptions& options) {
        std::lock_guard lock(mutex_);
        ready_ = nullptr;
        std::map<std::string, std::vector<std::pair<std::string, PageFacts>>> parts;
        for_each([&](std::string_view view, const PageFacts& facts) {
            if (!facts.searched && any_searched_) return;
            std::string path(view);
            parts[search_part(path)].emplace_back(path, facts);
        });
        if (!parts.empty() && !parts.count("")) {
            auto& all = parts[""];
            for (auto it = std::next(parts.begin()); it != parts.end(); it = parts.erase(it))
                all.insert(all.end(), it->second.begin(), it->second.end());
        }
        options.parts.clear();
        for (auto& [name, pages] : parts) options.parts.push_back(search_part_of(name, pages));
    }

private:
    // A part of the previous build's index, watched (see watch()).
    struct Watched {
        std::string name;
        size_t remaining = 0;  // its previous pages not noted yet
        bool changed = false, started = false;
        std::vector<std::pair<std::string, PageFacts>> pages;  // its searched pages noted so far
    };
    void watch_page(const std::string& path, const PageFacts& facts) {
        Watched* part = nullptr;
        if (const auto it = expected_.find(path); it != expected_.end()) {
            part = it->second.first;
            const PageFacts& was = it->second.second;
            if (!facts.searched || facts.size != was.size || facts.hash != was.hash) part->changed = true;
            --part->remaining;
            expected_.erase(it);
        } else if (facts.searched) {
            const auto it = watched_.find(search_part(path));
            if (it == watched_.end()) return;  // a part the previous build had not: made after the pages
            part = &it->second;
            part->changed = true;
        }
        if (!part || part->started) return;
        if (facts.searched) part->pages.emplace_back(path, facts);
        if (part->remaining > 0 || !part->changed) return;
        part->started = true;
        ready_(search_part_of(part->name, part->pages));
        std::vector<std::pair<std::string, PageFacts>>().swap(part->pages);
    }

    std::mutex mutex_;
    bool any_searched_ = false;
    PathLog pages_;  // every page, with its PageFacts: the kept ones need their facts too
    std::function<void(publish::SearchPart)> ready_;
    std::unordered_map<std::string, Watched> watched_;  // by part
    std::unordered_map<std::string, std::pair<Watched*, PageFacts>> expected_;  // previous searched pages not noted yet
};

// Pages without a key of their own get one from their data once it is made (site::data_key), on
// the render threads: a page whose key the previous build wrote is kept, not rendered again.
struct DataKeys {
    std::string inputs_key;
    std::mutex mutex;
    PathLog keys;  // this build's, for the next: paths, each with its key
    std::string kept_folders;  // the folder entries kept whole, as the previous table had them
};

// This build's keys of the pages with a key of their own, for the next: each page's path with its
// key, in the order the pages are handed on, and the folder entries (site::PageView::folder) made
// page by page, each after its pages (its line holds their number).
class KeyLog {
public:
    void page(std::string_view path, std::string_view key) {
        log_.add(path, key);
        ++run_;
    }
    // A page without a key of its own (keyed by its data later, elsewhere): no folder entry
    // spans it.
    void other() { run_ = 0; }
    // The folder entry `path` of the `pages` pages just handed on, when all of them are here.
    void folder(std::string_view path, std::string_view key, size_t pages) {
        if (pages == 0 || pages > run_) return;  // the next build keeps its pages one by one
        log_.add(path, std::string(key) + "\n" + std::to_string(pages));
        run_ = 0;
    }
    [[nodiscard]] const PathLog& log() const { return log_; }
    [[nodiscard]] bool empty() const { return log_.empty(); }

private:
    PathLog log_;
    size_t run_ = 0;  // pages added since the last page without a key or folder entry
};

// Builds the view models with `build` on this thread while every core renders and writes the
// pages under `prefix` (telling `searched` of each, when given); then writes the other files and
// the theme's assets. Returns the number of pages; throws on the first failure, and Stopped
// (core/stop.h) when a stop was asked for: the workers look between pages.
size_t write_site(const std::function<site::SiteView(const site::PageSink&)>& build, const render::Renderer& renderer,
                  const render::Theme& theme, const publish::Output& output, const std::string& prefix,
                  Timings& timings, SearchedPages* searched = nullptr, const PageKeys* previous = nullptr,
                  DataKeys* data_keys = nullptr) {
    using Clock = std::chrono::steady_clock;
    auto ms_since = [](Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); };
    std::atomic<long long> model_us{0}, render_us{0}, write_us{0};
    Reporter* progress = prefix.empty() ? timings.progress() : nullptr;  // archived versions count as one step each
    const unsigned workers = worker_count(16);
    PageQueue queue(16 * workers);
    std::mutex failure_mutex;
    std::string failure;
    // Search needs to know what a kept page holds too: the previous build noted it (`known`).
    auto note_kept = [&](const std::string& path, const PageKey* known) {
        if (!searched) return;
        if (known && known->facts.size > 0) {
            searched->add(path, known->facts);
            return;
        }
        std::string html, error;
        if (read_regular_file_at(output.staging_fd(), path, static_cast<size_t>(1) << 30, html, error, true) == FileRead::Ok)
            searched->add(path, html);
    };
    const auto gone = [] { return std::runtime_error("the previous site's file is gone (build again: every page will be made)"); };
    auto work = [&] {
        for (site::PageView page; queue.pop(page);) {
            try {
                if (page.folder) {
                    // Kept whole: every page the previous build listed under the entry.
                    const auto entry = previous ? previous->find(prefix + page.path) : PageKeys::const_iterator{};
                    if (!previous || entry == previous->end() || !entry->second.folder) throw gone();
                    std::string path;
                    for_each_folder_page(entry->second.block, [&](std::string_view page_path, const PageKey& known) {
                        path.assign(prefix).append(page_path);
                        if (!output.keep(path)) throw gone();
                        note_kept(path, &known);
                    });
                    if (data_keys) {
                        std::lock_guard lock(data_keys->mutex);
                        data_keys->kept_folders += entry->second.block;
                    }
                    if (progress) progress->advance(entry->second.facts.size);
                    if (stop_requested()) queue.stop();
                    continue;
                }
                const auto began = Clock::now();
                bool linked = false;  // kept by its data's key: its file is linked already
                if (!page.keep && page.key.empty() && data_keys) {
                    site::resolve(page);
                    page.key = site::data_key(page, data_keys->inputs_key);
                    {
                        std::lock_guard lock(data_keys->mutex);
                        data_keys->keys.add(page.path, page.key);
                    }
                    const auto known = previous ? previous->find(prefix + page.path) : PageKeys::const_iterator{};
                    // (A file gone from the previous site is simply written again.)
                    linked = previous && known != previous->end() && known->second.key == page.key &&
                             output.keep(prefix + page.path);
                    page.keep = linked;
                    if (linked) model_us += std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - began).count();
                }
                if (page.keep) {
                    const std::string path = prefix + page.path;
                    if (!linked && !output.keep(path)) throw gone();
                    const auto known = previous ? previous->find(path) : PageKeys::const_iterator{};
                    note_kept(path, previous && known != previous->end() ? &known->second : nullptr);
                    if (progress) progress->advance();
                    if (stop_requested()) queue.stop();
                    continue;
                }
                site::resolve(page);
                const auto made = Clock::now();
                const std::string html = renderer.render(page);
                const auto rendered = Clock::now();
                output.write(prefix + page.path, html);
                if (searched) searched->add(prefix + page.path, html);
                model_us += std::chrono::duration_cast<std::chrono::microseconds>(made - began).count();
                render_us += std::chrono::duration_cast<std::chrono::microseconds>(rendered - made).count();
                write_us += std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - rendered).count();
                if (progress) progress->advance();
                if (stop_requested()) queue.stop();
            } catch (const std::exception& e) {
                std::lock_guard lock(failure_mutex);
                if (failure.empty()) failure = prefix + page.path + ": " + e.what();
                queue.stop();
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 0; t < workers; ++t) threads.emplace_back(work);
    size_t pages = 0;
    site::SiteView view;
    std::exception_ptr build_failure;
    double waited_ms = 0;  // the builder's time blocked on a full queue
    const auto build_began = Clock::now();
    try {
        view = build([&](site::PageView&& page) {
            size_t count = 1;
            if (page.folder) {
                if (!page.keep) return;  // an entry for the next build (KeyLog), after its pages
                const auto entry = previous ? previous->find(prefix + page.path) : PageKeys::const_iterator{};
                count = previous && entry != previous->end() ? entry->second.facts.size : 0;
            }
            const auto began = Clock::now();
            if (stop_requested() || !queue.push(std::move(page))) throw QueueStopped{};
            waited_ms += ms_since(began);
            pages += count;
        });
    } catch (const QueueStopped&) {
        queue.stop();
    } catch (...) {
        build_failure = std::current_exception();
        queue.stop();
    }
    const double build_ms = ms_since(build_began) - waited_ms;
    queue.close();
    for (auto& t : threads) t.join();
    timings.detail("view models", build_ms + static_cast<double>(model_us) / 1000);
    timings.detail("of which on the builder thread", build_ms);
    if (progress) progress->settle_total(pages);
    timings.detail("render", static_cast<double>(render_us) / 1000);
    timings.detail("write", static_cast<double>(write_us) / 1000);
    throw_if_stopped();
    if (!failure.empty()) throw std::runtime_error(failure);
    if (build_failure) std::rethrow_exception(build_failure);
    for (const auto& f : view.files) {
        if (!f.keep) output.write(prefix + f.path, f.content);
        else if (!output.keep(prefix + f.path))
            throw std::runtime_error(prefix + f.path + ": the previous site's file is gone (build again: every page will be made)");
    }
    throw_if_stopped();
    for (const auto& [name, bytes] : theme.assets) output.write(prefix + site::asset_path(name), bytes);
    return pages;
}

// In `samplan serve`, the foot partial loads the live-reload script (themes/<name>/serve/): a sink
// that adds its addresses to each page on the way to `sink`.
site::PageSink with_live_reload(const site::PageSink& sink, const BuildSettings& settings) {
    if (settings.live_script_href.empty()) return sink;
    return [&sink, &settings](site::PageView&& page) {
        site::amend(page, [&settings](site::Data& data) {
            data.set("live_reload", site::Data::map({{"script_href", settings.live_script_href},
                                                     {"status_href", settings.live_status_href}}));
        });
        sink(std::move(page));
    };
}

// The table is read and written by hand, not through streams: it has a line per page (tens of
// thousands on a large site), and a rebuild after an edit reads and writes all of them.
void read_page_keys(const std::string& file, std::uint64_t output, PageKeys& keys) {
    keys.release();
    std::string error;
    if (output == 0 || read_regular_file(file, static_cast<size_t>(1) << 31, keys.text_, error) != FileRead::Ok) {
        keys.release();
        return;
    }
    std::string_view rest = keys.text_;
    std::string_view line;
    if (!next_line(rest, line) || line != "samplan page keys 3 " + std::to_string(output)) return keys.release();
    const size_t lines = static_cast<size_t>(std::count(rest.begin(), rest.end(), '\n')) + 1;
    keys.reserve(lines);
    // Where each line begins (a folder entry's block begins with its first page's), and the
    // lines read since the last folder entry (a folder's pages are none of another's).
    std::vector<const char*> starts;
    starts.reserve(lines);
    size_t since_folder = 0;
    // "key searched size hash path", searched "s", "-" or "f"
    while (!rest.empty()) {
        const char* const begins = rest.data();
        next_line(rest, line);
        PageKey entry;
        std::string_view path;
        if (!parse_key_line(line, entry, path)) return keys.release();  // cut short: trust none of it
        if (entry.folder) {
            const size_t pages = entry.facts.size;
            if (pages == 0 || pages > since_folder || path.back() != '/') return keys.release();
            // Up to the end of its own line, newline included (which the last line may lack).
            const char* const first = starts[starts.size() - pages];
            const char* const after = line.data() + line.size();
            if (after == keys.text_.data() + keys.text_.size()) return keys.release();
            entry.block = std::string_view(first, static_cast<size_t>(after + 1 - first));
            since_folder = 0;
        } else {
            ++since_folder;
        }
        starts.push_back(begins);
        keys.add(path, entry);
    }
}

// A hash table by path that is looked up by a view of it (no string made per look-up).
struct PathHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view path) const { return std::hash<std::string_view>{}(path); }
};
using FactsByPath = std::unordered_map<std::string, PageFacts, PathHash, std::equal_to<>>;

// The lines of the table of this build's keys: those of `keys` (a KeyLog's log) and of
// `data_keys`, each with its page's facts from `pages`, then `kept` (the folder entries kept whole,
// lines as the previous table had them: their pages are the very files it described). The table
// is its header (page_keys_header) and these.
std::string page_keys_lines(const PathLog& keys, const PathLog& data_keys, std::string_view kept, const SearchedPages& pages) {
    auto is_folder = [](std::string_view path) { return !path.empty() && path.back() == '/'; };
    // The facts of the pages listed here (not of the kept folders' pages, which are most of a
    // rebuild's).
    FactsByPath facts_by_path;
    facts_by_path.reserve(keys.size() + data_keys.size());
    for (const PathLog* log : {&keys, &data_keys})
        log->for_each([&](std::string_view path, std::string_view) {
            if (!is_folder(path)) facts_by_path.emplace(path, PageFacts{});
        });
    pages.for_each([&facts_by_path](std::string_view path, const PageFacts& facts) {
        if (const auto it = facts_by_path.find(path); it != facts_by_path.end() && it->second.size == 0) it->second = facts;
    });
    std::string text;
    text.reserve((keys.size() + data_keys.size()) * 120 + kept.size());
    char number[24];
    auto add_number = [&](std::size_t n) {
        const auto end = std::to_chars(number, number + sizeof number, n).ptr;
        text.append(number, end);
    };
    auto add_line = [&](std::string_view path, std::string_view key) {
        if (is_folder(path)) {  // "key\npages" (KeyLog::folder)
            const size_t newline = key.find('\n');
            text += key.substr(0, newline);
            text += " f ";
            text += key.substr(newline + 1);
            text += " 0 ";
        } else {
            const auto found = facts_by_path.find(path);
            const PageFacts none;
            const PageFacts* facts = found == facts_by_path.end() ? &none : &found->second;  // size 0: read again when kept
            text += key;
            text += facts->searched ? " s " : " - ";
            add_number(facts->size);
            text += ' ';
            add_number(facts->hash);
            text += ' ';
        }
        text += path;
        text += '\n';
    };
    keys.for_each(add_line);
    data_keys.for_each(add_line);
    text += kept;
    return text;
}

// The first line of the table (read_page_keys): for the output folder in the state `output`.
std::string page_keys_header(std::uint64_t output) { return "samplan page keys 3 " + std::to_string(output) + "\n"; }

// Adds every file below `folder` (names and bytes, in a fixed order) to `digest`, leaving out
// hidden entries, node_modules and the top-level names in `skip`.
void add_files(Digest& digest, const fs::path& folder, const std::vector<std::string>& skip = {}) {
    std::error_code ec;
    std::vector<fs::path> entries;
    for (const auto& e : fs::directory_iterator(folder, ec)) {
        const std::string name = e.path().filename().string();
        if (name.empty() || name[0] == '.' || name == "node_modules" ||
            std::find(skip.begin(), skip.end(), name) != skip.end())
            continue;
        entries.push_back(e.path());
    }
    std::sort(entries.begin(), entries.end());
    for (const auto& path : entries) {
        digest.add(path.filename().string());
        const bool link = fs::is_symlink(path, ec);
        if (link) digest.add(fs::read_symlink(path, ec).string());
        if (fs::is_directory(path, ec)) {
            if (!link) add_files(digest, path);  // a linked folder counts by its target's name (no loops)
            digest.add("/");
        } else if (std::string text, error; read_regular_file(path.string(), 16 * 1024 * 1024, text, error) == FileRead::Ok) {
            digest.add(text);  // through a link too: a link that leads out is refused when the theme is read
        }
    }
}

// What a record's pages depend on outside the groups' records (site::SiteOptions::inputs_key):
// samplan itself (which stands for the built-in theme), `site_files` (site_files_digest: the
// themes folder, the site's override of the theme, every content file outside groups/ —
// settings, regional plan, processes, pages), and the options that change pages.
std::string inputs_key(const BuildSettings& settings, const std::string& site_files, const std::vector<site::VersionInfo>& versions) {
    Digest digest;
    digest.add("samplan inputs 2");
    digest.add(program_identity());
    digest.add(site_files);
    digest.add(settings.drafts ? "drafts" : "-");
    digest.add(settings.live_script_href);
    digest.add(settings.live_status_href);
    for (const auto& v : versions) {
        digest.add(v.name);
        digest.add(v.date.iso());
    }
    return digest.hex();
}

// A tag becomes a folder name: letters, digits, '.', '_' and '-', not starting with '.'.
bool safe_version_name(const std::string& name) {
    if (name.empty() || name[0] == '.' || name.size() > 100) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    });
}

}  // namespace

std::string site_files_digest(const BuildSettings& settings) {
    Digest digest;
    digest.add("samplan site files 1");
    if (const std::string themes = find_themes(settings); !themes.empty()) add_files(digest, themes);
    digest.add("content");
    add_files(digest, settings.content, {content::layout::kGroups, fs::path(settings.output).filename().string()});
    return digest.hex();
}

std::string themes_folder(const std::string& option) {
    if (!option.empty()) return option;
    std::error_code ec;
    if (fs::is_directory("themes", ec)) return "themes";
    return {};  // the theme built into samplan
}

std::optional<render::ThemeFolder> theme_source(const std::string& themes, const std::string& name, std::string& problem) {
    if (themes.empty()) {
        if (name == render::kBuiltinTheme.dir) return render::kBuiltinTheme;
        problem = "theme " + quote(name) + " not found (samplan has only " + quote(render::kBuiltinTheme.dir) +
                  " built in, and there is no themes/ folder here); use --themes DIR";
        return std::nullopt;
    }
    std::error_code ec;
    if (!fs::is_directory(themes + "/" + name + "/templates", ec)) {
        problem = "theme " + quote(name) + " not found (looked for " + quote(themes + "/" + name) + "); use --themes DIR";
        return std::nullopt;
    }
    return render::ThemeFolder{themes, name, "themes folder"};
}
void Timings::start(const std::string& name, size_t total) {
    stop();
    if (progress_) progress_->stage(name, total);
    current_ = name;
    began_ = std::chrono::steady_clock::now();
}

void Timings::stop() {
    if (progress_) progress_->finish();
    if (current_.empty()) return;
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - began_;
    stages_.emplace_back(current_, took.count());
    current_.clear();
}

void Timings::detail(const std::string& name, double ms) {
    for (auto& [n, total] : details_)
        if (n == name) {
            total += ms;
            return;
        }
    details_.emplace_back(name, ms);
}

std::string Timings::report() const {
    std::string out = "samplan: timings:";
    double total = 0;
    char buf[64];
    for (const auto& [name, ms] : stages_) {
        std::snprintf(buf, sizeof buf, " %s %.1f ms,", name.c_str(), ms);
        out += buf;
        total += ms;
    }
    std::snprintf(buf, sizeof buf, " total %.1f ms", total);
    out += buf;
    if (!details_.empty()) {
        out += "; within pages (summed over threads):";
        for (const auto& [name, ms] : details_) {
            std::snprintf(buf, sizeof buf, " %s %.1f ms,", name.c_str(), ms);
            out += buf;
        }
        out.pop_back();
    }
    return out;
}

site::Strings load_strings(const model::Site& site, const std::string& themes) {
    BuildSettings settings;
    settings.themes = themes;
    Diagnostics ignored;
    std::string problem;
    const auto source = theme_source(find_themes(settings), site.settings.theme, problem);
    return render::load_theme(source ? *source : render::kBuiltinTheme, std::nullopt, site.settings.language, ignored)
        .strings;
}

int publish_site(model::Site& site, history::History& history, const Diagnostics& checks,
                 const BuildSettings& settings, BuildReport& report, std::ostream& err, history::VersionsRead* versions_read) {
    // Incremental builds: what the previous build wrote from which inputs. Read on another core
    // while the theme is loaded and the output folder set up, which do not need it (a rebuild's
    // "previous build" stage is a few ms shorter); waited for before the pages.
    PageKeys previous_keys;
    std::future<void> keys_read;
    if (!settings.page_keys_file.empty())
        keys_read = std::async(std::launch::async,
                               [&] { read_page_keys(settings.page_keys_file, settings.output_before, previous_keys); });
    const std::string themes = find_themes(settings);
    std::string problem;
    const auto source = theme_source(themes, site.settings.theme, problem);
    if (!source) {
        err << "samplan: " << problem << "\n";
        return kFailed;
    }
    std::error_code ec;
    Diagnostics theme_problems;
    const render::Theme theme =
        render::load_theme(*source, render::ThemeFolder{settings.content, content::layout::kTheme, "content folder"},
                           site.settings.language, theme_problems);
    if (theme_problems.has_errors()) {
        for (const auto& d : theme_problems.all()) err << format_text(d) << "\n";
        return kFailed;
    }

    // (Named for what it does: the published versions' tags, the previous build's page keys and
    // spare read, the search index and the renderer set up; the theme was loaded above.)
    report.timings.start("previous build");
    // Published versions: git tags matching [history] versions, read from the tree at the tag.
    std::vector<history::Tag> tags;
    std::vector<history::UnreadableTag> unreadable;
    const auto matching = history.tags(site.settings.history_versions, &unreadable);
    for (const auto& tag : unreadable)
        err << "samplan: warning: tag " << quote(tag.name) << " cannot be read (" << tag.reason << "); not published\n";
    for (const auto& tag : matching) {
        if (safe_version_name(tag.name)) tags.push_back(tag);
        else err << "samplan: warning: tag " << quote(tag.name) << " is not a usable folder name; not published\n";
    }

    site::SiteOptions options;
    options.today = settings.today;
    options.history = &history;
    options.versions_read = versions_read;
    options.strings = &theme.strings;
    // A draft's warnings would tell of it: they stay in `samplan check`.
    for (const auto& d : checks.all())
        if (d.severity == Severity::Warning &&
            !std::binary_search(settings.draft_paths.begin(), settings.draft_paths.end(), d.path))
            options.warnings.push_back(d);
    options.draft_paths = settings.draft_paths;
    for (const auto& t : tags) options.versions.push_back({t.name, t.date});
    KeyLog page_keys;  // this build's, for the next
    bool keys_kept = true;  // false: the site's files changed during the build (site_files_before)
    DataKeys data_keys;  // the same, of the pages keyed by their data, and the folders kept whole
    // The paths of the pages the previous build listed under a folder entry.
    auto folder_pages = [&previous_keys](const std::string& folder) {
        std::vector<std::string> paths;
        const auto it = previous_keys.find(folder);
        if (it != previous_keys.end() && it->second.folder)
            for_each_folder_page(it->second.block, [&paths](std::string_view path, const PageKey&) { paths.emplace_back(path); });
        return paths;
    };
    if (!settings.page_keys_file.empty()) {
        const std::string site_files = site_files_digest(settings);
        options.inputs_key = inputs_key(settings, site_files, options.versions);
        // A file that inputs_key names changed since the load began: the pages may be made from
        // the older text, so their keys (by the newer one) are not kept.
        keys_kept = settings.site_files_before.empty() || site_files == settings.site_files_before;
        data_keys.inputs_key = options.inputs_key;
        // Beside the page keys: the differences cache (history/versions_cache.h).
        options.differences_cache = (fs::path(settings.page_keys_file).parent_path() / "differences").string();
        options.unchanged = [&previous_keys](const std::string& path, const std::string& key) {
            const auto it = previous_keys.find(path);
            return it != previous_keys.end() && it->second.key == key && it->second.folder == (!path.empty() && path.back() == '/');
        };
        options.folder_pages = folder_pages;
        // A changed group's part of the search index is made as soon as its pages and those of the
        // other groups in the part are written.
        options.group_batch = [](const std::string& group_id) { return group_search_part(group_id); };
    }
    // The differences cache keeps entries of the site's activities only (pruned once the site is
    // in place; its note of the last prune forgotten before anything is stored for other paths).
    std::vector<std::string> activity_paths;
    if (!options.differences_cache.empty()) {
        for (const auto& group : site.groups)
            for (const auto& plan : group.plans)
                for (const auto& activity : plan.activities) activity_paths.push_back(activity.path);
        history::VersionsCache(options.differences_cache).start_build(activity_paths);
    }
    try {
        // (As the page keys: only for a site in git, so that one outside has no cache folder.)
        publish::Output output(settings.output,
                               publish::Spare{history.available() ? settings.spare : std::string(), settings.output_before});
        // The search index: a part whose pages are all written is made while the others are (with
        // the previous build's page keys, which tell each part's pages), the rest after them.
        // Search covers the current site only: the archived versions come after it.
        publish::SearchOptions search_options;
        search_options.stamp_file = settings.search_stamp;
        search_options.keep_previous = settings.reuse_search;
        search_options.time_limit = settings.search_time_limit;
        search_options.site_folder = fs::absolute(settings.content, ec).lexically_normal().parent_path().string();
        publish::SearchIndex search_index(output, search_options);
        const render::Renderer renderer(theme);
        if (keys_read.valid()) keys_read.get();
        report.timings.start("pages", site::page_count(site, options));
        Reporter* progress = report.timings.progress();
        std::vector<std::string> current_pages;
        SearchedPages searched;
        if (search_index.can_start())
            searched.watch(previous_keys, [&search_index](publish::SearchPart part) { search_index.start(std::move(part)); });
        size_t files = 0, versions_from_cache = 0, versions_stored = 0;
        report.pages = write_site(
            [&](const site::PageSink& sink) {
                const site::PageSink to_render = with_live_reload(sink, settings);
                auto view = site::build_site(site, options, [&](site::PageView&& page) {
                    if (page.folder) {
                        if (!page.keep) {
                            page_keys.folder(page.path, page.key, page.folder_pages);
                            return;
                        }
                        page_keys.other();
                        if (!tags.empty())
                            for (auto& path : folder_pages(page.path)) current_pages.push_back(std::move(path));
                    } else {
                        if (!tags.empty()) current_pages.push_back(page.path);  // only the archived versions link to them
                        if (!page.key.empty()) page_keys.page(page.path, page.key);
                        else page_keys.other();
                    }
                    to_render(std::move(page));
                });
                files = view.files.size();
                versions_from_cache = view.versions_from_cache;
                versions_stored = view.versions_stored;
                for (const auto& f : view.files)
                    if (!f.key.empty()) page_keys.page(f.path, f.key);
                return view;
            },
            renderer, theme, output, "", report.timings, &searched, &previous_keys,
            // (As the records' keys: only for a site in git, so that one outside has no cache folder.)
            settings.page_keys_file.empty() || !history.available() ? nullptr : &data_keys);
        // The pages are made: what only they needed goes before Pagefind runs (samplan waits for
        // it, and what it holds adds to Pagefind's memory). The archived versions read only tags.
        previous_keys.release();
        const bool has_base_url = !site.settings.base_url.empty();
        site = model::Site{};
        if (!settings.keep_history) history.release_index();
        if (mi_collect) mi_collect(true);
        if (progress) {
            progress->detail(std::to_string(report.pages) + " pages and " + std::to_string(files) + " other files");
            progress->detail(std::to_string(output.written()) + " files written, " + std::to_string(output.kept()) +
                             " kept unchanged from the previous site");
            if (versions_from_cache + versions_stored > 0)
                progress->detail("activities' older versions for the change log and the plans' history pages: " +
                                 std::to_string(versions_from_cache) + " from the differences cache, " +
                                 std::to_string(versions_stored) + " read and stored in it");
        }
        report.files = files + theme.assets.size();

        if (!has_base_url) {
            // What only a full address can give; said once per build (not a check: a site being
            // written need not know its address yet).
            const std::string text =
                "no base_url in site.toml: the calendars' events link to no page, and there is no sitemap.xml "
                "(set base_url to the site's public address, e.g. base_url = \"https://example.org/\")";
            if (progress) progress->note(text);
            else if (!settings.quiet) err << "samplan: " << text << "\n";
        }

        report.timings.start("search index");
        searched.fill(search_options);
        // While Pagefind runs, what the swap writes that does not depend on the index: the lines
        // of the page keys and of the spare's journal, on a thread of their own at the lowest
        // priority (a thread's own: it ends here), so that they take only a core Pagefind leaves
        // idle (at priority 0 they took as much from Pagefind as they saved the swap:
        // docs/performance.md). When no part of the index is being made (serve keeps its index),
        // or no thread can be had, here after the index, as before the swap.
        const bool keys_written = !settings.page_keys_file.empty() && keys_kept &&
                                  !(page_keys.empty() && data_keys.keys.empty() && data_keys.kept_folders.empty());
        std::string keys_lines;
        std::exception_ptr keys_failure;
        auto prepare_swap = [&] {
            try {
                if (keys_written)
                    keys_lines = page_keys_lines(page_keys.log(), data_keys.keys, data_keys.kept_folders, searched);
            } catch (...) {
                keys_failure = std::current_exception();
            }
            if (tags.empty()) output.prepare_journal();  // (the archived versions' pages come after the index)
        };
        std::thread preparing;
        if (search_index.making()) {
            try {
                preparing = std::thread([&prepare_swap] {
                    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
                    prepare_swap();
                });
            } catch (const std::system_error&) {
            }
        }
        const publish::SearchOutcome search = [&] {
            try {
                return search_index.finish(std::move(search_options.parts));
            } catch (...) {
                if (preparing.joinable()) preparing.join();
                throw;
            }
        }();
        if (preparing.joinable()) preparing.join();
        else prepare_swap();
        if (keys_failure) std::rethrow_exception(keys_failure);
        report.search_failed = search.failed;
        if (progress) progress->note(search.message, !search.built);
        else if (!settings.quiet || !search.built) err << "samplan: " << search.message << "\n";

        report.timings.start("versions", tags.size());
        std::sort(current_pages.begin(), current_pages.end());
        for (const auto& tag : tags) {
            throw_if_stopped();
            const auto source = history.tree_source(tag.commit);
            if (!source) continue;
            // The tagged tree, checked as of the tag's date (its history is not read).
            Loaded loaded;
            load_and_check(*source, LoadOptions{tag.date, true, false, {}, {}, false}, loaded);
            model::Site& version = loaded.site;
            const Diagnostics& version_diagnostics = loaded.diagnostics;
            if (version_diagnostics.has_errors())
                err << "samplan: warning: version " << quote(tag.name) << " has " << version_diagnostics.error_count()
                    << " content errors; published as it was\n";
            // A link in the tagged tree is never followed (a tree cannot tell where it would lead):
            // its record is left out of the version, and named.
            for (const auto& d : version_diagnostics.all())
                if (d.rule == "outside-content")
                    err << "samplan: warning: version " << quote(tag.name) << ": " << format_text(d) << "\n";
            if (!settings.drafts) model::remove_drafts(version);
            const site::ArchiveInfo archive{tag.name, tag.date, site::version_prefix(tag.name), &current_pages};
            site::SiteOptions version_options;
            version_options.today = tag.date;
            version_options.strings = &theme.strings;
            version_options.archive = &archive;
            report.pages += write_site(
                [&](const site::PageSink& sink) {
                    return site::build_site(version, version_options, with_live_reload(sink, settings));
                },
                renderer, theme, output, archive.prefix, report.timings);
            if (progress) progress->advance();
        }
        report.timings.start("swap output");
        if (!settings.page_keys_file.empty()) fs::remove(settings.page_keys_file, ec);  // for the folder as it is now
        output.commit();
        // From here on the new site is in place: a stop lets the clean-up and the stamps finish.
        if (!settings.search_stamp.empty()) publish::write_search_stamp(settings.search_stamp, search.stamp);
        report.output_state = output_state(settings.output, output);
        output.keep_spare(report.output_state);
        if (keys_written) replace_file(settings.page_keys_file, page_keys_header(report.output_state) + keys_lines);
        if (!options.differences_cache.empty()) history::VersionsCache(options.differences_cache).prune(activity_paths);
        report.swapped_then_stopped = stop_requested();
        report.timings.stop();
    } catch (const Stopped&) {
        report.timings.stop();  // the staging folder is gone, Pagefind with it
        err << "samplan: stopped; " << quote(settings.output) << " is unchanged\n";
        return stopped_exit_code();
    } catch (const std::exception& e) {
        report.timings.stop();
        // The next build makes every page again (whatever went wrong, a kept page may be why).
        if (!settings.page_keys_file.empty()) fs::remove(settings.page_keys_file, ec);
        err << "samplan: the site was not built: " << e.what() << "; " << quote(settings.output) << " is unchanged\n";
        return kFailed;
    }
    return kOk;
}

}  // namespace samplan::build
