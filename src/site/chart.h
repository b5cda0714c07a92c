// site/chart.h — the geometry of the site's charts (an indicator over time, a plan's timeline),
// computed at build time: every coordinate, tick and label in the units of the SVG's viewBox, so
// that a theme only places what is here. No markup here; the charts scale with the page (the
// template gives the SVG this viewBox and width 100%), and every label is kept inside the viewBox.
#pragma once

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "site/data.h"

namespace samplan::site {

enum class PointKind { Baseline, Value, Target };

// One dated figure of an indicator.
struct ChartPoint {
    Date date;         // its place on the time axis (a yearly figure: 1 July of its year)
    std::string when;  // its date as the page writes it ("2025-06-30", "2024")
    double value = 0;
    PointKind kind = PointKind::Value;
};

// The words and number format a chart is written with (the theme's UI strings).
struct ChartWords {
    std::string baseline = "Baseline";
    std::string value = "Value";
    std::string target = "Target";
    std::string target_path = "Path to target";
    std::string today = "Today";
    std::array<std::string, 12> months = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
    std::function<std::string(double)> number;  // unset: up to 2 decimals with a point
};

// The short month names of a comma-separated list ("jan,feb,…"); the defaults when it has not 12.
std::array<std::string, 12> chart_months(const std::string& comma_separated);

struct ChartText {
    double x = 0;
    double y = 0;  // the baseline of the text
    std::string text;
    std::string anchor = "middle";  // SVG text-anchor: start | middle | end
    std::string kind;               // what it is, for the theme's CSS: "tick", "legend", "value", "today"
};

struct ChartLine {
    double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
    std::string kind;  // "grid", "axis", "today"
};

struct ChartMarker {
    PointKind kind = PointKind::Value;
    double x = 0, y = 0;
    std::string shape;  // SVG path data of its marker, centred on (x, y)
    ChartText label;    // its value, placed beside it where no other label is
    std::string when;   // its date as written
    std::string value;  // its value as written
};

struct ChartShape {
    std::string kind;  // "baseline", "value", "target", "path"
    std::string d;     // SVG path data
};

// An indicator's chart: a time axis (years, or months for spans under a year and a half), a
// value axis with round ticks, the baseline and the values joined by a line, the targets joined
// to the baseline by a dashed line (the path the on-track verdict measures against), each point
// with its own marker shape and its value, and a legend in words.
struct IndicatorChart {
    double width = 0, height = 0;
    double font_size = 0;
    double left = 0, right = 0, top = 0, bottom = 0;  // the plot area
    std::vector<ChartLine> lines;      // grid and axis
    std::vector<ChartText> ticks;      // labels of both axes
    std::string value_path;            // baseline and values, in date order ("" with fewer than two)
    std::string target_path;           // baseline (or first value) and targets ("" with fewer than two)
    std::vector<ChartMarker> markers;  // every point in date order (baseline before value before target on a day)
    std::vector<ChartShape> legend_shapes;
    std::vector<ChartText> legend_texts;
    std::string summary;  // the figures in one sentence, for the accessible description
};

// `yearly`: the figures are a year's each (a regional indicator's), shown in bands of whole years.
IndicatorChart indicator_chart(std::vector<ChartPoint> points, const ChartWords& words, bool yearly = false);

// A plan's activities on a time axis, one row each: the title (wrapped to the width) and a bar
// from start to end.
struct TimelineActivity {
    std::string title;
    Date start, end;
    std::string status;        // as written ("Pågår")
    std::string status_class;  // for the theme's CSS ("ongoing")
    std::string period;        // as written
};

struct TimelineRow {
    std::vector<ChartText> title;  // one text per line
    double x = 0, y = 0, width = 0, height = 0;  // the bar
    std::string status, status_class, period, name;
};

struct Timeline {
    double width = 0, height = 0;
    double font_size = 0;
    std::vector<ChartLine> lines;  // grid, axis, today
    std::vector<ChartText> ticks;  // axis labels and the today label
    std::vector<TimelineRow> rows;
};

// Activities without both dates are left out; `today` is marked when it falls in [from, to].
Timeline plan_timeline(const std::vector<TimelineActivity>& activities, Date from, Date to,
                       std::optional<Date> today, const ChartWords& words);

// A process's steps as a diagram: one box per step, top to bottom, with its number in a circle
// and its title wrapped to the width, joined by arrows.
struct ProcessBox {
    double x = 0, y = 0, width = 0, height = 0;
    double cx = 0, cy = 0, r = 0;  // the number's circle
    ChartText number;
    std::vector<ChartText> title;  // one text per line
};

struct ProcessDiagram {
    double width = 0, height = 0;
    double font_size = 0;
    std::vector<ProcessBox> steps;
    std::vector<std::string> arrows;  // SVG path data, each from one box to the next
};

ProcessDiagram process_diagram(const std::vector<std::string>& step_titles);

// The view-model data of each (keys as docs/themes.md lists them).
Data chart_data(const IndicatorChart& chart, const ChartWords& words);
Data timeline_data(const Timeline& timeline);
Data process_diagram_data(const ProcessDiagram& diagram);

// The estimated width of `text` at `font_size`, on the wide side of common sans-serif fonts, so
// that a label placed by it is never cut off.
double text_width(const std::string& text, double font_size);

}  // namespace samplan::site
