#include "libforensic/analyze/report.hpp"

#include "libforensic/analyze/run_history.hpp"

#include <algorithm>

namespace forensic::analyze {

const char* to_string(ReportRow row)
{
    switch (row) {
    case ReportRow::checkout: return "recipe checkout";
    case ReportRow::service: return "app service";
    case ReportRow::abra: return "abra binary";
    case ReportRow::refs: return "refs";
    case ReportRow::runs: return "CI runs";
    case ReportRow::other: return "other";
    }
    return "?";
}

ReportRow row_of(const Happening& h)
{
    if (h.source == "swarm" || h.source == "swarm-events") return ReportRow::service;
    if (h.source == "nix" || h.source == "abra") return ReportRow::abra;
    if (h.source == "runs") return ReportRow::runs;
    if (h.source == "mirrors" || h.source == "catalogue") return ReportRow::refs;
    if (h.source == "recipes") {
        // A checkout's HEAD, reflog and worktree; its tags and branches are refs.
        bool checkout = std::any_of(h.facts.begin(), h.facts.end(), [](const TimelineEvent* e) {
            return e->key.starts_with("head.") || e->key.starts_with("reflog:") || e->key.starts_with("worktree.") ||
                   e->key == "describe" || e->key.starts_with("fetch_head") || e->key.starts_with("orig_head");
        });
        return checkout || h.kind != HappeningKind::changed ? ReportRow::checkout : ReportRow::refs;
    }
    return ReportRow::other;
}

std::string hypothesis_label(const std::string& id)
{
    static const std::vector<std::pair<std::string, std::string>> labels = {
        {"swarm-rollback", "Swarm rolled the service back"},
        {"manual-rollback", "someone rolled the service back by hand"},
        {"redeploy", "a later deploy put the old stamp back"},
        {"checkout-mismatch", "the checkout was not at the expected commit"},
        {"ref-moved", "a tag or branch moved"},
        {"abra-changed", "the abra binary changed"},
        {"untracked-files", "untracked files (+U)"},
        {"unexplained", "no recorded cause"},
    };
    for (const auto& [name, label] : labels)
        if (name == id) return label;
    return id;
}

std::string shell_quote(const std::string& text)
{
    bool plain = !text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                                         "-_./:=+,@%") == std::string::npos;
    if (plain) return text;
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

const Hypothesis* Report::verdict() const
{
    for (const auto& h : attribution.hypotheses)
        if (h.id == attribution.verdict) return &h;
    return nullptr;
}

namespace {

std::optional<WindowRun> window_run(const std::vector<RunRecord>& runs, const std::optional<std::string>& id,
                                    std::optional<TimeNs> at, bool passed)
{
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
        bool match = id ? it->id == *id : it->time() == at && (passed ? it->upgrade_passed() : it->upgrade_failed());
        if (match) return WindowRun{it->id, it->started, it->finished, it->upgrade.value_or("")};
    }
    return std::nullopt;
}

// The commands that rebuild the page from the bundles, with the options it was made with.
std::vector<std::string> rerun_commands(const Report& r, const ReportOptions& o)
{
    const auto& a = r.attribution;
    std::string db = "--db " + shell_quote(o.database.empty() ? "forensic.db" : o.database);
    std::string symptom = "--recipe " + shell_quote(a.recipe) +
                          (o.attribution.run ? " --run " + shell_quote(*o.attribution.run)
                                             : " --expected " + shell_quote(a.expected) + " --observed " +
                                                   shell_quote(a.observed));
    if (o.attribution.good) symptom += " --good " + format_rfc3339(*o.attribution.good);
    if (o.attribution.bad) symptom += " --bad " + format_rfc3339(*o.attribution.bad);
    // Imported in the order of their ids, the snapshots get the same ids again.
    std::string ids, files;
    for (const auto& s : r.snapshots) {
        // Piece by piece: `" " + string&&` trips GCC 12's -O3 -Wrestrict (PR 105329).
        if (!ids.empty()) ids += ' ';
        ids += std::to_string(s.id);
        files += ' ';
        files += shell_quote(a.host + "-" + std::to_string(s.id) + ".json");
    }
    return {
        "for id in " + ids + "; do forensic export $id " + db + " -o " + shell_quote(a.host) + "-$id.json; done",
        "forensic import --db review.db" + files,
        "forensic report --db review.db " + symptom + " -o report.html",
        "forensic attribute --db review.db " + symptom,
        "forensic timeline --db review.db --recipe " + shell_quote(a.recipe) + " --from " +
            format_rfc3339(r.timeline.from) + " --to " + format_rfc3339(r.timeline.to),
        "forensic blast-radius --db review.db --as-of " + std::to_string(r.blast_radius.as_of.id),
    };
}

// When the verdict struck: the happening that holds the fact deciding it
// (the latest such), else the one whose facts are most of its evidence;
// exact times first, then the later.
std::optional<std::size_t> verdict_happening(const Report& r)
{
    const auto* verdict = r.verdict();
    if (!verdict) return std::nullopt;
    bool any_decides = std::any_of(verdict->evidence.begin(), verdict->evidence.end(),
                                   [](const analyze::Evidence& e) { return e.decides; });
    std::optional<std::size_t> best;
    std::size_t best_count = 0;
    for (std::size_t i = 0; i < r.happenings.size(); ++i) {
        const auto& h = r.happenings[i];
        std::size_t count = 0;
        for (const auto& e : verdict->evidence) {
            if (any_decides && !e.decides) continue;
            count += std::any_of(h.facts.begin(), h.facts.end(), [&](const TimelineEvent* f) {
                return f->source == e.source && f->subject == e.subject && f->key == e.key && f->after == e.value;
            });
        }
        if (!count) continue;
        bool better = !best || count > best_count || (count == best_count && (h.time || !r.happenings[*best].time));
        if (better) {
            best = i;
            best_count = count;
        }
    }
    return best;
}

} // namespace

Report build_report(store::Store& store, const ReportOptions& o)
{
    Report r;
    r.attribution = attribute(store, o.attribution);
    r.database = o.database;
    const auto& a = r.attribution;
    const auto& w = a.window;

    auto runs = load_recipe_runs(store, a.host, a.recipe);
    r.bad_run = window_run(runs, a.run, w.bad, false);
    r.good_run = window_run(runs, std::nullopt, w.good, true);

    // The window, from the good run's start to a little after the bad one.
    constexpr TimeNs margin = 30 * 60 * ns_per_second;
    TimelineOptions t;
    t.host = a.host;
    t.recipe = a.recipe;
    t.from = (r.good_run && r.good_run->started ? *r.good_run->started : *w.good) - margin;
    t.to = std::max(*w.bad, w.deploy_to.value_or(*w.bad)) + margin;
    r.timeline = build_timeline(store, t);
    r.happenings = group_happenings(r.timeline.events);
    r.verdict_happening = verdict_happening(r);

    // The blast radius as the host was when the failure was first recorded.
    r.snapshots = store.snapshots(a.host);
    std::sort(r.snapshots.begin(), r.snapshots.end(), [](const auto& x, const auto& y) { return x.taken_at < y.taken_at; });
    BlastOptions b;
    b.host = a.host;
    for (const auto& s : r.snapshots)
        if (s.taken_at >= *w.bad) {
            b.as_of = std::to_string(s.id);
            break;
        }
    r.blast_radius = blast_radius(store, b);
    r.commands = rerun_commands(r, o);
    return r;
}

} // namespace forensic::analyze
