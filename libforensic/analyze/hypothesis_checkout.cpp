// checkout-mismatch: the recipe checkout was not at the expected commit when
// the deploy happened, so the stamp honestly reports other code. abra stamps
// the HEAD it finds at that moment (it skips its own checkout in chaos mode),
// so HEAD at the deploy instant decides — taken from the reflog (each move
// with its time) or a snapshot's HEAD — whenever the store dates the deploy
// (UpdateStatus.StartedAt of the upgrade, the watch's event, the app env
// file's mtime). Moves after the deploy are not causes. Without a deploy
// instant, only a HEAD that stayed put over the whole deploy window decides.
#include "libforensic/analyze/attribution_context.hpp"
#include "libforensic/collect/fact_names.hpp"

namespace forensic::analyze {
namespace {

namespace rc = collect::recipes;

struct HeadAt {
    std::string commit;
    Evidence evidence;
    bool from_reflog = false;
};

// HEAD at `t`: the last reflog move at or before it, else the HEAD of the
// last clean recipes observation at or before it, else the first move after
// it (its "from"), else the first observation after.
std::optional<HeadAt> head_at(const AttributionContext& c, const std::vector<HeadMove>& moves, TimeNs t)
{
    const HeadMove* last = nullptr;
    for (const auto& m : moves)
        if (m.time <= t) last = &m;
    if (last) return HeadAt{last->to, last->evidence, true};
    auto from_snapshot = [&](const std::optional<SnapshotCoverage>& at) -> std::optional<HeadAt> {
        if (!at) return std::nullopt;
        for (const auto& f : c.state(*at, std::string(rc::source), c.recipe()))
            if (f.key == rc::head_commit) return HeadAt{f.value, c.evidence_at(f, *at, "HEAD in this snapshot"), false};
        return std::nullopt;
    };
    if (auto seen = from_snapshot(c.observed_clean_before(std::string(rc::source), c.recipe(), t))) return seen;
    for (const auto& m : moves)
        if (m.time > t) return HeadAt{m.from, m.evidence, true};
    return from_snapshot(c.observed_clean_after(std::string(rc::source), c.recipe(), t));
}

std::string what(const AttributionContext& c, const std::string& commit)
{
    if (same_commit(commit, c.expected().commit)) return short_commit(commit) + ", the expected commit";
    if (same_commit(commit, c.observed().commit)) return short_commit(commit) + ", the commit the stamp reports";
    return short_commit(commit) + ", neither the expected nor the stamped commit";
}

} // namespace

Hypothesis test_checkout_mismatch(const AttributionContext& c)
{
    Hypothesis h{"checkout-mismatch", HypothesisStatus::inconclusive, {}, {}, {}};
    const auto& expected = c.expected().commit;
    const auto& observed = c.observed().commit;
    auto from = c.deploy_from(), to = c.deploy_to();
    auto moves = c.head_moves();

    if (const auto& deploy = c.deploy_instant()) {
        h.evidence.push_back(deploy->evidence);
        auto head = head_at(c, moves, deploy->time);
        if (!head) {
            h.summary = "no reflog or HEAD of " + c.recipe() + " recorded around the deploy at " +
                        format_rfc3339(deploy->time);
            h.missing = "HEAD of " + c.recipe() + "'s checkout at " + format_rfc3339(deploy->time) +
                        ": a snapshot of the recipes (its reflog dates every move)";
            return h;
        }
        head->evidence.meaning = "HEAD at the deploy: " + what(c, head->commit);
        head->evidence.decides = true;
        h.evidence.push_back(head->evidence);
        for (const auto& m : moves)
            if (m.time > deploy->time && m.time <= to) {
                h.evidence.push_back(m.evidence);
                h.evidence.back().meaning += ", after the deploy: not a cause";
            }
        auto at = " at the deploy (" + format_rfc3339(deploy->time) + ", " + deploy->evidence.meaning + ")";
        if (same_commit(head->commit, expected)) {
            h.status = HypothesisStatus::refuted;
            h.summary = "the checkout was at " + short_commit(expected) + at + "; abra stamps that HEAD, so it "
                        "stamped " + short_commit(expected);
        } else if (same_commit(head->commit, observed)) {
            h.status = HypothesisStatus::supported;
            h.summary = "the checkout was at " + what(c, head->commit) + at + ": abra stamped what it found";
        } else {
            h.summary = "the checkout was at " + what(c, head->commit) + at +
                        ": abra would have stamped that, and the stamp HC1 saw is another";
            h.missing = "nothing recorded explains a third commit: the deploy's time or the reflog may be wrong";
        }
        return h;
    }

    // No deploy instant: only a HEAD that stayed put over the whole window decides.
    auto start = head_at(c, moves, from);
    if (!start) {
        h.summary = "no reflog or HEAD of " + c.recipe() + " recorded around the deploy window";
        h.missing = "HEAD of " + c.recipe() + "'s checkout from " + format_rfc3339(from) + " to " + format_rfc3339(to) +
                    ": a snapshot of the recipes";
        return h;
    }
    start->evidence.meaning = "HEAD when the deploy window opened: " + what(c, start->commit);
    h.evidence.push_back(start->evidence);
    std::vector<const HeadMove*> inside;
    for (const auto& m : moves)
        if (m.time > from && m.time <= to) {
            inside.push_back(&m);
            h.evidence.push_back(m.evidence);
        }
    auto window = format_rfc3339(from) + " to " + format_rfc3339(to);
    if (inside.empty() && same_commit(start->commit, expected)) {
        h.status = HypothesisStatus::refuted;
        h.evidence.front().decides = true;
        h.summary = "the checkout was at " + short_commit(expected) + " from " + window +
                    " without a move; abra stamps that HEAD, so any deploy then stamped " + short_commit(expected);
    } else if (inside.empty() && same_commit(start->commit, observed)) {
        h.status = HypothesisStatus::supported;
        h.evidence.front().decides = true;
        h.summary = "the checkout was at " + what(c, start->commit) + " from " + window + " without a move";
    } else {
        h.summary = inside.empty() ? "the checkout was at " + what(c, start->commit) + " over the deploy window"
                                   : "HEAD moved " + std::to_string(inside.size()) + " time" +
                                         (inside.size() == 1 ? "" : "s") + " in the deploy window (" + window +
                                         "), and nothing recorded says when the deploy happened";
        h.missing = "when the upgrade was deployed: the app service's UpdateStatus (a snapshot during the run) or "
                    "its events (run `forensic watch`)";
    }
    return h;
}

} // namespace forensic::analyze
