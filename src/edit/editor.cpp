#include "edit/editor.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>

#include "build/build.h"
#include "build/new_record.h"
#include "check/check.h"
#include "content/content.h"
#include "content/layout.h"
#include "core/text.h"
#include "edit/content_cache.h"
#include "edit/git_save.h"
#include "edit/json.h"
#include "edit/record_edit.h"
#include "edit/schemas.h"
#include "history/versions.h"
#include "render/markdown.h"
#include "site/site.h"

namespace samplan::edit {
namespace fs = std::filesystem;
namespace {

constexpr const char* kCookie = "samplan_edit";
constexpr size_t kMaxBody = size_t{2} << 20;

// A record as the page names it: its kind and ids.
struct Address {
    std::string kind, group, plan, id;
    std::string path;  // relative to the content folder, from content/layout.h
    bool markdown = false;
};

bool resolve(const Json& json, Address& a, std::string& error) {
    if (json.kind != Json::Kind::Object) return error = "Posten saknas.", false;
    a.kind = json.string_or("kind");
    a.group = json.string_or("group");
    a.plan = json.string_or("plan");
    a.id = json.string_or("id");
    auto bad = [&](const std::string& id) { return !is_valid_id(id); };
    if (a.kind == "group" && !bad(a.group)) {
        a.path = content::layout::group_file(a.group);
    } else if (a.kind == "plan" && !bad(a.group) && !bad(a.plan)) {
        a.path = content::layout::plan_file(a.group, a.plan);
    } else if (a.kind == "activity" && !bad(a.group) && !bad(a.plan) && !bad(a.id)) {
        a.path = content::layout::activity_file(a.group, a.plan, a.id);
        a.markdown = true;
    } else if (a.kind == "evaluation" && !bad(a.group) && !bad(a.id)) {
        a.path = content::layout::evaluation_file(a.group, a.id);
        a.markdown = true;
    } else {
        error = "Id:n får bara innehålla a–z, 0–9 och bindestreck (1–64 tecken).";
        return false;
    }
    return true;
}

// The page on the site that shows the record (the preview).
std::string page_url(const Address& a) {
    if (a.kind == "group") return "/groups/" + a.group + "/";
    if (a.kind == "plan") return "/groups/" + a.group + "/" + a.plan + "/";
    if (a.kind == "activity") return "/groups/" + a.group + "/" + a.plan + "/" + a.id + "/";
    return "/evaluations/" + a.group + "/" + a.id + "/";
}

Response json_response(int status, const Json& body) {
    Response r;
    r.status = status;
    r.content_type = "application/json";
    r.body = to_json(body);
    return r;
}

Response message(int status, const std::string& text) {
    Json j = Json::object();
    j.set("message", Json::string_value(text));
    return json_response(status, j);
}

bool same_secret(const std::string& a, const std::string& b) {
    if (a.size() != b.size() || a.empty()) return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::string cookie_value(const std::string& header, const std::string& name) {
    size_t at = 0;
    while (at < header.size()) {
        size_t end = header.find(';', at);
        if (end == std::string::npos) end = header.size();
        std::string part = header.substr(at, end - at);
        const size_t b = part.find_first_not_of(' ');
        part = b == std::string::npos ? "" : part.substr(b);
        if (part.rfind(name + "=", 0) == 0) return part.substr(name.size() + 1);
        at = end + 1;
    }
    return {};
}

const model::Group* find_group(const model::Site& site, const std::string& id) {
    for (const auto& g : site.groups)
        if (g.id == id) return &g;
    return nullptr;
}

// What a record's references may be, for the page's lists.
Json choices(const model::Site& site, const Address& a) {
    Json c = Json::object();
    Json targets = Json::array();
    for (const auto& t : site.settings.target_groups) {
        Json o = Json::object();
        o.set("id", str(t.id));
        o.set("title", str(t.label));
        targets.items.push_back(std::move(o));
    }
    c.set("target_group", std::move(targets));
    Json areas = Json::array();
    for (const auto& fa : site.regional.focus_areas) {
        Json o = Json::object();
        o.set("id", str(fa.id));
        o.set("title", str(fa.title));
        Json goals = Json::array();
        for (const auto& g : fa.goals) {
            Json go = Json::object();
            go.set("id", str(g.id));
            go.set("title", str(g.title));
            goals.items.push_back(std::move(go));
        }
        o.set("goals", std::move(goals));
        areas.items.push_back(std::move(o));
    }
    c.set("focus_area", std::move(areas));
    Json processes = Json::array();
    for (const auto& p : site.processes) {
        Json o = Json::object();
        o.set("id", str(p.id));
        o.set("title", str(p.title));
        Json steps = Json::array();
        for (const auto& s : p.steps) steps.items.push_back(str(s.title));
        o.set("steps", std::move(steps));
        processes.items.push_back(std::move(o));
    }
    c.set("process", std::move(processes));
    Json principals = Json::array();
    std::string plan_process;
    if (const auto* g = find_group(site, a.group)) {
        for (const auto& p : g->principals) principals.items.push_back(str(p));
        for (const auto& p : g->plans)
            if (p.id == a.plan) plan_process = p.process.id;
    }
    c.set("principal", std::move(principals));
    c.set("plan_process", str(plan_process));
    return c;
}

bool read_text(const std::string& file, std::string& out) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return false;
    out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return true;
}

}  // namespace

std::string make_token() {
    std::random_device random;  // the system's random source (/dev/urandom on Linux)
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 8; ++i) {
        const unsigned v = random();
        for (int k = 0; k < 4; ++k) out += digits[(v >> (4 * k)) & 0xF];
    }
    return out;
}

