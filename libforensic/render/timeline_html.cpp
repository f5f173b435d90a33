// The timeline as one self-contained HTML file: inline CSS, inline SVG, no
// script and no external asset, so it opens anywhere, offline, and can be
// attached to an issue as it is.
#include "libforensic/render/html_parts.hpp"
#include "libforensic/render/timeline_views.hpp"

#include "libforensic/render/escape.hpp"

#include <algorithm>
#include <array>

namespace forensic::render {

std::string html_page(const std::string& title, const std::string& css, const std::string& body)
{
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>" +
           escape_html(title) +
           "</title>\n<style>\n"
           "*{box-sizing:border-box}\n"
           "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;padding:16px 20px;max-width:1200px;color:#1d1d1f}\n"
           "h1{font-size:21px;margin:4px 0 8px}\nh2{font-size:17px;margin:22px 0 6px}\n"
           "p,li{overflow-wrap:anywhere}\ncode{font-size:13px;overflow-wrap:anywhere}\n"
           "table{border-collapse:collapse;font-size:13px;width:100%;table-layout:fixed}\n"
           "td,th{border-bottom:1px solid #e3e3e3;padding:4px 6px;text-align:left;vertical-align:top;"
           "overflow-wrap:anywhere}\n"
           "tr.relevant td{background:#fdecea}\n"
           "details{margin:2px 0}\nsummary{cursor:pointer;color:#555}\n"
           "table.facts{font-size:12px;table-layout:auto}\ntable.facts td{border:0;padding:1px 6px 1px 0}\n"
           "col.n{width:2.5em}\ncol.when{width:12em}\ncol.snap{width:6em}\ntd.when{overflow-wrap:normal}\n"
           ".basis{display:block;font-size:11px;color:#6e6e73;white-space:nowrap}\n"
           ".chart.narrow,.narrow-only{display:none}\n"
           "@media (max-width:760px){body{padding:12px 10px}.chart.wide,.wide-only{display:none}"
           ".chart.narrow{display:block}.narrow-only{display:inline}"
           "col.when{width:7.4em}col.n{width:1.8em}col.snap{width:3em}td,th{padding:4px 3px}}\n" +
           chart_css() + css + "</style></head>\n<body>\n" + body + "</body></html>\n";
}

std::string responsive_chart(const Chart& chart)
{
    return chart_svg(chart, 1160, "wide") + chart_svg(chart, 360, "narrow");
}

ChartMark happening_mark(const analyze::Happening& h, const std::string& id)
{
    ChartMark m;
    m.at = h.time;
    if (!h.time) {
        m.from = *h.not_before;
        m.to = *h.not_after;
    }
    auto when = happening_time_text(h, "");
    m.label = (h.time ? clock_text(*h.time) : "") + (h.time ? " " : "") + escape_terminal(h.summary);
    m.title = when + " (" + h.time_desc.text + "): " + escape_terminal(h.summary) + " [snapshot " +
              std::to_string(h.evidence_snapshot) + "]";
    m.relevant = h.stamp_relevant;
    m.id = id;
    return m;
}

std::string happenings_table(const std::vector<analyze::Happening>& happenings, bool facts_open,
                             const std::string& id_prefix)
{
    std::string out = "<table class=\"happenings\"><colgroup><col class=\"n\"><col class=\"when\"><col>"
                      "<col class=\"snap\"></colgroup>\n<thead><tr><th>#</th><th>time (UTC), basis</th>"
                      "<th>what happened</th><th><span class=\"wide-only\">snapshot</span><span class=\"narrow-only\">snap.</span>"
                      "</th></tr></thead>\n<tbody>\n";
    for (std::size_t i = 0; i < happenings.size(); ++i) {
        const auto& h = happenings[i];
        std::string facts = "<table class=\"facts\">";
        for (const auto* e : h.facts)
            facts += "<tr><td>" + std::string(e->stamp_relevant ? "*" : "") + "</td><td><code>" +
                     escape_html(escape_terminal(e->key)) + "</code></td><td>" + escape_html(change_text(*e)) + "</td></tr>";
        facts += "</table>";
        out += "<tr id=\"" + id_prefix + std::to_string(i + 1) + "\"" + (h.stamp_relevant ? " class=\"relevant\"" : "") +
               "><td>" + std::to_string(i + 1) + "</td><td class=\"when\">" + escape_html(happening_time_text(h, "")) +
               "<span class=\"basis\" title=\"" + escape_html(h.time_desc.text) + "\">" + escape_html(h.time_desc.label) +
               "</span></td><td>" + escape_html(escape_terminal(h.summary)) + "<details" + (facts_open ? " open" : "") + "><summary>" +
               std::to_string(h.facts.size()) + (h.facts.size() == 1 ? " fact" : " facts") + " (" +
               escape_html(h.source) + " " + escape_html(escape_terminal(h.subject)) + ")</summary>" + facts +
               "</details></td><td>" + std::to_string(h.evidence_snapshot) + "</td></tr>\n";
    }
    return out + "</tbody></table>\n";
}

namespace {

// Rows in the order stamps are decided: binary, code, images, deployment, result.
std::vector<std::string> sources_of(const std::vector<analyze::Happening>& happenings)
{
    static const std::array<std::string_view, 8> order = {"nix",   "abra",         "recipes", "mirrors",
                                                          "catalogue", "swarm", "swarm-events", "runs"};
    std::vector<std::string> sources;
    for (auto name : order)
        if (std::any_of(happenings.begin(), happenings.end(), [&](const auto& h) { return h.source == name; }))
            sources.emplace_back(name);
    for (const auto& h : happenings)
        if (std::find(sources.begin(), sources.end(), h.source) == sources.end()) sources.push_back(h.source);
    return sources;
}

} // namespace

std::string timeline_html(const analyze::Timeline& t, TimelineDetail detail)
{
    auto happenings = analyze::group_happenings(t.events);
    if (detail.relevant_only) happenings = analyze::stamp_relevant_only(std::move(happenings));
    std::string title = "Timeline of " + t.host + ", " + range_text(t.from, t.to);
    std::size_t relevant = 0, facts = 0;
    for (const auto& h : happenings) {
        relevant += h.stamp_relevant;
        facts += h.facts.size();
    }
    Chart chart;
    chart.from = t.from;
    chart.to = t.to;
    chart.title = title;
    for (const auto& source : sources_of(happenings)) {
        ChartRow row{source, {}, {}};
        for (std::size_t i = 0; i < happenings.size(); ++i)
            if (happenings[i].source == source) row.marks.push_back(happening_mark(happenings[i], "label-" + std::to_string(i + 1)));
        chart.rows.push_back(std::move(row));
    }
    std::string body = "<h1>" + escape_html(title) + "</h1>\n<p>" + std::to_string(happenings.size()) + " happenings (" +
                       std::to_string(facts) + " facts), " + std::to_string(relevant) +
                       " stamp-relevant (red). A dot is a happening at the time its facts carry; a bar, one seen only "
                       "between two snapshots. The table below gives each one's time basis and its facts.</p>\n" +
                       responsive_chart(chart) + happenings_table(happenings, detail.facts, "happening-");
    return html_page(title, "", body);
}

} // namespace forensic::render
