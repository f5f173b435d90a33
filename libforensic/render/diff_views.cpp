#include "libforensic/render/diff_views.hpp"

#include "libforensic/render/escape.hpp"
#include "libforensic/render/snapshot_views.hpp"
#include "libforensic/render/table.hpp"

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
    Table table;
    for (const auto& c : diff.changes) {
        std::string values = c.change == analyze::Change::added   ? "+ " + escape_terminal(*c.after)
                             : c.change == analyze::Change::removed ? "- " + escape_terminal(*c.before)
                                                                    : escape_terminal(*c.before) + " → " +
                                                                          escape_terminal(*c.after);
        table.add({c.stamp_relevant ? "*" : " ", escape_terminal(c.source), escape_terminal(c.subject),
                   escape_terminal(c.key), values});
    }
    return out + table.str();
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
