// libFuzzer target: the fast TOML reader against toml++. Whatever the fast reader reads must be
// TOML that toml++ reads to the identical Value (values, key order, source positions).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "content/toml_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto fast = samplan::content::parse_toml_fast(text, 0);
    if (!fast) return 0;
    samplan::content::TomlError error;
    const auto reference = samplan::content::parse_toml_reference(text, 0, error);
    if (!reference) {
        std::fprintf(stderr, "fast reader read what toml++ refuses: %s\n", error.message.c_str());
        std::abort();
    }
    if (const std::string d = samplan::content::first_difference(*fast, *reference); !d.empty()) {
        std::fprintf(stderr, "fast reader and toml++ differ: %s\n", d.c_str());
        std::abort();
    }
    return 0;
}
