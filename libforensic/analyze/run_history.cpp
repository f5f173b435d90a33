#include "libforensic/analyze/run_history.hpp"

#include <algorithm>
#include <unordered_map>

namespace forensic::analyze {

std::map<std::string, std::vector<RunRecord>> load_runs(store::Store& store, const std::string& host)
{
    std::unordered_map<TimeNs, long long> snapshot_ids;
    for (const auto& s : store.snapshots(host)) snapshot_ids[s.taken_at] = s.id;
    std::map<std::string, RunRecord> by_subject;
    // The newest value of each key wins: a run's facts do not change once it finished.
    for (const auto& f : store.source_history(host, "runs", "run/")) {
        auto& run = by_subject[f.subject];
        run.subject = f.subject;
        run.id = f.subject.substr(4);
        run.snapshot = snapshot_ids[f.valid_from];
        if (f.key == "recipe") run.recipe = f.value;
        else if (f.key == "started") run.started = parse_rfc3339(f.value);
        else if (f.key == "finished") run.finished = parse_rfc3339(f.value);
        else if (f.key == "tier:upgrade") run.upgrade = f.value;
        else if (f.key == "rung:upgrade" && !run.upgrade) run.upgrade = f.value;
        else if (f.key == "hc1.observed") run.hc1_observed = f.value;
        else if (f.key == "hc1.expected") run.hc1_expected = f.value;
        else if (f.key == "level") run.level = f.value;
        else if (f.key == "ref") run.ref = f.value;
    }
    std::map<std::string, std::vector<RunRecord>> out;
    for (auto& [subject, run] : by_subject)
        if (!run.recipe.empty()) out[run.recipe].push_back(std::move(run));
    for (auto& [recipe, runs] : out)
        std::stable_sort(runs.begin(), runs.end(), [](const RunRecord& a, const RunRecord& b) {
            return a.time().value_or(0) < b.time().value_or(0);
        });
    return out;
}

} // namespace forensic::analyze