Editor::Editor(EditorSettings settings)
    : settings_(std::move(settings)), cache_(std::make_unique<ContentCache>(settings_.content)) {
    if (settings_.token.empty()) settings_.token = make_token();
    if (!settings_.today) settings_.today = [] { return today_local(); };
}

Editor::~Editor() = default;

void Editor::set_history(std::shared_ptr<const history::History> history) {
    const std::lock_guard lock(history_mutex_);
    history_ = std::move(history);
}

std::string Editor::address() const {
    return "http://127.0.0.1:" + std::to_string(settings_.port) + kEditPrefix + "?token=" + settings_.token;
}

namespace {

// The work of one request, once it is known to come from the session's own page.
class Session {
public:
    Session(const EditorSettings& settings, std::mutex& save_mutex, ContentCache& cache,
            std::shared_ptr<const history::History> history)
        : s_(settings), save_mutex_(save_mutex), cache_(cache), history_(std::move(history)) {}

    Response records() {
        cache_.refresh();
        Json list = Json::array();
        for (const auto& r : cache_.records()) {
            const char* kind = r.kind == content::RecordKind::Group            ? "group"
                               : r.kind == content::RecordKind::Plan            ? "plan"
                               : r.kind == content::RecordKind::Activity        ? "activity"
                               : r.kind == content::RecordKind::GroupEvaluation ? "evaluation"
                                                                                : nullptr;
            if (!kind || !r.readable) continue;
            Json o = Json::object();
            o.set("kind", str(kind));
            o.set("group", str(r.group));
            o.set("plan", str(r.plan));
            o.set("id", str(r.kind == content::RecordKind::Group || r.kind == content::RecordKind::Plan ? "" : r.id));
            const content::Value* title = r.data.get(r.kind == content::RecordKind::Group ? "name" : "title");
            o.set("title", str(title && title->type == content::Value::Type::String ? title->string : r.id));
            const content::Value* draft = r.data.get("draft");
            o.set("draft", Json::boolean_value(draft && draft->type == content::Value::Type::Boolean && draft->boolean));
            o.set("path", str(r.path));
            list.items.push_back(std::move(o));
        }
        Json out = Json::object();
        out.set("records", std::move(list));
        return json_response(200, out);
    }

