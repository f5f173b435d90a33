// The timeline as one self-contained HTML file: inline CSS, an inline SVG,
// no script and no external asset, so it opens anywhere, offline, and can be
// attached to an issue as it is.
#include "libforensic/render/timeline_views.hpp"

#include "libforensic/render/escape.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>

namespace forensic::render {
namespace {

constexpr double chart_left = 130, chart_right = 1130, lane_height = 44, top = 40;

std::string number(double value)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f", value);
    return buf;
}

// Lanes in the order stamps are decided: binary, code, images, deployment, result.
std::vector<std::string> lanes_of(const analyze::Timeline& t)
{
    static const std::array<std::string_view, 7> order = {"nix", "abra", "recipes", "mirrors", "catalogue", "swarm", "runs"};
    std::vector<std::string> lanes;
    for (auto name : order)
        if (std::any_of(t.events.begin(), t.events.end(), [&](const auto& e) { return e.source == name; }))
            lanes.emplace_back(name);
    for (const auto& e : t.events)
        if (std::find(lanes.begin(), lanes.end(), e.source) == lanes.end()) lanes.push_back(e.source);
    return lanes;
}

// Tick spacing that gives at most ~12 ticks over the range.
TimeNs tick_step(TimeNs span)
{
    constexpr TimeNs hour = 3600 * ns_per_second;
    for (TimeNs step : {hour, 6 * hour, ns_per_day, 7 * ns_per_day, 30 * ns_per_day, 365 * ns_per_day})
        if (span / step <= 12) return step;
    return 3650 * ns_per_day;
}

std::string hover_text(const analyze::TimelineEvent& e)
{
    return event_time_text(e) + " " + e.source + " " + e.subject + " " + e.key + ": " +
           change_text(e) + " (snapshot " + std::to_string(e.evidence_snapshot) + ")";
}

} // namespace

