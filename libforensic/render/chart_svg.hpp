// A time chart as inline SVG, for the HTML timeline and the report: one row
// per thing, a dot at an exact time, a bar across the bounds where only
// snapshots bound a change, and every mark labelled in words on a line of its
// own below the row's track, so no two labels overlap at any width. Marked
// instants (the good and the bad run) are lines across the rows; a shaded
// span is the deploy window. No script: the page reads without one.
#pragma once

#include "libforensic/util/time.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic::render {

struct ChartMark {
    std::optional<TimeNs> at; // a dot
    TimeNs from = 0, to = 0;  // else a bar
    std::string label;        // in words, shown
    std::string title;        // the hover text (the label when empty)
    bool relevant = false;    // drawn in the alarm colour
    std::string id;           // the element id of the label, for links and tests
};

struct ChartRow {
    std::string name;
    std::vector<ChartMark> marks; // in time order
    std::string empty_note;       // said on the row when it has no mark
};

struct ChartInstant {
    TimeNs at = 0;
    std::string label;
    std::string css; // "good", "bad"
};

struct ChartSpan {
    TimeNs from = 0, to = 0;
    std::string label;
};

struct Chart {
    TimeNs from = 0, to = 0;
    std::vector<ChartRow> rows;
    std::vector<ChartInstant> instants;
    std::vector<ChartSpan> spans;
    std::string title; // the SVG's accessible name
};

// The SVG, `width` CSS pixels wide (its height follows from the labels).
// Labels that do not fit are cut with "…" (the whole text is the hover title).
std::string chart_svg(const Chart& chart, int width, const std::string& css_class);

// The CSS the chart's classes need, once per page.
std::string chart_css();

} // namespace forensic::render
