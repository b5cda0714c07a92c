// site/feeds.cpp — the Atom feed, the sitemap and the groups' calendars (iCalendar).
#include "site/builder.h"

#include <algorithm>

#include "core/text.h"

namespace samplan::site {

std::vector<Builder::Event> Builder::recent_events(size_t limit) const {
    // Every event found, in the records' order, as a date and where it is (no text yet: the
    // page keys ask for the newest on every build); the newest `limit` of them, the earlier
    // found first among those of one date, are made into events.
    struct Found {
        Date date;
        size_t order;
        const char* what;
        const Group* group;
        const Plan* plan;          // null for a meeting
        const Activity* activity;  // null for a meeting or a plan's event
    };
    std::vector<Found> found;
    auto note = [&](const Date& date, const char* what, const Group& g, const Plan* p, const Activity* a) {
        if (date <= options_.today) found.push_back({date, found.size(), what, &g, p, a});
    };
    for (const auto& g : site_.groups) {
        for (const auto& m : g.meetings) note(m.date, "event_meeting", g, nullptr, nullptr);
        for (const auto& p : g.plans) {
            if (p.decided) note(*p.decided, "event_plan_decided", g, &p, nullptr);
            for (const auto& r : p.revised) note(r, "event_plan_revised", g, &p, nullptr);
            for (const auto& a : p.activities) {
                for (const auto& r : a.reports) note(r.date, "event_report", g, &p, &a);
                if (a.final_report && a.final_report->date) note(*a.final_report->date, "event_final_report", g, &p, &a);
            }
        }
    }
    const size_t n = std::min(limit, found.size());
    std::partial_sort(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(n), found.end(), [](const Found& a, const Found& b) {
        return a.date != b.date ? a.date > b.date : a.order < b.order;
    });
    std::vector<Event> events;
    events.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const Found& f = found[i];
        const Group& g = *f.group;
        if (!f.plan) events.push_back({f.date, f.what, g.name, g.name, group_path(g.id)});
        else if (!f.activity) events.push_back({f.date, f.what, f.plan->title, g.name, plan_path(g.id, f.plan->id)});
        else events.push_back({f.date, f.what, f.activity->title, g.name, activity_path(g.id, f.plan->id, f.activity->id)});
    }
    return events;
}

void Builder::add_events(Digest& d, size_t limit) const {
    const auto events = recent_events(limit);
    d.add_word(events.size());
    for (const auto& e : events) {
        d.add_word(static_cast<std::uint64_t>(e.date.days_since_epoch()));
        for (const std::string* text : {&e.what, &e.title, &e.group, &e.path}) d.add_words(*text);
    }
}

Data Builder::event_data(const std::string& from, const Event& e) const {
    return Data::map({{"date", e.date.iso()},
                      {"what", s_.get(e.what)},
                      {"title", e.title},
                      {"group", e.group},
                      {"href", href(from, e.path)}});
}

// The Atom feed of recent events, and a sitemap when the site knows its address.
void Builder::add_feed_and_sitemap(std::string_view pages) {
    std::string base = site_.settings.base_url;
    if (!base.empty() && base.back() != '/') base += '/';
    std::string feed_key = page_key(feed_path(), [this](Digest& d) {  // the rest is the site inputs and --today
        add_events(d, kFeedEvents);
        return true;
    });
    if (!keep_if_unchanged(feed_path(), feed_key))
        add_later(feed_path(), "feed", [base](const Builder& b) { return b.feed_data(base); }, std::move(feed_key));
    if (base.empty()) return;  // a sitemap needs absolute addresses
    // One sitemap while the addresses fit in one; else sitemaps of at most the limit each, and
    // sitemap.xml the index of them.
    const size_t limit = std::max<size_t>(1, options_.sitemap_limit);
    const auto urls = static_cast<size_t>(std::count(pages.begin(), pages.end(), '\n'));
    const size_t parts = urls <= limit ? 0 : (urls + limit - 1) / limit;
    // Keyed by what they list: the site inputs (base_url), the limit and the pages, in order.
    std::string key;
    if (incremental()) {
        Digest d;
        d.add_words("sitemap 1");
        d.add_words(options_.inputs_key);
        d.add_word(limit);
        d.add_words(pages);
        key = d.hex();
    }
    auto key_of = [&key](const std::string& path) {
        if (key.empty()) return std::string();
        Digest d;
        d.add_words(key);
        d.add_words(path);
        return d.hex();
    };
    // Kept only when every file is (they are made together).
    bool all_kept = !key.empty() && options_.unchanged(sitemap_path(), key_of(sitemap_path()));
    for (size_t n = 1; all_kept && n <= parts; ++n) all_kept = options_.unchanged(sitemap_part_path(n), key_of(sitemap_part_path(n)));
    if (all_kept) {
        for (size_t n = 1; n <= parts; ++n) keep(sitemap_part_path(n), key_of(sitemap_part_path(n)));
        keep(sitemap_path(), key_of(sitemap_path()));
        return;
    }
    std::vector<Data> lists;
    Data list = Data::list();
    size_t in_part = 0;
    for (size_t at = 0, end; (end = pages.find('\n', at)) != std::string_view::npos; at = end + 1) {
        if (in_part == limit) {
            lists.push_back(std::move(list));
            list = Data::list();
            in_part = 0;
        }
        list.push(Data::map({{"loc", page_url(base, std::string(pages.substr(at, end - at)))}}));
        ++in_part;
    }
    if (lists.empty()) {
        add(sitemap_path(), "sitemap", Data::map({{"urls", std::move(list)}}), key_of(sitemap_path()));
        return;
    }
    lists.push_back(std::move(list));
    Data sitemaps = Data::list();
    for (size_t n = 1; n <= lists.size(); ++n) {
        add(sitemap_part_path(n), "sitemap", Data::map({{"urls", std::move(lists[n - 1])}}), key_of(sitemap_part_path(n)));
        sitemaps.push(Data::map({{"loc", base + sitemap_part_path(n)}}));
    }
    add(sitemap_path(), "sitemap_index", Data::map({{"sitemaps", std::move(sitemaps)}}), key_of(sitemap_path()));
}

