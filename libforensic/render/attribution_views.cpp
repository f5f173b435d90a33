#include "libforensic/render/attribution_views.hpp"

#include "libforensic/render/escape.hpp"
#include "libforensic/render/table.hpp"

namespace forensic::render {

using nlohmann::ordered_json;

namespace {

ordered_json optional_time(const std::optional<TimeNs>& t)
{
    return t ? ordered_json(format_rfc3339(*t)) : ordered_json(nullptr);
}

// "swarm svc update_status.state = rollback_completed (snapshot 4, 2026-06-10T06:10:00Z)"
std::string evidence_line(const analyze::Evidence& e)
{
    std::string where;
    if (e.snapshot) where += "snapshot " + std::to_string(*e.snapshot);
    if (e.event_time) where += std::string(where.empty() ? "" : ", ") + format_rfc3339(*e.event_time);
    return std::string(e.decides ? "* " : "") + escape_terminal(e.source) + " " + escape_terminal(e.subject) + " " +
           escape_terminal(e.key) + " = " + escape_terminal(e.value) + (where.empty() ? "" : " (" + where + ")") +
           (e.meaning.empty() ? "" : ": " + escape_terminal(e.meaning));
}

} // namespace

// The blast-radius cells as plain text; each output escapes them its own way.
std::string latest_text(const analyze::BlastRow& row)
{
    if (!row.latest) return "-";
    auto text = "run " + row.latest->run + " " + row.latest->upgrade;
    // Appended, not `" " + format_rfc3339(...)`: GCC 12 at -O3 takes that
    // insert-at-front for an overlapping memcpy (-Wrestrict, a false positive).
    if (row.latest->finished) {
        text += ' ';
        text += format_rfc3339(*row.latest->finished);
    }
    return text;
}

static std::string pointer_text(const analyze::BlastRow& row)
{
    if (row.evidence.empty()) return row.latest ? "snapshot " + std::to_string(row.latest->snapshot) : "-";
    const auto& e = row.evidence.front();
    return e.source + " " + e.subject + (e.snapshot ? " (snapshot " + std::to_string(*e.snapshot) + ")" : "");
}

std::vector<std::string> blast_row_cells(const analyze::BlastRow& row)
{
    return {to_string(row.status), row.recipe, latest_text(row), row.signature.empty() ? "-" : row.signature,
            pointer_text(row)};
}

ordered_json evidence_json(const analyze::Evidence& e)
{
    ordered_json out{{"source", e.source}, {"subject", e.subject}, {"key", e.key}, {"value", e.value}};
    out["snapshot"] = e.snapshot ? ordered_json(*e.snapshot) : ordered_json(nullptr);
    out["event_time"] = optional_time(e.event_time);
    out["meaning"] = e.meaning;
    out["decides"] = e.decides;
    return out;
}

ordered_json attribution_json(const analyze::Attribution& a)
{
    ordered_json out{{"recipe", a.recipe},
                     {"expected", a.expected},
                     {"observed", a.observed},
                     {"observed_commit", a.observed_commit},
                     {"observed_is", a.observed_is},
                     {"verdict", a.verdict},
                     {"verdict_reason", a.verdict_reason}};
    auto& hypotheses = out["hypotheses"] = ordered_json::array();
    for (const auto& h : a.hypotheses) {
        ordered_json entry{{"id", h.id}, {"status", to_string(h.status)}, {"summary", h.summary}};
        entry["missing"] = h.missing.empty() ? ordered_json(nullptr) : ordered_json(h.missing);
        auto& evidence = entry["evidence"] = ordered_json::array();
        for (const auto& e : h.evidence) evidence.push_back(evidence_json(e));
        hypotheses.push_back(std::move(entry));
    }
    out["window"] = ordered_json{{"good", optional_time(a.window.good)}, {"bad", optional_time(a.window.bad)}};
    return out;
}

std::string attribution_text(const analyze::Attribution& a)
{
    std::string out = "attribution of " + escape_terminal(a.recipe) + "'s stamp on " + escape_terminal(a.host) +
                      (a.run ? " (run " + escape_terminal(*a.run) + ")" : "") + "\n  expected  " +
                      escape_terminal(a.expected) + "\n  observed  " + escape_terminal(a.observed) +
                      "\n  which is  " + escape_terminal(a.observed_is) + "\n  window    good " +
                      (a.window.good ? format_rfc3339(*a.window.good) : "?") + ", bad " +
                      (a.window.bad ? format_rfc3339(*a.window.bad) : "?") + "\n\nverdict: " +
                      escape_terminal(a.verdict) + " (" + escape_terminal(a.verdict_reason) + ")\n";
    for (const auto& h : a.hypotheses) {
        out += '\n'; // appended, not `"\n" + std::string(...)`: see latest_text
        out += to_string(h.status);
        out += "  " + escape_terminal(h.id) + "\n  " + escape_terminal(h.summary) + "\n";
        if (!h.missing.empty()) out += "  missing: " + escape_terminal(h.missing) + "\n";
        for (const auto& e : h.evidence) out += "    - " + evidence_line(e) + "\n";
    }
    return out;
}

ordered_json blast_radius_json(const analyze::BlastRadius& r)
{
    ordered_json list = ordered_json::array();
    for (const auto& row : r.rows) {
        ordered_json latest = nullptr;
        if (row.latest)
            latest = ordered_json{{"run", row.latest->run},
                                  {"finished", optional_time(row.latest->finished)},
                                  {"upgrade", row.latest->upgrade},
                                  {"snapshot", row.latest->snapshot}};
        ordered_json evidence = ordered_json::array();
        for (const auto& e : row.evidence) evidence.push_back(evidence_json(e));
        list.push_back(ordered_json{{"recipe", row.recipe},
                                    {"status", to_string(row.status)},
                                    {"latest_evidence", latest},
                                    {"signature", row.signature.empty() ? ordered_json(nullptr) : ordered_json(row.signature)},
                                    {"evidence", evidence}});
    }
    return ordered_json{{"recipes", list}};
}

std::string blast_radius_text(const analyze::BlastRadius& r)
{
    std::string out = "blast radius on " + escape_terminal(r.host) + " as of snapshot " + std::to_string(r.as_of.id) +
                      " (" + format_rfc3339(r.as_of.taken_at) + "): " + std::to_string(r.rows.size()) + " recipes\n";
    Table table({"status", "recipe", "latest upgrade", "signature", "evidence"});
    for (const auto& row : r.rows) {
        auto cells = blast_row_cells(row);
        for (auto& cell : cells) cell = escape_terminal(cell);
        table.add(cells);
    }
    return out + table.str();
}

std::string blast_radius_markdown(const analyze::BlastRadius& r)
{
    std::string out = "**Blast radius on " + escape_markdown(r.host) + "** as of snapshot " +
                      std::to_string(r.as_of.id) + " (" + format_rfc3339(r.as_of.taken_at) +
                      ")\n\n| status | recipe | latest upgrade | signature | evidence |\n"
                      "|---|---|---|---|---|\n";
    for (const auto& row : r.rows) {
        std::string line = "|";
        for (const auto& cell : blast_row_cells(row)) {
            // Piece by piece: `" " + string&&` trips GCC 12's -O3 -Wrestrict (PR 105329).
            line += ' ';
            line += escape_markdown(cell);
            line += " |";
        }
        out += line + "\n";
    }
    return out;
}

} // namespace forensic::render