    // A record to edit: what is on disk, or (`create`) a new one from `samplan new`'s template.
    Response open(const Json& request, bool create) {
        Address a;
        std::string error;
        if (!resolve(request, a, error)) return message(400, error);
        cache_.refresh();
        std::string text;
        if (!original(cache_.site(), a, create, text, error)) return message(create ? 409 : 404, error);
        content::Record record;
        Diagnostics parse;
        record.path = a.path;
        if (!content::parse_record_text(a.path, text, a.markdown, record, parse))
            return message(422, "Filen går inte att läsa som TOML: rätta den i en textredigerare först (" +
                                    (parse.all().empty() ? std::string() : format_text(parse.all().front())) + ").");
        Json out = Json::object();
        out.set("address", address_json(a));
        out.set("base", str(create ? "" : blob_id(text)));
        out.set("record", record_to_json(record));
        out.set("choices", choices(cache_.site(), a));
        out.set("preview", str(page_url(a)));
        return json_response(200, out);
    }

    // {address, base, record} → the diagnostics of the content with this record as the page has it.
    Response check(const Json& request, bool save) {
        Address a;
        std::string error;
        const Json* address = request.find("address");
        if (!address || !resolve(*address, a, error)) return message(400, error.empty() ? "Posten saknas." : error);
        const bool create = request.string_or("base").empty();
        const Json* page = request.find("record");
        if (!page) return message(400, "Posten saknas.");

        std::unique_lock<std::mutex> lock(save_mutex_, std::defer_lock);
        if (save) lock.lock();
        cache_.refresh();
        const model::Site& before = cache_.site();
        std::string text;
        if (!original(before, a, create, text, error)) return conflict(error);
        if (!create && blob_id(text) != request.string_or("base"))
            return conflict("Någon annan har sparat den här posten sedan du öppnade den. Det du har skrivit finns kvar "
                            "i formuläret: kopiera det, ladda om posten och för in dina ändringar igen.");
        content::Record old_record;
        Diagnostics ignored;
        old_record.path = a.path;
        if (!content::parse_record_text(a.path, text, a.markdown, old_record, ignored))
            return message(422, "Filen går inte att läsa som TOML: rätta den i en textredigerare först.");
        std::string new_text;
        if (!write_record(text, a.markdown, old_record.data, *page, new_text, error)) return message(422, error);

        // The kept content with this record as it would be saved (nothing is written): its parse,
        // the model and the rules, with the history serve read for the plan-revision warning.
        Diagnostics found;
        content::Record new_record = record_at(a);
        const size_t limit = content::LoadOptions{}.max_record_bytes;
        if (new_text.size() > limit) {
            found.error(a.path, SourcePos{1, 1},
                        "file is larger than the limit of " + std::to_string(limit / 1024 / 1024) + " MiB; split it or shorten it",
                        "file-too-large");
            new_record.readable = false;
        } else {
            new_record.readable = content::parse_record_text(a.path, new_text, a.markdown, new_record, found);
        }
        const bool parsed = new_record.readable;
        const model::Site after = cache_.with_record(new_record, found);
        check::run_checks(after, check::CheckOptions{s_.today(), history_.get()}, found);
        found.sort();
        const site::Strings strings = build::load_strings(after, s_.themes);
        Json diagnostics = Json::array();
        size_t errors = 0;
        for (const auto& d : found.all()) {
            if (d.path != a.path) continue;
            Json o = Json::object();
            o.set("field", str(parsed && d.pos.line > 0 ? field_at_line(new_record.data, a.markdown ? new_record.body_line : 0, d.pos.line) : ""));
            o.set("severity", str(d.severity == Severity::Error ? "error" : "warning"));
            o.set("rule", str(d.rule));
            o.set("message", str(d.message));
            // In the site's language from the theme's strings, as the site says its warnings.
            o.set("message_sv", str(site::diagnostic_sentence(d, strings)));
            o.set("suggestion", str(d.suggestion));
            o.set("line", str(std::to_string(d.pos.line)));
            if (d.severity == Severity::Error) ++errors;
            diagnostics.items.push_back(std::move(o));
        }
        Json out = Json::object();
        out.set("diagnostics", std::move(diagnostics));
        out.set("changed", Json::boolean_value(new_text != text));
        out.set("summary", str(summary(before, after, a, create, text != new_text)));
        if (!save) return json_response(200, out);
        if (errors > 0) return json_response(422, out);
        if (!create && new_text == text) {
            out.set("base", str(blob_id(text)));
            out.set("message", str("Inget hade ändrats: inget sparades."));
            return json_response(200, out);
        }
        return write(a, new_text, request, out);
    }

