#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/path_log.h"

using namespace samplan;

namespace {

std::vector<std::pair<std::string, std::string>> read_back(const PathLog& log) {
    std::vector<std::pair<std::string, std::string>> out;
    log.for_each([&out](std::string_view path, std::string_view extra) { out.emplace_back(path, extra); });
    return out;
}

}  // namespace

TEST_CASE("a path log gives back every path and its bytes in the order they were added") {
    PathLog log;
    CHECK(log.empty());
    std::vector<std::pair<std::string, std::string>> added = {
        {"groups/a/2025/one/index.html", "key-1"},
        {"groups/a/2025/one/history/index.html", std::string("\0\1\377 bytes", 10)},
        {"groups/a/2025/two/index.html", ""},
        {"groups", "shorter than the one before"},
        {"", "an empty path"},
        {"groups/a/2025/two/index.html", "the same path again"},
        {"index.html", "k"},
    };
    // Entries larger than a block, and enough of them to fill several blocks.
    added.emplace_back(std::string(300 * 1024, 'p'), std::string(70 * 1024, 'x'));
    for (int i = 0; i < 20000; ++i)
        added.emplace_back("groups/g" + std::to_string(i / 20) + "/history/" + std::to_string(i) + "/index.html",
                           std::to_string(i * 7919));
    for (const auto& [path, extra] : added) log.add(path, extra);
    CHECK(log.size() == added.size());
    CHECK(read_back(log) == added);
    log.clear();
    CHECK(log.empty());
    CHECK(read_back(log).empty());
    log.add("after/clear", "again");
    CHECK(read_back(log) == std::vector<std::pair<std::string, std::string>>{{"after/clear", "again"}});
}
