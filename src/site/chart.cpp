#include "site/chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace samplan::site {

namespace {

// The viewBox is as wide as the narrowest phone's column, so that text is at its designed size
// there and grows with the chart on wider screens (the theme caps the chart's width).
constexpr double kWidth = 320;
constexpr double kFont = 13;
constexpr double kLineHeight = 15;
constexpr double kPlotHeight = 150;

std::string num(double v) {
    if (std::fabs(v) < 0.05) v = 0;  // never "-0"
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", v);
    std::string s = buf;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
}

std::string default_number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    std::string s = buf;
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
}

std::string format(const ChartWords& words, double v) { return words.number ? words.number(v) : default_number(v); }

const char* kind_name(PointKind k) {
    switch (k) {
        case PointKind::Baseline: return "baseline";
        case PointKind::Value: return "value";
        case PointKind::Target: return "target";
    }
    return "value";
}

const std::string& kind_word(PointKind k, const ChartWords& words) {
    switch (k) {
        case PointKind::Baseline: return words.baseline;
        case PointKind::Target: return words.target;
        case PointKind::Value: break;
    }
    return words.value;
}

std::string marker_shape(PointKind k, double x, double y) {
    switch (k) {
        case PointKind::Baseline:  // a square
            return "M" + num(x - 4.5) + " " + num(y - 4.5) + "h9v9h-9Z";
        case PointKind::Target:  // a diamond
            return "M" + num(x) + " " + num(y - 6) + "l6 6-6 6-6-6Z";
        case PointKind::Value: break;
    }
    return "M" + num(x - 4.5) + " " + num(y) + "a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0-9 0Z";  // a circle
}

// Where a text's box lies, from its anchor and estimated width.
struct Box {
    double x0, y0, x1, y1;
    [[nodiscard]] bool overlaps(const Box& o) const { return x0 < o.x1 && o.x0 < x1 && y0 < o.y1 && o.y0 < y1; }
};

Box text_box(const ChartText& t, double font_size) {
    const double w = text_width(t.text, font_size);
    const double x0 = t.anchor == "start" ? t.x : t.anchor == "end" ? t.x - w : t.x - w / 2;
    return {x0, t.y - 0.8 * font_size, x0 + w, t.y + 0.25 * font_size};
}

// Moves a text sideways so that its box lies within [lo, hi].
void keep_inside(ChartText& t, double lo, double hi, double font_size) {
    const Box b = text_box(t, font_size);
    double shift = 0;
    if (b.x1 > hi) shift = hi - b.x1;
    if (b.x0 + shift < lo) shift = lo - b.x0;
    t.x += shift;
}

Date first_of_month(const Date& d) { return {d.year, d.month, 1}; }

// A time axis from `from` to `to` (days since the epoch) between x = left and x = right.
struct TimeAxis {
    long from = 0, to = 1;
    double left = 0, right = 1;
    [[nodiscard]] double x(long day) const {
        return left + (right - left) * static_cast<double>(day - from) / static_cast<double>(to - from);
    }
    [[nodiscard]] double x(const Date& d) const { return x(d.days_since_epoch()); }
};

