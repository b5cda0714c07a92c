#include "cli/init.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>

#include "build/build.h"
#include "cli/commands.h"
#include "core/date.h"
#include "core/text.h"

#ifndef SAMPLAN_VERSION
#define SAMPLAN_VERSION "0.0.0"
#endif

namespace samplan::cli {
namespace fs = std::filesystem;

const char* const kInitDescription = R"(Creates a new content repository in DIR (default: the current folder), in Swedish with comments:
  content/site.toml                    the site's settings
  content/regional/plan.toml           a regional plan with one focus area and goal, to replace
  content/processes/vagledning.toml    the guidance's eight steps
  content/pages/vagledning.md          the guidance page
  content/groups/exempel/…             an example group with a plan and an activity
  .gitignore                           output/, public/ and .samplan-cache/
  .gitlab-ci.yml                       GitLab CI: check every commit, publish with GitLab Pages
  .github/workflows/pages.yml          GitHub Actions: the same with GitHub Pages
  README.md                            what to run, in Swedish
The site passes `samplan check` and `samplan build` publishes it. Never overwrites anything:
when DIR already holds a content/ folder, nothing is written; a README.md or CI file that is
there already is kept as it is, and a .gitignore gets only the lines it lacks.
)";

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

bool write_file(const fs::path& path, std::string_view bytes, std::ostream& err, const char* command) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.close();
    if (!file) {
        err << "samplan " << command << ": cannot write " << quote(path.string()) << "\n";
        return false;
    }
    return true;
}

bool taken(const fs::path& path) {
    std::error_code ec;
    return fs::exists(fs::symlink_status(path, ec));
}

}  // namespace

int init_command(const Arguments& args, std::ostream& out, std::ostream& err) {
    const std::vector<std::string>& words = args.words;
    if (words.size() > 1) {
        err << "samplan init: one folder at most\n" << command_help(*args.command);
        return build::kFailed;
    }
    const fs::path dir = words.empty() ? fs::path(".") : fs::path(words[0]);
    std::error_code ec;
    if (taken(dir) && !fs::is_directory(dir, ec)) {
        err << "samplan init: " << quote(dir.string()) << " is not a folder\n";
        return build::kFailed;
    }
    const Date today = today_local();
    const auto fill = [&](std::string text) {
        text = replace_all(std::move(text), "@END_YEAR@", std::to_string(today.year + 2));
        text = replace_all(std::move(text), "@YEAR@", std::to_string(today.year));
        text = replace_all(std::move(text), "@TODAY@", today.iso());
        return replace_all(std::move(text), "@VERSION@", SAMPLAN_VERSION);
    };
    // A site is never written over: nothing is written when the folder holds content/.
    if (taken(dir / "content")) {
        err << "samplan init: " << quote((dir / "content").string())
            << " exists already: this folder holds a site; nothing written (samplan init NEW-FOLDER starts another)\n";
        return build::kFailed;
    }
    // Beside it, a new repository's own README.md, .gitignore or CI file is kept as it is (a forge
    // makes a README with the repository); .gitignore gets the lines it lacks.
    std::vector<std::string> kept;
    for (const auto& file : starter_files()) {
        const std::string path = fill(std::string(file.path));
        std::string text = fill(std::string(file.bytes));
        if (taken(dir / path)) {
            if (path != ".gitignore") {
                kept.push_back(path);
                continue;
            }
            std::ifstream in(dir / path, std::ios::binary);
            std::string old((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            std::string added;
            for (size_t at = 0; at < text.size();) {
                const size_t end = std::min(text.find('\n', at), text.size());
                const std::string line = text.substr(at, end - at);
                at = end + 1;
                if (line.empty() || line[0] == '#' || ("\n" + old + "\n").find("\n" + line + "\n") != std::string::npos) continue;
                added += line + "\n";
            }
            if (added.empty()) continue;
            text = old + (old.empty() || old.back() == '\n' ? "" : "\n") + "# samplan\n" + added;
            out << "samplan: added to .gitignore: " << replace_all(added.substr(0, added.size() - 1), "\n", " ") << "\n";
        }
        if (!write_file(dir / path, text, err, "init")) return build::kFailed;
    }
    for (const auto& path : kept) out << "samplan: kept " << quote(path) << " as it was (samplan init did not write it)\n";

    const std::string shown = dir.string();
    out << "samplan: created a new site in " << quote(shown) << "\n"
        << "Next:\n";
    if (shown != ".") out << "  cd " << shown << "\n";
    if (!taken(dir / ".git")) out << "  git init                  the site's history comes from git\n";
    out << "  git add -A && git commit -m 'Ny webbplats'\n";
    out << "  samplan check             check the content (the path:line:column of each problem)\n"
        << "  samplan serve             preview at http://127.0.0.1:1313/ while you edit\n"
        << "  samplan build             publish the site into output/\n"
        << "Then replace the example: the regional plan in content/regional/plan.toml, the site's name\n"
        << "and accessibility statement in content/site.toml, and the group in content/groups/exempel/\n"
        << "(samplan new group ID adds another). Search needs Pagefind (npm install pagefind, or on PATH).\n"
        << "To publish from CI, keep .gitlab-ci.yml (GitLab Pages) or .github/workflows/pages.yml (GitHub\n"
        << "Pages), delete the other, and set SAMPLAN_DEB_URL to where samplan's .deb package is.\n";
    return build::kOk;
}

int theme_command(const Arguments& args, std::ostream& out, std::ostream& err) {
    const std::string content = args.value("--content", "content");
    std::error_code ec;
    if (!fs::is_directory(content, ec)) {
        err << "samplan theme: no content folder " << quote(content) << " (use --content DIR)\n";
        return build::kFailed;
    }
    const fs::path folder = fs::path(content) / "theme";
    size_t written = 0, kept = 0;
    for (const auto& file : render::builtin_theme()) {
        const std::string_view top = file.path.substr(0, file.path.find('/'));
        if (top != "templates" && top != "assets" && top != "i18n") continue;  // what a site may override
        const fs::path path = folder / std::string(file.path);
        if (taken(path)) {
            ++kept;
            continue;
        }
        if (!write_file(path, file.bytes, err, "theme")) return build::kFailed;
        ++written;
    }
    out << "samplan: wrote " << written << " files of the built-in theme into " << quote(folder.string());
    if (kept > 0) out << " (" << kept << " already there, kept as they were)";
    out << ".\nChange what you need and delete the files you did not change: those keep following the\n"
           "theme built into samplan as it is updated. See docs/themes.md.\n";
    return build::kOk;
}

}  // namespace samplan::cli
