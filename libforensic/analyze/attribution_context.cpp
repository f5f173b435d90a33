#include "libforensic/analyze/attribution_context.hpp"

#include "libforensic/analyze/recipe_scope.hpp"

#include <algorithm>
#include <set>
#include <sstream>

namespace forensic::analyze {

AttributionContext::AttributionContext(store::Store& store, std::string host, std::string recipe, Stamp expected,
                                       Stamp observed, AttributionWindow window)
    : store_(store), host_(std::move(host)), recipe_(std::move(recipe)), expected_(std::move(expected)),
      observed_(std::move(observed)), window_(window), coverage_(store.coverage(host_))
{
}

std::optional<SnapshotCoverage> AttributionContext::observed_before(const std::string& source, TimeNs t) const
{
    for (auto it = coverage_.rbegin(); it != coverage_.rend(); ++it)
        if (it->snapshot.taken_at <= t && it->observed(source)) return *it;
    return std::nullopt;
}

std::optional<SnapshotCoverage> AttributionContext::observed_after(const std::string& source, TimeNs t) const
{
    for (const auto& c : coverage_)
        if (c.snapshot.taken_at >= t && c.observed(source)) return c;
    return std::nullopt;
}

std::optional<TimeNs> AttributionContext::previous_observation(const std::string& source, TimeNs t) const
{
    for (auto it = coverage_.rbegin(); it != coverage_.rend(); ++it)
        if (it->snapshot.taken_at < t && it->observed(source)) return it->snapshot.taken_at;
    return std::nullopt;
}

std::vector<StoredFact> AttributionContext::state(const SnapshotCoverage& at, const std::string& source,
                                                  const std::optional<std::string>& subject) const
{
    return store_.state(at.snapshot, store::FactFilter{source, subject});
}

const std::vector<IntervalRecord>& AttributionContext::recipe_history(const std::string& source) const
{
    auto found = history_.find(source);
    if (found != history_.end()) return found->second;
    return history_[source] = store_.subject_history(host_, source, {recipe_});
}

std::vector<HeadMove> AttributionContext::head_moves() const
{
    std::vector<HeadMove> moves;
    std::set<std::string> seen;
    for (const auto& i : recipe_history("recipes")) {
        if (!i.key.starts_with("reflog:") || !i.event_time || !seen.insert(i.key + i.value).second) continue;
        std::istringstream fields(i.value);
        HeadMove move;
        move.time = *i.event_time;
        fields >> move.from >> move.to;
        std::getline(fields >> std::ws, move.message);
        move.evidence = evidence_of(i, "HEAD moved to " + short_commit(move.to) + " (" + move.message + ")");
        moves.push_back(std::move(move));
    }
    std::stable_sort(moves.begin(), moves.end(), [](const HeadMove& a, const HeadMove& b) { return a.time < b.time; });
    return moves;
}

std::vector<std::string> AttributionContext::services() const
{
    std::vector<std::string> out;
    for (auto& subject : store_.subjects_of_recipe(host_, "swarm", recipe_))
        if (!subject.starts_with("app/")) out.push_back(std::move(subject));
    return out;
}

long long AttributionContext::snapshot_id(TimeNs taken_at) const
{
    for (const auto& c : coverage_)
        if (c.snapshot.taken_at == taken_at) return c.snapshot.id;
    return 0;
}

Evidence AttributionContext::evidence_of(const IntervalRecord& i, std::string meaning) const
{
    return Evidence{i.source, i.subject, i.key, i.value, snapshot_id(i.valid_from), i.event_time, std::move(meaning)};
}

Evidence AttributionContext::evidence_at(const StoredFact& f, const SnapshotCoverage& at,
                                         std::string meaning) const
{
    return Evidence{f.source, f.subject, f.key, f.value, at.snapshot.id, f.event_time, std::move(meaning)};
}

} // namespace forensic::analyze
