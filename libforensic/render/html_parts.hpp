// Pieces the HTML timeline and the HTML report share: the page around a body,
// the chart in a wide and a narrow drawing (CSS shows the one that fits; no
// script), and the table of happenings with their facts folded.
#pragma once

#include "libforensic/analyze/happenings.hpp"
#include "libforensic/render/chart_svg.hpp"

#include <string>
#include <vector>

namespace forensic::render {

// A whole page: doctype, viewport, the shared CSS, `css` and `body`.
std::string html_page(const std::string& title, const std::string& css, const std::string& body);

// The chart drawn for wide screens (1160 px) and for phones (360 px).
std::string responsive_chart(const Chart& chart);

// A happening as a chart mark: a dot at its time or a bar over its bounds,
// labelled "05:50:12.390 service X rolled back: …".
ChartMark happening_mark(const analyze::Happening& happening, const std::string& id);

// A table row per happening (time, basis, what happened, snapshot), its facts
// in a <details> below it (open when `facts_open`). `ids` names each row.
std::string happenings_table(const std::vector<analyze::Happening>& happenings, bool facts_open,
                             const std::string& id_prefix);

} // namespace forensic::render
