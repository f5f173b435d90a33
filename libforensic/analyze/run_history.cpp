#include "libforensic/analyze/run_history.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace forensic::analyze {

namespace {

bool earlier(const std::optional<TimeNs>& a, const std::string& a_subject, const std::optional<TimeNs>& b,
             const std::string& b_subject)
{
    return std::make_pair(a.value_or(0), std::cref(a_subject)) < std::make_pair(b.value_or(0), std::cref(b_subject));
}

} // namespace

std::map<std::string, std::vector<RunRef>> index_runs(store::Store& store, const std::string& host)
{
    // The newest value of each subject's recipe wins, as in load_runs. A
    // year holds tens of thousands of runs: pointed to, not copied.
    auto mappings = store.recipe_mappings(host, "runs", std::nullopt);
    std::unordered_map<std::string_view, const IntervalRecord*> newest;
    newest.reserve(mappings.size());
    for (const auto& f : mappings) {
        if (!f.subject.starts_with("run/")) continue;
        auto [slot, added] = newest.try_emplace(f.subject, &f);
        if (!added && slot->second->valid_from < f.valid_from) slot->second = &f;
    }
    std::map<std::string, std::vector<RunRef>> out;
    for (const auto& [subject, f] : newest) out[f->value].push_back(RunRef{std::string(subject), f->event_time});
    for (auto& [recipe, runs] : out)
        std::sort(runs.begin(), runs.end(),
                  [](const RunRef& a, const RunRef& b) { return earlier(a.time, a.subject, b.time, b.subject); });
    return out;
}

std::map<std::string, RunRecord> load_runs(store::Store& store, const std::string& host,
                                           const std::vector<std::string>& subjects)
{
    std::map<std::string, RunRecord> by_subject;
    if (subjects.empty()) return by_subject;
    std::unordered_map<TimeNs, long long> snapshot_ids;
    for (const auto& s : store.snapshots(host)) snapshot_ids[s.taken_at] = s.id;
    // The newest value of each key wins: a run's facts do not change once it finished.
    for (const auto& f : store.subject_history(host, "runs", subjects)) {
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
    return by_subject;
}

std::optional<std::string> recipe_of_run(store::Store& store, const std::string& host, const std::string& run)
{
    auto subject = run.starts_with("run/") ? run : "run/" + run;
    auto runs = load_runs(store, host, {subject});
    auto found = runs.find(subject);
    if (found == runs.end() || found->second.recipe.empty()) return std::nullopt;
    return found->second.recipe;
}

std::vector<RunRecord> load_recipe_runs(store::Store& store, const std::string& host, const std::string& recipe)
{
    auto subjects = store.subjects_of_recipe(host, "runs", recipe);
    std::erase_if(subjects, [](const std::string& s) { return !s.starts_with("run/"); });
    std::vector<RunRecord> out;
    for (auto& [subject, run] : load_runs(store, host, subjects))
        if (run.recipe == recipe) out.push_back(std::move(run));
    std::sort(out.begin(), out.end(), [](const RunRecord& a, const RunRecord& b) {
        return earlier(a.time(), a.subject, b.time(), b.subject);
    });
    return out;
}

} // namespace forensic::analyze
