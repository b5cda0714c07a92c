// libFuzzer target: the input as every kind of record, through the model and the checks.
#include <cstddef>
#include <cstdint>
#include <string>

#include "check/check.h"
#include "content/content.h"
#include "model/build.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    samplan::content::MemorySource source({
        {"site.toml", text},
        {"regional/plan.toml", text},
        {"processes/p.toml", text},
        {"pages/p.md", text},
        {"groups/g/group.toml", text},
        {"groups/g/evaluations/e.md", text},
        {"groups/g/plans/p/plan.toml", text},
        {"groups/g/plans/p/activities/a.md", text},
    });
    samplan::Diagnostics diagnostics;
    const auto records = samplan::content::load_records(source, diagnostics);
    const auto site = samplan::model::build_model(records, diagnostics);
    samplan::check::run_checks(site, {samplan::Date{2025, 6, 1}, nullptr}, diagnostics);
    diagnostics.sort();
    return 0;
}
