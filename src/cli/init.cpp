#include "cli/commands.h"

#include <ostream>

#include "build/build.h"
#include "build/init_site.h"
#include "core/text.h"

#ifndef SAMPLAN_VERSION
#define SAMPLAN_VERSION "0.0.0"
#endif

namespace samplan::cli {

const char* const kInitDescription =
    "Creates a new content repository in DIR (default: the current folder), in Swedish with comments:\n"
    R"(  content/site.toml                    the site's settings
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

int init_command(const Arguments& args, std::ostream& out, std::ostream& err) {
    if (args.words.size() > 1) {
        err << "samplan init: one folder at most\n" << command_help(*args.command);
        return build::kFailed;
    }
    const std::string shown = args.words.empty() ? "." : args.words[0];
    const auto result = build::init_site(shown, today_local(), SAMPLAN_VERSION);
    if (!result.gitignore_added.empty()) out << "samplan: added to .gitignore: " << result.gitignore_added << "\n";
    if (result.status != build::kOk) {
        err << "samplan init: " << result.error << "\n";
        return result.status;
    }
    for (const auto& path : result.kept) out << "samplan: kept " << quote(path) << " as it was (samplan init did not write it)\n";
    out << "samplan: created a new site in " << quote(shown) << "\n"
        << "Next:\n";
    if (shown != ".") out << "  cd " << shown << "\n";
    if (!result.has_git) out << "  git init                  the site's history comes from git\n";
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
    const auto result = build::write_theme(args.value("--content", "content"));
    if (result.status != build::kOk) {
        err << "samplan theme: " << result.error << "\n";
        return result.status;
    }
    out << "samplan: wrote " << result.written << " files of the built-in theme into " << quote(result.folder);
    if (result.kept > 0) out << " (" << result.kept << " already there, kept as they were)";
    out << ".\nChange what you need and delete the files you did not change: those keep following the\n"
           "theme built into samplan as it is updated. See docs/themes.md.\n";
    return build::kOk;
}

}  // namespace samplan::cli
