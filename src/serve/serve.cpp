#include "serve/serve.h"

#include <dlfcn.h>
#include <httplib.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <cstdlib>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "build/build.h"
#include "core/diagnostics.h"
#include "core/files.h"
#include "core/stop.h"
#include "core/stop_signals.h"
#include "core/text.h"
#include "edit/editor.h"
#include "history/history.h"
#include "render/builtin_theme.h"
#include "site/paths.h"

// Debian's cpp-httplib is built with OpenSSL, and its library starts OpenSSL's TLS part
// (OPENSSL_init_ssl) in a static constructor, as the program loads: 1-2 ms of CPU and 65 page
// faults in every samplan run, though samplan serves plain HTTP on 127.0.0.1 and uses no TLS
// (docs/performance.md, "(twentieth session, main)"). This function, which the dynamic loader
// finds in the program before libssl's own, does nothing while the libraries load (their
// constructors run before the program's) and hands every later call to libssl's: should anything
// ask for TLS, OpenSSL starts then, as it would have at the load.
namespace {
std::atomic<bool> program_loaded{false};
[[gnu::constructor]] void note_program_loaded() { program_loaded = true; }
}  // namespace

extern "C" int OPENSSL_init_ssl(std::uint64_t options, const OPENSSL_INIT_SETTINGS* settings) {
    if (!program_loaded) return 1;
    using Init = int (*)(std::uint64_t, const OPENSSL_INIT_SETTINGS*);
    static const auto libssl_init = reinterpret_cast<Init>(::dlvsym(RTLD_NEXT, "OPENSSL_init_ssl", "OPENSSL_3.0.0"));
    return libssl_init != nullptr ? libssl_init(options, settings) : 0;
}

