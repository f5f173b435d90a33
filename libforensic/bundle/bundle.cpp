#include "libforensic/bundle/bundle.hpp"

#include "libforensic/bundle/bundle_reader.hpp"
#include "libforensic/bundle/bundle_rules.hpp"
#include "libforensic/bundle/bundle_writer.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <set>
#include <tuple>

namespace forensic::bundle {
namespace {

bool by_name(const CollectorRun& a, const CollectorRun& b)
{
    return a.name < b.name;
}

bool by_subject_key(const Fact& a, const Fact& b)
{
    return std::tie(a.subject, a.key) < std::tie(b.subject, b.key);
}

template <typename Range, typename Less>
bool strictly_sorted(const Range& range, Less less)
{
    return std::adjacent_find(range.begin(), range.end(),
                              [&](const auto& a, const auto& b) { return !less(a, b); }) == range.end();
}

// What normalise leaves as it is: sorted, and no two alike (std::sort may
// swap those).
bool is_normalised(const SnapshotInput& snapshot)
{
    if (!strictly_sorted(snapshot.collectors, by_name)) return false;
    return std::all_of(snapshot.collectors.begin(), snapshot.collectors.end(), [](const CollectorRun& c) {
        return strictly_sorted(c.facts, by_subject_key) && strictly_sorted(c.observed_subjects, std::less<>());
    });
}

// A run as a bundle of the snapshot holds it, but for its facts: its status,
// and the subjects it named.
CollectorRun stored_run(store::Store& store, const SnapshotInfo& snapshot, const CollectorRunInfo& run)
{
    CollectorRun c{run.collector, run.status, run.error, {}, run.coverage, {}};
    if (run.status == CollectorStatus::ok && run.coverage == Coverage::subjects)
        c.observed_subjects = store.observed_subjects(snapshot.id, run.collector);
    return c;
}

// Each fact of a run that a bundle of the snapshot holds, one at a time and
// in no order: of the state then, all of its source, the subjects it named
// (`subjects`, sorted), or the facts it reported. None when it did not succeed.
void each_run_fact(store::Store& store, const SnapshotInfo& snapshot, const CollectorRunInfo& run,
                   const std::vector<std::string>& subjects, const std::function<void(StoredFact&)>& each)
{
    if (run.status != CollectorStatus::ok) return;
    std::set<std::pair<std::string, std::string>> reported;
    if (run.coverage == Coverage::additive)
        for (auto& key : store.observed_keys(snapshot.id, run.collector)) reported.insert(std::move(key));
    store.each_state(snapshot, store::FactFilter{run.collector, {}}, [&](StoredFact&& f) {
        if (run.coverage == Coverage::subjects && !std::binary_search(subjects.begin(), subjects.end(), f.subject))
            return;
        if (run.coverage == Coverage::additive && !reported.contains({f.subject, f.key})) return;
        each(f);
    });
}

} // namespace

void normalise(SnapshotInput& snapshot)
{
    std::sort(snapshot.collectors.begin(), snapshot.collectors.end(), by_name);
    for (auto& c : snapshot.collectors) {
        std::sort(c.facts.begin(), c.facts.end(), by_subject_key);
        std::sort(c.observed_subjects.begin(), c.observed_subjects.end());
    }
}

SnapshotInput snapshot_as_input(store::Store& store, const SnapshotInfo& snapshot)
{
    SnapshotInput input{snapshot.host, snapshot.taken_at, snapshot.finished_at, snapshot.tool_version, {},
                        snapshot.kind};
    for (const auto& run : store.collector_runs(snapshot.id)) {
        auto c = stored_run(store, snapshot, run);
        each_run_fact(store, snapshot, run, c.observed_subjects, [&](StoredFact& f) {
            c.facts.push_back(Fact{std::move(f.subject), std::move(f.key), std::move(f.value), f.event_time});
        });
        input.collectors.push_back(std::move(c));
    }
    normalise(input);
    return input;
}

nlohmann::ordered_json to_json(const SnapshotInput& snapshot)
{
    std::string text;
    write_bundle(snapshot, std::nullopt, [&](std::string_view piece) { text += piece; });
    return nlohmann::ordered_json::parse(text);
}

SnapshotInput parse_bundle_text(std::string_view text, const std::string& origin)
{
    return parse_bundle(text, origin, NonUtf8::refuse).snapshot;
}

SnapshotInput read_bundle_file(const std::filesystem::path& file)
{
    return read_bundle(file, NonUtf8::refuse).snapshot;
}

bool store_holds(store::Store& store, const SnapshotInfo& stored, const SnapshotInput& incoming)
{
    if (stored.host != incoming.host || stored.taken_at != incoming.taken_at || stored.kind != incoming.kind ||
        stored.finished_at != incoming.finished_at || stored.tool_version != incoming.tool_version)
        return false;
    auto runs = store.collector_runs(stored.id);
    if (runs.size() != incoming.collectors.size()) return false;
    std::sort(runs.begin(), runs.end(), [](const auto& a, const auto& b) { return a.collector < b.collector; });
    for (std::size_t i = 0; i < runs.size(); ++i) {
        auto c = stored_run(store, stored, runs[i]);
        std::sort(c.observed_subjects.begin(), c.observed_subjects.end());
        const auto& theirs = incoming.collectors[i];
        if (c.name != theirs.name || c.status != theirs.status || c.error != theirs.error ||
            c.coverage != theirs.coverage || c.observed_subjects != theirs.observed_subjects)
            return false;
        // The store holds each (subject, key) once: the same facts when each
        // stored one is in the bundle, as it is, and there are as many.
        const auto& facts = theirs.facts;
        std::size_t matched = 0;
        bool same = true;
        each_run_fact(store, stored, runs[i], c.observed_subjects, [&](StoredFact& f) {
            if (!same) return;
            Fact probe{std::move(f.subject), std::move(f.key), std::move(f.value), f.event_time};
            auto found = std::lower_bound(facts.begin(), facts.end(), probe, by_subject_key);
            same = found != facts.end() && *found == probe;
            matched += same;
        });
        if (!same || matched != facts.size()) return false;
    }
    return true;
}

ImportResult import_snapshot(store::Store& store, const SnapshotInput& snapshot, const std::string& origin)
{
    return import_snapshot(store, snapshot, origin, forensic::now());
}

ImportResult import_snapshot(store::Store& store, const SnapshotInput& snapshot, const std::string& origin,
                             TimeNs now)
{
    check_bundle(snapshot, origin);
    auto warnings = bundle_warnings(snapshot, origin, now);
    for (const auto& existing : store.snapshots(snapshot.host)) {
        if (existing.taken_at != snapshot.taken_at) continue;
        // A bundle read from a file is normalised already: a copy of a whole
        // host's snapshot only when it is not.
        std::optional<SnapshotInput> sorted;
        if (!is_normalised(snapshot)) normalise(sorted.emplace(snapshot));
        if (store_holds(store, existing, sorted ? *sorted : snapshot))
            return ImportResult{ImportOutcome::already_present, existing, {}};
        throw InputError(origin + ": host " + snapshot.host + " already has a different snapshot at " +
                         format_rfc3339(snapshot.taken_at) + " (id " + std::to_string(existing.id) + ")");
    }
    return ImportResult{ImportOutcome::imported, store.write(snapshot).snapshot, std::move(warnings)};
}

} // namespace forensic::bundle
