#include "libforensic/analyze/blast_radius.hpp"

#include "libforensic/analyze/run_history.hpp"
#include "libforensic/analyze/stamp.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

namespace forensic::analyze {
namespace {

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

Evidence evidence_at(const StoredFact& f, long long snapshot, std::string meaning)
{
    return Evidence{f.source, f.subject, f.key, f.value, snapshot, f.event_time, std::move(meaning)};
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
        for (auto& i : store.latest_intervals(host_, "swarm",
                                              {"recipe", "update_status.state", "update_status.started_at",
                                               "update_config.failure_action", "update_config.order",
                                               "stamp.chaos_version"},
                                              as_of_.taken_at)) {
            if (i.subject.starts_with("app/")) continue;
            auto seen = i.valid_to && *i.valid_to <= as_of_.taken_at ? last_before(*i.valid_to)
                                                                     : std::make_pair(as_of_.taken_at, as_of_.id);
            auto& service = services_[i.subject];
            service.facts[i.key] = StoredFact{i.source, i.subject, i.key, i.value, i.event_time, seen.second, {}};
            service.seen_in[i.key] = seen.second;
            service.last_seen = std::max(service.last_seen, seen.first);
        }
    }

    std::vector<std::string> enrolled() const
    {
        if (!options_.recipes.empty()) return options_.recipes;
        auto checkouts = store_.subjects_at(as_of_, "recipes");
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

    BlastRow judge(const std::string& recipe) const
    {
        BlastRow row{recipe, BlastStatus::no_evidence, {}, {}, {}};
        auto found = latest_.find(recipe);
        const RunRecord* latest = found == latest_.end() ? nullptr : &found->second;
        if (latest) {
            row.latest = LatestEvidence{latest->id, latest->finished, latest->upgrade.value_or(latest->hc1_observed ? "fail" : ""),
                                        latest->snapshot};
            if (latest->hc1_observed && latest->hc1_expected) check_older_release(recipe, *latest, row);
        }
        // Its newest deployment speaks for the recipe: the services last seen
        // latest (an older stack's rollback was answered by what came after).
        TimeNs newest = 0;
        for (const auto& [service, state] : services_)
            if (const auto* mapped = state.get("recipe"); mapped && mapped->value == recipe)
                newest = std::max(newest, state.last_seen);
        for (const auto& [service, state] : services_) {
            const auto* mapped = state.get("recipe");
            if (!mapped || mapped->value != recipe || state.last_seen != newest) continue;
            check_rollback(service, state, row);
            if (row.status != BlastStatus::affected) check_exposed(service, state, row);
        }
        if (row.status == BlastStatus::no_evidence && latest)
            row.status = latest->upgrade_passed() ? BlastStatus::clean : BlastStatus::other_failure;
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

    // A stamp mismatch whose observed stamp is the commit of an older release.
    void check_older_release(const std::string& recipe, const RunRecord& run, BlastRow& row) const
    {
        auto observed = parse_stamp(*run.hc1_observed);
        for (const auto& i : store_.subject_history(host_, "recipes", {recipe}, "release:")) {
            if (!same_commit(i.value, observed.commit) || same_commit(i.value, *run.hc1_expected)) continue;
            row.status = BlastStatus::affected;
            row.signature = "stamp mismatch: run " + run.id + " deployed " + *run.hc1_observed +
                            ", the commit of older release " + i.key.substr(8) + ", not " + *run.hc1_expected;
            row.evidence.push_back(Evidence{"runs", run.subject, "hc1.observed", *run.hc1_observed, run.snapshot,
                                            run.finished, "the stamp HC1 saw"});
            row.evidence.push_back(Evidence{i.source, i.subject, i.key, i.value, {}, i.event_time,
                                            "the release whose commit it is"});
            return;
        }
    }

    void check_rollback(const std::string& service, const ServiceState& state, BlastRow& row) const
    {
        const auto* status = state.get("update_status.state");
        if (!status || !is_rollback_state(status->value)) return;
        if (const auto* started = state.get("update_status.started_at");
            options_.since && started && started->event_time && *started->event_time < *options_.since)
            return;
        if (row.status != BlastStatus::affected) row.signature = "swarm rolled " + service + " back after an upgrade";
        else row.signature += "; swarm rolled " + service + " back";
        row.status = BlastStatus::affected;
        row.evidence.push_back(evidence_at(*status, state.seen_in.at("update_status.state"),
                                           "UpdateStatus.State of the app service"));
        if (const auto* stamp = state.get("stamp.chaos_version"))
            row.evidence.push_back(evidence_at(*stamp, state.seen_in.at("stamp.chaos_version"), "the stamp Swarm put back"));
    }

    void check_exposed(const std::string& service, const ServiceState& state, BlastRow& row) const
    {
        const auto* action = state.get("update_config.failure_action");
        const auto* order = state.get("update_config.order");
        if (!action || !order || action->value != "rollback" || order->value != "start-first") return;
        row.status = BlastStatus::exposed;
        row.signature = "latent: " + service + " updates with FailureAction=rollback and Order=start-first";
        row.evidence.push_back(evidence_at(*action, state.seen_in.at("update_config.failure_action"),
                                           "rolls back on a failed update"));
        row.evidence.push_back(evidence_at(*order, state.seen_in.at("update_config.order"),
                                           "starts the new task before stopping the old one"));
    }

    store::Store& store_;
    const BlastOptions& options_;
    std::string host_;
    SnapshotInfo as_of_;
    std::map<std::string, std::vector<RunRef>> run_index_;
    std::map<std::string, RunRecord> latest_; // each recipe's latest upgrade run (find_latest_upgrades)
    std::map<std::string, ServiceState> services_;
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