namespace samplan::serve {
namespace fs = std::filesystem;

namespace {

constexpr const char* kScriptHref = "/_samplan/live.js";
constexpr const char* kStatusHref = "/_samplan/status";
constexpr size_t kMaxFile = static_cast<size_t>(1) << 30;
// How long a page's question for the next build's status is held (BuildStatus::json_after).
constexpr std::chrono::milliseconds kLongPoll{20000};

// What a build left: served to the pages' script as /_samplan/status.
class BuildStatus {
public:
    void finished(bool ok, std::vector<std::string> problems, const std::string& theme) {
        {
            std::lock_guard lock(mutex_);
            ++generation_;
            if (ok) site_generation_ = generation_;
            ok_ = ok;
            problems_ = std::move(problems);
            if (!theme.empty()) theme_ = theme;
        }
        changed_.notify_all();
    }
    // The status once a build after the `after`-th has finished, or once `limit` has passed, or
    // serve is ending (close()), whichever comes first: the pages' script asks with the generation
    // it has seen and hears of the next build as soon as it ends (a long poll).
    std::string json_after(long after, std::chrono::milliseconds limit) const {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, limit, [&] { return generation_ != after || closed_; });
        return json_locked();
    }
    // Ends every wait of json_after(), now and later (serve is stopping).
    void close() {
        {
            std::lock_guard lock(mutex_);
            closed_ = true;
        }
        changed_.notify_all();
    }
    std::string json() const {
        std::lock_guard lock(mutex_);
        return json_locked();
    }
    std::vector<std::string> problems() const {
        std::lock_guard lock(mutex_);
        return problems_;
    }
    std::string theme() const {
        std::lock_guard lock(mutex_);
        return theme_;
    }

private:
    std::string json_locked() const {
        std::string out = "{\"generation\":" + std::to_string(generation_) +
                          ",\"site_generation\":" + std::to_string(site_generation_) +
                          ",\"ok\":" + (ok_ ? "true" : "false") + ",\"diagnostics\":[";
        for (size_t i = 0; i < problems_.size(); ++i) {
            if (i) out += ',';  // not "," + std::string: GCC 12 at -O3 warns falsely of -Wrestrict
            out += json_quote(problems_[i]);
        }
        return out + "]}\n";
    }

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    bool closed_ = false;
    long generation_ = 0;       // builds finished
    long site_generation_ = 0;  // the last build that succeeded: the site served
    bool ok_ = true;
    std::vector<std::string> problems_;
    std::string theme_ = "default";
};

struct Paths {
    std::string content;
    std::string themes;
    std::string site;
    std::string history_cache;
    std::string search_stamp;
};

// One build: the same stages as samplan build --drafts, into the private site folder. Returns
// false with the lines that tell why, after which the previous site is still there.
bool build_once(const Paths& paths, bool first, std::vector<std::string>& problems, std::string& theme, size_t& pages,
                edit::Editor& editor, std::ostream& out, std::ostream& err) {
    try {
        build::SiteRequest request;
        build::BuildSettings& settings = request.settings;
        settings.content = paths.content;
        settings.output = paths.site;
        settings.themes = paths.themes;
        settings.today = today_local();
        settings.quiet = true;
        settings.drafts = true;
        settings.live_script_href = kScriptHref;
        settings.live_status_href = kStatusHref;
        settings.reuse_search = !first;
        settings.search_stamp = paths.search_stamp;
        // Rebuilds make again only the pages whose inputs changed.
        settings.page_keys_file = (std::filesystem::path(paths.history_cache).parent_path() / "pages.txt").string();
        settings.spare = (std::filesystem::path(paths.history_cache).parent_path() / "spare").string();
        request.history_cache = paths.history_cache;
        // Reading and checking leave nothing to undo: a stop signal ends serve at once.
        std::optional<StopAtOnce> reading(std::in_place, "samplan: stopped; " + quote(paths.site) + " is unchanged\n",
                                          std::vector<std::string>{paths.history_cache + ".tmp-" + std::to_string(::getpid()),
                                                                   (std::filesystem::path(paths.history_cache).parent_path() /
                                                                    "records.bin").string() +
                                                                       ".tmp-" + std::to_string(::getpid())});
        build::SiteHooks hooks;
        hooks.checked = [&](const build::Loaded& loaded) {
            theme = loaded.site.settings.theme;
            for (const auto& d : loaded.diagnostics.all()) {
                out << format_text(d) << "\n";
                if (d.severity == Severity::Error) problems.push_back(format_text(d));
            }
            return std::string();
        };
        hooks.publishing = [&] { reading.reset(); };
        // The editor's checks count a plan's revision from its last commit, as check does, from
        // the history this build read (not a walk of their own per keystroke).
        hooks.history_read = [&](history::History&& history) {
            editor.set_history(std::make_shared<const history::History>(std::move(history)));
        };
        build::BuildReport report;
        std::ostringstream messages;
        const int rc = build::make_site(std::move(request), hooks, report, messages);
        reading.reset();
        if (rc == build::kContentErrors) return false;
        err << messages.str();
        if (rc != build::kOk) {
            std::istringstream lines(messages.str());
            for (std::string line; std::getline(lines, line);)
                if (!line.empty()) problems.push_back(line);
            if (problems.empty()) problems.push_back("samplan: the site was not built");
            return false;
        }
        pages = report.pages;
        return true;
    } catch (const std::exception& e) {
        problems.push_back(std::string("samplan: internal error: ") + e.what());
        return false;
    }
}

// Modification time, size and inode of every file and folder under the watched folders; names
// starting with '.' (editor swap files, .git) and ending with '~' (backups) are left out.
using Snapshot = std::map<std::string, std::tuple<long long, long long, unsigned long long>>;

// Whether a name is one that scan() leaves out: hidden (editor swap files, .git) or a backup.
bool left_out(std::string_view name) { return name.empty() || name[0] == '.' || name.back() == '~'; }

Snapshot scan(const std::vector<std::string>& roots) {
    Snapshot snapshot;
    for (const auto& root : roots) {
        std::error_code ec;
        for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
             !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            const std::string name = it->path().filename().string();
            struct stat st {};
            if (::stat(it->path().c_str(), &st) != 0) continue;
            if (left_out(name)) {
                if (S_ISDIR(st.st_mode)) it.disable_recursion_pending();
                continue;
            }
            snapshot[it->path().string()] = {static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec,
                                             static_cast<long long>(st.st_size), static_cast<unsigned long long>(st.st_ino)};
        }
    }
    return snapshot;
}

