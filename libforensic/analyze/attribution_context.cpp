#include "libforensic/analyze/attribution_context.hpp"

#include "libforensic/collect/fact_names.hpp"
#include "libforensic/store/store.hpp"

#include <algorithm>
#include <set>
#include <sstream>

namespace forensic::analyze {
namespace {

namespace sw = collect::swarm;
namespace ev = collect::swarm_events;

std::string text(std::string_view name)
{
    return std::string(name);
}

} // namespace

std::shared_ptr<const HostReads> HostReads::read(store::Store& store, const std::string& host)
{
    auto reads = std::make_shared<HostReads>();
    reads->coverage = store.coverage(host);
    std::map<std::string, std::set<std::string>> subjects;
    for (auto& i : store.recipe_mappings(host, text(sw::source), std::nullopt))
        subjects[i.value].insert(std::move(i.subject));
    for (auto& [recipe, names] : subjects) reads->swarm_subjects[recipe].assign(names.begin(), names.end());
    return reads;
}

AttributionContext::AttributionContext(store::Store& store, std::string host, std::string recipe, Stamp expected,
                                       Stamp observed, AttributionWindow window, std::vector<RunRecord> runs)
    : AttributionContext(store, host, std::move(recipe), std::move(expected), std::move(observed), window,
                         std::move(runs), HostReads::read(store, host))
{
}

AttributionContext::AttributionContext(store::Store& store, std::string host, std::string recipe, Stamp expected,
                                       Stamp observed, AttributionWindow window, std::vector<RunRecord> runs,
                                       std::shared_ptr<const HostReads> reads)
    : store_(store), host_(std::move(host)), recipe_(std::move(recipe)), expected_(std::move(expected)),
      observed_(std::move(observed)), window_(window), runs_(std::move(runs)), reads_(std::move(reads))
{
}

const std::vector<std::string>& AttributionContext::swarm_subjects() const
{
    static const std::vector<std::string> none;
    auto found = reads_->swarm_subjects.find(recipe_);
    return found == reads_->swarm_subjects.end() ? none : found->second;
}

TimeNs AttributionContext::deploy_from() const
{
    return window_.deploy_from ? *window_.deploy_from : window_.good.value_or(0);
}

TimeNs AttributionContext::deploy_to() const
{
    return window_.deploy_to ? *window_.deploy_to : window_.bad.value_or(0);
}

std::optional<SnapshotCoverage> AttributionContext::observed_before(const std::string& source, TimeNs t) const
{
    for (auto it = coverage().rbegin(); it != coverage().rend(); ++it)
        if (it->snapshot.taken_at <= t && it->observed(source)) return *it;
    return std::nullopt;
}

std::optional<SnapshotCoverage> AttributionContext::observed_after(const std::string& source, TimeNs t) const
{
    for (const auto& c : coverage())
        if (c.snapshot.taken_at >= t && c.observed(source)) return c;
    return std::nullopt;
}

bool AttributionContext::in_error(const std::string& source, const std::string& subject, TimeNs t) const
{
    auto key = std::make_pair(source, subject);
    auto found = errors_.find(key);
    if (found == errors_.end())
        found = errors_.emplace(key, store_.subject_history(host_, source, {subject}, std::string(error_key))).first;
    for (const auto& i : found->second)
        if (i.key == error_key && i.valid_from <= t && (!i.valid_to || *i.valid_to > t)) return true;
    return false;
}

std::optional<SnapshotCoverage> AttributionContext::observed_clean_before(const std::string& source,
                                                                         const std::string& subject, TimeNs t) const
{
    for (auto it = coverage().rbegin(); it != coverage().rend(); ++it)
        if (it->snapshot.taken_at <= t && it->observed(source, subject) && !in_error(source, subject, it->snapshot.taken_at))
            return *it;
    return std::nullopt;
}

std::optional<SnapshotCoverage> AttributionContext::observed_clean_after(const std::string& source,
                                                                        const std::string& subject, TimeNs t) const
{
    for (const auto& c : coverage())
        if (c.snapshot.taken_at >= t && c.observed(source, subject) && !in_error(source, subject, c.snapshot.taken_at))
            return c;
    return std::nullopt;
}

std::optional<TimeNs> AttributionContext::previous_observation(const std::string& source, TimeNs t) const
{
    for (auto it = coverage().rbegin(); it != coverage().rend(); ++it)
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
    for (const auto& i : recipe_history(text(collect::recipes::source))) {
        if (!i.key.starts_with(collect::recipes::reflog_prefix) || !i.event_time || !seen.insert(i.key + i.value).second)
            continue;
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
    for (const auto& subject : swarm_subjects())
        if (!subject.starts_with(sw::app_prefix)) out.push_back(subject);
    return out;
}

const std::vector<AttributionContext::StampService>& AttributionContext::stamp_services() const
{
    if (stamp_services_) return *stamp_services_;
    std::vector<StampService> out;
    std::set<std::string> named;
    for (const auto& service : services())
        if (story(service).carries_stamp()) {
            out.push_back({service, true});
            named.insert(service);
        }
    // The recipe's stacks, from its services and its apps' env files.
    std::set<std::string> stacks;
    for (const auto& i :
         store_.subject_history(host_, text(sw::source), swarm_subjects(),
                                text(sw::stack)))
        if (i.key == sw::stack) stacks.insert(i.value);
    for (const auto& stack : stacks) {
        auto app_service = stack + "_app"; // abra's main service, the one it labels
        if (named.contains(app_service)) continue;
        // Not seen with labels (or at all) by a snapshot: its events may still be there.
        if (!store_.subject_history(host_, text(ev::source), {app_service}, text(ev::event_prefix)).empty()) {
            bool seen_without_labels = false;
            for (const auto& s : services()) seen_without_labels = seen_without_labels || s == app_service;
            if (!seen_without_labels) out.push_back({app_service, false});
        }
    }
    stamp_services_ = std::move(out);
    return *stamp_services_;
}

const ServiceStory& AttributionContext::story(const std::string& service) const
{
    auto& slot = stories_[service];
    if (!slot) slot = std::make_unique<ServiceStory>(store_, host_, service, coverage());
    return *slot;
}

const std::optional<DeployInstant>& AttributionContext::deploy_instant() const
{
    if (deploy_instant_) return *deploy_instant_;
    std::optional<DeployInstant> best;
    for (const auto& s : stamp_services()) {
        auto deploy = story(s.name).last_deploy(deploy_from(), deploy_to());
        if (!deploy || (best && best->time >= deploy->time)) continue;
        Evidence e;
        if (deploy->fact) e = evidence_seen(*deploy->fact, deploy->snapshot ? deploy->snapshot : snapshot_id(deploy->fact->valid_from), "");
        e.meaning = "the upgrade deploy of " + s.name + ": " + deploy->basis + " " + format_rfc3339(deploy->time);
        best = DeployInstant{deploy->time, s.name, std::move(e)};
    }
    if (!best) {
        // abra rewrites the app's env file when it deploys it.
        for (const auto& i : store_.subject_history(host_, text(sw::source), swarm_subjects(),
                                                    text(sw::app_env_mtime)))
            if (i.subject.starts_with(sw::app_prefix) && i.key == sw::app_env_mtime && i.event_time &&
                *i.event_time >= deploy_from() && *i.event_time <= deploy_to() && (!best || best->time < *i.event_time))
                best = DeployInstant{*i.event_time, i.subject,
                                     evidence_of(i, "the app's env file written " + format_rfc3339(*i.event_time) +
                                                        " (abra rewrites it when it deploys)")};
    }
    deploy_instant_ = best;
    return *deploy_instant_;
}

EventCoverage AttributionContext::event_coverage(TimeNs from, TimeNs to) const
{
    EventCoverage out;
    const auto source = text(ev::source);
    bool before = false, after = false;
    for (const auto& c : coverage()) {
        if (!c.ran(source)) continue;
        before = before || c.snapshot.taken_at <= from;
        after = after || c.snapshot.taken_at >= to;
    }
    if (!gaps_) gaps_ = store_.subject_history(host_, source, {text(ev::gap_subject)}, text(ev::gap_prefix));
    std::set<std::string> seen;
    for (const auto& i : *gaps_) {
        if (!i.event_time || !seen.insert(i.key).second) continue;
        auto start = parse_rfc3339(std::string_view(i.key).substr(ev::gap_prefix.size()));
        if (!start || *start > to || *i.event_time < from) continue;
        out.gaps.push_back(EventGap{*start, *i.event_time, evidence_of(i, "the daemon's event record has a gap here")});
    }
    out.complete = before && after && out.gaps.empty();
    if (!before)
        out.why_not = "no capture of the daemon's events before " + format_rfc3339(from);
    else if (!after)
        out.why_not = "no capture of the daemon's events after " + format_rfc3339(to);
    else if (!out.gaps.empty())
        out.why_not = "service events from " + format_rfc3339(out.gaps.front().from) + " to " +
                      format_rfc3339(out.gaps.front().to) + " may be lost (the daemon's buffer did not reach back)";
    return out;
}

long long AttributionContext::snapshot_id(TimeNs taken_at) const
{
    auto it = std::lower_bound(coverage().begin(), coverage().end(), taken_at,
                               [](const SnapshotCoverage& c, TimeNs t) { return c.snapshot.taken_at < t; });
    return it != coverage().end() && it->snapshot.taken_at == taken_at ? it->snapshot.id : 0;
}

Evidence AttributionContext::evidence_of(const IntervalRecord& i, std::string meaning) const
{
    return Evidence{i.source, i.subject, i.key, i.value, snapshot_id(i.valid_from), i.event_time, std::move(meaning), false};
}

Evidence AttributionContext::evidence_at(const StoredFact& f, const SnapshotCoverage& at, std::string meaning) const
{
    return Evidence{f.source, f.subject, f.key, f.value, at.snapshot.id, f.event_time, std::move(meaning), false};
}

Evidence AttributionContext::evidence_seen(const IntervalRecord& i, long long snapshot, std::string meaning) const
{
    return Evidence{i.source, i.subject, i.key, i.value, snapshot, i.event_time, std::move(meaning), false};
}

} // namespace forensic::analyze
