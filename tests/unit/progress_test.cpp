// The progress bar as a terminal shows it: redrawn in place, with the stage, the count and the
// bar, and cleared when the build ends (the e2e tests cover the plain lines of a log).
#include <doctest/doctest.h>

#include <sstream>
#include <thread>

#include "cli/progress.h"

using namespace samplan::cli;

TEST_CASE("on a terminal, the bar is redrawn in place with stage, count and bar, and cleared at the end") {
    std::ostringstream err;
    {
        Progress progress(err, Verbosity::Normal, true);
        progress.stage("pages", 10);
        CHECK(err.str() == "\r\033[K[pages] 0/10 ▕░░░░░░░░░░░░░░░░░░░░▏");
        std::thread a([&] { for (int i = 0; i < 5; ++i) progress.advance(); });
        std::thread b([&] { for (int i = 0; i < 5; ++i) progress.advance(); });
        a.join();
        b.join();
        progress.note("search index built");  // a line of its own, and the bar comes back
        const std::string shown = err.str();
        CHECK(shown.find("\r\033[Ksamplan: search index built\n") != std::string::npos);
        CHECK(shown.substr(shown.rfind('\r')) == "\r\033[K[pages] 10/10 ▕████████████████████▏");
        progress.finish();
    }
    const std::string all = err.str();
    CHECK(all.size() >= 4);
    CHECK(all.substr(all.size() - 4) == "\r\033[K");  // nothing left on the line
    CHECK(all.find("done") == std::string::npos);     // no stage lines on a terminal without --verbose
}

TEST_CASE("--quiet draws nothing, even on a terminal") {
    std::ostringstream err;
    Progress progress(err, Verbosity::Quiet, true);
    progress.stage("pages", 3);
    progress.advance(3);
    progress.finish();
    CHECK(err.str().empty());
}