// A path that differs between two snapshots, for the message: a file rather than its folder.
std::string changed_path(const Snapshot& before, const Snapshot& after) {
    std::vector<std::string> changed;
    for (const auto& [path, stamp] : after) {
        const auto it = before.find(path);
        if (it == before.end() || it->second != stamp) changed.push_back(path);
    }
    for (const auto& [path, stamp] : before)
        if (!after.count(path)) changed.push_back(path);
    std::error_code ec;
    for (const auto& path : changed)
        if (!fs::is_directory(path, ec)) return path;
    return changed.empty() ? std::string() : changed.front();
}

// How often serve looks over the watched folders and the repository (ms): SAMPLAN_SERVE_SCAN_MS, else
// 300. A save is told at once where the system tells of changes (FolderWatch); the regular look
// finds the rest (a commit, a change on a network share).
int scan_interval_ms() {
    if (const char* value = std::getenv("SAMPLAN_SERVE_SCAN_MS")) {
        int ms = 0;
        const auto [end, error] = std::from_chars(value, value + std::strlen(value), ms);
        if (error == std::errc() && *end == '\0' && ms >= 100 && ms <= 3600000) return ms;
    }
    return 300;
}

// Sleeps `ms`, waking early when a stop signal came; returns false then.
bool sleep_unless_stopped(int ms) {
    for (int waited = 0; waited < ms; waited += 50) {
        if (stop_requested()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return !stop_requested();
}

// Tells serve's loop at once that something under the watched folders changed (Linux inotify: a
// watch on every folder scan() looks into, added as folders appear), so that a save is built
// without waiting for the loop's next look over the folders. It only wakes the loop: what changed
// is still what scan() finds. Where inotify cannot be had (no instance or no watch left, a file
// system that does not tell of changes, as network shares), it tells nothing, and the loop's
// regular look finds the change as before.
class FolderWatch {
public:
    // `SAMPLAN_SERVE_WATCH=0`: no watch (serve then finds every change by its looks).
    explicit FolderWatch(const std::vector<std::string>& roots) {
        if (const char* off = std::getenv("SAMPLAN_SERVE_WATCH"); off && std::string_view(off) == "0") return;
        fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
        for (const auto& root : roots) cover(root);
    }
    ~FolderWatch() {
        if (fd_ >= 0) ::close(fd_);
    }
    FolderWatch(const FolderWatch&) = delete;
    FolderWatch& operator=(const FolderWatch&) = delete;

    // Waits at most `ms` (less when a stop is asked for; 0: not at all) for a change; true when
    // one came (or had come since the last wait).
    bool wait(int ms) {
        if (fd_ < 0) {
            sleep_unless_stopped(ms);
            return false;
        }
        int waited = 0;
        do {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, std::min(kSlice, ms - waited)) > 0 && drain()) return true;
            waited += kSlice;
        } while (waited < ms && !stop_requested());
        return false;
    }
    // Whether any folder is watched: then a change there is told at once.
    [[nodiscard]] bool active() const { return fd_ >= 0 && !folders_.empty(); }
    // After a change: waits until nothing more changed for `quiet_ms` (at most `most_ms` in all),
    // so that a save of several files (or a checkout) is built once it is complete.
    void settle(int quiet_ms, int most_ms) {
        for (int waited = 0; waited < most_ms && !stop_requested(); waited += quiet_ms)
            if (!wait(quiet_ms)) return;
    }

private:
    static constexpr int kSlice = 50;  // ms: how soon a stop is seen while waiting

    // Watches `folder` and the folders below it that scan() looks into.
    void cover(const std::string& folder) {
        if (fd_ < 0) return;
        constexpr uint32_t kMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB | IN_MOVED_FROM |
                                   IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
        const int wd = ::inotify_add_watch(fd_, folder.c_str(), kMask);
        if (wd < 0) return;  // not a folder, gone, or no watch left: the regular look covers it
        folders_[wd] = folder;
        std::error_code ec;
        for (fs::directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec), end; !ec && it != end;
             it.increment(ec))
            if (!left_out(it->path().filename().string()) && it->is_directory(ec) && !it->is_symlink(ec))
                cover(it->path().string());
    }

    // Reads the events queued; true when one of them is a change scan() could see. A folder made
    // (or moved in) is watched from now on; one removed is forgotten.
    bool drain() {
        alignas(inotify_event) char buffer[16384];
        bool changed = false;
        for (;;) {
            const ssize_t n = ::read(fd_, buffer, sizeof buffer);
            if (n <= 0) return changed;
            for (ssize_t at = 0; at < n;) {
                const auto* e = reinterpret_cast<const inotify_event*>(buffer + at);
                at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
                if (e->mask & IN_Q_OVERFLOW) {
                    changed = true;  // events were lost: something changed
                    continue;
                }
                if (e->mask & IN_IGNORED) {
                    folders_.erase(e->wd);
                    continue;
                }
                const std::string_view name = e->len > 0 ? std::string_view(e->name) : std::string_view();
                if (e->len > 0 && left_out(name)) continue;
                changed = true;
                const auto folder = folders_.find(e->wd);
                if (folder != folders_.end() && (e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO)))
                    cover(folder->second + "/" + std::string(name));
            }
        }
    }

    int fd_ = -1;
    std::map<int, std::string> folders_;  // watch descriptor → folder
};

