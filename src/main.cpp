#include <malloc.h>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.h"
#include "core/parallel.h"

int main(int argc, char** argv) {
    // Where samplan is built without mimalloc (CMakeLists.txt), glibc's allocator serves it: it
    // gives each new thread its own memory arena, up to 8 per core; samplan's threads hand pages
    // and versions to each other, so every arena grew to hold them. One arena per core keeps the
    // memory in use (10,000 activities: 355 → 236 MiB) and every page freshly asked of the system
    // costs time. (With mimalloc this setting has nothing to act on.)
    mallopt(M_ARENA_MAX, static_cast<int>(std::max(2u, samplan::core_count())));
    std::vector<std::string> args(argv + 1, argv + argc);
    return samplan::cli::run(args, std::cout, std::cerr);
}
