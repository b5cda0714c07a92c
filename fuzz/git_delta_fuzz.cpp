// libFuzzer target: git deltas as samplan's own pack reader applies them (history/packs.h). The
// input is a base (its length in the first two bytes) followed by a delta; whatever the bytes,
// applying it must either be refused or give exactly the size the delta names, and never read
// or write outside the base and the result.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "history/packs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 2) return 0;
    const size_t base_size = std::min<size_t>(static_cast<size_t>(data[0]) << 8 | data[1], size - 2);
    const std::string base(reinterpret_cast<const char*>(data + 2), base_size);
    const uint8_t* delta = data + 2 + base_size;
    const size_t delta_size = size - 2 - base_size;
    const auto result = samplan::history::apply_git_delta(base, delta, delta_size);
    if (!result) return 0;
    // The target size is the delta's second varint: a result of another size is a bug.
    size_t i = 0;
    for (int n = 0; n < 2; ++n) {
        uint64_t v = 0;
        int shift = 0;
        uint8_t c = 0;
        do {
            c = delta[i++];
            v |= static_cast<uint64_t>(c & 0x7f) << shift;
            shift += 7;
        } while (c & 0x80);
        if (n == 1 && v != result->size()) std::abort();
    }
    return 0;
}