std::string timeline_html(const analyze::Timeline& t)
{
    auto lanes = lanes_of(t);
    double height = top + lane_height * static_cast<double>(std::max<std::size_t>(lanes.size(), 1)) + 30;
    TimeNs span = std::max<TimeNs>(t.to - t.from, 1);
    auto x_of = [&](TimeNs time) {
        auto clamped = std::clamp(time, t.from, t.to);
        return chart_left + (chart_right - chart_left) * static_cast<double>(clamped - t.from) / static_cast<double>(span);
    };
    std::string title = "Timeline of " + t.host + ", " + range_text(t.from, t.to);

    std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escape_html(title) +
                      "</title>\n<style>\n"
                      "body{font-family:system-ui,sans-serif;margin:24px;color:#1d1d1f}\n"
                      "h1{font-size:20px}\n.lane-label{font-size:13px;fill:#333}\n.tick{stroke:#ddd}\n"
                      ".tick-label{font-size:11px;fill:#666}\n.lane{fill:#f6f6f8}\n"
                      ".mark{fill:#9aa0a6;stroke:#fff;stroke-width:1}\n.mark.relevant{fill:#d93025}\n"
                      ".mark.bounded{fill-opacity:.35;stroke:#9aa0a6}\n.mark.bounded.relevant{stroke:#d93025}\n"
                      "table{border-collapse:collapse;font-size:13px;margin-top:16px}\n"
                      "td,th{border-bottom:1px solid #e3e3e3;padding:4px 8px;text-align:left;vertical-align:top}\n"
                      "tr.relevant td{background:#fdecea}\ncode{font-size:12px}\n</style></head>\n<body>\n";
    std::size_t relevant = 0;
    for (const auto& e : t.events) relevant += e.stamp_relevant;
    out += "<h1>" + escape_html(title) + "</h1>\n<p>" + std::to_string(t.events.size()) + " events, " +
           std::to_string(relevant) +
           " stamp-relevant (red). A dot is an event at the time its fact carries; a bar is a change seen between two "
           "snapshots. Hover for before → after.</p>\n";

    out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1160\" height=\"" + number(height) +
           "\" role=\"img\" aria-label=\"" + escape_html_attribute(title) + "\">\n";
    for (std::size_t i = 0; i < lanes.size(); ++i) {
        double y = top + lane_height * static_cast<double>(i);
        out += "<rect class=\"lane\" x=\"" + number(chart_left) + "\" y=\"" + number(y + 4) + "\" width=\"" +
               number(chart_right - chart_left) + "\" height=\"" + number(lane_height - 8) + "\"/>\n";
        out += "<text class=\"lane-label\" x=\"10\" y=\"" + number(y + lane_height / 2 + 4) + "\">" +
               escape_html(lanes[i]) + "</text>\n";
    }
    auto step = tick_step(span);
    for (TimeNs tick = t.from - (t.from % step + step) % step + step; tick <= t.to; tick += step) {
        double x = x_of(tick);
        out += "<line class=\"tick\" x1=\"" + number(x) + "\" y1=\"" + number(top) + "\" x2=\"" + number(x) +
               "\" y2=\"" + number(height - 30) + "\"/>\n";
        auto label = step >= ns_per_day ? format_date(tick) : format_rfc3339(tick).substr(5, 11);
        out += "<text class=\"tick-label\" x=\"" + number(x - 28) + "\" y=\"" + number(height - 12) + "\">" +
               label + "</text>\n";
    }
    std::map<std::string, int> stacked; // spreads marks that share a lane and a spot
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const auto& e = t.events[i];
        auto lane = static_cast<double>(std::find(lanes.begin(), lanes.end(), e.source) - lanes.begin());
        double middle = top + lane_height * lane + lane_height / 2;
        std::string classes = std::string("mark") + (e.time ? "" : " bounded") + (e.stamp_relevant ? " relevant" : "");
        std::string hover = "<title>" + escape_html(hover_text(e)) + "</title>";
        auto id = "event-" + std::to_string(i + 1);
        if (e.time) {
            double x = x_of(*e.time);
            int slot = stacked[e.source + number(x)]++ % 5;
            out += "<circle id=\"" + id + "\" class=\"" + classes + "\" cx=\"" + number(x) + "\" cy=\"" +
                   number(middle + (slot - 2) * 5) + "\" r=\"5\">" + hover + "</circle>\n";
        } else {
            double x1 = x_of(*e.not_before), x2 = std::max(x_of(*e.not_after), x1 + 3);
            int slot = stacked[e.source + number(x1) + "bar"]++ % 5;
            out += "<rect id=\"" + id + "\" class=\"" + classes + "\" x=\"" + number(x1) + "\" y=\"" +
                   number(middle - 4 + (slot - 2) * 5) + "\" width=\"" + number(x2 - x1) + "\" height=\"8\" rx=\"2\">" +
                   hover + "</rect>\n";
        }
    }
    out += "</svg>\n";

    out += "<table>\n<thead><tr><th>#</th><th>time (UTC)</th><th>source</th><th>subject</th><th>key</th>"
           "<th>change</th><th>before</th><th>after</th><th>evidence</th></tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < t.events.size(); ++i) {
        const auto& e = t.events[i];
        out += std::string("<tr") + (e.stamp_relevant ? " class=\"relevant\"" : "") + "><td>" +
               std::to_string(i + 1) + "</td><td>" + escape_html(event_time_text(e)) + "</td><td>" +
               escape_html(e.source) + "</td><td>" + escape_html(e.subject) + "</td><td><code>" +
               escape_html(e.key) + "</code></td><td>" + to_string(e.change) + "</td><td>" +
               escape_html(e.before.value_or("")) + "</td><td>" +
               escape_html(e.after.value_or("")) + "</td><td>snapshot " +
               std::to_string(e.evidence_snapshot) + "</td></tr>\n";
    }
    out += "</tbody></table>\n</body></html>\n";
    return out;
}

} // namespace forensic::render