// httplib's own pool has a fixed number of threads, each held by a connection until its request
// has been read: 16 connections that never finished their headers made every other request wait
// for their read timeouts (issue 18, finding 7). Here each connection gets a thread of its own, up
// to kMaxConnectionThreads at once (a connection beyond waits for one to end); idle threads end
// after a while. With the short read timeout set on the server, an idle or trickling client holds
// one thread for a few seconds at a time and no other request waits behind it.
class ConnectionThreads : public httplib::TaskQueue {
public:
    static constexpr int kMaxConnectionThreads = 256;

    void enqueue(std::function<void()> fn) override {
        std::unique_lock lock(mutex_);
        jobs_.push_back(std::move(fn));
        if (idle_ > 0) {
            wake_.notify_one();
        } else if (threads_ < kMaxConnectionThreads) {
            ++threads_;
            std::thread([this] { work(); }).detach();
        }
    }

    void shutdown() override {
        std::unique_lock lock(mutex_);
        shutdown_ = true;
        wake_.notify_all();
        ended_.wait(lock, [&] { return threads_ == 0; });
    }

private:
    void work() {
        std::unique_lock lock(mutex_);
        for (;;) {
            if (jobs_.empty()) {
                if (shutdown_) break;
                ++idle_;
                const bool woken = wake_.wait_for(lock, std::chrono::seconds(10), [&] { return !jobs_.empty() || shutdown_; });
                --idle_;
                if (!woken) break;  // idle for long: end, another starts when needed
                continue;
            }
            std::function<void()> job = std::move(jobs_.front());
            jobs_.pop_front();
            lock.unlock();
            job();
            lock.lock();
        }
        --threads_;
        ended_.notify_all();  // under the lock: shutdown() returns only after it is released
    }

    std::mutex mutex_;
    std::condition_variable wake_, ended_;
    std::deque<std::function<void()>> jobs_;
    int threads_ = 0, idle_ = 0;
    bool shutdown_ = false;
};

void text_response(httplib::Response& res, int status, const std::string& text) {
    res.status = status;
    res.set_content(text, "text/plain; charset=utf-8");
}

// A file of the site's theme, else of the default theme; never through a link out of the themes
// folder. Without a themes folder, from the theme built into samplan.
std::optional<std::string> theme_file(const Paths& paths, const std::string& theme, const std::string& name) {
    std::string body, error;
    const InsideFolder themes(paths.themes);
    for (const auto& t : {theme, std::string("default")})
        if (!paths.themes.empty() && themes.read(t + "/" + name, kMaxFile, body, error) == FileRead::Ok) return body;
    if (const auto* builtin = render::builtin_theme_file(name); builtin && paths.themes.empty()) return std::string(*builtin);
    return std::nullopt;
}

