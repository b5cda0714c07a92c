// libFuzzer target: splitting a .md record and parsing its front matter.
#include <cstddef>
#include <cstdint>
#include <string>

#include "content/content.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    samplan::content::FrontMatter fm;
    samplan::SourcePos pos;
    std::string error;
    samplan::content::split_front_matter(text, fm, pos, error);
    samplan::content::Record record;
    samplan::Diagnostics diagnostics;
    samplan::content::parse_record_text("fuzz.md", text, true, record, diagnostics);
    return 0;
}
