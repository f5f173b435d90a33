#include "libforensic/analyze/timeline.hpp"

#include "libforensic/analyze/generation_abra.hpp"
#include "libforensic/analyze/recipe_scope.hpp"
#include "libforensic/analyze/relevance.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/natural_order.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <string_view>
#include <tuple>
#include <unordered_map>

namespace forensic::analyze {
namespace {

class TimelineBuilder {
public:
    TimelineBuilder(store::Store& store, const TimelineOptions& options)
        : store_(store), options_(options), host_(store.default_host(options.host)),
          coverage_(store.coverage(host_)), scope_(store, host_, options.recipe)
    {
        for (const auto& c : coverage_) {
            snapshot_ids_[c.snapshot.taken_at] = c.snapshot.id;
            for (const auto& source : c.ok_collectors) observed_at_[source].push_back(c.snapshot.taken_at);
        }
    }

    const std::string& host() const { return host_; }

    // Where to cut the range into windows: every `snapshots`th snapshot
    // taken inside it. One recipe's timeline is read key by key, each key's
    // whole history at once (RecipeScope): it is small, and cut into windows
    // it would be read again for each.
    std::vector<TimeNs> window_starts(std::size_t snapshots) const
    {
        std::vector<TimeNs> starts{std::numeric_limits<TimeNs>::min()};
        if (!scope_.everything()) return starts;
        std::size_t seen = 0;
        for (const auto& c : coverage_) {
            auto t = c.snapshot.taken_at;
            if (t > options_.from && t <= options_.to && ++seen % snapshots == 0) starts.push_back(t);
        }
        return starts;
    }

    // The events whose sort time is in [first, last), sorted. Windows that
    // cover all time, in order, give the whole timeline in order: an event's
    // sort time is either its event time or the snapshot that first saw it.
    std::vector<TimelineEvent> build(TimeNs first, TimeNs last)
    {
        window_first_ = first;
        window_last_ = last;
        std::vector<TimelineEvent> events;
        load_changes();
        add_event_time_events(events);
        add_snapshot_events(events);
        refine_generation_relevance(events);
        sort_events(events);
        changes_.clear();
        ended_.clear();
        lo_.reset();
        hi_.reset();
        return events;
    }

private:
    // By time, source, subject and key (subjects and keys in natural order).
    // A window holds thousands of events, most of one snapshot's time: the
    // order is found on small entries, source and subject ranked once, and
    // each event is moved once.
    static void sort_events(std::vector<TimelineEvent>& events)
    {
        std::vector<std::string_view> subjects;
        subjects.reserve(events.size());
        for (const auto& e : events) subjects.push_back(e.subject);
        auto subject_rank = natural_ranks(subjects);
        std::map<std::string_view, std::size_t> source_rank;
        for (const auto& e : events) source_rank.emplace(e.source, 0);
        std::size_t next = 0;
        for (auto& [source, rank] : source_rank) rank = next++;

        struct Entry {
            TimeNs time;
            std::size_t source, subject, index;
        };
        std::vector<Entry> entries;
        entries.reserve(events.size());
        for (std::size_t i = 0; i < events.size(); ++i)
            entries.push_back({events[i].sort_time(), source_rank.at(events[i].source), subject_rank.at(subjects[i]), i});
        std::sort(entries.begin(), entries.end(), [&](const Entry& a, const Entry& b) {
            if (a.time != b.time) return a.time < b.time;
            if (a.source != b.source) return a.source < b.source;
            if (a.subject != b.subject) return a.subject < b.subject;
            return natural_less(events[a.index].key, events[b.index].key);
        });
        std::vector<std::size_t> order;
        order.reserve(entries.size());
        for (const auto& e : entries) order.push_back(e.index);
        apply_order(events, order);
    }

    bool wanted(const std::string& source, const std::string& subject) const
    {
        if (options_.source && source != *options_.source) return false;
        return scope_.contains(source, subject);
    }

