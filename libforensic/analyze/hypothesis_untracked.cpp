// untracked-files: abra appends +U when the deployed checkout has untracked
// files. HC1 compares only the commit part, so +U can be the whole difference
// only when the commits agree; otherwise it is context, named for the reader.
#include "libforensic/analyze/attribution_context.hpp"
#include "libforensic/collect/fact_names.hpp"

namespace forensic::analyze {
namespace {

std::optional<StoredFact> recipe_fact(const AttributionContext& c, const std::optional<SnapshotCoverage>& at,
                                      std::string_view key)
{
    if (!at) return std::nullopt;
    for (auto& f : c.state(*at, std::string(collect::recipes::source), c.recipe()))
        if (f.key == key) return f;
    return std::nullopt;
}

} // namespace

Hypothesis test_untracked_files(const AttributionContext& c)
{
    Hypothesis h{"untracked-files", HypothesisStatus::refuted, {}, {}};
    if (!c.observed().dirty) {
        h.summary = "the stamp has no +U: the deployed worktree was clean";
        return h;
    }
    const auto& w = c.window();
    std::string named = "untracked files";
    if (auto when = w.deploy_from ? w.deploy_from : w.bad) {
        // The first look at the checkout after the deploy began: the files
        // +U counted were there then (an untracked file has no history).
        auto at = c.observed_after(std::string(collect::recipes::source), *when);
        if (!at) at = c.observed_before(std::string(collect::recipes::source), w.deploy_to.value_or(*when));
        if (auto paths = recipe_fact(c, at, collect::recipes::worktree_untracked_paths)) {
            std::string list;
            for (char ch : paths->value) list += ch == '\n' ? ", " : std::string(1, ch);
            named = "untracked " + list;
            h.evidence.push_back(c.evidence_at(*paths, *at, "what +U records in the deployed checkout"));
            h.evidence.back().decides = true;
        }
    }
    std::string before;
    if (w.good) {
        auto at = c.observed_before(std::string(collect::recipes::source), *w.good);
        if (auto clean = recipe_fact(c, at, collect::recipes::worktree_untracked)) {
            h.evidence.push_back(c.evidence_at(*clean, *at, "the checkout at the last good run"));
            before = clean->value == "true" ? "; the last good run's checkout had untracked files too"
                                            : "; the last good run's checkout had none (new since)";
        }
    }
    if (same_commit(c.observed().commit, c.expected().commit)) {
        h.status = HypothesisStatus::supported;
        h.summary = "the commit is the expected one; only +U differs: " + named + " in the deployed checkout" + before;
    } else {
        h.summary = "+U means " + named + " in the deployed checkout; not causal: HC1 compares only the commit part, and "
                    "the commit itself differs" + before;
    }
    return h;
}

} // namespace forensic::analyze
