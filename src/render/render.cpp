#include "render/render.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "content/toml_reader.h"
#include "core/files.h"
#include "render/builtin_theme.h"

namespace samplan::render {

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    mustache::append_escaped(out, text);
    return out;
}

const std::string_view* builtin_theme_file(std::string_view path) {
    const auto files = builtin_theme();
    const auto it = std::lower_bound(files.begin(), files.end(), path,
                                     [](const BuiltinFile& f, std::string_view p) { return f.path < p; });
    return it != files.end() && it->path == path ? &it->bytes : nullptr;
}

const ThemeFolder kBuiltinTheme{"", "default", "built-in theme"};

namespace {

// A theme file may be as large as this (fonts and images among the assets).
constexpr size_t kMaxThemeFile = 64 * 1024 * 1024;
constexpr SourcePos kFileStart{1, 1};

// The built-in theme's files seen as a folder: the entries of `dir` (a path inside the theme),
// and a file's bytes.
void list_builtin(const std::string& dir, std::vector<InsideFolder::Entry>& entries) {
    const std::string prefix = dir + "/";
    for (const auto& f : builtin_theme()) {
        if (f.path.substr(0, prefix.size()) != prefix) continue;
        const std::string_view rest = f.path.substr(prefix.size());
        const size_t slash = rest.find('/');
        InsideFolder::Entry e;
        e.name = std::string(rest.substr(0, slash));
        e.type = slash == std::string_view::npos ? InsideFolder::Entry::Type::File : InsideFolder::Entry::Type::Folder;
        if (entries.empty() || entries.back().name != e.name) entries.push_back(std::move(e));
    }
}

// Reads one theme's files from its folder, or from the theme built into samplan (an empty root),
// reporting what cannot be read.
class ThemeReader {
public:
    ThemeReader(const ThemeFolder& folder, Diagnostics& diagnostics)
        : where_(folder), builtin_(folder.root.empty()), folder_(folder.root), diagnostics_(diagnostics) {}

    // Whether the theme's folder itself may be read: not when it is a link out of the root.
    bool usable() {
        if (builtin_) return true;
        std::vector<InsideFolder::Entry> entries;
        std::string error;
        if (folder_.list(where_.dir, entries, error) != FileRead::Outside) return true;
        refuse(where_.dir);
        return false;
    }

    // Templates by name, and where each was read from (for diagnostics).
    void read_templates(std::map<std::string, std::string>& out, std::map<std::string, std::string>& paths) {
        const std::string dir = where_.dir + "/templates";
        std::vector<InsideFolder::Entry> entries;
        if (!list(dir, entries)) return;
        for (const auto& e : entries) {
            constexpr std::string_view kExt = ".mustache";
            if (e.type == InsideFolder::Entry::Type::Folder || e.name.size() <= kExt.size() ||
                e.name.compare(e.name.size() - kExt.size(), kExt.size(), kExt) != 0)
                continue;
            std::string text;
            if (!read(dir + "/" + e.name, text)) continue;
            const std::string name = e.name.substr(0, e.name.size() - kExt.size());
            out[name] = std::move(text);
            paths[name] = shown(dir + "/" + e.name);
        }
    }

    // Every file under assets/, by its path inside it. Links to files inside the root are read;
    // links to folders are not followed.
    void read_assets(std::map<std::string, std::string>& out) { read_assets(where_.dir + "/assets", "", out, 0); }

    // Flat "a.b" keys of the UI strings in `language`.
    void read_strings(const std::string& language, std::map<std::string, std::string>& out) {
        const std::string path = where_.dir + "/i18n/" + language + ".toml";
        std::string text;
        if (!read(path, text)) return;
        content::TomlError error;
        if (auto v = content::parse_toml(text, 0, error)) flatten(*v, "", out);
        else diagnostics_.error("theme/i18n/" + language + ".toml", error.pos, "TOML: " + error.message, "toml");
    }

private:
    std::string shown(const std::string& path) const { return (builtin_ ? "(built-in)" : where_.root) + "/" + path; }

    // A path inside the built-in theme: without the leading "default/".
    std::string inside_builtin(const std::string& path) const { return path.substr(std::min(path.size(), where_.dir.size() + 1)); }

    void refuse(const std::string& path) {
        diagnostics_.error(shown(path), kFileStart,
                           "symbolic link points outside the " + where_.root_noun + "; refused", "outside-content");
    }

