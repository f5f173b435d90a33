#include "libforensic/render/timeline_views.hpp"

#include "libforensic/render/escape.hpp"
#include "libforensic/render/table.hpp"
#include "libforensic/util/utf8.hpp"

#include <algorithm>

namespace forensic::render {

using nlohmann::ordered_json;

namespace {

ordered_json optional_text(const std::optional<std::string>& value)
{
    return value ? ordered_json(*value) : ordered_json(nullptr);
}

ordered_json optional_time(const std::optional<TimeNs>& time)
{
    return time ? ordered_json(format_rfc3339(*time)) : ordered_json(nullptr);
}

// "06-10 05:49" (to the second or beyond where the time has it)
std::string dated_clock(TimeNs t)
{
    return format_rfc3339(t).substr(5, 5) + " " + clock_text(t);
}

constexpr std::size_t text_columns = 100;

// Cuts `text` after ", ", "; " or ": " so each line fits `columns` after `indent`
// (the first line after `first`): a clause longer than that stays whole.
std::string wrapped(const std::string& first, const std::string& text, const std::string& indent)
{
    std::string out = first, line_start_pad;
    std::size_t column = code_points(first);
    std::size_t pos = 0;
    bool line_empty = true;
    while (pos < text.size()) {
        auto cut = text.find_first_of(",;:", pos);
        auto end = cut == std::string::npos ? text.size() : cut + 1;
        auto piece = text.substr(pos, end - pos);
        if (!line_empty && column + code_points(piece) > text_columns) {
            out += "\n" + indent;
            column = code_points(indent);
            if (piece.starts_with(" ")) piece.erase(0, 1);
        }
        out += piece;
        column += code_points(piece);
        line_empty = false;
        pos = end;
    }
    return out;
}

ordered_json event_json(const analyze::TimelineEvent& e)
{
    return ordered_json{
        {"time", optional_time(e.time)},
        {"time_basis", to_string(e.basis)},
        {"time_desc", e.time_desc.text},
        {"not_before", optional_time(e.not_before)},
        {"not_after", optional_time(e.not_after)},
        {"source", e.source},
        {"subject", e.subject},
        {"key", e.key},
        {"change", to_string(e.change)},
        {"before", optional_text(e.before)},
        {"after", optional_text(e.after)},
        {"stamp_relevant", e.stamp_relevant},
        {"evidence", {{"snapshot", e.evidence_snapshot}, {"source", e.source}, {"subject", e.subject}, {"key", e.key}}},
    };
}

// One line of Timesketch's JSONL import (Plaso's field names): `datetime`,
// `timestamp` (microseconds), `timestamp_desc` and `message`, then the fact.
ordered_json event_jsonl(const analyze::TimelineEvent& e, const analyze::Happening& h)
{
    auto at = e.sort_time();
    std::string desc = e.time ? e.time_desc.text : "Between snapshots (the latest it can have happened)";
    return ordered_json{
        {"datetime", format_rfc3339(at)},
        {"timestamp", at / 1000},
        {"timestamp_desc", desc},
        {"message", escape_terminal(h.summary) + " | " + escape_terminal(e.key) + " " + change_text(e)},
        {"data_type", "forensic:" + e.source},
        {"source", e.source},
        {"subject", e.subject},
        {"key", e.key},
        {"change", to_string(e.change)},
        {"before", optional_text(e.before)},
        {"after", optional_text(e.after)},
        {"stamp_relevant", e.stamp_relevant},
        {"time_basis", to_string(e.basis)},
        {"not_before", optional_time(e.not_before)},
        {"not_after", optional_time(e.not_after)},
        {"snapshot", e.evidence_snapshot},
        {"happening", h.summary},
    };
}

std::string dump(const ordered_json& doc, int indent)
{
    return doc.dump(indent, ' ', false, ordered_json::error_handler_t::replace);
}

} // namespace

std::string clock_text(TimeNs t)
{
    auto text = format_rfc3339(t); // 2026-06-10T05:50:12.390118227Z
    auto clock = text.substr(11, text.size() - 12);
    if (clock.size() == 8 && clock.ends_with(":00")) return clock.substr(0, 5);
    // Milliseconds are as fine as a reader needs; JSON has the rest.
    constexpr std::size_t to_milliseconds = 12;
    if (clock.size() > to_milliseconds && clock.substr(9, 3) != "000") clock.resize(to_milliseconds);
    return clock;
}

std::string range_text(TimeNs from, TimeNs to)
{
    auto midnight = [](TimeNs t) { return t % ns_per_day == 0; };
    auto start = midnight(from) ? format_date(from) : format_rfc3339(from);
    auto end = midnight(to + 1) ? format_date(to) : format_rfc3339(to);
    return start + " → " + end + (midnight(to + 1) ? " (UTC, whole days)" : "");
}

std::string event_time_text(const analyze::TimelineEvent& e)
{
    if (e.time) return format_date(*e.time) + " " + clock_text(*e.time);
    return dated_clock(*e.not_before) + " … " + dated_clock(*e.not_after);
}

std::string happening_time_text(const analyze::Happening& h, const std::string& day)
{
    auto at = [&](TimeNs t) { return format_date(t) == day ? clock_text(t) : dated_clock(t); };
    if (h.time) return day.empty() ? format_date(*h.time) + " " + clock_text(*h.time) : at(*h.time);
    return at(*h.not_before) + " … " + at(*h.not_after);
}

std::string change_text(const analyze::TimelineEvent& e)
{
    switch (e.change) {
    case analyze::Change::added: return "+ " + escape_terminal(e.after.value_or(""));
    case analyze::Change::removed: return "- " + escape_terminal(e.before.value_or(""));
    case analyze::Change::changed: break;
    }
    return escape_terminal(e.before.value_or("")) + " → " + escape_terminal(e.after.value_or(""));
}

TimelineWriter::TimelineWriter(TimelineFormat format, TimeNs from, TimeNs to, Sink sink, TimelineDetail detail)
    : format_(format), from_(from), to_(to), sink_(std::move(sink)), detail_(detail)
{
}

std::string TimelineWriter::json_head() const
{
    // As dump(2) prints {"from", "to", "events"}: the object's last line cut.
    auto text = dump(ordered_json{{"from", format_rfc3339(from_)}, {"to", format_rfc3339(to_)}}, 2);
    return text.substr(0, text.size() - 2) + ",\n  \"events\": [";
}

// An element of "events": four more spaces a line.
void TimelineWriter::append_json_element(std::string& out, const analyze::TimelineEvent& e)
{
    auto text = dump(event_json(e), 2);
    out += events_++ ? ",\n    " : "\n    ";
    for (char c : text) {
        out += c;
        if (c == '\n') out += "    ";
    }
}

void TimelineWriter::add_json(const std::vector<analyze::Happening>& happenings)
{
    std::string out;
    if (format_ == TimelineFormat::json && !events_) out = json_head();
    for (const auto& h : happenings) {
        if (detail_.relevant_only && !h.stamp_relevant) continue;
        for (const auto* e : h.facts) {
            if (format_ == TimelineFormat::jsonl) {
                out += dump(event_jsonl(*e, h), -1) + "\n";
                ++events_;
                continue;
            }
            append_json_element(out, *e);
        }
    }
    if (!out.empty()) sink_(out);
}

void TimelineWriter::add(const std::vector<analyze::TimelineEvent>& events)
{
    if (events.empty()) return;
    if (format_ == TimelineFormat::json || format_ == TimelineFormat::jsonl) {
        // Events in happening order: the timeline's own order, grouped.
        if (detail_.relevant_only || format_ == TimelineFormat::jsonl) {
            add_json(analyze::group_happenings(events));
            return;
        }
        std::string out = events_ ? "" : json_head();
        for (const auto& e : events) {
            append_json_element(out, e);
        }
        sink_(out);
        return;
    }
    for (const auto& h : analyze::group_happenings(events)) {
        if (detail_.relevant_only && !h.stamp_relevant) continue;
        ++happenings_;
        relevant_ += h.stamp_relevant;
        events_ += h.facts.size();
        auto mark = h.stamp_relevant ? "*" : " ";
        if (format_ == TimelineFormat::markdown) {
            std::string text = escape_markdown(h.summary);
            if (h.stamp_relevant) text = "**" + text + "**";
            if (detail_.facts)
                for (const auto* e : h.facts)
                    text += "<br>" + std::string(e->stamp_relevant ? "\\* " : "") + escape_markdown_code_cell(e->key) + " " +
                            escape_markdown(change_text(*e));
            body_ += "| " + happening_time_text(h, "") + " | " + h.time_desc.label + " | " + text + " | " +
                     std::to_string(h.evidence_snapshot) + " |\n";
            continue;
        }
        // The day once, on its first line; a bounded time names its dates.
        auto day = format_date(h.sort_time());
        std::string when =
            h.time ? (day != day_ ? format_rfc3339(*h.time).substr(5, 5) + " " : std::string(6, ' ')) + clock_text(*h.time)
                   : dated_clock(*h.not_before) + " … " +
                         (format_date(*h.not_before) == day ? clock_text(*h.not_after) : dated_clock(*h.not_after));
        day_ = day;
        auto pad = [](const std::string& text, std::size_t width) {
            auto n = code_points(text);
            return text + std::string(n < width ? width - n : 1, ' ');
        };
        // A bounded time is its own basis: the two snapshots it lies between.
        std::string head = (h.time ? pad(when, 19) + pad(h.time_desc.label, 12) : pad(when, 31)) + mark + " ";
        body_ += wrapped(head, escape_terminal(h.summary) + " [" + std::to_string(h.evidence_snapshot) + "]",
                         std::string(8, ' ')) + "\n";
        if (detail_.facts) {
            Table table;
            for (const auto* e : h.facts) table.add({e->stamp_relevant ? "*" : " ", escape_terminal(e->key), change_text(*e)});
            body_ += table.str("        ");
        }
    }
}

void TimelineWriter::finish(const std::string& host)
{
    auto counts = std::to_string(happenings_) + (happenings_ == 1 ? " happening" : " happenings") + " (" +
                  std::to_string(events_) + " facts), " + std::to_string(relevant_) + " stamp-relevant";
    switch (format_) {
    case TimelineFormat::json:
        sink_(events_ ? "\n  ]\n}\n" : json_head() + "]\n}\n");
        break;
    case TimelineFormat::jsonl:
        break;
    case TimelineFormat::markdown:
        sink_("**Timeline of " + escape_markdown(host) + "**, " + range_text(from_, to_) + ": " + counts + " (**bold**)" +
              (detail_.relevant_only ? ", only those" : "") + "\n\n");
        sink_(happenings_ ? "| time (UTC) | basis | happening | snapshot |\n|---|---|---|---|\n"
                          : "_Nothing happened in this range._\n");
        sink_(body_);
        break;
    case TimelineFormat::text:
        sink_("timeline of " + escape_terminal(host) + ", " + range_text(from_, to_) + "\n" + counts + " (*)" +
              (detail_.relevant_only ? ", only those" : "") +
              (happenings_ ? "; a … b: between two snapshots; [N]: forensic show N" : "") + "\n");
        sink_(happenings_ ? std::string_view(body_) : std::string_view("nothing happened in this range\n"));
        break;
    }
    std::string().swap(body_);
}

namespace {

std::string render_whole(const analyze::Timeline& t, TimelineFormat format, TimelineDetail detail)
{
    std::string out;
    TimelineWriter writer(format, t.from, t.to, [&](std::string_view text) { out += text; }, detail);
    writer.add(t.events);
    writer.finish(t.host);
    return out;
}

} // namespace

std::string timeline_text(const analyze::Timeline& t, TimelineDetail detail)
{
    return render_whole(t, TimelineFormat::text, detail);
}

ordered_json timeline_json(const analyze::Timeline& t)
{
    ordered_json out{{"from", format_rfc3339(t.from)}, {"to", format_rfc3339(t.to)}};
    auto& events = out["events"] = ordered_json::array();
    for (const auto& e : t.events) events.push_back(event_json(e));
    return out;
}

std::string timeline_markdown(const analyze::Timeline& t, TimelineDetail detail)
{
    return render_whole(t, TimelineFormat::markdown, detail);
}

} // namespace forensic::render
