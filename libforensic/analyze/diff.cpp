#include "libforensic/analyze/diff.hpp"

#include "libforensic/analyze/generation_abra.hpp"
#include "libforensic/analyze/recipe_scope.hpp"
#include "libforensic/analyze/relevance.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/natural_order.hpp"

#include <algorithm>
#include <fnmatch.h>
#include <unordered_map>

namespace forensic::analyze {
namespace {

const store::IntervalRecord* covering(const std::vector<const store::IntervalRecord*>& intervals, TimeNs t)
{
    for (const auto* i : intervals)
        if (i->valid_from <= t && (!i->valid_to || *i->valid_to > t)) return i;
    return nullptr;
}

} // namespace

const char* to_string(Change change)
{
    switch (change) {
    case Change::added: return "added";
    case Change::removed: return "removed";
    case Change::changed: return "changed";
    }
    return "?";
}

bool ignored(const std::vector<std::string>& globs, const std::string& key)
{
    return std::any_of(globs.begin(), globs.end(),
                       [&](const std::string& glob) { return ::fnmatch(glob.c_str(), key.c_str(), 0) == 0; });
}

DiffResult diff_snapshots(store::Store& store, const store::SnapshotInfo& a, const store::SnapshotInfo& b,
                          const DiffOptions& options)
{
    if (a.host != b.host)
        throw UsageError("snapshots " + std::to_string(a.id) + " and " + std::to_string(b.id) +
                         " are of different hosts (" + a.host + ", " + b.host + ")");
    DiffResult result{a, b, {}};
    auto lo = std::min(a.taken_at, b.taken_at), hi = std::max(a.taken_at, b.taken_at);
    // Only keys with an interval boundary in (lo, hi] can differ, and of
    // their intervals only those holding at lo or at hi matter.
    auto intervals = store.intervals_differing(a.host, lo, hi);
    std::unordered_map<long long, std::vector<const store::IntervalRecord*>> by_key;
    for (const auto& i : intervals) by_key[i.key_id].push_back(&i);
    RecipeScope scope(store, a.host, options.recipe);
    std::optional<GenerationAbra> generations;

    for (const auto& [key_id, list] : by_key) {
        const auto& id = *list.front();
        if (options.source && id.source != *options.source) continue;
        if (!scope.contains(id.source, id.subject) || ignored(options.ignore, id.key)) continue;
        const auto* before = covering(list, a.taken_at);
        const auto* after = covering(list, b.taken_at);
        // The interval covering the earlier time may have begun before lo and
        // so not be in `list` only if it also ends after hi: then nothing changed.
        if (!before && !after) continue;
        if (before && after && before->value == after->value && before->event_time == after->event_time) continue;
        FactChange row{id.source, id.subject, id.key, Change::changed, {}, {}, {}, {}, false};
        if (before) {
            row.before = before->value;
            row.before_event_time = before->event_time;
        }
        if (after) {
            row.after = after->value;
            row.after_event_time = after->event_time;
        }
        row.change = !before ? Change::added : !after ? Change::removed : Change::changed;
        row.stamp_relevant = stamp_relevant(row.source, row.subject, row.key);
        // As in the timeline: a generation only matters where it changed abra.
        if (row.stamp_relevant && row.source == "nix" && GenerationAbra::number(row.subject)) {
            if (!generations) generations.emplace(store, a.host);
            row.stamp_relevant = after && generations->differs_from_previous(row.subject, row.key, *row.after).value_or(true);
        }
        result.changes.push_back(std::move(row));
    }
    std::sort(result.changes.begin(), result.changes.end(), [](const FactChange& x, const FactChange& y) {
        if (x.source != y.source) return x.source < y.source;
        if (x.subject != y.subject) return natural_less(x.subject, y.subject);
        return natural_less(x.key, y.key);
    });
    return result;
}

} // namespace forensic::analyze
