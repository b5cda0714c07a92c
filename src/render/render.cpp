#include "render/render.h"

#include <mstch/mstch.hpp>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "content/toml_reader.h"
#include "render/markdown.h"

namespace samplan::render {
namespace fs = std::filesystem;

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    for (const char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void read_templates(const fs::path& dir, std::map<std::string, std::string>& out) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file() && e.path().extension() == ".mustache") out[e.path().stem().string()] = slurp(e.path());
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

mstch::node to_node(const site::Data& d) {
    using Kind = site::Data::Kind;
    switch (d.kind()) {
        case Kind::Null: return mstch::node(std::string());
        case Kind::Text: return mstch::node(d.text());
        case Kind::Markdown: return mstch::node(markdown_to_html(d.text()));
        case Kind::Bool: return mstch::node(d.flag());
        case Kind::List: {
            mstch::array a;
            a.reserve(d.items().size());
            for (const auto& item : d.items()) a.push_back(to_node(item));
            return mstch::node(std::move(a));
        }
        case Kind::Map: {
            mstch::map m;
            for (const auto& [k, v] : d.entries()) m.emplace(k, to_node(v));
            return mstch::node(std::move(m));
        }
    }
    return mstch::node(std::string());
}

}  // namespace

Theme load_theme(const std::string& theme_dir, const std::string& override_dir, const std::string& language,
                 Diagnostics& diagnostics) {
    Theme theme;
    read_templates(fs::path(theme_dir) / "templates", theme.templates);
    list_assets(fs::path(theme_dir) / "assets", theme.assets);
    std::map<std::string, std::string> strings;
    read_strings(fs::path(theme_dir) / "i18n" / (language + ".toml"), "theme/i18n/" + language + ".toml", strings, diagnostics);
    if (!override_dir.empty()) {
        read_templates(fs::path(override_dir) / "templates", theme.templates);
        list_assets(fs::path(override_dir) / "assets", theme.assets);
        read_strings(fs::path(override_dir) / "i18n" / (language + ".toml"), "theme/i18n/" + language + ".toml", strings,
                     diagnostics);
    }
    theme.strings = site::Strings(std::move(strings));
    return theme;
}

struct Renderer::Impl {
    std::map<std::string, std::string> templates;
    mstch::node strings;
};

Renderer::Renderer(const Theme& theme) : impl_(std::make_unique<Impl>()) {
    // mstch escapes '/' as well; ours escapes what HTML needs. Set once, before any rendering.
    static std::once_flag once;
    std::call_once(once, [] { mstch::config::escape = [](const std::string& s) { return escape_html(s); }; });
    impl_->templates = theme.templates;
    impl_->strings = to_node(theme.strings.as_data());
}

Renderer::~Renderer() = default;

std::string Renderer::render(const site::PageView& page) const {
    auto it = impl_->templates.find(page.layout);
    if (it == impl_->templates.end()) throw std::runtime_error("the theme has no template '" + page.layout + ".mustache'");
    mstch::node root = to_node(page.data);
    boost::get<mstch::map>(root).emplace("t", impl_->strings);
    return mstch::render(it->second, root, impl_->templates);
}

}  // namespace samplan::render