// Chooses the axis's span (whole years, or whole months for spans under a year and a half) and
// adds its grid lines (from grid_top to grid_bottom) and labels (first row at label_y; in months,
// the years in a second row). Returns the axis and the baseline of its last row of labels.
std::pair<TimeAxis, double> time_axis(Date first, Date last, bool yearly, double left, double right, double grid_top,
                                      double grid_bottom, const ChartWords& words, std::vector<ChartLine>& lines,
                                      std::vector<ChartText>& texts) {
    TimeAxis axis;
    axis.left = left;
    axis.right = right;
    const long span = last.days_since_epoch() - first.days_since_epoch();
    double last_row = grid_bottom + kLineHeight;
    if (yearly || span >= 540) {
        const Date from{first.year, 1, 1}, to{last.year + 1, 1, 1};
        axis.from = from.days_since_epoch();
        axis.to = to.days_since_epoch();
        const int years = last.year - first.year + 1;
        const double band = (right - left) / years;
        int step = 1;
        while (band * step < text_width("0000", kFont) + 8) ++step;
        for (int y = first.year; y <= last.year + 1; ++y) {
            const double x = axis.x(Date{y, 1, 1});
            lines.push_back({x, grid_top, x, grid_bottom, "grid"});
            if (y <= last.year && (y - first.year) % step == 0) {
                ChartText t{(x + axis.x(Date{y + 1, 1, 1})) / 2, grid_bottom + kLineHeight, std::to_string(y), "middle", "tick"};
                keep_inside(t, 1, kWidth - 1, kFont);
                texts.push_back(std::move(t));
            }
        }
    } else {
        const Date from = first_of_month(first), to = first_of_month(last).add_months(1);
        axis.from = from.days_since_epoch();
        axis.to = to.days_since_epoch();
        const int months = from.months_until(to);
        const double band = (right - left) / months;
        double widest = 0;
        for (const auto& m : words.months) widest = std::max(widest, text_width(m, kFont));
        int step = 1;
        for (int s : {1, 2, 3, 6, 12}) {
            step = s;
            if (band * s >= widest + 6) break;
        }
        double year_end = -std::numeric_limits<double>::infinity();
        for (int i = 0; i <= months; ++i) {
            const Date d = from.add_months(i);
            const double x = axis.x(d);
            if ((d.month - 1) % step == 0 || i == 0 || i == months)
                lines.push_back({x, grid_top, x, grid_bottom, "grid"});
            if (i == months) break;
            if ((d.month - 1) % step == 0) {
                ChartText t{(x + axis.x(d.add_months(1))) / 2, grid_bottom + kLineHeight,
                            words.months[static_cast<size_t>(d.month - 1)], "middle", "tick"};
                keep_inside(t, 1, kWidth - 1, kFont);
                texts.push_back(std::move(t));
            }
            if (i == 0 || d.month == 1) {  // the year, under its first month
                ChartText t{x, grid_bottom + 2 * kLineHeight, std::to_string(d.year), "start", "tick"};
                keep_inside(t, 1, kWidth - 1, kFont);
                const Box b = text_box(t, kFont);
                if (b.x0 >= year_end + 4) {
                    year_end = b.x1;
                    texts.push_back(std::move(t));
                }
            }
        }
        last_row = grid_bottom + 2 * kLineHeight;
    }
    return {axis, last_row};
}

// The round number ("nice number": 1, 2 or 5 times a power of ten) nearest to x.
double nice(double x) {
    const double e = std::floor(std::log10(x));
    const double f = x / std::pow(10.0, e);
    return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * std::pow(10.0, e);
}

// The width in ems of the character at `i` of `text` (its byte length in `len`).
double char_em(const std::string& text, size_t i, size_t& len) {
    const auto c = static_cast<unsigned char>(text[i]);
    len = std::min(text.size() - i, c < 0x80 ? size_t{1} : (c >> 5) == 0x6 ? size_t{2} : (c >> 4) == 0xE ? size_t{3} : size_t{4});
    if (len == 1) {
        if (c == ' ') return 0.34;
        if (std::string_view("iljtfrI!.,:;'|()[]-").find(static_cast<char>(c)) != std::string_view::npos) return 0.44;
        if (c == 'm' || c == 'w' || c == 'M' || c == 'W') return 1.0;
        if (c >= 'A' && c <= 'Z') return 0.78;
        return 0.66;
    }
    if (text.compare(i, len, "\u00a0") == 0 || text.compare(i, len, "\u2009") == 0) return 0.34;
    return 0.8;
}