    Response markdown(const Json& request) {
        Json out = Json::object();
        out.set("html", str(render::markdown_to_html(request.string_or("text"))));
        return json_response(200, out);
    }

private:
    static Json address_json(const Address& a) {
        Json o = Json::object();
        o.set("kind", str(a.kind));
        o.set("group", str(a.group));
        o.set("plan", str(a.plan));
        o.set("id", str(a.id));
        return o;
    }

    static Response conflict(const std::string& text) { return message(409, text); }

    // An empty record of the address's kind, where load_records would find it.
    static content::Record record_at(const Address& a) {
        content::Record r;
        r.path = a.path;
        r.group = a.group;
        if (a.kind == "group") {
            r.kind = content::RecordKind::Group;
            r.id = a.group;
        } else if (a.kind == "plan") {
            r.kind = content::RecordKind::Plan;
            r.id = a.plan;
            r.plan = a.plan;
        } else if (a.kind == "activity") {
            r.kind = content::RecordKind::Activity;
            r.id = a.id;
            r.plan = a.plan;
        } else {
            r.kind = content::RecordKind::GroupEvaluation;
            r.id = a.id;
        }
        return r;
    }

    // The record's text on disk, or its template for a new one (which must not exist yet).
    bool original(const model::Site& site, const Address& a, bool create, std::string& text, std::string& error) const {
        const fs::path file = fs::path(s_.content) / a.path;
        std::error_code ec;
        const bool exists = fs::exists(fs::symlink_status(file, ec));
        if (!create) {
            if (!exists || !fs::is_regular_file(fs::symlink_status(file, ec)) || !read_text(file.string(), text)) {
                error = "Posten finns inte (längre).";
                return false;
            }
            return true;
        }
        if (exists) {
            error = "Det finns redan en post med det id:t: välj ett annat.";
            return false;
        }
        const model::Group* group = find_group(site, a.group);
        if (a.kind != "group" && !group) {
            error = "Gruppen finns inte.";
            return false;
        }
        const Date today = s_.today();
        if (a.kind == "group") {
            text = build::group_text(a.group, today);
        } else if (a.kind == "plan") {
            text = build::plan_text(group->name, site.processes.empty() ? "vagledning" : site.processes.front().id, today);
        } else if (a.kind == "activity") {
            if (std::none_of(group->plans.begin(), group->plans.end(), [&](const auto& p) { return p.id == a.plan; })) {
                error = "Planen finns inte.";
                return false;
            }
            text = build::activity_text(site, *group, today);
        } else {
            text = build::evaluation_text(today);
        }
        return true;
    }

    // A Swedish summary of the change for the commit message, in the history pages' words.
    std::string summary(const model::Site& before, const model::Site& after, const Address& a, bool create, bool changed) const {
        const char* what = a.kind == "group"  ? "gruppen"
                           : a.kind == "plan" ? "planen"
                           : a.kind == "activity" ? "aktiviteten"
                                                  : "utvärderingen";
        std::string title = a.id.empty() ? (a.kind == "plan" ? a.plan : a.group) : a.id;
        std::vector<std::string> parts;
        const site::Strings strings = build::load_strings(after, s_.themes);
        auto find_plan = [&](const model::Site& site) -> const model::Plan* {
            if (const auto* g = find_group(site, a.group))
                for (const auto& p : g->plans)
                    if (p.id == a.plan) return &p;
            return nullptr;
        };
        const model::Plan* old_plan = find_plan(before);
        const model::Plan* new_plan = find_plan(after);
        if (a.kind == "activity" && new_plan) {
            const model::Activity* old_activity = nullptr;
            const model::Activity* new_activity = nullptr;
            if (old_plan)
                for (const auto& x : old_plan->activities)
                    if (x.id == a.id) old_activity = &x;
            for (const auto& x : new_plan->activities)
                if (x.id == a.id) new_activity = &x;
            if (new_activity) title = new_activity->title;
            if (old_activity && new_activity)
                for (const auto& d : history::diff_activities(*old_activity, *new_activity))
                    parts.push_back(site::describe_difference(d, strings));
        } else if (a.kind == "plan" && old_plan && new_plan) {
            title = new_plan->title;
            for (const auto& d : history::diff_plans(*old_plan, *new_plan)) parts.push_back(site::describe_difference(d, strings));
        }
        if (create) return "Ny " + std::string(a.kind == "group" || a.kind == "plan" ? (a.kind == "group" ? "grupp" : "plan") : (a.kind == "activity" ? "aktivitet" : "utvärdering")) + ": ”" + title + "”";
        std::string out = "Ändrade " + std::string(what) + " ”" + title + "”";
        if (!changed) return out;
        if (!parts.empty()) {
            out += "\n";
            for (const auto& p : parts) out += "\n- " + p;
        }
        return out;
    }

