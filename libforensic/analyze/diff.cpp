#include "libforensic/analyze/diff.hpp"

#include "libforensic/analyze/generation_abra.hpp"
#include "libforensic/analyze/recipe_scope.hpp"
#include "libforensic/analyze/relevance.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/natural_order.hpp"

#include <algorithm>
#include <fnmatch.h>
#include <map>
#include <string_view>
#include <tuple>

namespace forensic::analyze {
namespace {

IntervalRecord* covering(const std::vector<IntervalRecord*>& intervals, TimeNs t)
{
    for (auto* i : intervals)
        if (i->valid_from <= t && (!i->valid_to || *i->valid_to > t)) return i;
    return nullptr;
}

// A key whose value differs: its intervals at the two times (either may be
// missing), and the record that names it.
struct Differing {
    IntervalRecord* id;
    IntervalRecord* before;
    IntervalRecord* after;
};

// By source, subject and key, subjects and keys in natural order: sorted
// before any change is built, so no change is moved into place afterwards.
void sort_differing(std::vector<Differing>& keys)
{
    // Subjects and keys ranked once each (a year's diff repeats the same tag
    // keys across recipes): the sort then compares numbers, not strings.
    std::vector<std::string_view> subjects, names;
    subjects.reserve(keys.size());
    names.reserve(keys.size());
    for (const auto& d : keys) {
        subjects.push_back(d.id->subject);
        names.push_back(d.id->key);
    }
    auto subject_ranks = natural_ranks(subjects);
    auto key_ranks = natural_ranks(names);
    // Sources are a handful: ranked in plain byte order, as they compare.
    std::map<std::string_view, std::size_t> source_ranks;
    for (const auto& d : keys) source_ranks.emplace(d.id->source, 0);
    std::size_t next = 0;
    for (auto& [source, rank] : source_ranks) rank = next++;
    struct Ranked {
        std::size_t source, subject, key, index;
        bool operator<(const Ranked& o) const { return std::tie(source, subject, key) < std::tie(o.source, o.subject, o.key); }
    };
    std::vector<Ranked> ranked;
    ranked.reserve(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i)
        ranked.push_back({source_ranks.at(keys[i].id->source), subject_ranks[i], key_ranks[i], i});
    std::sort(ranked.begin(), ranked.end());
    std::vector<Differing> sorted;
    sorted.reserve(keys.size());
    for (const auto& r : ranked) sorted.push_back(keys[r.index]);
    keys = std::move(sorted);
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

DiffResult diff_snapshots(store::Store& store, const SnapshotInfo& a, const SnapshotInfo& b,
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
    // Each key's intervals side by side: an order of indices, not of records,
    // sorted as (key id, index) pairs that sit together in memory rather than
    // indices that reach into a record for each comparison.
    std::vector<std::pair<long long, std::size_t>> by_key(intervals.size());
    for (std::size_t i = 0; i < intervals.size(); ++i) by_key[i] = {intervals[i].key_id, i};
    std::sort(by_key.begin(), by_key.end());
    std::vector<std::size_t> order(intervals.size());
    for (std::size_t i = 0; i < by_key.size(); ++i) order[i] = by_key[i].second;
    RecipeScope scope(store, a.host, options.recipe);
    std::optional<GenerationAbra> generations;

    std::vector<Differing> differing;
    std::vector<IntervalRecord*> list;
    for (std::size_t next = 0; next < order.size();) {
        list.clear();
        auto key_id = intervals[order[next]].key_id;
        for (; next < order.size() && intervals[order[next]].key_id == key_id; ++next)
            list.push_back(&intervals[order[next]]);
        auto& id = *list.front();
        if (options.source && id.source != *options.source) continue;
        if (!scope.contains(id.source, id.subject) || ignored(options.ignore, id.key)) continue;
        auto* before = covering(list, a.taken_at);
        auto* after = covering(list, b.taken_at);
        // The interval covering the earlier time may have begun before lo and
        // so not be in `list` only if it also ends after hi: then nothing changed.
        if (!before && !after) continue;
        if (before && after && before->value == after->value && before->event_time == after->event_time) continue;
        differing.push_back({&id, before, after});
    }
    sort_differing(differing);

    result.changes.reserve(differing.size());
    for (auto [id, before, after] : differing) {
        // The records are read once: their text moves into the change.
        FactChange row{std::move(id->source), std::move(id->subject), std::move(id->key), Change::changed, {}, {}, {},
                       {}, false};
        if (before) {
            row.before = std::move(before->value);
            row.before_event_time = before->event_time;
        }
        if (after) {
            row.after = std::move(after->value);
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
    return result;
}

} // namespace forensic::analyze
