#include "libforensic/analyze/blast_radius.hpp"

#include "libforensic/analyze/attribution_context.hpp"
#include "libforensic/analyze/run_history.hpp"
#include "libforensic/analyze/stamp.hpp"
#include "libforensic/collect/fact_names.hpp"
#include "libforensic/model/tag_fact.hpp"
#include "libforensic/store/store.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

namespace forensic::analyze {
namespace {

namespace sw = collect::swarm;
namespace rc = collect::recipes;
namespace rn = collect::runs;

// The swarm facts blast-radius reads, per service, at the judged snapshot.
struct ServiceState {
    std::map<std::string, StoredFact> facts;
    std::map<std::string, long long> seen_in; // the last snapshot that saw each value
    TimeNs last_seen = 0;                     // when any snapshot last saw the service
    const StoredFact* get(const std::string& key) const
    {
        auto found = facts.find(key);
        return found == facts.end() ? nullptr : &found->second;
    }
};

using ServiceEntry = std::pair<const std::string, ServiceState>;

Evidence evidence_at(const StoredFact& f, long long snapshot, std::string meaning)
{
    return Evidence{f.source, f.subject, f.key, f.value, snapshot, f.event_time, std::move(meaning), false};
}

class Sweep {
public:
    Sweep(store::Store& store, const BlastOptions& options) : store_(store), options_(options)
    {
        host_ = store.default_host(options.host);
        as_of_ = store.resolve(options.as_of.value_or("latest"), host_);
        run_index_ = index_runs(store, host_);
        // App services on a CI host live only while a run does: judge each by
        // the last state any snapshot up to as-of saw, not only what runs now.
        std::vector<std::pair<TimeNs, long long>> snapshots;
        for (const auto& s : store.snapshots(host_)) snapshots.emplace_back(s.taken_at, s.id);
        // The last snapshot before `t` (the last that saw an interval ending at t).
        auto last_before = [&](TimeNs t) {
            auto it = std::lower_bound(snapshots.begin(), snapshots.end(), std::make_pair(t, 0LL));
            return it == snapshots.begin() ? snapshots.front() : *std::prev(it);
        };
        // Each key's last interval begun by as-of is its last state.
        for (auto& i : store.latest_intervals(host_, std::string(sw::source),
                                              {std::string(sw::recipe), std::string(sw::update_failure_action),
                                               std::string(sw::update_order), std::string(sw::update_state)},
                                              as_of_.taken_at)) {
            if (i.subject.starts_with(sw::app_prefix)) continue;
            auto seen = i.valid_to && *i.valid_to <= as_of_.taken_at ? last_before(*i.valid_to)
                                                                     : std::make_pair(as_of_.taken_at, as_of_.id);
            auto& service = services_[i.subject];
            service.facts[i.key] = StoredFact{i.source, i.subject, i.key, i.value, i.event_time, seen.second, {}};
            service.seen_in[i.key] = seen.second;
            service.last_seen = std::max(service.last_seen, seen.first);
        }
        // Each recipe's services, in name order: judge reads them per recipe
        // (a scan of every service for each of 200 recipes was 5 % of the sweep).
        for (const auto& entry : services_)
            if (const auto* mapped = entry.second.get(std::string(sw::recipe)))
                services_of_recipe_[mapped->value].push_back(&entry);
    }

    std::vector<std::string> enrolled() const
    {
        if (!options_.recipes.empty()) return options_.recipes;
        auto checkouts = store_.subjects_at(as_of_, std::string(rc::source));
        std::set<std::string> names(checkouts.begin(), checkouts.end());
        if (names.empty()) // no checkouts recorded: the recipes the runs and services name
            for (const auto& [recipe, runs] : run_index_) names.insert(recipe);
        return {names.begin(), names.end()};
    }

    // Finds each recipe's latest upgrade run: its newest runs in the window
    // are read a few at a time (the newest usually is one) until one is.
    void find_latest_upgrades(const std::vector<std::string>& recipes)
    {
        std::map<std::string, std::size_t> next; // recipe -> how many of its newest runs were read
        for (const auto& recipe : recipes)
            if (run_index_.contains(recipe)) next[recipe] = 0;
        for (std::size_t batch = 1; !next.empty(); batch *= 4) {
            std::vector<std::string> subjects;
            std::map<std::string, std::vector<std::string>> wanted;
            for (auto& [recipe, read] : next) {
                const auto& runs = run_index_.at(recipe);
                for (std::size_t n = 0; n < batch && read < runs.size(); ++read) {
                    const auto& run = runs[runs.size() - 1 - read];
                    if (!in_window(run.time)) continue;
                    subjects.push_back(run.subject);
                    wanted[recipe].push_back(run.subject);
                    ++n;
                }
            }
            auto loaded = load_runs(store_, host_, subjects);
            for (auto it = next.begin(); it != next.end();) {
                const auto& recipe = it->first;
                const RunRecord* found = nullptr;
                for (const auto& subject : wanted[recipe]) { // newest first
                    auto run = loaded.find(subject);
                    if (run == loaded.end() || run->second.recipe != recipe) continue;
                    const auto& r = run->second;
                    if ((r.upgrade || r.hc1_observed) && in_window(r.time())) {
                        found = &r;
                        break;
                    }
                }
                if (found) latest_.emplace(recipe, *found);
                if (found || it->second >= run_index_.at(recipe).size()) it = next.erase(it);
                else ++it;
            }
        }
    }

