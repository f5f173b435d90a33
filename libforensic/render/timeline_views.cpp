#include "libforensic/render/timeline_views.hpp"

#include "libforensic/render/table.hpp"

#include <algorithm>
#include "libforensic/util/utf8.hpp"

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

// "2026-06-10T14:03:12Z" → "14:03:12" (with the fraction, if any)
std::string clock(TimeNs t)
{
    auto text = format_rfc3339(t);
    return text.substr(11, text.size() - 12);
}

std::string short_stamp(TimeNs t)
{
    // "06-05T04:26" -> "06-05 04:26". An assignment, not replace(5, 1, " "),
    // which GCC 12 at -O3 takes for an overlapping memcpy (-Wrestrict, a
    // false positive).
    auto text = format_rfc3339(t).substr(5, 11);
    text[5] = ' ';
    return text;
}

std::string markdown_cell(std::string text)
{
    std::string out;
    for (char c : printable(text)) out += c == '|' ? std::string("\\|") : std::string(1, c);
    return out;
}

} // namespace

std::string range_text(TimeNs from, TimeNs to)
{
    auto midnight = [](TimeNs t) { return t % ns_per_day == 0; };
    auto start = midnight(from) ? format_date(from) : format_rfc3339(from);
    auto end = midnight(to + 1) ? format_date(to) : format_rfc3339(to);
    return start + " → " + end + (midnight(to + 1) ? " (UTC, whole days)" : "");
}

std::string event_time_text(const analyze::TimelineEvent& e)
{
    if (e.time) return format_rfc3339(*e.time).substr(0, 10) + " " + clock(*e.time);
    return short_stamp(*e.not_before) + " … " + short_stamp(*e.not_after);
}

std::string change_text(const analyze::TimelineEvent& e)
{
    switch (e.change) {
    case analyze::Change::added: return "+ " + printable(e.after.value_or(""));
    case analyze::Change::removed: return "- " + printable(e.before.value_or(""));
    case analyze::Change::changed: break;
    }
    return printable(e.before.value_or("")) + " → " + printable(e.after.value_or(""));
}

