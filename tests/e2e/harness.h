// tests/e2e/harness.h — runs the samplan binary and builds content trees for end-to-end tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace samplan::test {

struct RunResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs samplan with `args` (no shell), capturing standard output and standard error.
RunResult run_samplan(const std::vector<std::string>& args);
// Starts samplan with `args` in a process group of its own, its output going to the files
// named, and returns its process id (which is also the group's id).
int spawn_samplan(const std::vector<std::string>& args, const std::string& out_file = "/dev/null",
                  const std::string& err_file = "/dev/null");

// A fresh temporary folder, removed when the object goes out of scope.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

// Copies the base fixture site into `dir`.
void copy_base_fixture(const std::filesystem::path& dir);
void write_file(const std::filesystem::path& path, const std::string& text);
std::string read_file(const std::filesystem::path& path);
// RFC 4180 rows: quoted fields may hold commas, quotes ("") and line breaks; a carriage return
// outside quotes ends nothing (rows end at line feeds).
std::vector<std::vector<std::string>> parse_csv(const std::string& text);

}  // namespace samplan::test
