// abra-changed: the abra binary the host runs differs between the good and
// the bad time. Read two ways: the generation that was newest at each time
// (a generation's facts carry its creation time, so one late snapshot
// suffices), and the active binary's sha256 in snapshots at both times.
#include "libforensic/analyze/attribution_context.hpp"
#include "libforensic/analyze/generation_abra.hpp"

#include <map>

namespace forensic::analyze {
namespace {

struct Generation {
    long long number = 0;
    TimeNs created = 0;
    std::optional<IntervalRecord> abra; // abra.store_path, or abra.present=false
};

std::map<long long, Generation> generations(const AttributionContext& c)
{
    std::map<long long, Generation> out;
    for (const auto& i : c.store().source_history(c.host(), "nix", "generation/")) {
        auto n = GenerationAbra::number(i.subject);
        if (!n) continue;
        auto& g = out[*n];
        g.number = *n;
        if (i.key == "created" && i.event_time) g.created = *i.event_time;
        if (i.key == "abra.store_path" || (i.key == "abra.present" && i.value == "false" && !g.abra)) g.abra = i;
    }
    return out;
}

// The newest generation made at or before `t`: what a switch on creation runs.
const Generation* generation_at(const std::map<long long, Generation>& all, TimeNs t)
{
    const Generation* found = nullptr;
    for (const auto& [n, g] : all)
        if (g.created <= t && g.created != 0) found = &g;
    return found;
}

std::string abra_of(const Generation& g)
{
    if (!g.abra) return "unknown";
    return g.abra->key == "abra.present" ? "no abra" : g.abra->value;
}

} // namespace

Hypothesis test_abra_changed(const AttributionContext& c)
{
    Hypothesis h{"abra-changed", HypothesisStatus::inconclusive, {}, {}};
    const auto& w = c.window();
    if (!w.good || !w.bad) {
        h.summary = "no good and bad times to compare";
        return h;
    }
    bool supports = false, refutes = false;
    std::string finding;

    auto all = generations(c);
    const auto* at_good = generation_at(all, *w.good);
    const auto* at_bad = generation_at(all, *w.bad);
    if (at_good && at_bad && at_good->abra && at_bad->abra) {
        for (auto it = all.find(at_good->number); it != all.end() && it->first <= at_bad->number; ++it) {
            const auto& g = it->second;
            if (g.abra && abra_of(g) != abra_of(*at_good)) {
                supports = true;
                h.evidence.push_back(c.evidence_of(*g.abra, "generation " + std::to_string(g.number) + " has " +
                                                                abra_of(g) + ", generation " +
                                                                std::to_string(at_good->number) + " had " +
                                                                abra_of(*at_good)));
            }
        }
        if (!supports) {
            refutes = true;
            h.evidence.push_back(c.evidence_of(*at_good->abra, "generation " + std::to_string(at_good->number) +
                                                                   ", newest at the good time"));
            if (at_bad != at_good)
                h.evidence.push_back(c.evidence_of(*at_bad->abra, "generation " + std::to_string(at_bad->number) +
                                                                      ", newest at the bad time: the same abra"));
            finding = "the same abra (" + abra_of(*at_good) + ") in generation " + std::to_string(at_good->number) +
                      (at_bad != at_good ? " through generation " + std::to_string(at_bad->number) : std::string()) +
                      ", the newest generations at the good and bad times";
        } else {
            finding = "abra changed in a generation made between the good and bad times";
        }
    }

    // The active binary itself, where snapshots bracket the window.
    auto before_good = c.observed_before("abra", *w.good);
    auto around_bad = c.observed_before("abra", *w.bad);
    if (!around_bad || (before_good && around_bad->snapshot.taken_at <= before_good->snapshot.taken_at))
        around_bad = c.observed_after("abra", *w.bad);
    if (before_good && around_bad && before_good->snapshot.id != around_bad->snapshot.id) {
        auto hash = [&](const SnapshotCoverage& at) -> std::optional<StoredFact> {
            for (auto& f : c.state(at, "abra", std::string("active")))
                if (f.key == "sha256") return f;
            return std::nullopt;
        };
        auto a = hash(*before_good), b = hash(*around_bad);
        if (a && b) {
            if (a->value != b->value) {
                supports = true;
                h.evidence.push_back(c.evidence_at(*a, *before_good, "the active abra's sha256 at the good time"));
                h.evidence.push_back(c.evidence_at(*b, *around_bad, "differs at the bad time"));
                finding = "the active abra binary's sha256 changed between the good and bad times";
            } else {
                refutes = true;
                h.evidence.push_back(c.evidence_at(*b, *around_bad, "the active abra's sha256, the same at snapshot " +
                                                                       std::to_string(before_good->snapshot.id) +
                                                                       " (good) and here (bad)"));
                if (finding.empty()) finding = "the active abra binary's sha256 is the same at the good and bad times";
                else finding += "; the active binary's sha256 is unchanged";
            }
        }
    }
    h.status = supports ? HypothesisStatus::supported : refutes ? HypothesisStatus::refuted : HypothesisStatus::inconclusive;
    h.summary = !finding.empty() ? finding : "no nix generations or abra snapshots cover the good and bad times";
    return h;
}

} // namespace forensic::analyze
