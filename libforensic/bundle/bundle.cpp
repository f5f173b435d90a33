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
    SnapshotInput input{snapshot.host, snapshot.taken_at, snapshot.finished_at, snapshot.tool_version, {}, {},
                        snapshot.kind};
    for (const auto& run : store.collector_runs(snapshot.id)) {
        CollectorRun c{run.collector, run.status, run.error, {}, run.coverage, {}};
        if (run.status != CollectorStatus::ok) {
            input.collectors.push_back(std::move(c));
            continue;
        }
        // What the run observed, as the state holds it then: all of its source,
        // the subjects it named, or the facts it reported.
        std::set<std::pair<std::string, std::string>> reported;
        if (run.coverage == Coverage::subjects) c.observed_subjects = store.observed_subjects(snapshot.id, run.collector);
        if (run.coverage == Coverage::additive)
            for (auto& key : store.observed_keys(snapshot.id, run.collector)) reported.insert(std::move(key));
        for (auto& f : store.state(snapshot, store::FactFilter{run.collector, {}})) {
            if (run.coverage == Coverage::subjects &&
                !std::binary_search(c.observed_subjects.begin(), c.observed_subjects.end(), f.subject))
                continue;
            if (run.coverage == Coverage::additive && !reported.contains({f.subject, f.key})) continue;
            c.facts.push_back(Fact{std::move(f.subject), std::move(f.key), std::move(f.value), f.event_time});
        }
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

bool same_snapshot(const SnapshotInput& a, const SnapshotInput& b)
{
    if (a.host != b.host || a.taken_at != b.taken_at || a.kind != b.kind || a.finished_at != b.finished_at ||
        a.tool_version != b.tool_version || a.collectors.size() != b.collectors.size())
        return false;
    for (std::size_t i = 0; i < a.collectors.size(); ++i) {
        const auto& x = a.collectors[i];
        const auto& y = b.collectors[i];
        if (x.name != y.name || x.status != y.status || x.error != y.error || x.facts != y.facts ||
            x.coverage != y.coverage || x.observed_subjects != y.observed_subjects)
            return false;
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
        if (same_snapshot(snapshot_as_input(store, existing), sorted ? *sorted : snapshot))
            return ImportResult{ImportOutcome::already_present, existing, {}};
        throw InputError(origin + ": host " + snapshot.host + " already has a different snapshot at " +
                         format_rfc3339(snapshot.taken_at) + " (id " + std::to_string(existing.id) + ")");
    }
    return ImportResult{ImportOutcome::imported, store.write(snapshot).snapshot, std::move(warnings)};
}

} // namespace forensic::bundle
