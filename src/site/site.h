// site/site.h — what each page of the public site shows: view models built from the typed model.
// No markup here: templates (render) turn these into HTML. Every link is already relative to
// the page it appears on, so the output works from any sub-path or from disk.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/diagnostics.h"
#include "history/history.h"
#include "history/versions.h"
#include "model/model.h"
#include "site/data.h"

namespace samplan::site {

// The theme's UI strings for one language (themes/<name>/i18n/<lang>.toml), flat keys.
class Strings {
public:
    Strings() = default;
    explicit Strings(std::map<std::string, std::string> entries) : entries_(std::move(entries)) {}
    // The string for `key`; the key itself when the theme lacks it (visible, never a crash).
    [[nodiscard]] const std::string& get(const std::string& key) const;
    // The same for a temporary key (a literal, a concatenation): returned by value, since the
    // key it may return does not outlive the call.
    [[nodiscard]] std::string get(std::string&& key) const { return get(static_cast<const std::string&>(key)); }
    [[nodiscard]] Data as_data() const;
    [[nodiscard]] const std::map<std::string, std::string>& entries() const { return entries_; }

private:
    std::map<std::string, std::string> entries_;
};

struct PageView {
    std::string path = {};    // output path, e.g. "groups/uddevalla/index.html"
    std::string layout = {};  // template name, e.g. "group"
    Data data = {};
    // When set, the page's data is made by calling this, on whichever thread renders the page
    // (see resolve()): pages that need nothing else the builder collects are made on every core.
    std::function<Data()> make = {};
    // A digest of everything the page's bytes depend on, for the pages that can tell it without
    // being made (a record's pages: see SiteOptions::unchanged); empty for the others.
    std::string key = {};
    // The previous build wrote this page from the same inputs (same key): it is neither made nor
    // rendered, and its file is kept as it is.
    bool keep = false;
    // Incremental builds: not a page but a folder entry, for a plan's pages (its own page, its
    // activities', their history pages and older versions: site/paths.h). `path` names the
    // folder ("groups/<g>/<p>/") and `key` is a digest of everything those pages are made from.
    // With `keep`, every page the previous build listed under that entry is kept as it is, none
    // of them made or handed on one by one. Without, the entry follows the `folder_pages` pages
    // just handed on, which are the folder's: the next build can keep them by it.
    bool folder = false;
    size_t folder_pages = 0;
};

// Makes the page's data now if it was left to be made later (PageView::make).
void resolve(PageView& page);
// The key of a page that has none of its own (PageView::key), once its data is made: a digest of
// `inputs_key` (SiteOptions::inputs_key: the theme and samplan itself), its layout and its whole
// data, which is all its bytes depend on. A rebuild that finds the same key keeps the page's file
// instead of rendering it again.
std::string data_key(const PageView& page, const std::string& inputs_key);
// Applies `change` to the page's data: now, or as soon as it is made.
void amend(PageView& page, std::function<void(Data&)> change);

struct FileView {
    std::string path;      // e.g. "data/site.json"
    std::string content;
    // Incremental builds, as PageView's: what the file is made from (empty: not keyed), and
    // whether the previous build wrote it from the same (then `content` is empty: the file is kept).
    std::string key = {};
    bool keep = false;
};

struct SiteView {
    std::vector<PageView> pages;
    std::vector<FileView> files;  // open data, feeds and sitemap: not HTML
    // Incremental builds: the activities whose versions came from the differences cache
    // (SiteOptions::differences_cache), and those whose versions were stored in it.
    size_t versions_from_cache = 0;
    size_t versions_stored = 0;
};

// A published version (a git tag), as listed on the versions page.
struct VersionInfo {
    std::string name;
    Date date;
};

// Set when building an archived version: every page then says so and links to the same page
// of the current site when it still exists.
struct ArchiveInfo {
    std::string name;
    Date date;
    std::string prefix;                          // "versions/<name>/"
    const std::vector<std::string>* current_pages = nullptr;  // output paths of the current site, sorted
};

struct SiteOptions {
    Date today;
    std::vector<VersionInfo> versions;  // tags published under versions/
    const ArchiveInfo* archive = nullptr;
    const history::History* history = nullptr;
    const Strings* strings = nullptr;
    std::vector<Diagnostic> warnings;  // the check's warnings, shown on the follow-up pages
    std::vector<std::string> draft_paths;  // records left out as drafts, sorted
    // Versions already read (by the check, check::CheckOptions::versions_read): taken over, not
    // read again.
    history::VersionsRead* versions_read = nullptr;
    // Incremental builds. `inputs_key` is a digest of everything outside the groups' records that
    // a record's pages depend on (the theme, the site's other content files, samplan itself, the
    // options); `unchanged(path, key)` tells whether the previous build wrote the page at `path`
    // with that key (and its file is still as written). Then the page is handed on with `keep`
    // set, and a record all of whose history pages are kept is not read from git again beyond
    // what the change log needs. Unset: every page is made.
    std::string inputs_key;
    std::function<bool(const std::string& path, const std::string& key)> unchanged;
    // Incremental builds: the folder of the differences cache (history/versions_cache.h), where
    // an activity read only for its plan's history page keeps its versions' differences for the
    // next builds. Empty: none.
    std::string differences_cache;
    // The pages the previous build listed under the folder entry `folder` (PageView::folder), in
    // the order they were handed on; asked for only when the site has a sitemap (which lists every
    // page).
    std::function<std::vector<std::string>(const std::string& folder)> folder_pages;
    // Incremental builds: the groups whose pages are best made one after another (those that
    // share a part of the search index): the unchanged groups of a changed group's batch are made
    // right after it, and the changed groups before the others (their pages are then written
    // first). Unset: only the changed groups first.
    std::function<std::string(const std::string& group_id)> group_batch;
    // At most this many addresses in one sitemap file (the sitemaps.org protocol's limit). A site
    // with more gets sitemap-1.xml, sitemap-2.xml, … and sitemap.xml lists them (a sitemap index).
    size_t sitemap_limit = 50000;
};

// Receives each page as soon as its view model is complete or left to be made (called on the
// building thread, in page order, except that an incremental build makes the groups whose pages
// change first: SiteOptions::group_batch); it may throw to stop the build.
using PageSink = std::function<void(PageView&&)>;

// Builds every page and hands each to `sink` at once, so that pages can be rendered while the
// rest are still being built and no more than a few are held in memory. Returns the files that
// are not pages (open data, calendars); `SiteView::pages` is empty.
SiteView build_site(const model::Site& site, const SiteOptions& options, const PageSink& sink);
// The same, with every page collected in `SiteView::pages` (for tests and small sites).
SiteView build_site(const model::Site& site, const SiteOptions& options);
// The number of pages build_site hands on (site/families.h): exact but for older versions that
// cannot be read and a sitemap split in parts (one file counted), for the progress bar before the
// pages are made.
size_t page_count(const model::Site& site, const SiteOptions& options);

// A difference between two versions of a record, in the strings' language
// ("Status ändrad från planerad till pågår").
std::string describe_difference(const history::Difference& difference, const Strings& strings);
// `pattern` with {0}, {1}, … replaced by `args`.
std::string fill(const std::string& pattern, const std::vector<std::string>& args);
// A warning in the strings' language, as the site shows it: the theme's "warning_<rule>" with
// {0}, {1}… filled from the warning's values; "" when the theme has none for the rule.
std::string warning_sentence(const Diagnostic& d, const Strings& strings);
// A diagnostic in the strings' language, as the editor shows it at its field: warning_sentence(),
// else the rule's own sentence ("rule_<rule>"), followed by the nearest valid value when the
// diagnostic names one ("did_you_mean"); "" when the theme has neither sentence.
std::string diagnostic_sentence(const Diagnostic& d, const Strings& strings);

// "../../" for "a/b/index.html": the way back to the site root from `page_path`.
std::string root_prefix(const std::string& page_path);

}  // namespace samplan::site