    Response write(const Address& a, const std::string& text, const Json& request, Json& out) {
        const Json* author_json = request.find("author");
        Author author{author_json ? author_json->string_or("name") : "", author_json ? author_json->string_or("email") : ""};
        auto plain = [](const std::string& s) { return s.find_first_of("<>\n\r") == std::string::npos; };
        if (author.name.empty() || author.email.empty() || !plain(author.name) || !plain(author.email) ||
            author.email.find('@') == std::string::npos)
            return message(400, "Skriv ditt namn och din e-postadress: de står i historiken vid ändringen.");
        std::string commit_message = request.string_or("message");
        if (commit_message.find_first_not_of(" \n\r\t") == std::string::npos) commit_message = out.string_or("summary");
        // Inside the content folder only: the record's folder, made if need be, must resolve there.
        std::error_code ec;
        const fs::path root = fs::canonical(s_.content, ec);
        if (ec) return message(500, "Innehållsmappen går inte att nå.");
        const fs::path file = root / a.path;
        auto inside_root = [&](const fs::path& p) {
            std::error_code e;
            const fs::path relative = fs::canonical(p, e).lexically_relative(root);
            return !e && !relative.empty() && *relative.begin() != "..";
        };
        const auto outside = [] { return message(403, "Posten skulle hamna utanför innehållsmappen: den sparas inte."); };
        // The nearest folder that exists must lie inside before any folder is made below it.
        fs::path existing = file.parent_path();
        while (!fs::exists(existing, ec) && existing != root) existing = existing.parent_path();
        if (!inside_root(existing)) return outside();
        fs::create_directories(file.parent_path(), ec);
        const fs::path folder = fs::canonical(file.parent_path(), ec);
        if (ec || !inside_root(folder) || fs::is_symlink(file, ec)) return outside();
        const fs::path temporary = folder / ("." + file.filename().string() + ".samplan-edit");
        {
            std::ofstream stream(temporary, std::ios::binary | std::ios::trunc);
            stream << text;
            if (!stream) return message(500, "Filen gick inte att skriva.");
        }
        fs::rename(temporary, folder / file.filename(), ec);
        if (ec) return message(500, "Filen gick inte att skriva: " + ec.message());
        std::string commit, error;
        out.set("base", str(blob_id(text)));
        out.set("address", address_json(a));
        out.set("preview", str(page_url(a)));
        if (!commit_file((folder / file.filename()).string(), author, commit_message, commit, error)) {
            out.set("message", str("Sparad, men inte incheckad: " + error));
            return json_response(200, out);
        }
        out.set("commit", str(commit));
        out.set("message", str("Sparad och incheckad."));
        return json_response(200, out);
    }

    const EditorSettings& s_;
    std::mutex& save_mutex_;
    ContentCache& cache_;
    const std::shared_ptr<const history::History> history_;
};

std::string content_type_of(const std::string& name) {
    if (name.ends_with(".html")) return "text/html; charset=utf-8";
    if (name.ends_with(".css")) return "text/css; charset=utf-8";
    if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
    if (name.ends_with(".json")) return "application/json";
    return "text/plain; charset=utf-8";
}

}  // namespace

