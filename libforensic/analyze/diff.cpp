#include "libforensic/analyze/diff.hpp"

#include "libforensic/analyze/generation_abra.hpp"
#include "libforensic/analyze/recipe_scope.hpp"
#include "libforensic/analyze/relevance.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/natural_order.hpp"

#include <algorithm>
#include <fnmatch.h>
#include <numeric>
#include <string_view>

namespace forensic::analyze {
namespace {

IntervalRecord* covering(const std::vector<IntervalRecord*>& intervals, TimeNs t)
{
    for (auto* i : intervals)
        if (i->valid_from <= t && (!i->valid_to || *i->valid_to > t)) return i;
    return nullptr;
}

// By source, subject and key, subjects and keys in natural order.
void sort_changes(std::vector<FactChange>& changes)
{
    // Subjects and keys ranked once each (a year's diff repeats the same tag
    // keys across recipes): the sort then compares numbers, not strings.
    std::vector<std::string_view> subjects, keys;
    subjects.reserve(changes.size());
    keys.reserve(changes.size());
    for (const auto& c : changes) {
        subjects.push_back(c.subject);
        keys.push_back(c.key);
    }
    auto subject_ranks = natural_ranks(subjects);
    auto key_ranks = natural_ranks(keys);
    std::vector<std::size_t> subject_rank(changes.size()), key_rank(changes.size()), order(changes.size());
    for (std::size_t i = 0; i < changes.size(); ++i) {
        subject_rank[i] = subject_ranks.at(subjects[i]);
        key_rank[i] = key_ranks.at(keys[i]);
    }
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
        if (changes[x].source != changes[y].source) return changes[x].source < changes[y].source;
        if (subject_rank[x] != subject_rank[y]) return subject_rank[x] < subject_rank[y];
        return key_rank[x] < key_rank[y];
    });
    apply_order(changes, order);
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
    // Each key's intervals side by side: an order of indices, not of records.
    std::vector<std::size_t> order(intervals.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(),
              [&](std::size_t x, std::size_t y) { return intervals[x].key_id < intervals[y].key_id; });
    RecipeScope scope(store, a.host, options.recipe);
    std::optional<GenerationAbra> generations;

    std::size_t keys = 0;
    for (std::size_t i = 0; i < order.size(); ++i)
        keys += i == 0 || intervals[order[i]].key_id != intervals[order[i - 1]].key_id;
    result.changes.reserve(keys);
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
        // The records are read once: their text moves into the change.
        FactChange row{std::move(id.source), std::move(id.subject), std::move(id.key), Change::changed, {}, {}, {},
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
    sort_changes(result.changes);
    return result;
}

} // namespace forensic::analyze
