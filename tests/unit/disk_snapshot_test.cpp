// The up-to-date check's walk of the content folder, handed to the build's disk source
// (content::DiskSnapshot): the load then looks at no file again, and must see what it would
// have seen asking the disk.
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "build/up_to_date.h"
#include "content/content.h"
#include "content/source.h"

using namespace samplan;
namespace fs = std::filesystem;

namespace {

struct TempFolder {
    fs::path path = fs::temp_directory_path() / ("samplan-snapshot-" + std::to_string(std::random_device{}()));
    TempFolder() { fs::create_directories(path); }
    ~TempFolder() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

// Every file two minutes old: a file changed in the last seconds has no identity.
void age(const fs::path& root) {
    const auto old = fs::file_time_type::clock::now() - std::chrono::minutes(2);
    for (const auto& e : fs::recursive_directory_iterator(root))
        if (e.is_regular_file() && !e.is_symlink()) fs::last_write_time(e.path(), old);
}

std::vector<std::string> lines(const Diagnostics& d) {
    std::vector<std::string> out;
    for (const auto& x : d.all()) out.push_back(format_text(x));
    return out;
}

std::string describe(const content::Source& source, const std::string& path) {
    std::string out = path + ": kind " + std::to_string(static_cast<int>(source.kind(path))) + ", identity " +
                      source.identity(path) + ", entries";
    for (const auto& e : source.list(path)) out += " " + e.name + "=" + std::to_string(static_cast<int>(e.kind));
    return out;
}

}  // namespace

TEST_CASE("a disk source answering from the up-to-date check's walk sees what asking the disk gives") {
    TempFolder temp;
    const fs::path content = temp.path / "content";
    const fs::path outside = temp.path / "outside";
    write(content / "site.toml", "title = \"T\"\n");
    write(content / "regional/plan.toml", "title = \"R\"\n");
    write(content / "pages/om.md", "+++\ntitle = \"Om\"\n+++\nText\n");
    write(content / "pages/.hidden.md", "+++\ntitle = \"H\"\n+++\n");
    write(content / "pages/notes.txt", "not a page\n");
    write(content / "groups/alfa/group.toml", "name = \"A\"\n");
    write(content / "groups/alfa/plans/2025/plan.toml", "title = \"P\"\n");
    write(content / "groups/alfa/plans/2025/activities/a1.md", "+++\ntitle = \"A1\"\n+++\n");
    write(content / "groups/alfa/plans/2025/activities/Bad_Id.md", "+++\ntitle = \"B\"\n+++\n");
    write(content / "groups/node_modules/x.toml", "x = 1\n");  // not walked for the digest, still a bad id
    write(content / "groups/.git/HEAD", "ref\n");
    write(outside / "secret.md", "+++\ntitle = \"S\"\n+++\n");
    write(outside / "beta/group.toml", "name = \"Beta\"\n");
    write(content / "target.md", "+++\ntitle = \"Target\"\n+++\n");
    age(temp.path);
    // Links: to a file inside, to a file outside, to a folder outside, and one that leads nowhere.
    fs::create_symlink("../../../../../target.md", content / "groups/alfa/plans/2025/activities/inside.md");
    fs::create_symlink(outside / "secret.md", content / "groups/alfa/plans/2025/activities/secret.md");
    fs::create_symlink(outside / "beta", content / "groups/beta");
    fs::create_symlink(content / "nowhere.md", content / "pages/gone.md");
    REQUIRE(::mkfifo((content / "pages/fifo.md").c_str(), 0600) == 0);
    // The output folder inside the content folder is not walked.
    write(content / "groups/out/index.html", "<p>site</p>");
    // A file written a moment ago: no identity, from the snapshot or the disk.
    write(content / "pages/ny.md", "+++\ntitle = \"Ny\"\n+++\n");

    auto snapshot = std::make_shared<content::DiskSnapshot>();
    build::read_inputs(content.string(), "", (content / "groups/out").string(), "", snapshot.get());
    CHECK(snapshot->folders.count("groups/alfa/plans/2025/activities") == 1);
    CHECK(snapshot->folders.count("groups/out") == 0);
    CHECK(snapshot->identities.count("groups/alfa/plans/2025/activities/a1.md") == 1);
    CHECK(snapshot->identities.count("pages/ny.md") == 0);
    const auto plain = content::make_disk_source(content.string());
    const auto walked = content::make_disk_source(content.string(), snapshot);

    for (const std::string path :
         {"site.toml", "regional", "regional/plan.toml", "pages", "pages/om.md", "pages/.hidden.md", "pages/notes.txt",
          "pages/gone.md", "pages/fifo.md", "pages/ny.md", "pages/missing.md", "groups", "groups/alfa", "groups/beta",
          "groups/beta/group.toml", "groups/node_modules", "groups/node_modules/x.toml", "groups/.git", "groups/out",
          "groups/out/index.html", "groups/alfa/plans/2025/activities", "groups/alfa/plans/2025/activities/a1.md",
          "groups/alfa/plans/2025/activities/inside.md", "groups/alfa/plans/2025/activities/secret.md", "missing",
          "missing/plan.toml"}) {
        CAPTURE(path);
        CHECK(describe(*walked, path) == describe(*plain, path));
    }
    Diagnostics plain_d, walked_d;
    const auto plain_records = content::load_records(*plain, plain_d);
    const auto walked_records = content::load_records(*walked, walked_d);
    REQUIRE(plain_records.size() == walked_records.size());
    for (size_t i = 0; i < plain_records.size(); ++i) {
        CHECK(plain_records[i].path == walked_records[i].path);
        CHECK(plain_records[i].readable == walked_records[i].readable);
        CHECK(plain_records[i].body == walked_records[i].body);
    }
    CHECK(lines(plain_d) == lines(walked_d));
    CHECK(lines(plain_d).size() >= 4);  // the bad ids, the link out, the FIFO
}
