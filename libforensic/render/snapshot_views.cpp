#include "libforensic/render/snapshot_views.hpp"

#include "libforensic/render/escape.hpp"
#include "libforensic/render/table.hpp"

#include <algorithm>
#include <map>

namespace forensic::render {

ordered_json snapshot_json(const SnapshotInfo& s)
{
    return ordered_json{{"id", s.id},
                        {"host", s.host},
                        {"taken_at", format_rfc3339(s.taken_at)},
                        {"finished_at", format_rfc3339(s.finished_at)},
                        {"status", s.status},
                        {"tool_version", s.tool_version},
                        {"kind", to_string(s.kind)}};
}

ordered_json collector_run_json(const CollectorRunInfo& r)
{
    ordered_json out{{"name", r.collector}, {"status", to_string(r.status)}};
    out["error"] = r.error.empty() ? ordered_json(nullptr) : ordered_json(r.error);
    out["opened"] = r.opened;
    out["closed"] = r.closed;
    out["unchanged"] = r.unchanged;
    out["errors"] = r.errors;
    out["coverage"] = to_string(r.coverage);
    if (r.coverage == Coverage::subjects) out["subjects"] = r.observed_subjects;
    return out;
}

ordered_json stored_fact_json(const StoredFact& f)
{
    ordered_json out{{"source", f.source}, {"subject", f.subject}, {"key", f.key}, {"value", f.value}};
    out["event_time"] = f.event_time ? ordered_json(format_rfc3339(*f.event_time)) : ordered_json(nullptr);
    out["first_snapshot"] = f.first_snapshot;
    out["until_snapshot"] = f.until_snapshot ? ordered_json(*f.until_snapshot) : ordered_json(nullptr);
    return out;
}

std::string write_summary_text(const WriteSummary& summary)
{
    const auto& s = summary.snapshot;
    std::string out = "snapshot " + std::to_string(s.id) + " of " + escape_terminal(s.host) + " taken " +
                      format_rfc3339(s.taken_at) + " (" + escape_terminal(s.status) + ")\n";
    Table table({"collector", "status", "opened", "closed", "unchanged", "errors", "error"});
    for (const auto& c : summary.collectors) {
        bool ran = c.status == CollectorStatus::ok;
        table.add({escape_terminal(c.collector), to_string(c.status), ran ? std::to_string(c.opened) : "-",
                   ran ? std::to_string(c.closed) : "-", ran ? std::to_string(c.unchanged) : "-",
                   ran ? std::to_string(c.errors) : "-", escape_terminal(c.error)});
    }
    return out + table.str("  ");
}

ordered_json write_summary_json(const WriteSummary& summary)
{
    ordered_json out{{"snapshot", snapshot_json(summary.snapshot)}};
    auto& collectors = out["collectors"] = ordered_json::array();
    for (const auto& c : summary.collectors) collectors.push_back(collector_run_json(c));
    return out;
}

std::string snapshot_list_text(const std::vector<SnapshotInfo>& snapshots)
{
    Table table({"id", "host", "taken_at", "kind", "status", "forensic"});
    for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it)
        table.add({std::to_string(it->id), escape_terminal(it->host), format_rfc3339(it->taken_at), to_string(it->kind),
                   escape_terminal(it->status), escape_terminal(it->tool_version)});
    return table.str();
}

ordered_json snapshot_list_json(const std::vector<SnapshotInfo>& snapshots)
{
    ordered_json out = ordered_json::array();
    for (auto it = snapshots.rbegin(); it != snapshots.rend(); ++it) out.push_back(snapshot_json(*it));
    return ordered_json{{"snapshots", out}};
}

namespace {

// Why a subject's facts in a snapshot's state were not seen by it, if so:
// the collector failed or did not run, or (a watch record) did not name it.
std::string carried_note(const std::map<std::string, const CollectorRunInfo*>& runs, const std::string& source,
                         const std::string& subject, bool watch)
{
    auto run = runs.find(source);
    if (run == runs.end()) return watch ? "  (carried: not read by this watch record)" : "  (carried: collector did not run)";
    const auto& r = *run->second;
    if (r.status != CollectorStatus::ok) return "  (carried: collector " + std::string(to_string(r.status)) + ")";
    if (r.coverage == Coverage::subjects &&
        !std::binary_search(r.observed_subjects.begin(), r.observed_subjects.end(), subject))
        return watch ? "  (carried: not named by this watch record)" : "  (carried: not observed)";
    return "";
}

} // namespace

std::string show_text(const SnapshotState& state)
{
    const auto& s = state.snapshot;
    bool watch = s.kind == SnapshotKind::watch;
    std::string out = (watch ? "watch record " : "snapshot ") + std::to_string(s.id) + " of " + escape_terminal(s.host) +
                      " taken " + format_rfc3339(s.taken_at) + " (" + escape_terminal(s.status) + ", forensic " +
                      escape_terminal(s.tool_version) + ")\n";
    std::map<std::string, const CollectorRunInfo*> runs;
    for (const auto& c : state.collectors) {
        runs[c.collector] = &c;
        if (c.status != CollectorStatus::ok)
            out += "collector " + escape_terminal(c.collector) + " " + to_string(c.status) +
                   (c.error.empty() ? "" : ": " + escape_terminal(c.error)) + "\n";
    }
    std::string source, subject;
    Table table;
    auto flush = [&] {
        if (!table.empty()) out += table.str("    ");
        table = Table();
    };
    for (const auto& f : state.facts) {
        if (f.source != source || f.subject != subject) {
            flush();
            source = f.source;
            subject = f.subject;
            // Piece by piece: `"\n" + string&&` trips GCC 12's -O3 -Wrestrict (PR 105329).
            out += '\n';
            out += escape_terminal(source);
            out += ' ';
            out += escape_terminal(subject);
            out += carried_note(runs, source, subject, watch);
            out += '\n';
        }
        table.add({escape_terminal(f.key), escape_terminal(f.value)});
    }
    flush();
    return out;
}

ordered_json show_json(const SnapshotState& state)
{
    ordered_json out{{"snapshot", snapshot_json(state.snapshot)}};
    auto& collectors = out["collectors"] = ordered_json::array();
    for (const auto& c : state.collectors) collectors.push_back(collector_run_json(c));
    auto& facts = out["facts"] = ordered_json::array();
    for (const auto& f : state.facts) facts.push_back(stored_fact_json(f));
    return out;
}

} // namespace forensic::render