// The editor (edit/editor.h) sees the request as plain data.
void handle_edit(const httplib::Request& req, httplib::Response& res, edit::Editor& editor) {
    edit::Request request{req.method, req.path, {}, req.get_header_value("Host"), req.get_header_value("Origin"),
                          req.get_header_value("Cookie"), req.body};
    for (const auto& [key, value] : req.params) request.query.emplace(key, value);
    edit::Response response = editor.handle(request);
    res.status = response.status;
    for (const auto& [name, value] : response.headers) res.set_header(name, value);
    res.set_content(response.body, response.content_type);
}

void handle(const httplib::Request& req, httplib::Response& res, const Paths& paths, const BuildStatus& status,
            int port, edit::Editor& editor) {
    if (req.path.rfind(edit::kEditPrefix, 0) == 0) return handle_edit(req, res, editor);
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    // Only pages of this computer's own addresses: another site's page that renamed its host to
    // 127.0.0.1 (DNS rebinding) must not read the preview, drafts included.
    const std::string host = req.get_header_value("Host");
    const std::string suffix = ":" + std::to_string(port);
    if (host != "127.0.0.1" + suffix && host != "localhost" + suffix) {
        text_response(res, 421, "Open the preview at http://127.0.0.1" + suffix + "/\n");
        return;
    }
    if (req.method != "GET" && req.method != "HEAD") {
        res.set_header("Allow", "GET, HEAD");
        text_response(res, 405, "Method not allowed\n");
        return;
    }
    if (req.path == kStatusHref) {
        // "?after=N": held until a build after the N-th ends (at most kLongPoll), so that the page
        // reloads as soon as it does rather than at its script's next look.
        long after = -1;
        if (req.has_param("after")) {
            const std::string& value = req.get_param_value("after");
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), after);
            if (error != std::errc() || end != value.data() + value.size()) after = -1;
        }
        res.set_header("Cache-Control", "no-store");
        res.set_content(after >= 0 ? status.json_after(after, kLongPoll) : status.json(), "application/json");
        return;
    }
    std::string body, error;
    if (req.path == kScriptHref) {
        if (auto script = theme_file(paths, status.theme(), "serve/live.js")) {
            res.set_content(*script, "text/javascript; charset=utf-8");
            return;
        }
        text_response(res, 404, "The theme has no serve/live.js\n");
        return;
    }
    const auto file = file_for_url_path(paths.site, req.path);
    if (!file) {
        text_response(res, 400, "Bad path\n");
        return;
    }
    std::error_code ec;
    if (!fs::is_directory(paths.site, ec)) {
        std::string text = "Webbplatsen har inte kunnat byggas ännu:\n\n";
        for (const auto& line : status.problems()) text += line + "\n";
        text_response(res, 503, text);
        return;
    }
    std::string target = *file;
    if (fs::is_directory(target, ec)) {
        if (req.path.back() != '/') {
            // Relative links need the slash: /groups/alfa → /groups/alfa/
            const auto query = req.target.find('?');
            const std::string location = req.target.substr(0, query) + "/" +
                                         (query == std::string::npos ? std::string() : req.target.substr(query));
            res.status = 301;
            res.set_header("Location", location);
            return;
        }
        target += "index.html";
    }
    if (read_regular_file(target, kMaxFile, body, error, true) == FileRead::Ok) {
        res.set_content(body, content_type(target));
        return;
    }
    if (read_regular_file(paths.site + "/" + site::not_found_path(), kMaxFile, body, error, true) == FileRead::Ok) {
        res.status = 404;
        res.set_content(body, "text/html; charset=utf-8");
        return;
    }
    text_response(res, 404, "Not found\n");
}

}  // namespace

std::optional<std::string> file_for_url_path(const std::string& root, const std::string& path) {
    if (path.empty() || path[0] != '/') return std::nullopt;
    if (path.find('\0') != std::string::npos || path.find('\\') != std::string::npos) return std::nullopt;
    for (size_t start = 1; start <= path.size();) {
        size_t end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        const std::string_view segment(path.data() + start, end - start);
        if (segment == ".." || segment == ".") return std::nullopt;
        start = end + 1;
    }
    return root + path;
}