std::vector<std::string> wrap(const std::string& text, double width, double font_size) {
    std::vector<std::string> lines;
    std::string line;
    size_t i = 0;
    while (i < text.size()) {
        size_t j = text.find(' ', i);
        if (j == std::string::npos) j = text.size();
        std::string word = text.substr(i, j - i);
        i = j + 1;
        const std::string joined = line.empty() ? word : line + " " + word;
        if (text_width(joined, font_size) <= width) {
            line = joined;
            continue;
        }
        if (!line.empty()) lines.push_back(line);
        line.clear();
        // A word wider than the line is broken between characters (not inside a UTF-8 sequence):
        // as many as fit on each line, at least one; in one pass, whatever the word's length.
        size_t start = 0;
        double w = 0;
        for (size_t at = 0, len = 0; at < word.size(); at += len) {
            const double cw = char_em(word, at, len) * font_size;
            if (at > start && w + cw > width) {
                lines.push_back(word.substr(start, at - start));
                start = at;
                w = 0;
            }
            w += cw;
        }
        line = word.substr(start);
    }
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
}

Data text_data(const ChartText& t) {
    return Data::map({{"x", num(t.x)}, {"y", num(t.y)}, {"text", t.text}, {"anchor", t.anchor}, {"kind", t.kind}});
}

Data lines_data(const std::vector<ChartLine>& lines) {
    Data list = Data::list();
    for (const auto& l : lines)
        list.push(Data::map({{"x1", num(l.x1)}, {"y1", num(l.y1)}, {"x2", num(l.x2)}, {"y2", num(l.y2)}, {"kind", l.kind}}));
    return list;
}

Data texts_data(const std::vector<ChartText>& texts) {
    Data list = Data::list();
    for (const auto& t : texts) list.push(text_data(t));
    return list;
}

}  // namespace

std::array<std::string, 12> chart_months(const std::string& comma_separated) {
    std::array<std::string, 12> months = ChartWords{}.months;
    std::vector<std::string> parts;
    size_t i = 0;
    while (i <= comma_separated.size()) {
        size_t j = comma_separated.find(',', i);
        if (j == std::string::npos) j = comma_separated.size();
        std::string part = comma_separated.substr(i, j - i);
        while (!part.empty() && part.front() == ' ') part.erase(part.begin());
        while (!part.empty() && part.back() == ' ') part.pop_back();
        parts.push_back(part);
        i = j + 1;
    }
    if (parts.size() == 12) std::copy(parts.begin(), parts.end(), months.begin());
    return months;
}

double text_width(const std::string& text, double font_size) {
    double em = 0;
    for (size_t i = 0, len = 0; i < text.size(); i += len) em += char_em(text, i, len);
    return em * font_size;
}

