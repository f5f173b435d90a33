#include "libforensic/render/report_views.hpp"
#include "libforensic/render/escape.hpp"

#include "libforensic/render/attribution_views.hpp"
#include "libforensic/render/html_parts.hpp"
#include "libforensic/render/timeline_views.hpp"
#include "libforensic/util/utf8.hpp"

#include <algorithm>
#include <array>

namespace forensic::render {
namespace {

using analyze::Report;

std::string when_text(TimeNs t)
{
    return format_date(t) + " " + clock_text(t);
}

const SnapshotInfo* snapshot_of(const Report& r, std::optional<long long> id)
{
    if (!id) return nullptr;
    for (const auto& s : r.snapshots)
        if (s.id == *id) return &s;
    return nullptr;
}

// One link of the evidence chain, placed in time: its own time, else the
// time of the snapshot that holds it.
struct Link {
    TimeNs at = 0;
    bool exact = false;
    const analyze::Evidence* evidence = nullptr;
    std::vector<std::string> also; // what else the same fact shows
};

std::string meaning_of(const Link& l)
{
    auto text = escape_terminal(l.evidence->meaning);
    for (const auto& m : l.also) text += "; " + escape_terminal(m);
    return text;
}


// The evidence a hypothesis cites, once each (a fact cited for two reasons
// keeps both), in time order.
std::vector<Link> chain_of(const Report& r, const analyze::Hypothesis& h)
{
    std::vector<Link> links;
    for (const auto& e : h.evidence) {
        bool again = std::any_of(links.begin(), links.end(), [&](const Link& l) {
            const auto& x = *l.evidence;
            return x.source == e.source && x.subject == e.subject && x.key == e.key && x.value == e.value &&
                   x.snapshot == e.snapshot;
        });
        if (again) {
            for (auto& l : links)
                if (l.evidence->key == e.key && l.evidence->subject == e.subject && l.evidence->value == e.value &&
                    l.evidence->snapshot == e.snapshot && !e.meaning.empty())
                    l.also.push_back(e.meaning);
            continue;
        }
        Link link{0, e.event_time.has_value(), &e, {}};
        if (e.event_time) link.at = *e.event_time;
        else if (const auto* s = snapshot_of(r, e.snapshot)) link.at = s->taken_at;
        links.push_back(link);
    }
    std::stable_sort(links.begin(), links.end(), [](const Link& a, const Link& b) { return a.at < b.at; });
    return links;
}

std::string link_time(const Report& r, const Link& l)
{
    if (l.exact) return when_text(l.at);
    const auto* s = snapshot_of(r, l.evidence->snapshot);
    return s ? "as of " + when_text(s->taken_at) : "-";
}

std::string holder_text(const Report& r, const analyze::Evidence& e)
{
    const auto* s = snapshot_of(r, e.snapshot);
    if (!s) return "no snapshot";
    return std::string(s->kind == SnapshotKind::watch ? "watch record " : "snapshot ") + std::to_string(s->id) + " (" +
           when_text(s->taken_at) + ")";
}

std::string fact_text(const analyze::Evidence& e)
{
    return escape_terminal(e.subject) + " " + escape_terminal(e.key) + " = " + escape_terminal(e.value);
}

std::string status_word(analyze::HypothesisStatus status)
{
    return to_string(status);
}

// The fact that decides a hypothesis: the one its test marked so, else, of
// those it cites, the latest at or before the bad time (what the window ended
// with), else the first.
const analyze::Evidence* deciding(const Report& r, const analyze::Hypothesis& h)
{
    if (h.evidence.empty()) return nullptr;
    for (const auto& e : h.evidence)
        if (e.decides) return &e;
    const analyze::Evidence* best = nullptr;
    TimeNs best_at = 0;
    for (const auto& l : chain_of(r, h))
        if ((!r.attribution.window.bad || l.at <= *r.attribution.window.bad) && (!best || l.at >= best_at)) {
            best = l.evidence;
            best_at = l.at;
        }
    return best ? best : &h.evidence.front();
}

// ---- the picture ----

const std::array<analyze::ReportRow, 5> chart_rows = {analyze::ReportRow::checkout, analyze::ReportRow::service,
                                                      analyze::ReportRow::abra, analyze::ReportRow::refs,
                                                      analyze::ReportRow::runs};

bool overlaps(const analyze::Happening& h, TimeNs from, TimeNs to)
{
    if (h.time) return *h.time >= from && *h.time <= to;
    return *h.not_before <= to && *h.not_after >= from;
}

Chart window_chart(const Report& r, TimeNs from, TimeNs to, const std::string& title, const std::string& id_prefix)
{
    const auto& w = r.attribution.window;
    Chart chart;
    chart.from = from;
    chart.to = to;
    chart.title = title;
    if (w.deploy_from && w.deploy_to)
        chart.spans.push_back({*w.deploy_from, *w.deploy_to,
                               "deploy window: " + (r.bad_run ? "run " + r.bad_run->id + ", " : std::string()) +
                                   clock_text(*w.deploy_from) + " – " + clock_text(*w.deploy_to)});
    auto inside = [&](std::optional<TimeNs> t) { return t && *t >= from && *t <= to; };
    if (!inside(w.good)) {
    } else if (r.good_run)
        chart.instants.push_back({*w.good, "good: run " + r.good_run->id + " upgrade " + r.good_run->result + ", " +
                                               when_text(*w.good), "good"});
    else
        chart.instants.push_back({*w.good, "good: " + when_text(*w.good), "good"});
    if (inside(w.bad))
        chart.instants.push_back({*w.bad, "bad: " + (r.bad_run ? "run " + r.bad_run->id + " upgrade " + r.bad_run->result + ", " : std::string()) +
                                              when_text(*w.bad), "bad"});
    for (auto kind : chart_rows) {
        ChartRow row{to_string(kind), {}, {}};
        for (std::size_t i = 0; i < r.happenings.size(); ++i) {
            const auto& h = r.happenings[i];
            if (analyze::row_of(h) == kind && overlaps(h, from, to))
                row.marks.push_back(happening_mark(h, id_prefix + std::to_string(i + 1)));
        }
        row.empty_note = "nothing recorded changed here in this span";
        chart.rows.push_back(std::move(row));
    }
    return chart;
}

// ---- HTML ----

std::string evidence_item_html(const Report& r, const Link& l)
{
    const auto& e = *l.evidence;
    return "<li><span class=\"when\">" + escape_html(link_time(r, l)) + "</span> <span class=\"src\">" +
           escape_html(e.source) + "</span> <code>" + escape_html(fact_text(e)) + "</code>" +
           (e.meaning.empty() ? "" : " — " + escape_html(meaning_of(l))) + " <span class=\"held\">[" +
           escape_html(holder_text(r, e)) + "]</span></li>\n";
}

const char* report_css()
{
    return ".symptom{font-size:15px}\n"
           ".verdict{font-size:17px;border-left:5px solid #d93025;background:#fdecea;padding:10px 12px;margin:10px 0}\n"
           ".verdict.none{border-color:#8e8e93;background:#f2f2f5}\n.struck{font-size:14px}\n"
           "ol.chain,ul.hyps{padding-left:22px}\nol.chain li,ul.hyps li{margin:4px 0}\n"
           ".when{font:600 13px monospace;color:#444}\n.src{font-size:12px;color:#6e6e73}\n"
           ".held{font-size:12px;color:#6e6e73}\n"
           ".status{display:inline-block;font:600 12px system-ui;padding:1px 7px;border-radius:9px;color:#fff}\n"
           ".status.supported{background:#d93025}\n.status.refuted{background:#188038}\n"
           ".status.inconclusive{background:#b06000}\n"
           "pre{background:#f6f6f8;padding:10px;overflow-x:auto;font-size:12px;white-space:pre-wrap;"
           "overflow-wrap:anywhere}\n"
           ".meta{color:#6e6e73;font-size:13px}\n";
}

} // namespace

std::string symptom_sentence(const Report& r)
{
    const auto& a = r.attribution;
    std::string who = r.bad_run ? "Run " + r.bad_run->id + "'s HC1 check" : "The HC1 check";
    return who + " expected " + a.recipe + "'s deployed service to carry the stamp of commit " + a.expected +
           " and saw " + a.observed + ": " + escape_terminal(a.observed_is) + ".";
}

std::string verdict_sentence(const Report& r)
{
    const auto* h = r.verdict();
    if (!h) {
        std::size_t inconclusive = 0;
        for (const auto& x : r.attribution.hypotheses) inconclusive += x.status == analyze::HypothesisStatus::inconclusive;
        return "Verdict: unexplained. No hypothesis is supported by the recorded evidence (" +
               std::to_string(inconclusive) + " of " + std::to_string(r.attribution.hypotheses.size()) +
               " inconclusive): a wrong stamp that nothing recorded explains.";
    }
    auto out = "Verdict: " + analyze::hypothesis_label(h->id) + " (" + h->id + "). " + escape_terminal(h->summary) + ".";
    // Several supported: which one it names, and why.
    if (r.attribution.verdict_reason.starts_with("first of")) out += " Named " + escape_terminal(r.attribution.verdict_reason) + ".";
    return out;
}

std::string when_sentence(const Report& r)
{
    if (!r.verdict_happening) return {};
    const auto& h = r.happenings[*r.verdict_happening];
    return "When: " + happening_time_text(h, "") + " (" + h.time_desc.text + "): " + escape_terminal(h.summary) + ".";
}

std::string report_html(const Report& r)
{
    const auto& a = r.attribution;
    std::string title = "Why " + a.recipe + "'s upgrade stamped " + a.observed + " — forensic report";
    std::string body = "<h1>" + escape_html(title) + "</h1>\n<p class=\"meta\">Host " + escape_html(a.host) +
                       (r.bad_run ? ", run " + escape_html(r.bad_run->id) : "") + ". Computed from the database alone; "
                       "see <a href=\"#rerun\">how to re-run it</a>.</p>\n";
    body += "<p class=\"symptom\" id=\"symptom\"><strong>Symptom.</strong> " + escape_html(symptom_sentence(r)) + "</p>\n";
    body += std::string("<p class=\"verdict") + (r.verdict() ? "" : " none") + "\" id=\"verdict\"><strong>" +
            escape_html(verdict_sentence(r)) + "</strong>" +
            (when_sentence(r).empty() ? "" : "<br><span class=\"struck\">" + escape_html(when_sentence(r)) + "</span>") +
            "</p>\n";
    if (const auto* h = r.verdict()) {
        body += "<h2 id=\"evidence\">The evidence, in order</h2>\n<ol class=\"chain\">\n";
        for (const auto& l : chain_of(r, *h)) body += evidence_item_html(r, l);
        body += "</ol>\n";
    }

    const auto& w = a.window;
    body += "<h2 id=\"picture\">The window</h2>\n<p class=\"meta\">From the last good upgrade to the failing one: a dot "
            "is a happening at the time its facts carry, a bar one seen only between two snapshots; red can change "
            "the stamp. The deploy window is shaded.</p>\n";
    body += responsive_chart(window_chart(r, r.timeline.from, r.timeline.to, "The window of " + a.recipe + "'s failure", "w-"));
    if (w.deploy_from && w.deploy_to && *w.deploy_to > *w.deploy_from) {
        auto pad = std::max<TimeNs>((*w.deploy_to - *w.deploy_from) / 10, 60 * ns_per_second);
        body += "<h2 id=\"deploy\">The deploy window, enlarged</h2>\n";
        body += responsive_chart(window_chart(r, *w.deploy_from - pad, *w.deploy_to + pad, "The deploy window", "d-"));
    }

    body += "<h2 id=\"hypotheses\">Every hypothesis</h2>\n<ul class=\"hyps\">\n";
    for (const auto& h : a.hypotheses) {
        if (h.id == a.verdict) continue;
        const auto* d = deciding(r, h);
        std::string decided = !h.missing.empty() ? "Missing: " + escape_terminal(h.missing) + "."
                              : !d ? "Nothing recorded decides it."
                                   : "Decided by " + fact_text(*d) +
                                         (d->meaning.empty() ? "" : " (" + escape_terminal(d->meaning) + ")") + ", " +
                                         holder_text(r, *d) + ".";
        body += "<li><span class=\"status " + status_word(h.status) + "\">" + status_word(h.status) + "</span> <strong>" +
                escape_html(h.id) + "</strong> — " + escape_html(analyze::hypothesis_label(h.id)) + ": " +
                escape_html(escape_terminal(h.summary)) + ". " + escape_html(decided);
        if (h.evidence.size() > 1) {
            body += "<details><summary>all " + std::to_string(h.evidence.size()) + " facts</summary><ol class=\"chain\">";
            for (const auto& l : chain_of(r, h)) body += evidence_item_html(r, l);
            body += "</ol></details>";
        }
        body += "</li>\n";
    }
    body += "</ul>\n";

    const auto& b = r.blast_radius;
    body += "<h2 id=\"blast\">Blast radius as of snapshot " + std::to_string(b.as_of.id) + " (" +
            escape_html(when_text(b.as_of.taken_at)) + ")</h2>\n<table><thead><tr><th>status</th><th>recipe</th>"
            "<th>latest upgrade</th><th>signature</th><th>evidence</th></tr></thead><tbody>\n";
    for (const auto& row : b.rows) {
        body += "<tr>";
        for (const auto& cell : blast_row_cells(row)) body += "<td>" + escape_html(escape_terminal(cell)) + "</td>";
        body += "</tr>\n";
    }
    body += "</tbody></table>\n";

    body += "<h2 id=\"timeline\">What happened, " + escape_html(range_text(r.timeline.from, r.timeline.to)) +
            "</h2>\n" + happenings_table(r.happenings, false, "happening-");

    body += "<h2 id=\"rerun\">How to re-run it</h2>\n<p>Database <code>" +
            escape_html(r.database.empty() ? "(default)" : r.database) + "</code>, host <code>" + escape_html(a.host) +
            "</code>: " + std::to_string(r.snapshots.size()) +
            " snapshots. Export them as bundles, import them into a fresh database and run the same commands; the "
            "output is the same, byte for byte.</p>\n<pre>";
    for (const auto& c : r.commands) body += escape_html(c) + "\n";
    body += "</pre>\n<table><thead><tr><th>snapshot</th><th>taken (UTC)</th><th>kind</th><th>status</th></tr></thead>"
            "<tbody>\n";
    for (const auto& s : r.snapshots)
        body += "<tr><td>" + std::to_string(s.id) + "</td><td>" + format_rfc3339(s.taken_at) + "</td><td>" +
                to_string(s.kind) + "</td><td>" + escape_html(s.status) + "</td></tr>\n";
    body += "</tbody></table>\n";
    return html_page(title, report_css(), body);
}

std::string report_markdown(const Report& r)
{
    const auto& a = r.attribution;
    std::string out = "## Why " + escape_markdown(a.recipe) + "'s upgrade stamped " + escape_markdown_code_cell(a.observed) + "\n\n";
    out += "**Symptom.** " + escape_markdown(symptom_sentence(r)) + "\n\n";
    out += "**" + escape_markdown(verdict_sentence(r)) + "**" +
           (when_sentence(r).empty() ? "" : " " + escape_markdown(when_sentence(r))) + "\n\n";
    if (const auto* h = r.verdict()) {
        out += "### The evidence, in order\n\n";
        int n = 0;
        for (const auto& l : chain_of(r, *h))
            out += std::to_string(++n) + ". " + link_time(r, l) + " — " + l.evidence->source + " " +
                   escape_markdown_code_cell(fact_text(*l.evidence)) +
                   (l.evidence->meaning.empty() ? "" : ": " + escape_markdown(meaning_of(l))) + " (" +
                   holder_text(r, *l.evidence) + ")\n";
        out += "\n";
    }
    out += "### The window, " + range_text(r.timeline.from, r.timeline.to) + "\n\n";
    const auto& w = a.window;
    if (w.good) out += "- good: " + (r.good_run ? "run " + r.good_run->id + " upgrade " + r.good_run->result + ", " : std::string()) + when_text(*w.good) + "\n";
    if (w.deploy_from && w.deploy_to) out += "- deploy window: " + when_text(*w.deploy_from) + " – " + when_text(*w.deploy_to) + "\n";
    if (w.bad) out += "- bad: " + (r.bad_run ? "run " + r.bad_run->id + " upgrade " + r.bad_run->result + ", " : std::string()) + when_text(*w.bad) + "\n";
    out += "\n| row | time (UTC) | basis | what happened | snapshot |\n|---|---|---|---|---|\n";
    for (auto kind : chart_rows)
        for (const auto& h : r.happenings) {
            if (analyze::row_of(h) != kind) continue;
            auto text = escape_markdown(h.summary);
            out += std::string("| ") + to_string(kind) + " | " + happening_time_text(h, "") + " | " + h.time_desc.label +
                   " | " + (h.stamp_relevant ? "**" + text + "**" : text) + " | " + std::to_string(h.evidence_snapshot) +
                   " |\n";
        }
    out += "\n### Every hypothesis\n\n";
    for (const auto& h : a.hypotheses) {
        if (h.id == a.verdict) continue;
        out += "- **" + status_word(h.status) + "** " + escape_markdown_code_cell(h.id) + " — " + escape_markdown(analyze::hypothesis_label(h.id)) +
               ": " + escape_markdown(h.summary) + ". " +
               (!h.missing.empty() ? "Missing: " + escape_markdown(h.missing) + "."
                : !deciding(r, h)  ? std::string("Nothing recorded decides it.")
                                   : "Decided by " + escape_markdown_code_cell(fact_text(*deciding(r, h))) + ", " +
                                         holder_text(r, *deciding(r, h)) + ".") +
               "\n";
    }
    out += "\n### Blast radius\n\n" + blast_radius_markdown(r.blast_radius);
    out += "\n### How to re-run it\n\nDatabase " + escape_markdown_code_cell(r.database.empty() ? std::string("(default)") : r.database) +
           ", host " + escape_markdown_code_cell(a.host) + ", snapshots";
    for (const auto& s : r.snapshots) out += " " + std::to_string(s.id);
    out += ":\n\n```sh\n";
    for (const auto& c : r.commands) out += c + "\n";
    out += "```\n";
    return out;
}

} // namespace forensic::render
