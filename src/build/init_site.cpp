#include "build/init_site.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "build/build.h"
#include "core/date.h"
#include "core/text.h"

namespace samplan::build {
namespace fs = std::filesystem;
namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

bool write_file(const fs::path& path, std::string_view bytes, std::string& error) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    std::ofstream file(path, std::ios::binary | std::ios::trunc);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    file.close();
    if (!file) {
        error = "cannot write " + quote(path.string());
        return false;
    }
    return true;
}

bool taken(const fs::path& path) {
    std::error_code ec;
    return fs::exists(fs::symlink_status(path, ec));
}

}  // namespace

InitResult init_site(const std::string& folder, const Date& today, const std::string& version) {
    InitResult result;
    const auto fail = [&](std::string error) {
        result.status = kFailed;
        result.error = std::move(error);
        return result;
    };
    const fs::path dir(folder);
    std::error_code ec;
    if (taken(dir) && !fs::is_directory(dir, ec)) {
        return fail(quote(dir.string()) + " is not a folder");
    }
    const auto fill = [&](std::string text) {
        text = replace_all(std::move(text), "@END_YEAR@", std::to_string(today.year + 2));
        text = replace_all(std::move(text), "@YEAR@", std::to_string(today.year));
        text = replace_all(std::move(text), "@TODAY@", today.iso());
        return replace_all(std::move(text), "@VERSION@", version);
    };
    // A site is never written over: nothing is written when the folder holds content/.
    if (taken(dir / "content")) {
        return fail(quote((dir / "content").string()) +
                    " exists already: this folder holds a site; nothing written (samplan init NEW-FOLDER starts another)");
    }
    // Beside it, a new repository's own README.md, .gitignore or CI file is kept as it is (a forge
    // makes a README with the repository); .gitignore gets the lines it lacks.
    for (const auto& file : starter_files()) {
        const std::string path = fill(std::string(file.path));
        std::string text = fill(std::string(file.bytes));
        if (taken(dir / path)) {
            if (path != ".gitignore") {
                result.kept.push_back(path);
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
            result.gitignore_added = replace_all(added.substr(0, added.size() - 1), "\n", " ");
        }
        if (!write_file(dir / path, text, result.error)) return fail(result.error);
    }
    result.has_git = taken(dir / ".git");
    return result;
}

ThemeResult write_theme(const std::string& content) {
    ThemeResult result;
    std::error_code ec;
    if (!fs::is_directory(content, ec)) {
        result.status = kFailed;
        result.error = "no content folder " + quote(content) + " (use --content DIR)";
        return result;
    }
    const fs::path folder = fs::path(content) / "theme";
    result.folder = folder.string();
    for (const auto& file : render::builtin_theme()) {
        const std::string_view top = file.path.substr(0, file.path.find('/'));
        if (top != "templates" && top != "assets" && top != "i18n") continue;  // what a site may override
        const fs::path path = folder / std::string(file.path);
        if (taken(path)) {
            ++result.kept;
            continue;
        }
        if (!write_file(path, file.bytes, result.error)) {
            result.status = kFailed;
            return result;
        }
        ++result.written;
    }
    return result;
}

}  // namespace samplan::build
