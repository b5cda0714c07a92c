#include <filesystem>
#include <fstream>
#include <ostream>

#include "build/build.h"
#include "build/build_site.h"
#include "cli/commands.h"
#include "content/content.h"
#include "core/text.h"
#include "edit/cms.h"
#include "render/builtin_theme.h"

namespace samplan::cli {
namespace fs = std::filesystem;

const char* const kCmsDescription =
    "Writes the hosted editor into DIR (default: admin/): config.yml, the configuration of Decap CMS\n"
    "made from the content model (forms in Swedish for groups, plans, activities and evaluations,\n"
    "from the JSON Schemas; target groups, focus areas, goals, processes and the group's principals\n"
    "as lists made from the content; the goals of the focus area chosen, the steps by name),\n"
    "index.html, its page, and samplan-cms.js, which loads the CMS, reads the records' TOML with\n"
    "smol-toml and saves only what changed (comments and key order kept, dates stay TOML dates).\n\n"
    "The CMS is not part of samplan: CI installs decap-cms and smol-toml from npm and copies\n"
    "node_modules/decap-cms/dist/*decap-cms.js beside index.html and node_modules/smol-toml/dist/*.js\n"
    "into its smol-toml/ folder. Staff sign in with GitHub or GitLab; every save is a commit (with\n"
    "--review a merge request), which CI checks with samplan check. Nothing of this is published\n"
    "unless CI runs this command into the site's output folder, e.g.\n"
    "  samplan cms --output public/admin --backend gitlab --repo GROUP/PROJECT --app-id ID\n"
    "See docs/editor.md.\n";

int cms_command(const Arguments& args, std::ostream& out, std::ostream& err) {
    Options options;
    if (!read_options(args, options, err)) return build::kFailed;
    edit::CmsSettings s;
    s.backend = args.value("--backend", "github");
    s.repo = args.value("--repo");
    s.branch = args.value("--branch", "main");
    s.app_id = args.value("--app-id");
    s.base_url = args.value("--auth-url");
    s.site_url = args.value("--site-url");
    s.script = args.value("--script", "decap-cms.js");
    s.toml = args.value("--toml", "./smol-toml/index.js");
    s.review = args.has("--review");
    const std::string folder = args.value("--output", "admin");
    if (s.backend != "github" && s.backend != "gitlab" && s.backend != "test-repo") {
        err << "samplan cms: --backend is 'github', 'gitlab' or 'test-repo', not " << quote(s.backend) << "\n";
        return build::kFailed;
    }
    if (s.backend != "test-repo" && s.repo.find('/') == std::string::npos) {
        err << "samplan cms: --repo needs the repository as OWNER/NAME (GitHub) or GROUP/PROJECT (GitLab)\n";
        return build::kFailed;
    }
    if (s.backend == "gitlab" && s.app_id.empty()) {
        err << "samplan cms: --app-id needs the id of the GitLab application staff sign in with (docs/editor.md)\n";
        return build::kFailed;
    }
    // The content folder's path inside the repository, as the CMS's API addresses files.
    const fs::path given(options.content);
    s.content_path = args.value("--content-path", given.is_absolute() ? "content" : given.lexically_normal().generic_string());

    build::LoadOptions load;
    load.today = options.today;
    load.check = false;
    // The git history, for the dates the plan-revision warning counts from (cms_facts).
    load.history = true;
    load.content_dir = options.content;
    // Written into a site just built (samplan build --output public, then samplan cms --output
    // public/admin, as the starter's CI does): the build's history cache, so that the commits the
    // build read are not walked again.
    fs::path written_into = fs::path(folder).lexically_normal();
    if (written_into.filename().empty()) written_into = written_into.parent_path();
    if (const fs::path site = written_into.parent_path(); !site.empty()) {
        const std::string cache = cache_file(site.string(), "history.txt");
        std::error_code exists_error;
        if (fs::is_regular_file(cache, exists_error)) load.history_cache = cache;
    }
    build::Loaded loaded;
    build::load_and_check(*content::make_disk_source(options.content), load, loaded);
    bool errors = false;
    for (const auto& d : loaded.diagnostics.all())
        if (d.severity == Severity::Error) {
            err << format_text(d) << "\n";
            errors = true;
        }
    if (errors) {
        err << "samplan cms: the content has errors (above): fix them first, the lists are made from it\n";
        return build::kContentErrors;
    }

    const site::Strings strings = build::load_strings(loaded.site, options.themes);
    for (const char* rule : edit::kCmsRules) s.rules[rule] = strings.get(std::string("rule_") + rule);
    for (const char* rule : edit::kCmsWarnings)
        s.rules[std::string("warning_") + rule] = strings.get(std::string("warning_") + rule);
    for (const auto& g : loaded.site.groups) s.principals[g.id] = g.principals;
    s.facts = edit::cms_facts(loaded.site, &loaded.history);

    std::error_code ec;
    fs::create_directories(folder, ec);
    const auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream file(fs::path(folder) / name, std::ios::binary | std::ios::trunc);
        file << text;
        file.close();
        if (!file) err << "samplan cms: cannot write " << quote((fs::path(folder) / name).string()) << "\n";
        return static_cast<bool>(file);
    };
    const std::string_view* glue = render::builtin_theme_file("cms/samplan-cms.js");
    if (!glue || !write("config.yml", edit::to_pretty_json(edit::cms_config(loaded.site, s))) ||
        !write("index.html", edit::cms_page(s)) || !write("samplan-cms.js", std::string(*glue)))
        return build::kFailed;
    out << "samplan: wrote the hosted editor (config.yml, index.html, samplan-cms.js) into " << quote(folder)
        << "; it loads Decap CMS from " << quote(s.script) << " and smol-toml from " << quote(s.toml)
        << " (npm packages: docs/editor.md)\n";
    return build::kOk;
}

}  // namespace samplan::cli