std::string content_type(const std::string& file) {
    static const std::map<std::string, std::string> types = {
        {".html", "text/html; charset=utf-8"},        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},    {".mjs", "text/javascript; charset=utf-8"},
        {".json", "application/json"},                {".xml", "application/xml"},
        {".csv", "text/csv; charset=utf-8"},          {".ics", "text/calendar; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"},        {".svg", "image/svg+xml"},
        {".png", "image/png"},                        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},                      {".gif", "image/gif"},
        {".webp", "image/webp"},                      {".ico", "image/x-icon"},
        {".woff", "font/woff"},                       {".woff2", "font/woff2"},
        {".wasm", "application/wasm"},                {".pdf", "application/pdf"}};
    std::string extension = fs::path(file).extension().string();
    for (auto& c : extension) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    const auto it = types.find(extension);
    return it == types.end() ? "application/octet-stream" : it->second;
}

int serve(const ServeSettings& settings, std::ostream& out, std::ostream& err) {
    // Before any thread starts (see core/stop_signals.h). Between rebuilds a signal only ends the
    // loop below; during one, it stops the rebuild too.
    handle_stop_signals();
    fs::path content = fs::absolute(settings.content).lexically_normal();
    if (content.filename().empty()) content = content.parent_path();
    const fs::path cache = content.parent_path() / ".samplan-cache" / "serve";
    std::error_code ec;
    fs::create_directories(cache, ec);
    if (ec) {
        err << "samplan serve: cannot create " << quote(cache.string()) << ": " << ec.message() << "\n";
        return build::kFailed;
    }
    Paths paths{content.string(), build::themes_folder(settings.themes), (cache / "site").string(),
                (cache / "history.txt").string(), (cache / "search.txt").string()};
    BuildStatus status;

    httplib::Server server;
    server.new_task_queue = [] { return new ConnectionThreads; };
    server.set_keep_alive_timeout(2);
    server.set_read_timeout(2, 0);  // a request's headers, a wait between two of its reads
    int port = settings.port;
    std::optional<edit::Editor> editor;
    server.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
        // The editor's POSTs go on to the route below, which has their bodies read.
        if (req.method == "POST" && req.path.rfind(edit::kEditPrefix, 0) == 0) return httplib::Server::HandlerResponse::Unhandled;
        handle(req, res, paths, status, port, *editor);
        return httplib::Server::HandlerResponse::Handled;
    });
    server.set_payload_max_length(size_t{4} << 20);
    server.Post(R"(/_edit/.*)", [&](const httplib::Request& req, httplib::Response& res) { handle_edit(req, res, *editor); });
    // The queue of connections the kernel holds until serve accepts them: Debian's compiled httplib
    // listens with 5 (CPPHTTPLIB_LISTEN_BACKLOG). A page that loads its styles, scripts and images
    // opens several connections at once, and a connection beyond the queue waits a second for its
    // client to try again, then two. listen() again on the bound socket sets the longer queue.
    int listening = -1;
    server.set_socket_options([&](int socket) {
        httplib::default_socket_options(socket);
        listening = socket;
    });
    if (port == 0) port = server.bind_to_any_port("127.0.0.1");
    else if (!server.bind_to_port("127.0.0.1", port)) port = -1;
    if (port <= 0) {
        err << "samplan serve: cannot listen on 127.0.0.1:" << settings.port
            << " (is another program using it? --port 0 picks a free port)\n";
        return build::kFailed;
    }
    if (listening >= 0) ::listen(listening, SOMAXCONN);

    editor.emplace(edit::EditorSettings{paths.content, paths.themes, port, {}, {},
                                        [&](const std::string& name) { return theme_file(paths, status.theme(), "edit/" + name); }});
    const std::vector<std::string> watched = {paths.content, paths.themes};
    bool first = true;
    bool rebuild_stopped = false;  // a stop signal came in the middle of a rebuild
    auto rebuild = [&] {
        const auto began = std::chrono::steady_clock::now();
        std::vector<std::string> problems;
        std::string theme;
        size_t pages = 0;
        const bool ok = build_once(paths, first, problems, theme, pages, *editor, out, err);
        if (!ok && stop_requested()) {
            rebuild_stopped = true;
            return;
        }
        first = false;
        status.finished(ok, problems, theme);
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - began).count();
        if (ok) {
            out << "samplan serve: byggde " << pages << " sidor på " << ms << " ms\n";
        } else {
            out << "samplan serve: webbplatsen kunde inte byggas (" << problems.size()
                << " fel); den senaste versionen som gick att bygga visas\n";
        }
        out.flush();
    };

    // The repository too: a commit (made in a terminal, or by the editor after its save) changes
    // the history the pages show, though no watched file changes. (The watch begins before the
    // first look: a change while the first build runs is told after it.)
    FolderWatch watch(watched);
    Snapshot last = scan(watched);
    std::string last_repository = history::repository_state(paths.content);
    rebuild();
    if (rebuild_stopped) return stopped_exit_code();  // the port is closed with the server
    std::atomic<bool> listening_ended{false};
    std::thread listener([&] {
        server.listen_after_bind();
        listening_ended = true;
    });
    out << "Webbplatsen visas på http://127.0.0.1:" << port << "/ (Ctrl-C avslutar)\n"
        << "Redigera på " << editor->address() << std::endl;

    // Look every scan_every, and at once when the folder watch tells of a change; rebuild once the
    // files have settled. Each look reads the repository's state, and looks over the watched
    // folders too unless the watch is trusted to tell of their changes: then only every
    // kTrustedLooks-th look does (on 10,000 activities a look over the folders costs some 50 ms of
    // CPU: at every look, serve doing nothing took 18% of a core). A look that finds a change the
    // watch did not tell of (a share whose other users' changes the system does not see) ends the
    // trust for good.
    constexpr int kTrustedLooks = 10;
    const auto scan_every = std::chrono::milliseconds(scan_interval_ms());
    auto next_look = std::chrono::steady_clock::now() + scan_every;
    bool trusted = watch.active();
    for (long looks = 1; !stop_requested() && !listening_ended;) {
        bool told = watch.wait(100);
        if (stop_requested()) break;
        if (!told && std::chrono::steady_clock::now() < next_look) continue;
        next_look = std::chrono::steady_clock::now() + scan_every;
        // Told of a change: built once nothing more changed for 50 ms (a save of several files is
        // complete), not after the looks 150 ms apart below.
        if (told) watch.settle(50, 3000);
        std::string repository = history::repository_state(paths.content);
        if (!told && trusted && looks++ % kTrustedLooks != 0 && repository == last_repository) continue;
        Snapshot now = scan(watched);
        if (now == last && repository == last_repository) continue;
        if (!told && now != last && !(told = watch.wait(0)) && trusted) {  // (told just now: not missed)
            trusted = false;
            out << "samplan serve: systemet säger inte till om alla ändringar här; mapparna gås igenom var "
                << scan_every.count() << ":e millisekund\n";
        }
        for (int settle = 0; !told && settle < 20 && sleep_unless_stopped(150); ++settle) {
            Snapshot again = scan(watched);
            std::string repository_again = history::repository_state(paths.content);
            if (again == now && repository_again == repository) break;
            now = std::move(again);
            repository = std::move(repository_again);
        }
        if (stop_requested()) break;
        if (now == last) {
            out << "samplan serve: git-historiken ändrades; bygger om\n";
        } else {
            std::string changed = changed_path(last, now);
            const fs::path relative = fs::path(changed).lexically_relative(content);
            if (!relative.empty() && *relative.begin() != "..") changed = relative.string();
            out << "samplan serve: " << changed << " ändrades; bygger om\n";
        }
        out.flush();  // said before the rebuild, also where standard output is a file or a pipe
        last = std::move(now);
        last_repository = std::move(repository);
        rebuild();
    }

    status.close();  // the pages' held questions are answered: no connection waits for them
    // stop() only reaches a server that is running.
    while (!server.is_running() && !listening_ended) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    server.stop();
    listener.join();
    if (rebuild_stopped) return stopped_exit_code();  // publish_site said so
    if (!stop_requested()) {
        err << "samplan serve: the web server stopped unexpectedly\n";
        return build::kFailed;
    }
    out << "samplan serve: avslutad" << std::endl;
    return build::kOk;
}

}  // namespace samplan::serve