    BlastRow judge(const std::string& recipe)
    {
        BlastRow row{recipe, BlastStatus::no_evidence, {}, {}, {}};
        auto found = latest_.find(recipe);
        const RunRecord* latest = found == latest_.end() ? nullptr : &found->second;
        if (latest) {
            row.latest = LatestEvidence{latest->id, latest->finished, latest->upgrade.value_or(latest->hc1_observed ? "fail" : ""),
                                        latest->snapshot};
            // The same cause as the seed case, established as attribute
            // establishes it: Swarm's own rollback of the app service in that
            // run — also in one whose upgrade passed, where a service of the
            // recipe was last seen in a rollback state (the check ran first).
            if (latest->upgrade_failed() || last_seen_rolling_back(recipe)) check_rollback(recipe, *latest, row);
            if (row.status != BlastStatus::affected && latest->hc1_observed && latest->hc1_expected)
                check_older_release(recipe, *latest, row);
        }
        // Its newest deployment speaks for the recipe: the services last seen
        // latest (an older stack's rollback was answered by what came after).
        const auto& services = services_of(recipe);
        TimeNs newest = 0;
        for (const auto* entry : services) newest = std::max(newest, entry->second.last_seen);
        for (const auto* entry : services) {
            const auto& [service, state] = *entry;
            if (state.last_seen != newest) continue;
            if (row.status != BlastStatus::affected && row.status != BlastStatus::other_failure)
                check_exposed(service, state, row);
        }
        if (row.status == BlastStatus::no_evidence && latest) {
            row.status = latest->upgrade_passed() ? BlastStatus::clean : BlastStatus::other_failure;
            if (row.status == BlastStatus::other_failure && row.signature.empty())
                row.signature = "the upgrade of run " + latest->id + " failed (" + row.latest->upgrade + ")" +
                                (latest->hc1_observed ? ": HC1 saw " + *latest->hc1_observed : std::string()) +
                                ", and no rollback of the app service is established: " + rollback_finding_;
        }
        return row;
    }

    const std::string& host() const { return host_; }
    const SnapshotInfo& as_of() const { return as_of_; }

private:
    bool in_window(const std::optional<TimeNs>& t) const
    {
        if (t && *t > as_of_.taken_at) return false;
        return !options_.since || (t && *t >= *options_.since);
    }

    // A stamp that is the commit of an older release, with no rollback
    // established: the look of the seed case, not its cause. Another failure,
    // with the reason.
    void check_older_release(const std::string& recipe, const RunRecord& run, BlastRow& row) const
    {
        auto observed = parse_stamp(*run.hc1_observed);
        for (const auto& i : store_.subject_history(host_, std::string(rc::source), {recipe}, std::string(rc::tag_prefix))) {
            auto tag = parse_tag_value(i.value);
            if (!tag || !tag->release || !same_commit(tag->peeled, observed.commit) ||
                same_commit(tag->peeled, *run.hc1_expected))
                continue;
            row.status = BlastStatus::other_failure;
            row.signature = "stamp mismatch: run " + run.id + " deployed " + *run.hc1_observed +
                            ", the commit of older release " + i.key.substr(rc::tag_prefix.size()) + ", not " +
                            *run.hc1_expected + "; no rollback of the app service is established (" +
                            rollback_finding_ + "): a checkout at that release would stamp it too";
            row.evidence.push_back(Evidence{std::string(rn::source), run.subject, std::string(rn::hc1_observed),
                                            *run.hc1_observed, run.snapshot, run.finished, "the stamp HC1 saw", false});
            row.evidence.push_back(Evidence{i.source, i.subject, i.key, i.value, {}, i.event_time,
                                            "the release whose commit it is", false});
            return;
        }
    }

    bool last_seen_rolling_back(const std::string& recipe) const
    {
        for (const auto* entry : services_of(recipe)) {
            const auto* status = entry->second.get(std::string(sw::update_state));
            if (status && is_rollback_state(status->value)) return true;
        }
        return false;
    }

    const std::vector<const ServiceEntry*>& services_of(const std::string& recipe) const
    {
        static const std::vector<const ServiceEntry*> none;
        auto found = services_of_recipe_.find(recipe);
        return found == services_of_recipe_.end() ? none : found->second;
    }

