// site/families.h — the page families: every kind of page the site has, in the order their pages
// are handed on, each with the number of pages it writes (the progress bar's total, see
// page_count in site.h). A new kind of page goes into a family here, with its count.
#pragma once

#include <cstddef>
#include <vector>

#include "model/model.h"
#include "site/site.h"

namespace samplan::site {

class Builder;
struct Handoff;

struct PageFamily {
    const char* name;
    // The pages the family writes for `site` with `options`. An older version of a record counts
    // one page per earlier revision of its file, though one that cannot be read has none.
    size_t (*count)(const model::Site& site, const SiteOptions& options);
    // Makes the family's pages. What a family hands to those after it (the change log)
    // goes through `handoff`, so their order here is the order that matters:
    // "changes" after every family with history pages, "follow-up" after "groups", "feeds"
    // (whose sitemap lists every page handed on before it) last.
    void (Builder::*add)(Handoff& handoff);
};

// Every family, in the order the site is built.
const std::vector<PageFamily>& page_families();

}  // namespace samplan::site