IndicatorChart indicator_chart(std::vector<ChartPoint> points, const ChartWords& words, bool yearly) {
    IndicatorChart c;
    c.width = kWidth;
    c.font_size = kFont;
    std::stable_sort(points.begin(), points.end(), [](const ChartPoint& a, const ChartPoint& b) {
        if (a.date != b.date) return a.date < b.date;
        return static_cast<int>(a.kind) < static_cast<int>(b.kind);
    });
    if (points.empty()) return c;

    // The value axis: round ticks over every figure, from zero when the figures are near it.
    double lo = points.front().value, hi = lo;
    for (const auto& p : points) {
        lo = std::min(lo, p.value);
        hi = std::max(hi, p.value);
    }
    if (lo >= 0 && lo <= hi * 0.5) lo = 0;
    if (hi <= 0 && hi >= lo * 0.5) hi = 0;
    if (hi - lo < 1e-9) {
        const double pad = std::max(1.0, std::fabs(hi) * 0.1);
        lo -= lo >= 0 && lo - pad < 0 ? lo : pad;
        hi += pad;
    }
    const double step = nice((hi - lo) / 4);
    const double tick_lo = std::floor(lo / step + 1e-9) * step, tick_hi = std::ceil(hi / step - 1e-9) * step;
    std::vector<std::pair<double, std::string>> value_ticks;
    double widest = 0;
    for (double v = tick_lo; v <= tick_hi + step * 1e-6; v += step) {
        const double rounded = std::round(v / step) * step;
        value_ticks.emplace_back(rounded, format(words, rounded));
        widest = std::max(widest, text_width(value_ticks.back().second, kFont));
    }
    c.left = std::max(24.0, std::ceil(widest) + 9);
    c.right = kWidth - 10;
    c.top = 28;
    c.bottom = c.top + kPlotHeight;
    const auto y_of = [&](double v) { return c.bottom - (v - tick_lo) / (tick_hi - tick_lo) * kPlotHeight; };
    for (const auto& [v, label] : value_ticks) {
        const double y = y_of(v);
        c.lines.push_back({c.left, y, c.right, y, "grid"});
        c.ticks.push_back({c.left - 5, y + 4, label, "end", "tick"});
    }

    // The time axis.
    // The first and last points keep a marker's width from the value axis and the edge.
    const auto [axis, last_row] = time_axis(points.front().date, points.back().date, yearly, c.left + 8, c.right - 8, c.top,
                                            c.bottom, words, c.lines, c.ticks);
    c.lines.push_back({c.left, c.bottom, c.right, c.bottom, "axis"});
    c.lines.push_back({c.left, c.top, c.left, c.bottom, "axis"});

    // The points, their lines and their labels.
    std::vector<Box> taken;
    std::string value_path, target_path;
    int value_count = 0, target_count = 0;
    const ChartPoint* start = nullptr;
    for (const auto& p : points)
        if (p.kind == PointKind::Baseline) start = &p;
    if (!start)
        for (const auto& p : points)
            if (p.kind == PointKind::Value) {
                start = &p;
                break;
            }
    for (const auto& p : points) {
        ChartMarker m;
        m.kind = p.kind;
        m.x = axis.x(p.date);
        m.y = y_of(p.value);
        m.shape = marker_shape(p.kind, m.x, m.y);
        m.when = p.when;
        m.value = format(words, p.value);
        taken.push_back({m.x - 6, m.y - 6, m.x + 6, m.y + 6});
        if (p.kind != PointKind::Target) {
            value_path += (value_path.empty() ? "M" : "L") + num(m.x) + " " + num(m.y);
            ++value_count;
        }
        if (&p == start) target_path = "M" + num(m.x) + " " + num(m.y);
        c.markers.push_back(std::move(m));
    }
    if (start) {
        const double sx = axis.x(start->date);
        for (auto& m : c.markers)
            if (m.kind == PointKind::Target && m.x >= sx) {
                target_path += "L" + num(m.x) + " " + num(m.y);
                ++target_count;
            }
    }
    c.value_path = value_count >= 2 ? value_path : "";
    c.target_path = target_count >= 1 ? target_path : "";
    // Each value above its marker, else below, else further up or down: the first place that
    // overlaps no marker and no label placed before it and stays inside the plot's height.
    for (auto& m : c.markers) {
        const double offsets[] = {-11, 18, -11 - kLineHeight, 18 + kLineHeight, -11 - 2 * kLineHeight};
        ChartText best{m.x, m.y - 11, m.value, "middle", "value"};
        keep_inside(best, c.left + 1, kWidth - 1, kFont);
        for (double dy : offsets) {
            ChartText t{m.x, m.y + dy, m.value, "middle", "value"};
            keep_inside(t, c.left + 1, kWidth - 1, kFont);
            const Box b = text_box(t, kFont);
            if (b.y0 < 1 || b.y1 > c.bottom - 1) continue;
            const Box padded{b.x0 - 1, b.y0 - 1, b.x1 + 1, b.y1 + 1};
            if (std::none_of(taken.begin(), taken.end(), [&](const Box& o) { return o.overlaps(padded); })) {
                best = t;
                break;
            }
        }
        taken.push_back(text_box(best, kFont));
        m.label = std::move(best);
    }

    // The legend, in words, wrapped to the width.
    struct Entry { const char* kind; const std::string* text; };
    std::vector<Entry> entries;
    bool has[3] = {false, false, false};
    for (const auto& p : points) has[static_cast<int>(p.kind)] = true;
    if (has[0]) entries.push_back({"baseline", &words.baseline});
    if (has[1]) entries.push_back({"value", &words.value});
    if (has[2]) entries.push_back({"target", &words.target});
    if (!c.target_path.empty()) entries.push_back({"path", &words.target_path});
    double x = 2, row = last_row + 20;
    for (const auto& e : entries) {
        const double w = 24 + text_width(*e.text, kFont);
        if (x > 2 && x + w > kWidth - 2) {
            x = 2;
            row += 19;
        }
        const double cx = x + 10;
        const std::string kind = e.kind;
        if (kind == "path") {
            c.legend_shapes.push_back({"path", "M" + num(x) + " " + num(row) + "h20"});
        } else {
            if (kind == "value") c.legend_shapes.push_back({"line", "M" + num(x) + " " + num(row) + "h20"});
            const PointKind k = kind == "baseline" ? PointKind::Baseline : kind == "target" ? PointKind::Target : PointKind::Value;
            c.legend_shapes.push_back({kind, marker_shape(k, cx, row)});
        }
        c.legend_texts.push_back({x + 24, row + 4, *e.text, "start", "legend"});
        x += w + 14;
    }
    c.height = std::ceil(row + 12);

    // The same figures in words.
    std::string summary;
    for (PointKind k : {PointKind::Baseline, PointKind::Value, PointKind::Target}) {
        std::string part;
        for (const auto& m : c.markers)
            if (m.kind == k) part += (part.empty() ? "" : ", ") + m.value + " (" + m.when + ")";
        if (!part.empty()) summary += (summary.empty() ? "" : ". ") + kind_word(k, words) + ": " + part;
    }
    c.summary = summary.empty() ? summary : summary + ".";
    return c;
}

