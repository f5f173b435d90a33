#include "libforensic/render/diff_views.hpp"

#include "libforensic/render/escape.hpp"
#include "libforensic/render/snapshot_views.hpp"
#include "libforensic/render/table.hpp"

#include <algorithm>
#include <array>

namespace forensic::render {
namespace {

ordered_json optional_text(const std::optional<std::string>& value)
{
    return value ? ordered_json(*value) : ordered_json(nullptr);
}

} // namespace

std::string diff_text(const analyze::DiffResult& diff)
{
    std::size_t relevant = 0;
    for (const auto& c : diff.changes) relevant += c.stamp_relevant;
    std::string out = "diff of " + escape_terminal(diff.from.host) + " from snapshot " + std::to_string(diff.from.id) + " (" +
                      format_rfc3339(diff.from.taken_at) + ") to " + std::to_string(diff.to.id) + " (" +
                      format_rfc3339(diff.to.taken_at) + "): " + std::to_string(diff.changes.size()) + " changes, " +
                      std::to_string(relevant) + " stamp-relevant (*)\n";
    // A table of marker, source, subject, key and values, written row by row
    // from the changes: a year's diff is 68,000 rows, and a Table would copy
    // each cell first. Cells are escaped where they need it (escaped[] keeps
    // those); the values, last and unpadded, are joined into one buffer.
    struct Escaped {
        std::string source, subject, key, before, after;
    };
    auto view = [](const analyze::FactChange& c, Escaped& e) {
        return std::array<std::string_view, 4>{c.stamp_relevant ? "*" : " ", escape_terminal_view(c.source, e.source),
                                               escape_terminal_view(c.subject, e.subject),
                                               escape_terminal_view(c.key, e.key)};
    };
    std::array<std::size_t, 5> widths{};
    std::size_t bytes = out.size();
    Escaped scratch;
    for (const auto& c : diff.changes) {
        auto cells = view(c, scratch);
        for (std::size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], display_width(cells[i]));
        bytes += 16 + (c.before ? c.before->size() : 0) + (c.after ? c.after->size() : 0);
    }
    std::size_t padded = 0;
    for (std::size_t i = 0; i < 4; ++i) padded += widths[i] + 2;
    out.reserve(bytes + diff.changes.size() * padded);
    std::string values;
    for (const auto& c : diff.changes) {
        auto cells = view(c, scratch);
        values.clear();
        if (c.change == analyze::Change::added) {
            values += "+ ";
            values += escape_terminal_view(*c.after, scratch.after);
        } else if (c.change == analyze::Change::removed) {
            values += "- ";
            values += escape_terminal_view(*c.before, scratch.before);
        } else {
            values += escape_terminal_view(*c.before, scratch.before);
            values += " \xe2\x86\x92 "; // →
            values += escape_terminal_view(*c.after, scratch.after);
        }
        std::array<std::string_view, 5> row{cells[0], cells[1], cells[2], cells[3], values};
        append_table_row(out, "", row, widths);
    }
    return out;
}

ordered_json diff_json(const analyze::DiffResult& diff)
{
    ordered_json out{{"from", snapshot_json(diff.from)}, {"to", snapshot_json(diff.to)}};
    auto& changes = out["changes"] = ordered_json::array();
    for (const auto& c : diff.changes)
        changes.push_back(ordered_json{{"source", c.source},
                                       {"subject", c.subject},
                                       {"key", c.key},
                                       {"change", to_string(c.change)},
                                       {"before", optional_text(c.before)},
                                       {"after", optional_text(c.after)},
                                       {"stamp_relevant", c.stamp_relevant}});
    return out;
}

} // namespace forensic::render