    // One event per fact that carries an event time in the range; the same
    // fact seen in several intervals (carried, spliced) is one event.
    void add_event_time_events(std::vector<TimelineEvent>& events)
    {
        auto from = std::max(options_.from, window_first_);
        auto to = window_last_ == std::numeric_limits<TimeNs>::max() ? options_.to : std::min(options_.to, window_last_ - 1);
        if (from > to) return;
        auto rows = scoped([&](const store::SubjectSelection* part) {
            return part ? store_.intervals_with_event(host_, from, to, *part)
                        : store_.intervals_with_event(host_, from, to);
        });
        // Sorted by fact and then by start, each fact's first sighting leads
        // its run (half a million rows in a year: no tree of copied values).
        std::vector<const IntervalRecord*> sightings;
        sightings.reserve(rows.size());
        for (const auto& row : rows)
            if (wanted(row.source, row.subject)) sightings.push_back(&row);
        std::sort(sightings.begin(), sightings.end(), [](const auto* a, const auto* b) {
            return std::tie(a->key_id, a->value, *a->event_time, a->valid_from) <
                   std::tie(b->key_id, b->value, *b->event_time, b->valid_from);
        });
        std::vector<const IntervalRecord*> first_seen;
        for (const auto* row : sightings) {
            const auto* last = first_seen.empty() ? nullptr : first_seen.back();
            if (!last || last->key_id != row->key_id || last->value != row->value || last->event_time != row->event_time)
                first_seen.push_back(row);
        }
        // The values these replaced, if the snapshots saw them: the changes
        // already read hold those that ended in the range; the rest in one query.
        std::vector<std::pair<long long, TimeNs>> beyond;
        for (const auto* row : first_seen)
            if (!in_changes(row->valid_from)) beyond.emplace_back(row->key_id, row->valid_from);
        auto replaced_beyond = store_.intervals_ending(host_, beyond);
        events.reserve(events.size() + first_seen.size());
        auto replaced = [&](long long key_id, TimeNs at) -> const IntervalRecord* {
            if (in_changes(at)) {
                auto found = ended_.find({key_id, at});
                return found == ended_.end() ? nullptr : found->second;
            }
            auto found = replaced_beyond.find({key_id, at});
            return found == replaced_beyond.end() ? nullptr : &found->second;
        };
        for (const auto* row : first_seen) {
            auto& e = events.emplace_back();
            e.time = row->event_time;
            e.basis = TimeBasis::event;
            e.source = row->source;
            e.subject = row->subject;
            e.key = row->key;
            e.after = row->value;
            const auto* previous = replaced(row->key_id, row->valid_from);
            if (previous && previous->value != row->value) e.before = previous->value;
            e.change = e.before ? Change::changed : Change::added;
            e.stamp_relevant = stamp_relevant(e.source, e.subject, e.key);
            e.evidence_snapshot = snapshot_ids_.at(row->valid_from);
        }
    }

    // The last snapshot before `t` in which `source` was observed.
    std::optional<TimeNs> previous_observation(const std::string& source, TimeNs t) const
    {
        auto times = observed_at_.find(source);
        if (times == observed_at_.end()) return std::nullopt;
        auto later = std::lower_bound(times->second.begin(), times->second.end(), t);
        if (later == times->second.begin()) return std::nullopt;
        return *std::prev(later);
    }

    // Every interval that began or ended between the snapshots whose span
    // since the previous one overlaps the range, read once.
    void load_changes()
    {
        for (std::size_t i = 1; i < coverage_.size(); ++i) {
            auto before = coverage_[i - 1].snapshot.taken_at, at = coverage_[i].snapshot.taken_at;
            if (at < options_.from || before > options_.to) continue;
            if (!lo_) lo_ = before;
            hi_ = at;
        }
        if (!lo_) return;
        // Only the snapshots inside the window: (lo, hi] within [first, last).
        if (window_first_ != std::numeric_limits<TimeNs>::min()) lo_ = std::max(*lo_, window_first_ - 1);
        if (window_last_ != std::numeric_limits<TimeNs>::max()) hi_ = std::min(*hi_, window_last_ - 1);
        if (*lo_ >= *hi_) {
            lo_.reset();
            hi_.reset();
            return;
        }
        changes_ = scoped([&](const store::SubjectSelection* part) {
            return part ? store_.intervals_changing(host_, *lo_, *hi_, *part)
                        : store_.intervals_changing(host_, *lo_, *hi_);
        });
        for (const auto& row : changes_)
            if (row.valid_to && in_changes(*row.valid_to)) ended_[{row.key_id, *row.valid_to}] = &row;
    }