    // Swarm's updater rolled the recipe's app service back in the run: the
    // swarm-rollback hypothesis, tested on that run's window.
    void check_rollback(const std::string& recipe, const RunRecord& run, BlastRow& row)
    {
        rollback_finding_.clear();
        AttributionWindow window;
        window.deploy_from = run.started ? run.started : run.finished;
        window.deploy_to = run.finished ? run.finished : run.started;
        window.good = window.deploy_from;
        window.bad = window.deploy_to;
        if (!window.deploy_from) return;
        auto expected = parse_stamp(run.hc1_expected.value_or(run.ref.value_or("")));
        auto observed = parse_stamp(run.hc1_observed.value_or(""));
        if (!host_reads_) host_reads_ = HostReads::read(store_, host_);
        AttributionContext context(store_, host_, recipe, expected, observed, window, {}, host_reads_);
        auto h = test_swarm_rollback(context);
        rollback_finding_ = h.summary;
        if (h.status != HypothesisStatus::supported) return;
        row.status = BlastStatus::affected;
        if (run.upgrade_passed()) rollback_finding_ += " (the run's upgrade passed all the same)";
        // Its first clause names the service and the update; the rest is in the evidence.
        row.signature = "the same cause, in run " + run.id + ": " +
                        h.summary.substr(0, std::min(h.summary.find(": "), h.summary.find("; "))) +
                        (run.upgrade_passed() ? " (the run's upgrade passed all the same)" : "");
        for (auto& e : h.evidence)
            if (e.decides) row.evidence.push_back(std::move(e));
    }

    // Swarm may roll any service with FailureAction=rollback back silently;
    // start-first (the new task beside the old, as in the seed case) raises the risk.
    void check_exposed(const std::string& service, const ServiceState& state, BlastRow& row) const
    {
        const auto* action = state.get(std::string(sw::update_failure_action));
        if (!action || action->value != "rollback") return;
        const auto* order = state.get(std::string(sw::update_order));
        bool start_first = order && order->value == "start-first";
        if (row.status == BlastStatus::exposed) {
            row.signature += "; " + service;
        } else {
            row.status = BlastStatus::exposed;
            row.signature = "latent: Swarm rolls " + service + " back silently on a failed update (FailureAction=rollback)";
        }
        if (start_first) row.signature += ", and Order=start-first raises the risk (the new task starts beside the old)";
        row.evidence.push_back(evidence_at(*action, state.seen_in.at(std::string(sw::update_failure_action)),
                                           "rolls back on a failed update"));
        if (order)
            row.evidence.push_back(evidence_at(*order, state.seen_in.at(std::string(sw::update_order)),
                                               start_first ? "starts the new task before stopping the old one"
                                                           : "the update order"));
    }

    store::Store& store_;
    const BlastOptions& options_;
    std::string host_;
    SnapshotInfo as_of_;
    std::map<std::string, std::vector<RunRef>> run_index_;
    std::map<std::string, RunRecord> latest_; // each recipe's latest upgrade run (find_latest_upgrades)
    std::map<std::string, ServiceState> services_;
    std::map<std::string, std::vector<const ServiceEntry*>> services_of_recipe_; // by the recipe they map to
    std::shared_ptr<const HostReads> host_reads_; // read once, for the rollback tests
    std::string rollback_finding_; // what the last rollback test found
};

} // namespace

const char* to_string(BlastStatus status)
{
    switch (status) {
    case BlastStatus::affected: return "affected";
    case BlastStatus::exposed: return "exposed";
    case BlastStatus::other_failure: return "other-failure";
    case BlastStatus::clean: return "clean";
    case BlastStatus::no_evidence: return "no-evidence";
    }
    return "?";
}

BlastRadius blast_radius(store::Store& store, const BlastOptions& options)
{
    Sweep sweep(store, options);
    BlastRadius result{sweep.host(), sweep.as_of(), {}};
    auto recipes = sweep.enrolled();
    sweep.find_latest_upgrades(recipes);
    for (const auto& recipe : recipes) result.rows.push_back(sweep.judge(recipe));
    std::sort(result.rows.begin(), result.rows.end(), [](const BlastRow& a, const BlastRow& b) {
        return std::tie(a.status, a.recipe) < std::tie(b.status, b.recipe);
    });
    return result;
}

std::vector<std::string> read_enrolled(const std::string& file)
{
    std::ifstream in(file);
    if (!in) throw InputError(file + ": cannot be read");
    std::vector<std::string> out;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        auto hash = line.find('#');
        if (hash != std::string::npos) line.resize(hash);
        auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos) continue;
        auto name = line.substr(first, line.find_last_not_of(" \t\r") - first + 1);
        if (name.find_first_of(" \t/") != std::string::npos)
            throw InputError(file + ":" + std::to_string(number) + ": '" + name + "' is not a recipe name");
        out.push_back(name);
    }
    return out;
}

} // namespace forensic::analyze