Timeline plan_timeline(const std::vector<TimelineActivity>& activities, Date from, Date to, std::optional<Date> today,
                       const ChartWords& words) {
    Timeline t;
    t.width = kWidth;
    t.font_size = kFont;
    std::vector<const TimelineActivity*> rows;
    for (const auto& a : activities)
        if (a.start.valid() && a.end.valid()) rows.push_back(&a);
    std::stable_sort(rows.begin(), rows.end(), [](const TimelineActivity* a, const TimelineActivity* b) {
        if (a->start != b->start) return a->start < b->start;
        return a->end < b->end;
    });
    if (rows.empty() || to < from) return t;
    const double left = 4, right = kWidth - 4;
    const bool show_today = today && *today >= from && *today <= to;
    double y = show_today ? 20 : 4;
    const double top = y;
    // Rows first: the axis's labels go below them.
    for (const auto* a : rows) {
        TimelineRow r;
        r.name = a->title;
        r.status = a->status;
        r.status_class = a->status_class;
        r.period = a->period;
        for (const auto& line : wrap(a->title + " (" + a->status + ")", right - left, kFont)) {
            y += kLineHeight;
            r.title.push_back({left, y - 3, line, "start", "title"});
        }
        r.y = y + 2;
        r.height = 12;
        y = r.y + r.height + 10;
        t.rows.push_back(std::move(r));
    }
    const double rows_bottom = y;
    const auto [axis, last_row] = time_axis(from, to, false, left, right, top, rows_bottom, words, t.lines, t.ticks);
    t.lines.push_back({left, rows_bottom, right, rows_bottom, "axis"});
    for (size_t i = 0; i < rows.size(); ++i) {
        auto& r = t.rows[i];
        r.x = axis.x(rows[i]->start);
        r.width = std::max(2.0, axis.x(rows[i]->end.days_since_epoch() + 1) - r.x);
    }
    if (show_today) {
        const double x = axis.x(*today);
        t.lines.push_back({x, top - 4, x, rows_bottom, "today"});
        ChartText label{x, 13, words.today, "middle", "today"};
        keep_inside(label, 1, kWidth - 1, kFont);
        t.ticks.push_back(std::move(label));
    }
    t.height = std::ceil(last_row + 6);
    return t;
}