Data Builder::feed_data(const std::string& base) const {
    Data feed = Data::map({{"title", site_.settings.title + " – " + s_.get("feed_name")},
                           {"id", base.empty() ? std::string("urn:samplan:feed") : base},
                           {"self", base + feed_path()},
                           {"home", base.empty() ? home_path() : base},
                           {"author", site_.settings.organisation.empty() ? site_.settings.title : site_.settings.organisation},
                           {"updated", options_.today.iso() + "T00:00:00Z"}});
    Data entries = Data::list();
    for (const auto& e : recent_events(kFeedEvents)) {
        const std::string link = base.empty() ? e.path : page_url(base, e.path);
        entries.push(Data::map({{"title", s_.get(e.what) + ": " + e.title},
                                {"link", link},
                                {"id", (base.empty() ? "urn:samplan:" : base) + e.path + "#" + e.what + "-" + e.date.iso()},
                                {"updated", e.date.iso() + "T00:00:00Z"},
                                {"summary", e.group + ", " + e.date.iso()}}));
    }
    feed.set("entries", std::move(entries));
    return feed;
}

// iCalendar text: escape , ; \ and newlines, fold lines at 75 octets (RFC 5545). TEXT allows
// no control character but tab: the others, and what no published format allows, become U+FFFD.
std::string Builder::ics_text(const std::string& s) {
    std::string out;
    for (const char c : publishable(s)) {
        if (c == '\\' || c == ';' || c == ',') { out += '\\'; out += c; }
        else if (c == '\n') out += "\\n";
        else if (c != '\r') out += c;
    }
    return out;
}

void Builder::ics_line(std::string& out, const std::string& line) {
    size_t start = 0, width = 75;
    while (line.size() - start > width) {
        size_t cut = start + width;
        while (cut > start && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;  // whole UTF-8 sequences
        out += line.substr(start, cut - start) + "\r\n ";
        start = cut;
        width = 74;
    }
    out += line.substr(start) + "\r\n";
}

std::string Builder::ics_date(const Date& d) {
    std::string s = d.iso();
    s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
    return s;
}

std::string Builder::calendar_key(const Group& g) const {
    if (!incremental()) return {};
    Digest d;
    d.add_words("calendar 1");
    d.add_words(options_.inputs_key);
    d.add_words(options_.today.iso());  // DTSTAMP
    d.add_words(g.id);
    d.add_words(g.name);
    for (const auto& p : g.plans) {
        const PlanKeys* keys = plan_keys_of(p);
        if (!keys || keys->page.empty()) return {};
        d.add_words(p.id);
        d.add_words(keys->page);
    }
    return d.hex();
}

std::string Builder::calendar(const Group& g) const {
    std::string out;
    ics_line(out, "BEGIN:VCALENDAR");
    ics_line(out, "VERSION:2.0");
    ics_line(out, "PRODID:-//samplan//" + ics_text(site_.settings.title) + "//SV");
    ics_line(out, "CALSCALE:GREGORIAN");
    ics_line(out, "X-WR-CALNAME:" + ics_text(g.name));
    const std::string stamp = ics_date(options_.today) + "T000000Z";
    // Each event links to its activity's page by its full address. Without a base_url there is
    // none: a calendar program has the events without the file they came from, so a relative
    // address would lead nowhere (and RFC 5545 wants a URI); the build says so (build_site.cpp).
    std::string base_url = site_.settings.base_url;
    if (!base_url.empty() && base_url.back() != '/') base_url += '/';
    std::string url;
    auto event = [&](const std::string& uid, const Date& start, const Date& end_inclusive, const std::string& summary) {
        ics_line(out, "BEGIN:VEVENT");
        ics_line(out, "UID:" + uid + "@samplan");
        ics_line(out, "DTSTAMP:" + stamp);
        ics_line(out, "DTSTART;VALUE=DATE:" + ics_date(start));
        ics_line(out, "DTEND;VALUE=DATE:" + ics_date(Date::from_days_since_epoch(end_inclusive.days_since_epoch() + 1)));
        ics_line(out, "SUMMARY:" + ics_text(summary));
        if (!url.empty()) ics_line(out, "URL:" + url);
        ics_line(out, "END:VEVENT");
    };
    const int per_year = site_.settings.rules.reports_per_year;
    for (const auto& p : g.plans)
        for (const auto& a : p.activities) {
            const std::string base = g.id + "-" + p.id + "-" + a.id;
            url = base_url.empty() ? std::string() : base_url + activity_path(g.id, p.id, a.id);
            if (a.start && a.end) event(base, *a.start, *a.end, a.title);
            int n = 0;
            for (const auto& sg : a.subgoals) {
                ++n;
                if (sg.due) event(base + "-subgoal-" + std::to_string(n), *sg.due, *sg.due, s_.get("subgoal") + ": " + sg.title);
            }
            // Expected progress reports: every 12 / reports_per_year months from the start.
            if (a.start && a.end && (a.status == ActivityStatus::Ongoing || a.status == ActivityStatus::Planned)) {
                for (int k = 1; k <= 60; ++k) {
                    const Date due = a.start->add_months(k * 12 / per_year);
                    if (due > *a.end) break;
                    event(base + "-report-" + std::to_string(k), due, due, s_.get("report") + ": " + a.title);
                }
            }
        }
    ics_line(out, "END:VCALENDAR");
    return out;
}

}  // namespace samplan::site