    // Everything in one read; for one recipe, what belongs to it, source by source.
    template <typename Read>
    std::vector<IntervalRecord> scoped(Read read) const
    {
        if (scope_.everything()) return read(nullptr);
        std::vector<IntervalRecord> rows;
        for (const auto& part : scope_.selections()) {
            if (options_.source && part.source != *options_.source) continue;
            auto more = read(&part);
            rows.insert(rows.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
        }
        return rows;
    }

    bool in_changes(TimeNs t) const { return lo_ && t > *lo_ && t <= *hi_; }

    void add_snapshot_events(std::vector<TimelineEvent>& events)
    {
        if (!lo_) return;
        // Per key and boundary time: the interval that ended there and the one that began.
        struct Boundary {
            const IntervalRecord* ended = nullptr;
            const IntervalRecord* began = nullptr;
        };
        std::map<std::pair<long long, TimeNs>, Boundary> boundaries;
        for (const auto& row : changes_) {
            if (!wanted(row.source, row.subject)) continue;
            if (in_changes(row.valid_from)) boundaries[{row.key_id, row.valid_from}].began = &row;
            if (row.valid_to && in_changes(*row.valid_to)) boundaries[{row.key_id, *row.valid_to}].ended = &row;
        }
        events.reserve(events.size() + boundaries.size());
        for (const auto& [where, b] : boundaries) {
            // A value that carries its own time is reported at that time.
            if (b.began && b.began->event_time) continue;
            const auto& id = b.began ? *b.began : *b.ended;
            auto since = previous_observation(id.source, where.second);
            if (!since) continue; // the source's first observation: a baseline, not a change
            if (where.second < options_.from || *since > options_.to) continue;
            auto& e = events.emplace_back();
            e.basis = TimeBasis::snapshot;
            e.not_before = since;
            e.not_after = where.second;
            e.source = id.source;
            e.subject = id.subject;
            e.key = id.key;
            if (b.ended) e.before = b.ended->value;
            if (b.began) e.after = b.began->value;
            e.change = !b.ended ? Change::added : !b.began ? Change::removed : Change::changed;
            e.stamp_relevant = stamp_relevant(e.source, e.subject, e.key);
            // A removed fact is shown by the last snapshot that still saw it.
            e.evidence_snapshot = snapshot_ids_.at(e.change == Change::removed ? *since : where.second);
        }
    }

    // A generation's abra facts matter only where they differ from the
    // generation before it: an unchanged abra in a new generation, or an old
    // generation removed, is context.
    void refine_generation_relevance(std::vector<TimelineEvent>& events)
    {
        auto& generations = generations_; // read once, for every window
        for (auto& e : events) {
            if (e.source != "nix" || !e.stamp_relevant) continue;
            if (e.change == Change::removed) {
                e.stamp_relevant = !GenerationAbra::number(e.subject);
                continue;
            }
            if (!generations) generations.emplace(store_, host_);
            if (auto differs = generations->differs_from_previous(e.subject, e.key, e.after.value_or("")))
                e.stamp_relevant = *differs;
        }
    }

    store::Store& store_;
    const TimelineOptions& options_;
    std::string host_;
    std::vector<SnapshotCoverage> coverage_;
    RecipeScope scope_;
    std::unordered_map<TimeNs, long long> snapshot_ids_;
    std::map<std::string, std::vector<TimeNs>, std::less<>> observed_at_; // by source, ascending
    std::optional<GenerationAbra> generations_;
    TimeNs window_first_ = 0, window_last_ = 0; // the sort times build() is after, [first, last)
    std::optional<TimeNs> lo_, hi_;             // the span load_changes read, (lo, hi]
    std::vector<IntervalRecord> changes_;
    std::map<std::pair<long long, TimeNs>, const IntervalRecord*> ended_; // by key and end
};

} // namespace

const char* to_string(TimeBasis basis)
{
    return basis == TimeBasis::event ? "event" : "snapshot";
}

namespace {

void check_range(const TimelineOptions& options)
{
    if (options.to < options.from)
        throw UsageError("the timeline's --to (" + format_rfc3339(options.to) + ") is before its --from (" +
                         format_rfc3339(options.from) + ")");
}

} // namespace

Timeline build_timeline(store::Store& store, const TimelineOptions& options)
{
    check_range(options);
    TimelineBuilder builder(store, options);
    return Timeline{builder.host(), options.from, options.to,
                    builder.build(std::numeric_limits<TimeNs>::min(), std::numeric_limits<TimeNs>::max())};
}

std::string visit_timeline(store::Store& store, const TimelineOptions& options,
                           const std::function<void(const std::vector<TimelineEvent>&)>& visit,
                           std::size_t snapshots_per_window)
{
    check_range(options);
    TimelineBuilder builder(store, options);
    auto starts = builder.window_starts(std::max<std::size_t>(snapshots_per_window, 1));
    for (std::size_t i = 0; i < starts.size(); ++i) {
        auto last = i + 1 < starts.size() ? starts[i + 1] : std::numeric_limits<TimeNs>::max();
        auto events = builder.build(starts[i], last);
        if (!events.empty()) visit(events);
    }
    return builder.host();
}

} // namespace forensic::analyze