ProcessDiagram process_diagram(const std::vector<std::string>& step_titles) {
    ProcessDiagram p;
    p.width = kWidth;
    p.font_size = kFont;
    const double left = 2, right = kWidth - 2, r = 14, text_x = left + 2 * r + 16, gap = 20;
    double y = 2;
    int n = 0;
    for (const auto& title : step_titles) {
        ++n;
        ProcessBox b;
        b.x = left;
        b.y = y;
        b.width = right - left;
        const auto lines = wrap(title, right - 6 - text_x, kFont);
        b.height = std::max(2 * r + 12, static_cast<double>(lines.size()) * kLineHeight + 14);
        double ty = y + (b.height - static_cast<double>(lines.size()) * kLineHeight) / 2 + 0.75 * kFont + 1;
        for (const auto& line : lines) {
            b.title.push_back({text_x, ty, line, "start", "step"});
            ty += kLineHeight;
        }
        b.cx = left + 6 + r;
        b.cy = y + b.height / 2;
        b.r = r;
        b.number = {b.cx, b.cy + 0.35 * kFont, std::to_string(n), "middle", "number"};
        if (n > 1) {
            const double x = kWidth / 2, from = y - gap, to = y - 1;
            p.arrows.push_back("M" + num(x) + " " + num(from) + "V" + num(to - 6) + "M" + num(x - 5) + " " + num(to - 7) + "L" +
                               num(x) + " " + num(to) + "L" + num(x + 5) + " " + num(to - 7));
        }
        y += b.height + gap;
        p.steps.push_back(std::move(b));
    }
    p.height = std::ceil(y - gap + 2);
    return p;
}

Data process_diagram_data(const ProcessDiagram& p) {
    Data d = Data::map({{"view_box", "0 0 " + num(p.width) + " " + num(p.height)}, {"font_size", num(p.font_size)}});
    Data steps = Data::list();
    for (const auto& b : p.steps)
        steps.push(Data::map({{"x", num(b.x)},
                              {"y", num(b.y)},
                              {"width", num(b.width)},
                              {"height", num(b.height)},
                              {"cx", num(b.cx)},
                              {"cy", num(b.cy)},
                              {"r", num(b.r)},
                              {"number", text_data(b.number)},
                              {"title_lines", texts_data(b.title)}}));
    d.set("steps", std::move(steps));
    Data arrows = Data::list();
    for (const auto& a : p.arrows) arrows.push(Data::map({{"d", a}}));
    d.set("arrows", std::move(arrows));
    return d;
}

Data chart_data(const IndicatorChart& c, const ChartWords& words) {
    Data d = Data::map({{"view_box", "0 0 " + num(c.width) + " " + num(c.height)},
                        {"font_size", num(c.font_size)},
                        {"lines", lines_data(c.lines)},
                        {"ticks", texts_data(c.ticks)},
                        {"value_path", c.value_path},
                        {"target_path", c.target_path},
                        {"summary", c.summary}});
    Data markers = Data::list();
    for (const auto& m : c.markers)
        markers.push(Data::map({{"kind", kind_name(m.kind)},
                                {"kind_label", kind_word(m.kind, words)},
                                {"shape", m.shape},
                                {"label", text_data(m.label)},
                                {"when", m.when},
                                {"value", m.value}}));
    d.set("markers", std::move(markers));
    Data shapes = Data::list();
    for (const auto& s : c.legend_shapes) shapes.push(Data::map({{"kind", s.kind}, {"d", s.d}}));
    d.set("legend_shapes", std::move(shapes));
    d.set("legend_texts", texts_data(c.legend_texts));
    return d;
}

Data timeline_data(const Timeline& t) {
    Data d = Data::map({{"view_box", "0 0 " + num(t.width) + " " + num(t.height)},
                        {"font_size", num(t.font_size)},
                        {"lines", lines_data(t.lines)},
                        {"ticks", texts_data(t.ticks)}});
    Data rows = Data::list();
    for (const auto& r : t.rows)
        rows.push(Data::map({{"title_lines", texts_data(r.title)},
                             {"x", num(r.x)},
                             {"y", num(r.y)},
                             {"width", num(r.width)},
                             {"height", num(r.height)},
                             {"name", r.name},
                             {"status", r.status},
                             {"status_class", r.status_class},
                             {"period", r.period}}));
    d.set("rows", std::move(rows));
    return d;
}

}  // namespace samplan::site