    // False, quietly, when the folder is not there; false with an error when it leads out.
    bool list(const std::string& dir, std::vector<InsideFolder::Entry>& entries) {
        if (builtin_) {
            list_builtin(inside_builtin(dir), entries);
            return !entries.empty();
        }
        std::string error;
        const FileRead r = folder_.list(dir, entries, error);
        if (r == FileRead::Outside) refuse(dir);
        return r == FileRead::Ok;
    }

    // False, quietly, when there is no regular file at `path` (missing, a folder, a FIFO).
    bool read(const std::string& path, std::string& text) {
        if (builtin_) {
            const std::string_view* bytes = builtin_theme_file(inside_builtin(path));
            if (bytes) text.assign(*bytes);
            return bytes != nullptr;
        }
        std::string error;
        switch (folder_.read(path, kMaxThemeFile, text, error)) {
            case FileRead::Ok: return true;
            case FileRead::Outside: refuse(path); return false;
            case FileRead::TooLarge:
                diagnostics_.error(shown(path), kFileStart, "file is larger than the limit of 64 MiB", "file-too-large");
                return false;
            case FileRead::Error:
                diagnostics_.error(shown(path), kFileStart, "cannot read: " + error, "io");
                return false;
            case FileRead::NotRegular:
            case FileRead::Missing: return false;
        }
        return false;
    }

    void read_assets(const std::string& dir, const std::string& prefix, std::map<std::string, std::string>& out,
                     int depth) {
        std::vector<InsideFolder::Entry> entries;
        if (depth > 32 || !list(dir, entries)) return;
        for (const auto& e : entries) {
            const std::string path = dir + "/" + e.name;
            if (e.type == InsideFolder::Entry::Type::Folder) {
                read_assets(path, prefix + e.name + "/", out, depth + 1);
            } else if (e.type == InsideFolder::Entry::Type::File || e.type == InsideFolder::Entry::Type::Link) {
                // A link to a folder is NotRegular here: not followed.
                if (std::string bytes; read(path, bytes)) out[prefix + e.name] = std::move(bytes);
            }
        }
    }

    // Flat "a.b" keys from a TOML table of strings.
    static void flatten(const content::Value& v, const std::string& prefix, std::map<std::string, std::string>& out) {
        for (const auto& e : v.entries) {
            const auto& child = e.value.front();
            const std::string key = prefix.empty() ? e.key : prefix + "." + e.key;
            if (child.type == content::Value::Type::String) out[key] = child.string;
            else if (child.type == content::Value::Type::Table) flatten(child, key, out);
        }
    }

    const ThemeFolder& where_;
    bool builtin_;
    InsideFolder folder_;
    Diagnostics& diagnostics_;
};

}  // namespace

Theme load_theme(const ThemeFolder& theme_folder, const std::optional<ThemeFolder>& site_override,
                 const std::string& language, Diagnostics& diagnostics) {
    Theme theme;
    std::map<std::string, std::string> templates, template_paths, strings;
    // The theme first, then the site's own files by the same names over it.
    for (const ThemeFolder* folder : {&theme_folder, site_override ? &*site_override : nullptr}) {
        if (!folder) continue;
        ThemeReader reader(*folder, diagnostics);
        if (!reader.usable()) continue;
        reader.read_templates(templates, template_paths);
        reader.read_assets(theme.assets);
        reader.read_strings(language, strings);
    }
    theme.strings = site::Strings(std::move(strings));
    std::vector<mustache::TemplateError> errors;
    theme.templates = std::make_shared<const mustache::TemplateSet>(templates, errors);
    for (auto& e : errors) diagnostics.error(template_paths[e.template_name], e.pos, std::move(e.message), "template");
    return theme;
}

struct Renderer::Impl {
    std::shared_ptr<const mustache::TemplateSet> templates;
    site::Data strings;  // {"t": the UI strings}, the context outside every page's data
};

Renderer::Renderer(const Theme& theme) : impl_(std::make_unique<Impl>()) {
    impl_->templates = theme.templates;
    if (!impl_->templates) throw std::runtime_error("the theme's templates were not loaded");
    impl_->strings = site::Data::map({{"t", theme.strings.as_data()}});
}

Renderer::~Renderer() = default;

std::string Renderer::render(const site::PageView& page) const {
    // libmstch added "t" to the page's own map (unless the page had one); looking it up in an
    // outer context finds the same values.
    const site::Data* contexts[] = {&impl_->strings, &page.data};
    std::string out;
    out.reserve(64 * 1024);
    impl_->templates->render(page.layout, contexts, out);
    return out;
}

}  // namespace samplan::render