namespace {

// Consecutive events at the same time (or bounds) about the same subject: one
// generation appearing, one run finishing. Views print them under one heading.
// Consecutive events of one batch: the batches of analyze::visit_timeline
// split no group, as a group's events share their sort time.
std::vector<std::vector<const analyze::TimelineEvent*>> group_events(const std::vector<analyze::TimelineEvent>& events)
{
    std::vector<std::vector<const analyze::TimelineEvent*>> groups;
    for (const auto& e : events) {
        if (!groups.empty()) {
            const auto& last = *groups.back().front();
            if (last.time == e.time && last.not_before == e.not_before && last.not_after == e.not_after &&
                last.source == e.source && last.subject == e.subject) {
                groups.back().push_back(&e);
                continue;
            }
        }
        groups.push_back({&e});
    }
    return groups;
}

// A subject appearing or vanishing whole (a service deployed or torn down, a
// run recorded) brings dozens of facts; people read the stamp-relevant ones.
// Raw labels are left out where their decoded stamp.* facts say the same.
struct GroupView {
    std::vector<const analyze::TimelineEvent*> shown;
    std::size_t hidden = 0;
};

GroupView view_of(const std::vector<const analyze::TimelineEvent*>& group)
{
    constexpr std::size_t compact_above = 8;
    GroupView view;
    bool whole = group.size() > compact_above &&
                 std::all_of(group.begin(), group.end(), [&](const auto* e) { return e->change == group.front()->change; }) &&
                 group.front()->change != analyze::Change::changed;
    for (const auto* e : group) {
        bool raw_label = e->key.starts_with("spec.label:") || e->key.starts_with("previous_spec.label:");
        // A CI run's level and tier results are what its appearance says.
        bool result = e->source == "runs" && (e->key == "level" || e->key.starts_with("tier:"));
        if (whole && !result && (!e->stamp_relevant || raw_label))
            ++view.hidden;
        else
            view.shown.push_back(e);
    }
    return view;
}

std::string hidden_note(const GroupView& view, const analyze::TimelineEvent& first)
{
    return "… and " + std::to_string(view.hidden) + " more: forensic show " + std::to_string(first.evidence_snapshot) +
           " --source " + first.source + " --subject " + first.subject;
}

ordered_json event_json(const analyze::TimelineEvent& e)
{
    return ordered_json{
        {"time", optional_time(e.time)},
        {"time_basis", to_string(e.basis)},
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

} // namespace

TimelineWriter::TimelineWriter(TimelineFormat format, TimeNs from, TimeNs to, Sink sink)
    : format_(format), from_(from), to_(to), sink_(std::move(sink))
{
}

std::string TimelineWriter::json_head() const
{
    // As dump(2) prints {"from", "to", "events"}: the object's last line cut.
    auto text = ordered_json{{"from", format_rfc3339(from_)}, {"to", format_rfc3339(to_)}}.dump(
        2, ' ', false, ordered_json::error_handler_t::replace);
    return text.substr(0, text.size() - 2) + ",\n  \"events\": [";
}

void TimelineWriter::add(const std::vector<analyze::TimelineEvent>& events)
{
    if (events.empty()) return;
    if (format_ == TimelineFormat::json) {
        std::string out = events_ ? "" : json_head();
        for (const auto& e : events) {
            // An element of "events": four more spaces a line.
            auto text = event_json(e).dump(2, ' ', false, ordered_json::error_handler_t::replace);
            out += events_++ ? ",\n    " : "\n    ";
            for (char c : text) {
                out += c;
                if (c == '\n') out += "    ";
            }
        }
        sink_(out);
        return;
    }
    for (const auto& e : events) relevant_ += e.stamp_relevant;
    events_ += events.size();
    for (const auto& group : group_events(events)) {
        const auto& first = *group.front();
        auto view = view_of(group);
        if (format_ == TimelineFormat::markdown) {
            std::string changes;
            for (const auto* e : view.shown) {
                // Appended, not `"`" + markdown_cell(...)`: see short_stamp.
                std::string line = "`";
                line += markdown_cell(e->key);
                line += "` ";
                line += markdown_cell(change_text(*e));
                changes += (changes.empty() ? "" : "<br>") + (e->stamp_relevant ? "**" + line + "**" : line);
            }
            if (view.hidden) changes += "<br>_" + markdown_cell(hidden_note(view, first)) + "_";
            body_ += "| " + event_time_text(first) + " | " + first.source + " | " + markdown_cell(first.subject) +
                     " | " + changes + " | snapshot " + std::to_string(first.evidence_snapshot) + " |\n";
            continue;
        }
        auto event_day = format_date(first.sort_time());
        if (event_day != day_) {
            day_ = event_day;
            body_ += "\n" + day_ + "\n";
        }
        std::string when = first.time ? clock(*first.time)
                                      : "between " + short_stamp(*first.not_before) + " and " +
                                            short_stamp(*first.not_after);
        body_ += "  " + when + "  " + first.source + " " + printable(first.subject) + "  (snapshot " +
                 std::to_string(first.evidence_snapshot) + ")\n";
        Table table;
        for (const auto* e : view.shown)
            table.add({e->stamp_relevant ? "*" : " ", printable(e->key), change_text(*e)});
        body_ += table.str("    ");
        if (view.hidden) body_ += "       " + hidden_note(view, first) + "\n";
    }
}

void TimelineWriter::finish(const std::string& host)
{
    switch (format_) {
    case TimelineFormat::json:
        sink_(events_ ? "\n  ]\n}\n" : json_head() + "]\n}\n");
        break;
    case TimelineFormat::markdown:
        sink_("**Timeline of " + markdown_cell(host) + "**, " + range_text(from_, to_) + ": " +
              std::to_string(events_) + " events, " + std::to_string(relevant_) + " stamp-relevant (**bold**)\n\n");
        sink_(events_ ? "| time (UTC) | source | subject | changes | evidence |\n|---|---|---|---|---|\n"
                      : "_No events in this range._\n");
        sink_(body_);
        break;
    case TimelineFormat::text:
        sink_("timeline of " + host + ", " + range_text(from_, to_) + ": " + std::to_string(events_) + " events, " +
              std::to_string(relevant_) + " stamp-relevant (*)\n");
        sink_(events_ ? std::string_view(body_) : std::string_view("no events in this range\n"));
        break;
    }
    std::string().swap(body_);
}

namespace {

std::string render_whole(const analyze::Timeline& t, TimelineFormat format)
{
    std::string out;
    TimelineWriter writer(format, t.from, t.to, [&](std::string_view text) { out += text; });
    writer.add(t.events);
    writer.finish(t.host);
    return out;
}

} // namespace

std::string timeline_text(const analyze::Timeline& t)
{
    return render_whole(t, TimelineFormat::text);
}

ordered_json timeline_json(const analyze::Timeline& t)
{
    ordered_json out{{"from", format_rfc3339(t.from)}, {"to", format_rfc3339(t.to)}};
    auto& events = out["events"] = ordered_json::array();
    for (const auto& e : t.events) events.push_back(event_json(e));
    return out;
}

std::string timeline_markdown(const analyze::Timeline& t)
{
    return render_whole(t, TimelineFormat::markdown);
}

} // namespace forensic::render
