// serve/serve.h: which file a URL path names, and with which Content-Type it is served.
#include <dlfcn.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <string_view>

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

// serve.cpp's OPENSSL_init_ssl: libcpp-httplib's call as the program loads does nothing; a later
// call starts OpenSSL's TLS part. Its error strings are the sign (OPENSSL_INIT_LOAD_SSL_STRINGS).
TEST_CASE("OpenSSL's TLS part is not started as samplan loads, and starts when asked later") {
    // (Found at run time: the tests link libssl only through libcpp-httplib.)
    const auto reason = reinterpret_cast<decltype(&ERR_reason_error_string)>(::dlsym(RTLD_DEFAULT, "ERR_reason_error_string"));
    const auto init = reinterpret_cast<decltype(&OPENSSL_init_ssl)>(::dlsym(RTLD_DEFAULT, "OPENSSL_init_ssl"));
    REQUIRE(static_cast<bool>(reason));
    REQUIRE(static_cast<bool>(init));
    const unsigned long kCode = ERR_PACK(ERR_LIB_SSL, 0, SSL_R_UNSUPPORTED_PROTOCOL);
    CHECK(reason(kCode) == nullptr);
    CHECK(init(OPENSSL_INIT_LOAD_SSL_STRINGS, nullptr) == 1);
    REQUIRE(reason(kCode) != nullptr);
    CHECK(std::string_view(reason(kCode)) == "unsupported protocol");
}
