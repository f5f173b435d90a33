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
            snapshot_times_.push_back(c.snapshot.taken_at);
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
            entries.push_back({events[i].sort_time(), source_rank.at(events[i].source), subject_rank[i], i});
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
            e.time_desc = describe_event_time(e.source, e.subject, e.key);
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
        // The snapshots inside the window, (lo, hi] within [first, last], and
        // the next window's first: a change it saw may be dated before it
        // (dated_change), so in this window.
        if (window_first_ != std::numeric_limits<TimeNs>::min()) lo_ = std::max(*lo_, window_first_ - 1);
        if (window_last_ != std::numeric_limits<TimeNs>::max()) hi_ = std::min(*hi_, window_last_);
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
        index_modification_times();
        events.reserve(events.size() + boundaries.size());
        for (const auto& [where, b] : boundaries) {
            // A value that carries its own time is reported at that time.
            if (b.began && b.began->event_time) continue;
            const auto& id = b.began ? *b.began : *b.ended;
            auto since = previous_observation(id.source, where.second);
            if (!since) continue; // the source's first observation: a baseline, not a change
            if (where.second < options_.from || *since > options_.to) continue;
            TimelineEvent e;
            e.basis = TimeBasis::snapshot;
            e.not_before = since;
            e.not_after = where.second;
            e.source = id.source;
            e.subject = id.subject;
            e.key = id.key;
            if (b.ended) e.before = b.ended->value;
            if (b.began) e.after = b.began->value;
            e.change = !b.ended ? Change::added : !b.began ? Change::removed : Change::changed;
            if (auto dated = dated_change(e)) {
                if (dated->first < options_.from || dated->first > options_.to) continue;
                e.time = dated->first;
                e.time_desc = dated->second;
                e.basis = TimeBasis::event;
            }
            // Each window emits what sorts into it (the next one's first
            // snapshot is read for the changes dated before it).
            if (e.sort_time() < window_first_ || e.sort_time() >= window_last_) continue;
            e.stamp_relevant = stamp_relevant(e.source, e.subject, e.key);
            // A removed fact is shown by the last snapshot that still saw it.
            e.evidence_snapshot = snapshot_ids_.at(e.change == Change::removed ? *since : where.second);
            events.push_back(std::move(e));
        }
        modified_.clear();
    }

    // The times that say when a subject's state, as a snapshot first saw it,
    // was set: the rows begun at each snapshot of Swarm's UpdatedAt and
    // CompletedAt, an app env file's mtime, and a generation's creation.
    void index_modification_times()
    {
        for (const auto& row : changes_) {
            if (!row.event_time || !in_changes(row.valid_from)) continue;
            bool wanted = row.source == "swarm" ? row.key == "updated_at" || row.key == "update_status.completed_at" ||
                                                      row.key == "env.mtime"
                                                : row.source == "nix" && row.key == "created";
            if (wanted) modified_[{row.source, row.subject, row.key, row.valid_from}] = *row.event_time;
        }
    }

    std::optional<TimeNs> modified_at(const TimelineEvent& e, std::string_view subject, std::string_view key) const
    {
        auto found = modified_.find({e.source, subject, key, *e.not_after});
        if (found == modified_.end()) return std::nullopt;
        return found->second;
    }

    // The exact time of a change seen between snapshots, when the subject's
    // facts carry it: a service's state holds since its UpdatedAt (Swarm sets
    // it on every change of Spec or UpdateStatus; a terminal state is dated by
    // CompletedAt, a rollback's start by UpdatedAt while rollback_started), an
    // app's since its env file's mtime, a profile's switch to generation N by
    // N's creation. Only a time after both the last snapshot before the change
    // and the source's previous observation counts: an older one belongs to an
    // earlier state, not this change.
    std::optional<std::pair<TimeNs, TimeDescription>> dated_change(const TimelineEvent& e) const
    {
        auto previous = std::lower_bound(snapshot_times_.begin(), snapshot_times_.end(), *e.not_after);
        auto lower = std::max(*e.not_before, previous == snapshot_times_.begin() ? *e.not_before : *std::prev(previous));
        auto within = [&](std::optional<TimeNs> at) { return at && *at > lower && *at <= *e.not_after; };
        auto candidate = [&](std::string_view subject, std::string_view key) { return modified_at(e, subject, key); };
        if (e.source == "swarm" && e.subject.starts_with("app/")) {
            if (auto at = candidate(e.subject, "env.mtime"); within(at)) return std::make_pair(*at, env_file_mtime);
        } else if (e.source == "swarm") {
            bool terminal = e.key == "update_status.state" && (e.after == "completed" || e.after == "rollback_completed");
            if (auto at = candidate(e.subject, "update_status.completed_at"); terminal && within(at))
                return std::make_pair(*at, update_completed_at);
            if (auto at = candidate(e.subject, "updated_at"); within(at)) return std::make_pair(*at, service_updated_at);
        } else if (e.source == "nix" && e.subject == "profile" && e.key == "generation" && e.after) {
            if (auto at = candidate("generation/" + *e.after, "created"); within(at))
                return std::make_pair(*at, generation_link_mtime);
        }
        return std::nullopt;
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
    std::vector<TimeNs> snapshot_times_; // ascending
    std::map<std::string, std::vector<TimeNs>, std::less<>> observed_at_; // by source, ascending
    std::optional<GenerationAbra> generations_;
    TimeNs window_first_ = 0, window_last_ = 0; // the sort times build() is after, [first, last)
    std::optional<TimeNs> lo_, hi_;             // the span load_changes read, (lo, hi]
    std::vector<IntervalRecord> changes_;
    std::map<std::pair<long long, TimeNs>, const IntervalRecord*> ended_; // by key and end
    // (source, subject, key, snapshot) → the event time of the row begun there
    std::map<std::tuple<std::string_view, std::string_view, std::string_view, TimeNs>, TimeNs, std::less<>> modified_;
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
