// edit/editor.h — the local web editor that `samplan serve` offers at /_edit/ on 127.0.0.1:
// forms for a group's records, checked as they are typed by the same rules as `samplan check`
// (on the content, loaded once and kept up to date, with the record replaced in memory), saved surgically (record_edit.h) and
// committed to git (git_save.h). The stage sees requests as plain data, not the web server's types.
//
// Contract: only requests with this computer's Host, the session's token (a cookie set from the
// address serve prints) and, for every POST, this origin, are answered; records are addressed by
// kind and ids, which are checked and turned into paths by content/layout.h (no path from the
// page is used); nothing outside the content folder is written; a save whose record changed on
// disk since the page loaded it is refused (the page keeps what was typed).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/date.h"
#include "history/history.h"

namespace samplan::edit {

inline constexpr const char* kEditPrefix = "/_edit/";

struct Request {
    std::string method;  // GET, POST, …
    std::string path;    // decoded, starting with kEditPrefix
    std::map<std::string, std::string> query;
    std::string host, origin, cookie;  // the headers
    std::string body;
};

struct Response {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
};

struct EditorSettings {
    std::string content;  // the content folder
    std::string themes;   // as build::themes_folder() found it ("" for the built-in theme)
    int port = 0;
    std::string token;    // the session's secret; make_token() when empty
    std::function<Date()> today;
    // A file of the editor's page (the theme's edit/<name>), or nothing.
    std::function<std::optional<std::string>(const std::string& name)> page_file;
};

// 32 hex digits from the system's random source.
std::string make_token();

class ContentCache;

class Editor {
public:
    explicit Editor(EditorSettings settings);
    ~Editor();
    // The history serve read for its last build: the plan-revision warning of a check counts from
    // a plan's last commit in it (as `samplan check` does). Without one, from `revised`/`decided`.
    void set_history(std::shared_ptr<const history::History> history);
    // The address to open: it hands the page the session's token.
    [[nodiscard]] std::string address() const;
    [[nodiscard]] Response handle(const Request& request);

private:
    EditorSettings settings_;
    std::mutex save_mutex_;  // one save at a time: the conflict check and the write belong together
    // The content as loaded and kept between requests (content_cache.h), one request at a time.
    std::mutex cache_mutex_;
    std::unique_ptr<ContentCache> cache_;
    std::mutex history_mutex_;
    std::shared_ptr<const history::History> history_;
};

}  // namespace samplan::edit
