#include "libforensic/render/chart_svg.hpp"
#include "libforensic/render/escape.hpp"

#include "libforensic/util/utf8.hpp"

#include <algorithm>
#include <cstdio>

namespace forensic::render {

std::string chart_css()
{
    return ".chart{display:block;margin:8px 0 16px}\n"
           ".chart .row-name{font:600 12px system-ui,sans-serif;fill:#1d1d1f}\n"
           ".chart .band{fill:#f6f6f8}\n.chart .track{stroke:#c9c9cf;stroke-width:1}\n"
           ".chart .tick{stroke:#e4e4e8}\n.chart .tick-label{font:11px system-ui,sans-serif;fill:#6e6e73}\n"
           ".chart .label{font:11px monospace;fill:#1d1d1f}\n.chart .label.relevant{fill:#a50e0e}\n"
           ".chart .leader{stroke:#b8b8c0;stroke-width:1;fill:none}\n.chart .note{font:italic 11px system-ui,sans-serif;fill:#6e6e73}\n"
           ".chart .mark{fill:#8e8e93;stroke:#fff;stroke-width:1}\n.chart .mark.relevant{fill:#d93025}\n"
           ".chart .mark.bounded{fill-opacity:.45;stroke:#8e8e93}\n.chart .mark.bounded.relevant{stroke:#d93025}\n"
           ".chart .span{fill:#fbbc04;fill-opacity:.16}\n.chart .span-label{font:11px monospace;fill:#8a5a00}\n"
           ".chart .instant{stroke-width:2}\n.chart .instant.good{stroke:#188038}\n.chart .instant.bad{stroke:#d93025}\n"
           ".chart .instant-label{font:600 11px monospace}\n.chart .instant-label.good{fill:#188038}\n"
           ".chart .instant-label.bad{fill:#d93025}\n";
}

namespace {

std::string number(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", value);
    return buf;
}

// A monospace label at 11px: DejaVu Sans Mono and Liberation Mono advance 0.6em.
constexpr double char_width = 6.8, line_height = 15;

struct Placed {
    std::vector<std::string> lines;
    double x = 0; // where the text starts
    double width = 0;
};

// `label` in lines of at most `room` characters, at most `most` lines, the
// last cut with "…" when the rest does not fit. A line ends at a space near
// its end, else where it is full: names such as a service's run long.
std::vector<std::string> wrap_words(const std::string& label, std::size_t room, std::size_t most)
{
    constexpr std::size_t near_end = 14;
    std::vector<std::string> lines;
    std::string rest = label;
    while (!rest.empty()) {
        if (code_points(rest) <= room) {
            lines.push_back(rest);
            break;
        }
        if (lines.size() + 1 == most) {
            lines.push_back(first_code_points(rest, room - 1) + "…");
            break;
        }
        auto full = first_code_points(rest, room);
        auto space = full.rfind(' ');
        auto cut = space != std::string::npos && code_points(full.substr(0, space)) + near_end >= room ? space : full.size();
        lines.push_back(rest.substr(0, cut));
        rest = rest.substr(cut + (cut == space ? 1 : 0));
    }
    if (lines.empty()) lines.push_back("");
    return lines;
}

// Right of `at` if it fits, else left of it, else against the right end.
Placed place(const std::string& label, double at, double left, double right, std::size_t most_lines = 1)
{
    auto room = static_cast<std::size_t>(std::max(2.0, (right - left) / char_width));
    Placed p{wrap_words(label, room, most_lines), 0, 0};
    for (const auto& line : p.lines) p.width = std::max(p.width, static_cast<double>(code_points(line)) * char_width);
    p.x = at + 6;
    if (p.x + p.width > right) p.x = at - 6 - p.width;
    if (p.x < left) p.x = std::max(left, right - p.width);
    return p;
}

std::string text_element(const std::string& css, double x, double y, const std::vector<std::string>& lines,
                         const std::string& id = {}, const std::string& title = {})
{
    std::string out = "<text class=\"" + css + "\"" + (id.empty() ? "" : " id=\"" + escape_html(id) + "\"") + " x=\"" +
                      number(x) + "\" y=\"" + number(y) + "\">" +
                      (title.empty() ? "" : "<title>" + escape_html(title) + "</title>");
    if (lines.size() == 1) return out + escape_html(lines.front()) + "</text>\n";
    for (std::size_t i = 0; i < lines.size(); ++i)
        out += "<tspan x=\"" + number(x) + "\"" + (i ? " dy=\"" + number(line_height) + "\"" : "") + ">" +
               escape_html(lines[i]) + "</tspan>";
    return out + "</text>\n";
}

std::string text_element(const std::string& css, double x, double y, const std::string& text)
{
    return text_element(css, x, y, std::vector<std::string>{text});
}

// Spacing of ticks: about one per `pixels` of track.
TimeNs tick_step(TimeNs span, double track, double pixels)
{
    constexpr TimeNs minute = 60 * ns_per_second, hour = 60 * minute;
    auto most = std::max(1.0, track / pixels);
    for (TimeNs step : {minute, 5 * minute, 10 * minute, 30 * minute, hour, 3 * hour, 6 * hour, 12 * hour, ns_per_day,
                        7 * ns_per_day, 30 * ns_per_day, 365 * ns_per_day})
        if (static_cast<double>(span / step) <= most) return step;
    return 3650 * ns_per_day;
}

std::string tick_label(TimeNs t, TimeNs step)
{
    auto text = format_rfc3339(t); // 2026-06-10T05:30:00Z
    if (step >= ns_per_day) return text.substr(5, 5);
    if (t % ns_per_day == 0) return text.substr(5, 5);
    return text.substr(11, 5);
}

} // namespace

std::string chart_svg(const Chart& chart, int width, const std::string& css_class)
{
    bool narrow = width < 600;
    double w = width;
    double track_left = narrow ? 10 : 140, track_right = w - 12;
    TimeNs span = std::max<TimeNs>(chart.to - chart.from, 1);
    auto x_of = [&](TimeNs t) {
        auto clamped = std::clamp(t, chart.from, chart.to);
        return track_left + (track_right - track_left) * static_cast<double>(clamped - chart.from) / static_cast<double>(span);
    };

    // The header: a line per instant and span label, then the ticks' labels.
    std::string header;
    double y = 4;
    for (const auto& s : chart.spans) {
        auto placed = place(s.label, x_of(s.from), track_left, track_right, 2);
        header += text_element("span-label", placed.x, y + line_height, placed.lines, {}, s.label);
        y += line_height * static_cast<double>(placed.lines.size());
    }
    for (const auto& i : chart.instants) {
        auto placed = place(i.label, x_of(i.at), track_left, track_right, 2);
        header += text_element("instant-label " + i.css, placed.x, y + line_height, placed.lines, {}, i.label);
        y += line_height * static_cast<double>(placed.lines.size());
    }
    y += line_height;
    double ticks_y = y;
    double rows_top = y + 6;

    std::string bands, rows; // the rows' backgrounds, then what is drawn on them
    double row_y = rows_top;
    constexpr std::size_t label_lines = 2;
    for (const auto& row : chart.rows) {
        double name_height = narrow ? 16 : 0;
        double track_y = row_y + name_height + 12;
        std::vector<Placed> placed;
        std::size_t lines = 0;
        for (const auto& m : row.marks) {
            double mx = m.at ? x_of(*m.at) : (x_of(m.from) + std::max(x_of(m.to), x_of(m.from) + 3)) / 2;
            placed.push_back(place(m.label, mx, track_left, track_right, label_lines));
            lines += placed.back().lines.size();
        }
        bool note = row.marks.empty() && !row.empty_note.empty();
        double height = name_height + 24 + line_height * static_cast<double>(note ? 1 : lines) + 4;
        bands += "<rect class=\"band\" x=\"0\" y=\"" + number(row_y) + "\" width=\"" + number(w) + "\" height=\"" +
                 number(height - 4) + "\" rx=\"3\"/>\n";
        bands += text_element("row-name", 8, narrow ? row_y + 13 : track_y + 4, row.name);
        rows += "<line class=\"track\" x1=\"" + number(track_left) + "\" y1=\"" + number(track_y) + "\" x2=\"" +
                number(track_right) + "\" y2=\"" + number(track_y) + "\"/>\n";
        double label_y = track_y + 22;
        if (note) rows += text_element("note", track_left, label_y, row.empty_note);
        for (std::size_t k = 0; k < row.marks.size(); ++k) {
            const auto& m = row.marks[k];
            const auto& p = placed[k];
            auto title = m.title.empty() ? m.label : m.title;
            std::string css = std::string("mark") + (m.at ? "" : " bounded") + (m.relevant ? " relevant" : "");
            double mx;
            if (m.at) {
                mx = x_of(*m.at);
                rows += "<circle class=\"" + css + "\" cx=\"" + number(mx) + "\" cy=\"" + number(track_y) +
                        "\" r=\"5\"><title>" + escape_html(title) + "</title></circle>\n";
            } else {
                // Inset, so that bounds which touch read as two bars.
                double x1 = x_of(m.from), x2 = std::max(x_of(m.to), x1 + 3);
                if (x2 - x1 > 8) {
                    x1 += 1.5;
                    x2 -= 1.5;
                }
                mx = (x1 + x2) / 2;
                rows += "<rect class=\"" + css + "\" x=\"" + number(x1) + "\" y=\"" + number(track_y - 4) + "\" width=\"" +
                        number(x2 - x1) + "\" height=\"8\" rx=\"2\"><title>" + escape_html(title) + "</title></rect>\n";
            }
            double elbow = p.x >= mx ? p.x - 2 : std::min(p.x + p.width + 2, mx);
            rows += "<polyline class=\"leader\" points=\"" + number(mx) + "," + number(track_y + 5) + " " + number(mx) + "," +
                    number(label_y - 4) + " " + number(elbow) + "," + number(label_y - 4) + "\"/>\n";
            rows += text_element(std::string("label") + (m.relevant ? " relevant" : ""), p.x, label_y, p.lines, m.id, title);
            label_y += line_height * static_cast<double>(p.lines.size());
        }
        row_y += height;
    }
    double bottom = row_y;

    std::string grid;
    auto step = tick_step(span, track_right - track_left, narrow ? 80 : 110);
    for (TimeNs tick = chart.from - (chart.from % step + step) % step + step; tick <= chart.to; tick += step) {
        double x = x_of(tick);
        grid += "<line class=\"tick\" x1=\"" + number(x) + "\" y1=\"" + number(rows_top) + "\" x2=\"" + number(x) +
                "\" y2=\"" + number(bottom) + "\"/>\n";
        auto label = tick_label(tick, step);
        double lx = std::clamp(x - static_cast<double>(label.size()) * 3, 0.0, w - static_cast<double>(label.size()) * 6.5);
        grid += text_element("tick-label", lx, ticks_y, label);
    }
    std::string shading, instants;
    for (const auto& s : chart.spans) {
        double x1 = x_of(s.from), x2 = std::max(x_of(s.to), x1 + 2);
        shading += "<rect class=\"span\" x=\"" + number(x1) + "\" y=\"" + number(rows_top) + "\" width=\"" +
                    number(x2 - x1) + "\" height=\"" + number(bottom - rows_top) + "\"><title>" + escape_html(s.label) +
                    "</title></rect>\n";
    }
    for (const auto& i : chart.instants) {
        double x = x_of(i.at);
        instants += "<line class=\"instant " + i.css + "\" x1=\"" + number(x) + "\" y1=\"" + number(rows_top - 4) +
                    "\" x2=\"" + number(x) + "\" y2=\"" + number(bottom) + "\"><title>" + escape_html(i.label) +
                    "</title></line>\n";
    }
    // Bands first, then the grid and the shading over them, then marks and labels.
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart " + css_class + "\" width=\"" + number(w) +
           "\" height=\"" + number(bottom + 4) + "\" viewBox=\"0 0 " + number(w) + " " + number(bottom + 4) +
           "\" role=\"img\" aria-label=\"" + escape_html(chart.title) + "\">\n" + header + bands + grid + shading +
           instants + rows + "</svg>\n";
}

} // namespace forensic::render
