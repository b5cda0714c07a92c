#include "edit/cms.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "content/layout.h"
#include "edit/schemas.h"
#include "render/builtin_theme.h"
#include "render/mustache.h"

namespace samplan::edit {
namespace {

// A select's options: {label, value}, labelled as the local editor labels them ("Title (id)").
struct Choice {
    std::string value, label;
};

Json select(const std::vector<Choice>& choices) {
    Json options = Json::array();
    for (const auto& c : choices) {
        Json o = Json::object();
        o.set("label", str(c.label == c.value || c.label.empty() ? c.value : c.label + " (" + c.value + ")"));
        o.set("value", str(c.value));
        options.items.push_back(std::move(o));
    }
    return options;
}

// The content a collection's references are chosen from.
struct Refs {
    std::vector<Choice> target_groups, focus_areas, goals, processes, principals;
    std::vector<std::pair<std::string, std::vector<Choice>>> goals_by_area;    // focus area id -> its goals
    Json steps_by_process = Json::object();  // process id -> its steps' options ("1. title", value "1")
    const model::Process* plan_process = nullptr;  // an activity's steps: its plan's process
};

// {key: options} of a dependent select (samplan-cms.js's samplan-goal and samplan-step widgets).
Json options_by(const std::vector<std::pair<std::string, std::vector<Choice>>>& lists) {
    Json out = Json::object();
    for (const auto& [key, choices] : lists) out.set(key, select(choices));
    return out;
}

// One schema of edit/schemas.h, parsed.
Json schema(const std::string& kind) {
    const std::string name = kind + ".json";
    for (const auto& f : schema_files()) {
        if (f.path != name) continue;
        Json out;
        std::string error;
        if (!parse_json(f.bytes, out, error)) throw std::runtime_error("schemas/" + name + ": " + error);
        return out;
    }
    throw std::runtime_error("no schema " + name);
}

// `s` with a "$ref": "#/definitions/x" replaced by that definition (the reference's own keys win).
Json resolve(const Json& root, const Json& s) {
    const std::string ref = s.string_or("$ref");
    if (ref.empty()) return s;
    const Json* defs = root.find("definitions");
    const Json* def = defs ? defs->find(ref.substr(ref.rfind('/') + 1)) : nullptr;
    if (!def) return s;
    Json out = *def;
    for (const auto& [k, v] : s.members)
        if (k != "$ref") out.set(k, v);
    return out;
}

bool required_in(const Json& object_schema, const std::string& key) {
    const Json* req = object_schema.find("required");
    if (!req) return false;
    return std::any_of(req->items.begin(), req->items.end(), [&](const Json& r) { return r.text == key; });
}

bool mentions_markdown(const Json& s) {
    return s.string_or("description").find("Markdown") != std::string::npos ||
           s.string_or("title").find("Markdown") != std::string::npos;
}

bool is_date(const std::string& key, const Json& s) {
    return s.string_or("format") == "date" || (key == "date" && !s.find("type"));  // date_value.date has no type
}

Json date_widget(Json f) {
    f.set("widget", str("datetime"));
    f.set("format", str("YYYY-MM-DD"));
    f.set("date_format", str("YYYY-MM-DD"));
    f.set("time_format", Json::boolean_value(false));
    f.set("picker_utc", Json::boolean_value(true));
    return f;
}

// `optional`: the fields are those of a table the record may leave out ([funding]): Decap would ask
// for their required keys even when the table is absent, so they are not required in the form
// (samplan check in CI still says what a table that is there lacks).
Json fields_of(const Json& root, const Json& object_schema, const Refs& refs, int depth, bool top, bool optional = false);

// The CMS field for `key` of a schema's properties.
Json field(const Json& root, const std::string& key, const Json& raw, bool required, const Refs& refs, int depth, bool top) {
    const Json s = resolve(root, raw);
    Json f = Json::object();
    f.set("name", str(key));
    f.set("label", str(s.string_or("title", key)));
    if (!required) f.set("required", Json::boolean_value(false));
    const std::string description = s.string_or("description");
    if (!description.empty()) f.set("hint", str(description));
    const std::string type = s.string_or("type");

    // References: chosen from the content.
    const std::vector<Choice>* choices = nullptr;
    if (top && key == "target_group") choices = &refs.target_groups;
    if (top && key == "focus_area") choices = &refs.focus_areas;
    if (top && key == "goal") choices = &refs.goals;
    if (top && key == "process") choices = &refs.processes;
    if (key == "principal" && type == "string") choices = &refs.principals;
    if (choices) {
        // A native <select> (samplan-cms.js): the goal's and the step's lists follow its value.
        f.set("widget", str("samplan-select"));
        f.set("options", select(*choices));
        if (choices == &refs.goals && !refs.goals_by_area.empty()) {
            // The goals of the focus area chosen in the same record (samplan-cms.js); `options`
            // keeps every goal, labelled with its focus area, for a goal of another area.
            f.set("widget", str("samplan-goal"));
            f.set("options_by_focus_area", options_by(refs.goals_by_area));
        }
        return f;
    }
    if (top && key == "step" && type == "integer") {
        // The steps of the record's process (its own `process`, else the plan's) by name, saved as
        // their number (samplan-cms.js's samplan-step widget).
        f.set("widget", str("samplan-step"));
        f.set("plan_process", str(refs.plan_process ? refs.plan_process->id : ""));
        f.set("options_by_process", refs.steps_by_process);
        return f;
    }
    if (const Json* values = s.find("enum")) {
        std::vector<Choice> options;
        for (const auto& v : values->items) options.push_back({v.text, ""});
        f.set("widget", str("select"));
        f.set("options", select(options));
        return f;
    }
    if (is_date(key, s)) return date_widget(std::move(f));
    if (type == "boolean") {
        f.set("widget", str("boolean"));
        if (key == "draft") f.set("default", Json::boolean_value(true));  // a new record starts as a draft
        return f;
    }
    if (type == "integer" || type == "number") {
        f.set("widget", str("number"));
        f.set("value_type", str(type == "integer" ? "int" : "float"));
        for (const char* bound : {"minimum", "maximum"})  // Decap checks min and max before a save
            if (const Json* b = s.find(bound)) f.set(std::string(bound).substr(0, 3), *b);
        return f;
    }
    if (type == "object" && depth < 8) {
        f.set("widget", str("object"));
        f.set("collapsed", Json::boolean_value(true));
        f.set("fields", fields_of(root, s, refs, depth + 1, false, !required));
        return f;
    }
    if (type == "array" && depth < 8) {
        const Json items = resolve(root, s.find("items") ? *s.find("items") : Json::object());
        f.set("widget", str("list"));
        if (items.string_or("type") == "object") {
            f.set("collapsed", Json::boolean_value(true));
            f.set("fields", fields_of(root, items, refs, depth + 1, false));
        } else {
            Json item = Json::object();
            item.set("name", str(key));
            item.set("label", str(s.string_or("title", key)));
            f.set("field", is_date("", items) ? date_widget(std::move(item))
                                              : (item.set("widget", str("string")), std::move(item)));
        }
        return f;
    }
    if (type == "string" && mentions_markdown(s)) {
        f.set("widget", str("markdown"));
        f.set("editor_components", Json::array());  // no images or code blocks: text only
        return f;
    }
    const Json* max = s.find("maxLength");
    f.set("widget", str(max && max->text.size() > 3 ? "text" : "string"));  // the long plain texts get a text area
    // Checked in the browser before a save (Decap's `pattern`, one per field): the schema's pattern,
    // with the schema's maxLength folded in when the pattern is "not empty", or the maxLength alone.
    // Lengths are counted as `samplan check` counts them (model/table_reader.h: characters, that is
    // code points): Decap makes a RegExp without the `u` flag, whose `.` and `{0,300}` count UTF-16
    // units (an emoji two), so one character is spelled out: a surrogate pair, or any other unit.
    // Each unit fits exactly one of the three, so a long text does not make the match backtrack.
    // "Not empty" is samplan's: something other than a space, tab or line break.
    const Json* pattern = s.find("pattern");
    const std::string limit = max ? max->text : "";
    const std::string one = "(?:[\\uD800-\\uDBFF][\\uDC00-\\uDFFF]|[^\\uD800-\\uDBFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF]))";
    std::string re = pattern ? pattern->text : "", message;
    if (re == "\\S" && !limit.empty()) {
        re = "^(?=[\\s\\S]*[^ \\t\\r\\n])" + one + "{0," + limit + "}$";
        message = "Fältet får inte vara tomt och får ha högst " + limit + " tecken.";
    } else if (re == "\\S") {
        re = "[^ \\t\\r\\n]";
        message = "Fältet får inte vara tomt.";
    } else if (re == "^[0-9]{4}$") {
        message = "Ett årtal, t.ex. 2026.";
    } else if (re.rfind("^[a-z0-9][a-z0-9-]", 0) == 0) {
        message = "Bara a–z, 0–9 och bindestreck (1–64 tecken).";
    } else if (!re.empty()) {
        message = "Värdet har fel form.";
    } else if (!limit.empty()) {
        re = "^" + one + "{0," + limit + "}$";
        message = "Högst " + limit + " tecken.";
    }
    if (!re.empty()) {
        Json p = Json::array();
        p.items.push_back(str(re));
        p.items.push_back(str(message));
        f.set("pattern", std::move(p));
    }
    return f;
}

Json fields_of(const Json& root, const Json& object_schema, const Refs& refs, int depth, bool top, bool optional) {
    Json out = Json::array();
    if (const Json* props = object_schema.find("properties"))
        for (const auto& [key, s] : props->members)
            out.items.push_back(field(root, key, s, !optional && required_in(object_schema, key), refs, depth, top));
    return out;
}

Json record_fields(const std::string& kind, const Refs& refs, bool markdown_body) {
    const Json root = schema(kind);
    Json fields = fields_of(root, root, refs, 0, true);
    if (markdown_body) {
        Json body = Json::object();
        body.set("name", str("body"));
        body.set("label", str("Beskrivning för allmänheten"));
        body.set("hint", str("Markdown: texten som visas på sidan."));
        body.set("widget", str("markdown"));
        body.set("editor_components", Json::array());
        body.set("required", Json::boolean_value(false));
        fields.items.push_back(std::move(body));
    }
    return fields;
}

std::string in_repo(const CmsSettings& s, const std::string& path) {
    std::string base = s.content_path;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base.empty() || base == "." ? path : base + "/" + path;
}

Json folder_collection(std::string name, std::string label, std::string folder, const char* extension, Json fields,
                       const char* path = nullptr) {
    const bool markdown = std::string(extension) == "md";
    Json c = Json::object();
    c.set("name", str(std::move(name)));
    c.set("label", str(label));
    c.set("label_singular", str(std::move(label)));
    c.set("folder", str(std::move(folder)));
    if (path) {
        c.set("path", str(path));
        // With `path`, Decap takes each entry's own folder as its media folder (a plan's folder,
        // with its activities), lists it for the media library when the form opens, and Decap's
        // test repository fails on those files ("Cannot destructure property 'name'"): the
        // site's media folder instead, outside the content, as for the other collections.
        c.set("media_folder", str("/cms-media"));
        c.set("public_folder", str("/cms-media"));
    }
    c.set("extension", str(extension));
    c.set("format", str(markdown ? "samplan-toml-frontmatter" : "samplan-toml"));  // samplan-cms.js
    c.set("create", Json::boolean_value(true));
    c.set("slug", str("{{slug}}"));
    c.set("identifier_field", str("title"));
    c.set("fields", std::move(fields));
    return c;
}

}  // namespace

Json cms_config(const model::Site& site, const CmsSettings& s) {
    Json config = Json::object();
    Json backend = Json::object();
    backend.set("name", str(s.backend));
    if (s.backend != "test-repo") {
        backend.set("repo", str(s.repo));
        backend.set("branch", str(s.branch));
        if (!s.base_url.empty()) backend.set("base_url", str(s.base_url));
        if (s.backend == "gitlab" && !s.base_url.empty()) {  // a self-hosted GitLab: its API there too
            std::string root = s.base_url;
            while (!root.empty() && root.back() == '/') root.pop_back();
            backend.set("api_root", str(root + "/api/v4"));
        }
        if (s.backend == "gitlab" && !s.app_id.empty()) {
            backend.set("auth_type", str("pkce"));
            backend.set("app_id", str(s.app_id));
        }
    }
    backend.set("commit_messages", [] {
        Json m = Json::object();
        m.set("create", str("Ny {{collection}}: {{slug}} (via webbredigeraren)"));
        m.set("update", str("Ändrade {{collection}}: {{slug}} (via webbredigeraren)"));
        m.set("delete", str("Tog bort {{collection}}: {{slug}} (via webbredigeraren)"));
        return m;
    }());
    config.set("backend", std::move(backend));
    if (s.review) config.set("publish_mode", str("editorial_workflow"));
    config.set("locale", str("sv"));
    if (!s.site_url.empty()) config.set("site_url", str(s.site_url));
    // The CMS needs a media folder; records take no uploads (the Markdown fields offer no images),
    // so it lies outside the content folder, where samplan never looks.
    config.set("media_folder", str("cms-media"));
    config.set("public_folder", str("/cms-media"));
    config.set("slug", [] {
        Json slug = Json::object();  // ids are a-z, 0-9 and '-'
        slug.set("encoding", str("ascii"));
        slug.set("clean_accents", Json::boolean_value(true));
        slug.set("sanitize_replacement", str("-"));
        return slug;
    }());

    Refs refs;
    for (const auto& t : site.settings.target_groups) refs.target_groups.push_back({t.id, t.label});
    for (const auto& fa : site.regional.focus_areas) {
        refs.focus_areas.push_back({fa.id, fa.title});
        auto& own = refs.goals_by_area.emplace_back(fa.id, std::vector<Choice>{}).second;
        for (const auto& g : fa.goals) {
            refs.goals.push_back({g.id, fa.title + ": " + g.title});
            own.push_back({g.id, g.title});
        }
    }
    for (const auto& p : site.processes) {
        refs.processes.push_back({p.id, p.title});
        Json steps = Json::array();
        for (size_t i = 0; i < p.steps.size(); ++i) {
            Json o = Json::object();
            o.set("label", str(std::to_string(i + 1) + ". " + p.steps[i].title));
            o.set("value", str(std::to_string(i + 1)));
            steps.items.push_back(std::move(o));
        }
        refs.steps_by_process.set(p.id, std::move(steps));
    }

    Json collections = Json::array();
    // The groups: one file each, so that a member's principal is chosen from that group's principals.
    Json groups = Json::object();
    groups.set("name", str("grupper"));
    groups.set("label", str("Samverkansgrupper"));
    groups.set("format", str("samplan-toml"));
    Json files = Json::array();
    for (const auto& g : site.groups) {
        Refs own = refs;
        for (const auto& p : g.principals) own.principals.push_back({p, ""});
        Json f = Json::object();
        f.set("name", str(g.id));
        f.set("label", str(g.name.empty() ? g.id : g.name));
        f.set("file", str(in_repo(s, content::layout::group_file(g.id))));
        f.set("fields", record_fields("group", own, false));
        files.items.push_back(std::move(f));
    }
    groups.set("files", std::move(files));
    if (!site.groups.empty()) collections.items.push_back(std::move(groups));

    for (const auto& g : site.groups) {
        const std::string group_name = g.name.empty() ? g.id : g.name;
        Refs own = refs;
        for (const auto& p : g.principals) own.principals.push_back({p, ""});
        collections.items.push_back(folder_collection("planer__" + g.id, group_name + ": planer",
                                                      in_repo(s, content::layout::plans_dir(g.id)), "toml",
                                                      record_fields("plan", own, false), "{{slug}}/plan"));
        for (const auto& p : g.plans) {
            Refs plan_refs = own;
            const std::string pid = p.process.id;
            for (const auto& proc : site.processes)
                if (proc.id == pid) plan_refs.plan_process = &proc;
            collections.items.push_back(folder_collection(
                "aktiviteter__" + g.id + "__" + p.id, group_name + ": " + (p.title.empty() ? p.id : p.title) + ", aktiviteter",
                in_repo(s, content::layout::activities_dir(g.id, p.id)), "md", record_fields("activity", plan_refs, true)));
        }
        collections.items.push_back(folder_collection("utvarderingar__" + g.id, group_name + ": utvärderingar",
                                                      in_repo(s, content::layout::evaluations_dir(g.id)), "md",
                                                      record_fields("evaluation", own, true)));
    }
    config.set("collections", std::move(collections));
    return config;
}

std::string to_pretty_json(const Json& value) {
    std::string out;
    const auto pretty = [&](auto&& self, const Json& v, int indent) -> void {
        const std::string pad(static_cast<size_t>(indent) + 2, ' ');
        if (v.kind == Json::Kind::Array && !v.items.empty()) {
            out += "[\n";
            for (size_t i = 0; i < v.items.size(); ++i) {
                out += pad;
                self(self, v.items[i], indent + 2);
                out += i + 1 < v.items.size() ? ",\n" : "\n";
            }
            out += std::string(static_cast<size_t>(indent), ' ') + "]";
        } else if (v.kind == Json::Kind::Object && !v.members.empty()) {
            out += "{\n";
            for (size_t i = 0; i < v.members.size(); ++i) {
                out += pad + to_json(Json::string_value(v.members[i].first)) + ": ";
                self(self, v.members[i].second, indent + 2);
                out += i + 1 < v.members.size() ? ",\n" : "\n";
            }
            out += std::string(static_cast<size_t>(indent), ' ') + "}";
        } else {
            out += to_json(v);
        }
    };
    pretty(pretty, value, 0);
    return out + "\n";
}

namespace {

void collect_dates(const Json& root, const Json& object_schema, std::set<std::string>& out, int depth) {
    const Json* props = object_schema.find("properties");
    if (!props || depth > 8) return;
    for (const auto& [key, raw] : props->members) {
        const Json s = resolve(root, raw);
        const Json items = s.find("items") ? resolve(root, *s.find("items")) : Json::object();
        if (is_date(key, s) || (s.string_or("type") == "array" && is_date("", items))) out.insert(key);
        collect_dates(root, s, out, depth + 1);
        collect_dates(root, items, out, depth + 1);
    }
}

// The keys whose text (or, for a list of texts, each element) has a maxLength, with the smallest.
void collect_lengths(const Json& root, const Json& object_schema, std::map<std::string, long>& out, int depth) {
    const Json* props = object_schema.find("properties");
    if (!props || depth > 8) return;
    for (const auto& [key, raw] : props->members) {
        const Json s = resolve(root, raw);
        const Json items = s.find("items") ? resolve(root, *s.find("items")) : Json::object();
        for (const Json* t : {&s, &items})
            if (const Json* max = t->find("maxLength"); max && t->string_or("type") == "string") {
                const long n = std::stol(max->text);
                out[key] = out.count(key) ? std::min(out[key], n) : n;
            }
        collect_lengths(root, s, out, depth + 1);
        collect_lengths(root, items, out, depth + 1);
    }
}

// The shape of a value as samplan's reader takes it (model/table_reader.h), from its schema:
// {"type": "table", "keys": {key: shape}, "required": [keys], "open": true when the schema allows
// other keys}, {"type": "array", "items": shape}, or {"type": "string" | "date" | "integer" |
// "number" | "boolean" | "any"}; each with its Swedish title ("title") when the schema has one.
Json shape_of(const Json& root, const std::string& key, const Json& raw, int depth) {
    const Json s = resolve(root, raw);
    Json out = Json::object();
    const std::string type = s.string_or("type");
    const std::string title = s.string_or("title");
    if (is_date(key, s)) {
        out.set("type", str("date"));
    } else if (type == "object" && depth < 8) {
        out.set("type", str("table"));
        Json keys = Json::object();
        if (const Json* props = s.find("properties"))
            for (const auto& [k, v] : props->members) keys.set(k, shape_of(root, k, v, depth + 1));
        out.set("keys", std::move(keys));
        Json required = Json::array();
        if (const Json* req = s.find("required")) required = *req;
        out.set("required", std::move(required));
        const Json* extra = s.find("additionalProperties");
        if (!extra || extra->kind != Json::Kind::Bool || extra->boolean || s.find("patternProperties"))
            out.set("open", Json::boolean_value(true));
    } else if (type == "array" && depth < 8) {
        out.set("type", str("array"));
        out.set("items", shape_of(root, "", s.find("items") ? *s.find("items") : Json::object(), depth + 1));
    } else if (type == "string" || type == "integer" || type == "number" || type == "boolean") {
        out.set("type", str(type));
    } else {
        out.set("type", str("any"));
    }
    if (!title.empty()) out.set("title", str(title));
    return out;
}

}  // namespace

std::string cms_shapes() {
    Json out = Json::object();
    for (const char* kind : {"group", "plan", "activity", "evaluation"}) {
        const Json root = schema(kind);
        out.set(kind, shape_of(root, "", root, 0));
    }
    return to_json(out);
}

std::string cms_lengths() {
    std::map<std::string, long> lengths;
    for (const char* kind : {"group", "plan", "activity", "evaluation"}) {
        const Json root = schema(kind);
        collect_lengths(root, root, lengths, 0);
    }
    Json out = Json::object();
    for (const auto& [key, n] : lengths) {
        Json number;
        number.kind = Json::Kind::Number;
        number.text = std::to_string(n);
        out.set(key, std::move(number));
    }
    return to_json(out);
}

std::string cms_date_keys() {
    std::set<std::string> keys;
    for (const char* kind : {"group", "plan", "activity", "evaluation"}) {
        const Json root = schema(kind);
        collect_dates(root, root, keys, 0);
    }
    std::string out;
    for (const auto& k : keys) out += (out.empty() ? "" : " ") + k;
    return out;
}

std::string cms_facts(const model::Site& site, const history::History* history) {
    const auto number = [](long n) {
        Json j;
        j.kind = Json::Kind::Number;
        j.text = std::to_string(n);
        return j;
    };
    Json rules = Json::object();
    rules.set("reports_per_year", number(site.settings.rules.reports_per_year));
    rules.set("max_activities_per_plan", number(site.settings.rules.max_activities_per_plan));
    rules.set("revision_interval_months", number(site.settings.rules.revision_interval_months));
    Json plans = Json::object();
    for (const auto& g : site.groups) {
        Json list = Json::array();
        for (const auto& p : g.plans) {
            Json plan = Json::object();
            plan.set("id", str(p.id));
            if (p.start) plan.set("start", str(p.start->iso()));
            if (p.end) plan.set("end", str(p.end->iso()));
            plan.set("activities", number(static_cast<long>(p.activities.size())));
            if (history && history->available())
                if (const auto change = history->last_change(p.path)) plan.set("changed", str(change->date.iso()));
            list.items.push_back(std::move(plan));
        }
        plans.set(g.id, std::move(list));
    }
    Json out = Json::object();
    out.set("rules", std::move(rules));
    out.set("plans", std::move(plans));
    return to_json(out);
}

std::string cms_page(const CmsSettings& settings) {
    const std::string_view* text = render::builtin_theme_file("cms/index.mustache");
    if (!text) throw std::runtime_error("the built-in theme has no cms/index.mustache");
    std::vector<render::mustache::TemplateError> errors;
    const render::mustache::TemplateSet templates({{"cms", std::string(*text)}}, errors);
    if (!errors.empty()) throw std::runtime_error("cms/index.mustache: " + errors.front().message);
    site::Data data = site::Data::map();
    data.set("script", settings.script);
    data.set("toml", settings.toml);
    data.set("dates", cms_date_keys());
    data.set("lengths", cms_lengths());
    data.set("shapes", cms_shapes());
    Json principals = Json::object();
    for (const auto& [group, list] : settings.principals) {
        Json names = Json::array();
        for (const auto& p : list) names.items.push_back(str(p));
        principals.set(group, std::move(names));
    }
    data.set("principals", to_json(principals));
    data.set("facts", settings.facts);
    Json rules = Json::object();
    for (const auto& [id, sentence] : settings.rules) rules.set(id, str(sentence));
    data.set("rules", to_json(rules));
    const site::Data* contexts[] = {&data};
    std::string out;
    templates.render("cms", contexts, out);
    return out;
}

}  // namespace samplan::edit