Response Editor::handle(const Request& request) {
    auto session = [&] {
        std::shared_ptr<const history::History> history;
        {
            const std::lock_guard lock(history_mutex_);
            history = history_;
        }
        return Session(settings_, save_mutex_, *cache_, std::move(history));
    };
    Response refused;
    const std::string port = std::to_string(settings_.port);
    auto finish = [](Response r) {
        r.headers.emplace_back("Cache-Control", "no-store");
        r.headers.emplace_back("X-Content-Type-Options", "nosniff");
        r.headers.emplace_back("Referrer-Policy", "no-referrer");
        r.headers.emplace_back("Content-Security-Policy",
                               "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
                               "img-src 'self' data:; frame-src 'self'; form-action 'self'; base-uri 'none'; "
                               "frame-ancestors 'none'");
        return r;
    };
    if (request.host != "127.0.0.1:" + port && request.host != "localhost:" + port) {
        refused.status = 421;
        refused.body = "Öppna redigeraren på http://127.0.0.1:" + port + "/_edit/\n";
        return finish(refused);
    }
    // The address serve printed hands the token over once; from then on it is a cookie that only
    // this origin's own pages send.
    if (request.method == "GET" && request.path == kEditPrefix && request.query.count("token")) {
        if (!same_secret(request.query.at("token"), settings_.token)) {
            refused.status = 403;
            refused.body = "Fel nyckel: öppna adressen som samplan serve skrev ut.\n";
            return finish(refused);
        }
        Response r;
        r.status = 303;
        r.headers.emplace_back("Location", kEditPrefix);
        r.headers.emplace_back("Set-Cookie", std::string(kCookie) + "=" + settings_.token +
                                                 "; Path=/_edit/; HttpOnly; SameSite=Strict");
        return finish(r);
    }
    if (!same_secret(cookie_value(request.cookie, kCookie), settings_.token)) {
        refused.status = 403;
        refused.body = "Redigeraren öppnas från adressen som samplan serve skrev ut (med ?token=…).\n";
        return finish(refused);
    }
    if (request.method == "POST" && request.origin != "http://127.0.0.1:" + port && request.origin != "http://localhost:" + port) {
        refused.status = 403;
        refused.body = "Ändringar tas bara emot från redigerarens egen sida.\n";
        return finish(refused);
    }
    const std::string rest = request.path.substr(std::string(kEditPrefix).size());
    if (request.method == "GET") {
        if (rest == "api/records") {
            const std::lock_guard lock(cache_mutex_);
            return finish(session().records());
        }
        std::string name = rest.empty() ? "index.html" : rest;
        const bool plain = name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-_./") == std::string::npos &&
                           name.find("..") == std::string::npos && name[0] != '/';
        if (plain && name.rfind("schemas/", 0) == 0) {
            for (const auto& f : schema_files())
                if ("schemas/" + std::string(f.path) == name) {
                    Response r;
                    r.content_type = "application/json";
                    r.body = std::string(f.bytes);
                    return finish(r);
                }
        } else if (plain && settings_.page_file) {
            if (auto body = settings_.page_file(name)) {
                Response r;
                r.content_type = content_type_of(name);
                r.body = std::move(*body);
                return finish(r);
            }
        }
        refused.status = 404;
        refused.body = "Finns inte.\n";
        return finish(refused);
    }
    if (request.method != "POST") {
        refused.status = 405;
        refused.headers.emplace_back("Allow", "GET, POST");
        return finish(refused);
    }
    if (request.body.size() > kMaxBody) return finish(message(413, "För mycket text på en gång."));
    Json body;
    std::string error;
    if (!parse_json(request.body, body, error)) return finish(message(400, "Begäran gick inte att läsa."));
    try {
        if (rest == "api/markdown") return finish(session().markdown(body));
        const std::lock_guard lock(cache_mutex_);
        if (rest == "api/open") return finish(session().open(body, false));
        if (rest == "api/new") return finish(session().open(body, true));
        if (rest == "api/check") return finish(session().check(body, false));
        if (rest == "api/save") return finish(session().check(body, true));
    } catch (const std::exception& e) {
        return finish(message(500, std::string("Internt fel: ") + e.what()));
    }
    refused.status = 404;
    refused.body = "Finns inte.\n";
    return finish(refused);
}

}  // namespace samplan::edit
