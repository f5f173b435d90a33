// checkout-mismatch: the recipe checkout was not at the expected commit when
// the deploy happened, so the stamp honestly reports other code. abra stamps
// the HEAD it finds (it skips its own checkout in chaos mode), so HEAD over
// the deploy window decides: from the reflog (each move with its time) and
// from the HEAD that snapshots saw.
#include "libforensic/analyze/attribution_context.hpp"

namespace forensic::analyze {
namespace {

struct HeadAt {
    std::string commit;
    Evidence evidence;
};

// HEAD at `t`: the last reflog move at or before it, else the state of the
// last recipes snapshot at or before it, else the first move after it (its
// "from"), else the first snapshot after.
std::optional<HeadAt> head_at(const AttributionContext& c, const std::vector<HeadMove>& moves, TimeNs t)
{
    const HeadMove* last = nullptr;
    for (const auto& m : moves)
        if (m.time <= t) last = &m;
    if (last) return HeadAt{last->to, last->evidence};
    auto from_snapshot = [&](const std::optional<SnapshotCoverage>& at) -> std::optional<HeadAt> {
        if (!at) return std::nullopt;
        for (const auto& f : c.state(*at, "recipes", c.recipe()))
            if (f.key == "head.commit") return HeadAt{f.value, c.evidence_at(f, *at, "HEAD in this snapshot")};
        return std::nullopt;
    };
    if (auto seen = from_snapshot(c.observed_before("recipes", t))) return seen;
    for (const auto& m : moves)
        if (m.time > t) return HeadAt{m.from, m.evidence};
    return from_snapshot(c.observed_after("recipes", t));
}

} // namespace

Hypothesis test_checkout_mismatch(const AttributionContext& c)
{
    Hypothesis h{"checkout-mismatch", HypothesisStatus::inconclusive, {}, {}};
    const auto& w = c.window();
    auto from = w.deploy_from ? w.deploy_from : w.good;
    auto to = w.deploy_to ? w.deploy_to : w.bad;
    if (!from || !to) {
        h.summary = "no deploy window to read HEAD in";
        return h;
    }
    const auto& expected = c.expected().commit;
    const auto& observed = c.observed().commit;
    auto moves = c.head_moves();
    auto start = head_at(c, moves, *from);
    if (!start) {
        h.summary = "no reflog or HEAD of " + c.recipe() + " recorded around the deploy";
        return h;
    }
    bool at_expected = same_commit(start->commit, expected);
    std::optional<HeadMove> reached, left;
    h.evidence.push_back(start->evidence);
    h.evidence.back().meaning = "HEAD when the deploy window opened: " + short_commit(start->commit);
    for (const auto& m : moves) {
        if (m.time <= *from || m.time > *to) continue;
        h.evidence.push_back(m.evidence);
        if (same_commit(m.to, expected)) {
            at_expected = true;
            reached = m;
            left.reset();
        } else if (at_expected) {
            at_expected = false;
            left = m;
        }
    }
    auto window_text = "between " + format_rfc3339(*from) + " and " + format_rfc3339(*to);
    if (at_expected) {
        h.status = HypothesisStatus::refuted;
        h.summary = "the checkout was at " + short_commit(expected) +
                    (reached ? " from " + format_rfc3339(reached->time) + " (" + reached->message + ")"
                             : " when the deploy window opened") +
                    " and did not move before the window closed; abra stamps that HEAD, so it would have stamped " +
                    short_commit(expected);
    } else if (left) {
        bool to_observed = same_commit(left->to, observed);
        h.status = to_observed ? HypothesisStatus::supported : HypothesisStatus::inconclusive;
        h.summary = "the checkout reached " + short_commit(expected) + " but moved to " + short_commit(left->to) +
                    " at " + format_rfc3339(left->time) + " (" + left->message + ")" +
                    (to_observed ? ", the commit the stamp reports" : ", not the stamped commit");
    } else {
        h.status = HypothesisStatus::supported;
        h.summary = "the checkout never reached " + short_commit(expected) + " " + window_text + ": HEAD was " +
                    short_commit(start->commit) +
                    (same_commit(start->commit, observed) ? ", the commit the stamp reports" : "");
    }
    return h;
}

} // namespace forensic::analyze
