// The forms of `forensic timeline`: text grouped by day and Markdown, one line
// per happening (its facts with `facts`); JSON and JSON lines (Plaso's and
// Timesketch's field names) with every fact; a self-contained HTML page.
#pragma once

#include "libforensic/analyze/happenings.hpp"
#include "libforensic/analyze/timeline.hpp"

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace forensic::render {

enum class TimelineFormat { text, markdown, json, jsonl };

struct TimelineDetail {
    bool facts = false;         // text, Markdown: each happening's facts under it
    bool relevant_only = false; // only stamp-relevant happenings (and, in JSON, their facts)
};

// Renders a timeline handed over in batches, in order (analyze::visit_timeline):
// the same bytes as the whole timeline's, without holding its events. JSON and
// JSON lines go to `sink` as they come; text and Markdown, whose head counts
// the happenings, at finish(). Every form ends with a newline.
class TimelineWriter {
public:
    using Sink = std::function<void(std::string_view)>;
    TimelineWriter(TimelineFormat format, TimeNs from, TimeNs to, Sink sink, TimelineDetail detail = {});
    void add(const std::vector<analyze::TimelineEvent>& events);
    void finish(const std::string& host);

private:
    std::string json_head() const;
    void add_json(const std::vector<analyze::Happening>& happenings);
    void append_json_element(std::string& out, const analyze::TimelineEvent& event);

    TimelineFormat format_;
    TimeNs from_;
    TimeNs to_;
    Sink sink_;
    TimelineDetail detail_;
    std::string body_; // text and Markdown: the lines so far
    std::string day_;  // text: the day whose heading was printed last
    std::size_t events_ = 0;
    std::size_t happenings_ = 0;
    std::size_t relevant_ = 0;
};

std::string timeline_text(const analyze::Timeline& timeline, TimelineDetail detail = {});
// {"from", "to", "events": [{time, time_basis, time_desc, not_before, not_after,
//  source, subject, key, change, before, after, stamp_relevant, evidence}]}
nlohmann::ordered_json timeline_json(const analyze::Timeline& timeline);
std::string timeline_markdown(const analyze::Timeline& timeline, TimelineDetail detail = {});
// One file, no script and no external asset: a chart with a row per source
// and every happening labelled, then the happenings with their facts folded.
std::string timeline_html(const analyze::Timeline& timeline, TimelineDetail detail = {});

// "2026-06-10 14:03:12" or "06-09 06:00 … 06-10 06:00" for a bounded event.
std::string event_time_text(const analyze::TimelineEvent& event);
// A time at the precision it has: "05:49", "05:49:13", "05:50:12.390".
std::string clock_text(TimeNs time);
// A happening's time: its exact clock, or its bounds ("05:49 … 05:51"); each
// bound's date is named when it is not `day` (a YYYY-MM-DD; "" names both).
std::string happening_time_text(const analyze::Happening& happening, const std::string& day);
// "2026-06-05 → 2026-06-11" for whole days (the --to day included), else the
// exact RFC 3339 times.
std::string range_text(TimeNs from, TimeNs to);

// "before → after", "+ after" or "- before".
std::string change_text(const analyze::TimelineEvent& event);

} // namespace forensic::render
