// The forms of `forensic timeline`: text grouped by day, JSON for scripts,
// a Markdown table for an issue comment, and a self-contained HTML report.
#pragma once

#include "libforensic/analyze/timeline.hpp"

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace forensic::render {

enum class TimelineFormat { text, markdown, json };

// Renders a timeline handed over in batches, in order (analyze::visit_timeline),
// as text, Markdown or JSON: the same bytes as the whole timeline's, without
// holding its events. JSON goes to `sink` as it comes; text and Markdown,
// whose head counts the events, at finish(). JSON ends with a newline, as the
// CLI prints it.
class TimelineWriter {
public:
    using Sink = std::function<void(std::string_view)>;
    TimelineWriter(TimelineFormat format, TimeNs from, TimeNs to, Sink sink);
    void add(const std::vector<analyze::TimelineEvent>& events);
    void finish(const std::string& host);

private:
    std::string json_head() const;

    TimelineFormat format_;
    TimeNs from_;
    TimeNs to_;
    Sink sink_;
    std::string body_; // text and Markdown: the groups so far
    std::string day_;  // text: the day whose heading was printed last
    std::size_t events_ = 0;
    std::size_t relevant_ = 0;
};

std::string timeline_text(const analyze::Timeline& timeline);
// {"from", "to", "events": [{time, time_basis, not_before, not_after, source,
//  subject, key, change, before, after, stamp_relevant, evidence}]}
nlohmann::ordered_json timeline_json(const analyze::Timeline& timeline);
std::string timeline_markdown(const analyze::Timeline& timeline);
// One file, no external assets: an SVG with a lane per source and a mark per
// event (a bar across its bounds for a snapshot-bounded one), then the table.
std::string timeline_html(const analyze::Timeline& timeline);

// "2026-06-10 14:03:12" or "06-09 06:00 … 06-10 06:00" for a bounded event.
std::string event_time_text(const analyze::TimelineEvent& event);
// "2026-06-05 → 2026-06-11" for whole days (the --to day included), else the
// exact RFC 3339 times.
std::string range_text(TimeNs from, TimeNs to);

// "before → after", "+ after" or "- before".
std::string change_text(const analyze::TimelineEvent& event);

} // namespace forensic::render
