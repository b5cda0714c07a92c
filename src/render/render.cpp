#include "render/render.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "content/toml_reader.h"

namespace samplan::render {
namespace fs = std::filesystem;

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    mustache::append_escaped(out, text);
    return out;
}

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Templates by name, and where each was read from (for diagnostics).
void read_templates(const fs::path& dir, std::map<std::string, std::string>& out,
                    std::map<std::string, std::string>& paths) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file() && e.path().extension() == ".mustache") {
            out[e.path().stem().string()] = slurp(e.path());
            paths[e.path().stem().string()] = e.path().generic_string();
        }
}

void list_assets(const fs::path& dir, std::map<std::string, std::string>& out) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return;
    for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        // Symlinks are not followed: assets come from the theme folder itself.
        if (it->is_symlink() || !it->is_regular_file()) continue;
        out[fs::relative(it->path(), dir).generic_string()] = it->path().string();
    }
}

// Flat "a.b" keys from a TOML table of strings.
void flatten(const content::Value& v, const std::string& prefix, std::map<std::string, std::string>& out) {
    for (const auto& e : v.entries) {
        const auto& child = e.value.front();
        const std::string key = prefix.empty() ? e.key : prefix + "." + e.key;
        if (child.type == content::Value::Type::String) out[key] = child.string;
        else if (child.type == content::Value::Type::Table) flatten(child, key, out);
    }
}

void read_strings(const fs::path& file, const std::string& shown, std::map<std::string, std::string>& out,
                  Diagnostics& diagnostics) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return;
    content::TomlError error;
    const std::string text = slurp(file);
    if (auto v = content::parse_toml(text, 0, error)) flatten(*v, "", out);
    else diagnostics.error(shown, error.pos, "TOML: " + error.message, "toml");
}

}  // namespace

Theme load_theme(const std::string& theme_dir, const std::string& override_dir, const std::string& language,
                 Diagnostics& diagnostics) {
    Theme theme;
    std::map<std::string, std::string> templates, template_paths;
    read_templates(fs::path(theme_dir) / "templates", templates, template_paths);
    list_assets(fs::path(theme_dir) / "assets", theme.assets);
    std::map<std::string, std::string> strings;
    read_strings(fs::path(theme_dir) / "i18n" / (language + ".toml"), "theme/i18n/" + language + ".toml", strings, diagnostics);
    if (!override_dir.empty()) {
        read_templates(fs::path(override_dir) / "templates", templates, template_paths);
        list_assets(fs::path(override_dir) / "assets", theme.assets);
        read_strings(fs::path(override_dir) / "i18n" / (language + ".toml"), "theme/i18n/" + language + ".toml", strings,
                     diagnostics);
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
