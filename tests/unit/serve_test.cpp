// serve/serve.h: which file a URL path names, and with which Content-Type it is served.
#include <doctest/doctest.h>

#include "serve/serve.h"

using samplan::serve::content_type;
using samplan::serve::file_for_url_path;

TEST_CASE("a URL path names a file of the site folder, never one outside it") {
    CHECK(file_for_url_path("/site", "/") == "/site/");
    CHECK(file_for_url_path("/site", "/groups/alfa/") == "/site/groups/alfa/");
    CHECK(file_for_url_path("/site", "/assets/style.css") == "/site/assets/style.css");
    CHECK(file_for_url_path("/site", "/a..b/c.d..") == "/site/a..b/c.d..");
    for (const char* bad : {"", "groups/", "/..", "/../secret", "/assets/../../secret", "/./index.html", "/a/.",
                            "/a\\..\\..\\b", "/a/.."})
        CHECK_MESSAGE(!file_for_url_path("/site", bad), bad);
    CHECK(!file_for_url_path("/site", std::string("/index.html\0/../x", 17)));
}

TEST_CASE("files are served with the Content-Type of their extension") {
    CHECK(content_type("/s/index.html") == "text/html; charset=utf-8");
    CHECK(content_type("/s/assets/STYLE.CSS") == "text/css; charset=utf-8");
    CHECK(content_type("/s/feed.xml") == "application/xml");
    CHECK(content_type("/s/data/activities.csv") == "text/csv; charset=utf-8");
    CHECK(content_type("/s/pagefind/wasm.unknown.pagefind") == "application/octet-stream");
}
