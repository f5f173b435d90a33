// abra-changed: the abra binary the host ran differs between the good and the
// bad time. Read two ways, each only as far as it reaches:
//  - the generations: the running system's abra at each time. A generation's
//    facts carry its creation time, so one late snapshot dates every change;
//    the running one is the newest made by then, unless a snapshot's
//    current-system shows otherwise (nixos-rebuild boot, --switch-generation,
//    a rollback of the profile): then the one it names, until a newer is made.
//  - the active binary's sha256, in the last snapshots at or before each end:
//    a difference supports only if the change can lie inside the window (the
//    later snapshot is after the good time) and no generation's creation time
//    places it before.
// Where the two disagree, the summary says so.
#include "libforensic/analyze/attribution_context.hpp"
#include "libforensic/analyze/generation_abra.hpp"
#include "libforensic/collect/fact_names.hpp"
#include "libforensic/store/store.hpp"

#include <charconv>
#include <map>

namespace forensic::analyze {
namespace {

namespace nx = collect::nix;
namespace ab = collect::abra;

struct Generation {
    long long number = 0;
    TimeNs created = 0;
    std::optional<IntervalRecord> abra; // abra.store_path, or abra.present=false
};

std::map<long long, Generation> generations(const AttributionContext& c)
{
    std::map<long long, Generation> out;
    for (const auto& i : c.store().source_history(c.host(), std::string(nx::source), std::string(nx::generation_prefix))) {
        auto n = GenerationAbra::number(i.subject);
        if (!n) continue;
        auto& g = out[*n];
        g.number = *n;
        if (i.key == nx::created && i.event_time) g.created = *i.event_time;
        if (i.key == nx::abra_store_path || (i.key == nx::abra_present && i.value == "false" && !g.abra)) g.abra = i;
    }
    return out;
}

std::string abra_of(const Generation& g)
{
    if (!g.abra) return "unknown";
    return g.abra->key == nx::abra_present ? "no abra" : g.abra->value;
}

const Generation* newest_made_by(const std::map<long long, Generation>& all, TimeNs t)
{
    const Generation* found = nullptr;
    for (const auto& [n, g] : all)
        if (g.created != 0 && g.created <= t) found = &g;
    return found;
}

// The generation running at `t`, and how that is known.
struct Running {
    const Generation* generation = nullptr;
    std::string basis;
};

// The generation current-system named in a snapshot, if it names one.
const Generation* current_in(const AttributionContext& c, const std::map<long long, Generation>& all,
                             const std::optional<SnapshotCoverage>& at)
{
    if (!at) return nullptr;
    for (const auto& f : c.state(*at, std::string(nx::source), std::string(nx::current_system))) {
        if (f.key != nx::generation) continue;
        long long number = 0;
        auto [end, ec] = std::from_chars(f.value.data(), f.value.data() + f.value.size(), number);
        if (ec != std::errc() || end != f.value.data() + f.value.size()) return nullptr; // "none"
        auto found = all.find(number);
        return found == all.end() ? nullptr : &found->second;
    }
    return nullptr;
}

// The generation running at `t`: as the snapshots around it show current-
// system (the same one before and after it: that one; before it, a switch on
// creation: the newest made by then; one not the newest: it, until a newer is
// made), else the newest made by then.
Running running_at(const AttributionContext& c, const std::map<long long, Generation>& all, TimeNs t)
{
    auto newest = newest_made_by(all, t);
    const auto subject = std::string(nx::current_system);
    auto before = c.observed_clean_before(std::string(nx::source), subject, t);
    auto after = c.observed_clean_after(std::string(nx::source), subject, t);
    const auto* g_before = current_in(c, all, before);
    const auto* g_after = current_in(c, all, after);
    if (g_before && g_after && g_before == g_after)
        return {g_before, "current-system in snapshots " + std::to_string(before->snapshot.id) + " and " +
                              std::to_string(after->snapshot.id)};
    if (g_before) {
        auto newest_then = newest_made_by(all, before->snapshot.taken_at);
        bool switched_on_creation = newest_then && newest_then->number == g_before->number;
        bool newer_since = newest && newest->created > before->snapshot.taken_at;
        if (!switched_on_creation && !newer_since)
            return {g_before, "current-system in snapshot " + std::to_string(before->snapshot.id)};
    }
    return {newest, "the newest generation made by then (switched on creation)"};
}

} // namespace

Hypothesis test_abra_changed(const AttributionContext& c)
{
    Hypothesis h{"abra-changed", HypothesisStatus::inconclusive, {}, {}, {}};
    const auto& w = c.window();
    if (!w.good || !w.bad) {
        h.summary = "no good and bad times to compare";
        return h;
    }
    auto all = generations(c);
    // (1) The generations.
    std::optional<bool> generations_changed;
    std::string generation_finding;
    auto at_good = running_at(c, all, *w.good);
    auto at_bad = running_at(c, all, *w.bad);
    if (at_good.generation && at_bad.generation && at_good.generation->abra && at_bad.generation->abra) {
        const auto& g = *at_good.generation;
        const auto& b = *at_bad.generation;
        generations_changed = abra_of(g) != abra_of(b);
        auto e_good = c.evidence_of(*g.abra, "generation " + std::to_string(g.number) + " at the good time (" +
                                                 at_good.basis + ")");
        auto e_bad = c.evidence_of(*b.abra, "generation " + std::to_string(b.number) + " at the bad time (" +
                                                at_bad.basis + ")");
        // What decides: the generation running at the bad time (the same one at both, when it is).
        (b.number != g.number ? e_bad : e_good).decides = true;
        h.evidence.push_back(std::move(e_good));
        if (b.number != g.number) h.evidence.push_back(std::move(e_bad));
        generation_finding = *generations_changed
                                 ? "the running system's abra changed: generation " + std::to_string(g.number) + " had " +
                                       abra_of(g) + ", generation " + std::to_string(b.number) + " has " + abra_of(b)
                                 : "the same abra (" + abra_of(g) + ") in generation " + std::to_string(g.number) +
                                       (b.number != g.number ? " and generation " + std::to_string(b.number) : std::string()) +
                                       ", running at the good and bad times";
    }

    // (2) The active binary: the last snapshot at or before the good time, and
    // the last at or before the bad one (else the first after it).
    std::optional<bool> sha_changed;
    std::string sha_finding;
    const auto active = std::string(ab::active), source = std::string(ab::source);
    auto before_good = c.observed_clean_before(source, active, *w.good);
    auto around_bad = c.observed_clean_before(source, active, *w.bad);
    bool bad_after = false;
    if (before_good && (!around_bad || around_bad->snapshot.taken_at <= before_good->snapshot.taken_at)) {
        around_bad = c.observed_clean_after(source, active, *w.bad);
        bad_after = true;
    }
    if (before_good && around_bad && around_bad->snapshot.id != before_good->snapshot.id) {
        auto hash = [&](const SnapshotCoverage& at) -> std::optional<StoredFact> {
            for (auto& f : c.state(at, source, active))
                if (f.key == ab::sha256) return f;
            return std::nullopt;
        };
        auto a = hash(*before_good), b = hash(*around_bad);
        auto ids = "snapshots " + std::to_string(before_good->snapshot.id) + " (at or before the good time) and " +
                   std::to_string(around_bad->snapshot.id) + (bad_after ? " (after the bad time)" : " (at or before the bad time)");
        if (a && b && a->value == b->value) {
            sha_changed = false;
            h.evidence.push_back(c.evidence_at(*b, *around_bad, "the active abra's sha256, the same in " + ids));
            h.evidence.back().decides = true;
            sha_finding = "the active abra binary's sha256 is the same in " + ids;
        } else if (a && b) {
            // It changed in (lo, hi]. A generation made then with another abra
            // than the one running at lo dates it; else it can lie anywhere there.
            auto lo = before_good->snapshot.taken_at, hi = around_bad->snapshot.taken_at;
            auto running_lo = running_at(c, all, lo);
            const Generation* placed = nullptr;
            for (const auto& [n, g] : all)
                if (g.created > lo && g.created <= hi && g.abra && running_lo.generation &&
                    abra_of(g) != abra_of(*running_lo.generation))
                    placed = &g;
            bool inside = placed ? placed->created > *w.good && placed->created <= *w.bad
                                 : hi > *w.good && lo < *w.bad;
            h.evidence.push_back(c.evidence_at(*a, *before_good, "the active abra's sha256 at or before the good time"));
            h.evidence.push_back(c.evidence_at(*b, *around_bad, "another sha256 later"));
            h.evidence.back().decides = inside;
            if (placed) h.evidence.push_back(c.evidence_of(*placed->abra, "generation " + std::to_string(placed->number) +
                                                                              " dates the change by its creation"));
            sha_changed = inside;
            sha_finding = "the active abra binary's sha256 changed between " + ids +
                          (placed ? "; generation " + std::to_string(placed->number) + ", made " +
                                        format_rfc3339(placed->created) + ", places it " +
                                        (inside ? "inside the window" : placed->created <= *w.good ? "before the good time"
                                                                                                 : "after the bad time")
                                  : inside ? ", a span that reaches into the window" : ", a span outside the window");
        }
    }

    bool supports = generations_changed.value_or(false) || sha_changed.value_or(false);
    bool refutes = !supports && (generations_changed == false || sha_changed == false);
    h.status = supports ? HypothesisStatus::supported : refutes ? HypothesisStatus::refuted : HypothesisStatus::inconclusive;
    std::string summary = generation_finding;
    if (!sha_finding.empty()) summary += (summary.empty() ? "" : "; ") + sha_finding;
    if (generations_changed && sha_changed && *generations_changed != *sha_changed)
        summary += " — the generations and the active binary disagree (an abra outside the system profile, as "
                   "~/.local/bin/abra, or a switch no snapshot saw)";
    h.summary = !summary.empty() ? summary : "no nix generations or abra snapshots cover the good and bad times";
    if (h.status == HypothesisStatus::inconclusive)
        h.missing = "the running system's generations, or the active abra's sha256 at or before " + format_rfc3339(*w.good) +
                    " and " + format_rfc3339(*w.bad) + " (a snapshot of nix and abra)";
    return h;
}

} // namespace forensic::analyze
