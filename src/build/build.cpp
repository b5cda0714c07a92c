#include "build/build.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "build/up_to_date.h"
#include "check/check.h"
#include "content/record_cache.h"
#include "core/files.h"
#include "core/text.h"
#include "model/build.h"
#include "publish/publish.h"

// mimalloc's, when the program links it (CMakeLists.txt).
extern "C" void mi_option_set(int option, long value) __attribute__((weak));

namespace samplan::build {

std::future<history::History> read_history_later(const std::string& content_dir, const std::string& cache_file) {
    return std::async(std::launch::async, [content_dir, cache_file] { return history::read_history(content_dir, cache_file); });
}

namespace {

// The first line of the working-group memo: its format and the program that wrote it (another
// samplan may read the records differently, so its memo is not used).
std::string working_group_memo_header() { return "samplan working-group memo 1 " + program_identity(); }

using CheckChange = check::CheckOptions::WorkingGroupChange;
using WorkingGroupMemo = std::map<std::string, CheckChange>;

// One line per activity: "<key>\t<convener before>\t<convener after>\t<0|1>" (a name with a tab or
// a line break is not kept: it is read again). A file that cannot be read is an empty memo.
// `text`: the file as read, so that a memo that did not change is not written again.
WorkingGroupMemo read_working_group_memo(const std::string& file, std::string& text) {
    WorkingGroupMemo memo;
    std::string error;
    if (read_regular_file(file, static_cast<size_t>(1) << 30, text, error) != FileRead::Ok) text.clear();
    std::string_view rest = text;
    std::string_view line;
    if (!next_line(rest, line) || line != working_group_memo_header()) return memo;
    while (next_line(rest, line)) {
        std::string_view fields[4];
        size_t n = 0;
        size_t from = 0;
        for (size_t tab; n < 4 && (tab = line.find('\t', from)) != std::string_view::npos; from = tab + 1)
            fields[n++] = line.substr(from, tab - from);
        if (n != 3 || line.find('\t', from) != std::string_view::npos) return {};
        fields[3] = line.substr(from);
        if (fields[3] != "0" && fields[3] != "1") return {};
        memo.insert_or_assign(memo.end(), std::string(fields[0]),
                          CheckChange{std::string(fields[1]), std::string(fields[2]), fields[3] == "1"});
    }
    return memo;
}

// Writes the memo, unless the file (`was`, as read) holds it already.
void write_working_group_memo(const std::string& file, const WorkingGroupMemo& memo, const std::string& was) {
    std::string text = working_group_memo_header() + "\n";
    text.reserve(was.size() + 4096);
    for (const auto& [key, change] : memo) {
        if ((change.convener_before + change.convener_after).find_first_of("\t\r\n") != std::string::npos) continue;
        text += key;
        text += '\t';
        text += change.convener_before;
        text += '\t';
        text += change.convener_after;
        text += '\t';
        text += change.principals_changed ? '1' : '0';
        text += '\n';
    }
    if (text != was) replace_file(file, text);
}

}  // namespace

void load_and_check(const content::Source& source, const LoadOptions& options, Loaded& loaded, Timings* timings,
                    std::future<history::History> started) {
    auto stage = [&](const char* name) {
        if (timings) timings->start(name);
    };
    // The history is read from git while the files are loaded (neither needs the other); the
    // "history" stage is the time left to wait for it.
    std::future<history::History> history;
    if (options.history)
        history = started.valid() ? std::move(started) : read_history_later(options.content_dir, options.history_cache);
    stage("load");
    {
        std::optional<content::RecordCache> cache;
        if (!options.records_cache.empty()) cache.emplace(options.records_cache);
        // A rebuild (the last build's records kept): mimalloc keeps freed memory its default
        // 25 ms from here on, not only once the load is done (make_site), so that what the load
        // and the model free (the activities' records as they are read, the other records after
        // the model) is not given back and faulted in again (docs/performance.md, "(twentieth
        // session, pre12)").
        if (mi_option_set && cache && cache->size() > 0) mi_option_set(15, 25);
        content::LoadOptions load_options;
        load_options.cache = cache ? &*cache : nullptr;
        // Each activity is read into the model as soon as its record is loaded, on the thread
        // that loaded it; unless the records are kept, its data and body go there and then (the
        // model holds what the pages need), on the thread whose memory they are.
        model::EarlyActivities early;
        load_options.loaded = [&early, keep = options.keep_records](size_t index, content::Record& record) {
            if (!early.read(index, record) || keep) return;
            record.data = content::Value{};
            std::string().swap(record.body);
        };
        auto records = content::load_records(source, loaded.diagnostics, load_options);
        if (timings && timings->progress())
            timings->progress()->detail(std::to_string(records.size()) + " records" +
                                        (cache && cache->restored() > 0
                                             ? " (" + std::to_string(records.size() - cache->restored()) +
                                                   " read and parsed, the others as the last build parsed them)"
                                             : std::string()));
        if (cache) loaded.restored = cache->restored();
        stage("model");
        loaded.site = model::build_model(records, loaded.diagnostics, &early);
        loaded.records = static_cast<size_t>(
            std::count_if(records.begin(), records.end(), [](const content::Record& r) { return r.readable; }));
        // The model holds what the pages need: the records' memory goes back to the pages while
        // the build goes on.
        if (options.keep_records) loaded.kept = std::move(records);
        else
            loaded.records_freed =
                std::async(std::launch::async, [gone = std::move(records)]() mutable { const auto local = std::move(gone); });
    }
    if (options.history) {
        stage("history");
        loaded.history = history.get();
        for (const auto& d : loaded.history.problems()) loaded.diagnostics.add(d);
    }
    if (options.check) {
        stage("check");
        check::CheckOptions check_options{options.today, options.history ? &loaded.history : nullptr,
                                          options.keep_versions ? &loaded.versions_read : nullptr};
        // What the working-group-*-changed rules found in the last build: only activities with a
        // new version are read for them.
        const std::string memo_file = options.history && !options.history_cache.empty() && loaded.history.available()
                                          ? options.history_cache + ".working-groups"
                                          : std::string();
        WorkingGroupMemo memo;
        std::string memo_was;
        if (!memo_file.empty()) {
            memo = read_working_group_memo(memo_file, memo_was);
            check_options.working_groups = &memo;
        }
        check::run_checks(loaded.site, check_options, loaded.diagnostics);
        if (!memo_file.empty()) write_working_group_memo(memo_file, memo, memo_was);
    }
    loaded.diagnostics.sort();
    if (timings) timings->stop();
}

int make_site(SiteRequest request, const SiteHooks& hooks, BuildReport& report, std::ostream& err) {
    // mimalloc gives the memory of freed pages back to the system only 25 ms after (its
    // decommit_delay, option 15; purge_delay in mimalloc 2.1): a build frees and takes memory at
    // such a rate that much of it was held through the peaks of the walk and of the pages stage
    // (about 10 MiB of a 110 MiB peak on 10,000 commits). Now it is given back at once, for a
    // little more system time (docs/performance.md, "Memory (fourteenth session, mem6)").
    if (mi_option_set) mi_option_set(15, 0);
    BuildSettings& settings = request.settings;
    std::future<history::History> history;
    std::future<std::uint64_t> output_walk;  // the output folder's digest (output_state)
    Inputs inputs;
    const bool stamped = !request.stamp_file.empty();
    // What the up-to-date check's walk saw of the content folder: the load looks at no file again.
    auto snapshot = stamped ? std::make_shared<content::DiskSnapshot>() : nullptr;
    if (stamped) {
        // Nothing to do when nothing that the site is made of changed since the last build.
        report.timings.start("up-to-date check");
        std::error_code ec;
        // Without a stamp the site will be built: the git history, the longest part of reading, is
        // read while the inputs are looked at.
        if (!std::filesystem::exists(request.stamp_file, ec))
            history = read_history_later(settings.content, request.history_cache);
        // The output folder's walk (some 80,000 stats on a long history) is waited for here only
        // when the inputs are the stamp's: otherwise the site is built, and its digest is needed
        // only once the content is loaded and checked, beside which the walk goes on.
        output_walk = std::async(std::launch::async, [&settings] { return output_state(settings.output); });
        inputs = read_inputs(settings.content, themes_folder(settings.themes), settings.output, request.stamp_options, snapshot.get());
        std::string previous;
        if (stamped_inputs(request.stamp_file, inputs) &&
            up_to_date(request.stamp_file, inputs, settings.output_before = output_walk.get(), previous)) {
            // What killed builds left beside the output goes, even when there is nothing to build.
            publish::remove_abandoned_staging(settings.output);
            if (hooks.up_to_date) hooks.up_to_date(previous);
            report.timings.stop();
            report.up_to_date = true;
            return kOk;
        }
    }
    Loaded loaded;
    auto source = content::make_disk_source(settings.content, std::move(snapshot));
    // The parsed records are kept beside the history cache.
    const std::string records_cache =
        request.history_cache.empty()
            ? std::string()
            : (std::filesystem::path(request.history_cache).parent_path() / "records.bin").string();
    // What the page keys will name of the site's files outside groups/, as they are before the
    // load (BuildSettings::site_files_before).
    if (!settings.page_keys_file.empty()) settings.site_files_before = site_files_digest(settings);
    load_and_check(*source,
                   LoadOptions{settings.today, true, true, settings.content, request.history_cache, false, true, records_cache},
                   loaded, &report.timings, std::move(history));
    source.reset();
    // A rebuild (records kept from the last build) makes few pages and frees most of what it
    // takes soon after: given back at once, each freed page costs a madvise and, taken again, a
    // page fault and a cleared page (on 10,000 activities a third of a rebuild's page faults).
    // There mimalloc keeps them its default 25 ms; a full build, whose peak memory matters, gives
    // them back at once (docs/performance.md, "(seventeenth session, rb-in)").
    if (mi_option_set && loaded.restored > 0) mi_option_set(15, 25);
    const std::string diagnostics_text = hooks.checked ? hooks.checked(loaded) : std::string();
    const auto hand_history = [&] {
        if (!hooks.history_read) return;
        loaded.history.release_read_cache();
        hooks.history_read(std::move(loaded.history));
    };
    if (loaded.diagnostics.has_errors()) {
        hand_history();
        return kContentErrors;
    }
    if (!stamped) settings.output_before = output_state(settings.output);
    else if (output_walk.valid()) {
        const auto began = std::chrono::steady_clock::now();
        settings.output_before = output_walk.get();
        report.timings.waited("output walk",
                              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - began).count());
    }
    if (!settings.drafts) settings.draft_paths = model::remove_drafts(loaded.site);
    settings.keep_history = static_cast<bool>(hooks.history_read);
    if (hooks.publishing) hooks.publishing();
    const int rc = publish_site(loaded.site, loaded.history, loaded.diagnostics, settings, report, err, &loaded.versions_read);
    hand_history();
    if (stamped && rc == kOk) {
        // A build whose search failed is not recorded: the next one tries again.
        if (!report.search_failed) write_stamp(request.stamp_file, inputs, report.output_state, diagnostics_text);
        else {
            std::error_code ec;
            std::filesystem::remove(request.stamp_file, ec);
        }
    }
    return rc;
}

}  // namespace samplan::build
