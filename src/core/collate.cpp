#include "core/collate.h"

#include <unicode/coll.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <memory>

namespace samplan {

std::vector<std::string> collation_keys(const std::vector<std::string>& texts, const std::string& language) {
    std::vector<std::string> keys;
    keys.reserve(texts.size());
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Collator> collator(
        icu::Collator::createInstance(icu::Locale(language == "en" ? "en" : "sv"), status));
    if (U_FAILURE(status) || !collator) {
        keys = texts;  // byte order is a usable fallback
        return keys;
    }
    std::vector<uint8_t> buffer(256);
    for (const auto& text : texts) {
        const icu::UnicodeString u = icu::UnicodeString::fromUTF8(text);
        int32_t n = collator->getSortKey(u, buffer.data(), static_cast<int32_t>(buffer.size()));
        if (n > static_cast<int32_t>(buffer.size())) {
            buffer.resize(static_cast<size_t>(n));
            n = collator->getSortKey(u, buffer.data(), n);
        }
        keys.emplace_back(reinterpret_cast<const char*>(buffer.data()), static_cast<size_t>(n));
    }
    return keys;
}

}  // namespace samplan
