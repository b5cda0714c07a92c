// libFuzzer target: the Markdown renderer and its link filter.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "render/markdown.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto html = samplan::render::markdown_to_html(text);
    // Whatever the input, no script element and no javascript: link may come out.
    if (html.find("<script") != std::string::npos || html.find("href=\"javascript:") != std::string::npos) __builtin_trap();
    samplan::render::is_safe_link(text);
    return 0;
}
