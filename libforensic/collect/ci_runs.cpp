// `runs`: CI run evidence under --runs-dir, one subject run/<id> per run
// directory: its results.json (see run_results.hpp) and the counts of each
// JUnit XML report beside it. Without --runs-dir the collector is skipped, so
// it never closes the facts an earlier snapshot recorded.
//
// A directory holding neither results.json nor a JUnit report is not a run.
// All of a run's facts carry its finish as their event time (see date_run_facts).
// An unreadable or malformed file is an `error` fact of that run only.
#include "libforensic/collect/file_facts.hpp"
#include "libforensic/collect/junit_counts.hpp"
#include "libforensic/collect/run_results.hpp"
#include "libforensic/collect/sources.hpp"
#include "libforensic/util/error.hpp"

namespace forensic::collect {
namespace {

constexpr const char* results_file = "results.json";

class CiRuns final : public Collector {
public:
    std::string_view name() const override { return "runs"; }
    std::string_view summary() const override
    {
        return "CI run evidence under --runs-dir: results.json (tiers, rungs, HC1 stamp mismatches) and JUnit counts";
    }

    std::vector<Fact> collect(const CollectOptions& options) const override
    {
        if (options.runs_dir.empty()) throw CollectorSkipped("no --runs-dir given");
        const auto& root = options.root;
        auto dir = root.resolve(options.runs_dir);
        auto info = dir.exists ? stat_path(root.real(dir.host_path)) : std::nullopt;
        if (!info || !info->is_directory)
            throw CollectorError("runs directory " + options.runs_dir + " is not a directory under " +
                                 root.root().string());
        std::vector<Fact> facts;
        for (const auto& entry : list_host_directory(root, dir.host_path)) {
            auto subject = "run/" + entry;
            auto first = facts.size();
            try {
                auto run_dir = run_directory(root, dir.host_path, entry);
                if (run_dir) collect_run(root, *run_dir, subject, facts);
            } catch (const Error& e) { // a loop, an escape, a directory that cannot be listed
                facts.push_back({subject, error_key, e.what(), {}});
            }
            date_run_facts(facts, first, subject);
        }
        return facts;
    }

private:
    // The run directory `entry` of `runs_dir` names, resolved; nullopt when
    // it is no directory. A symlink is followed under the root only.
    static std::optional<std::string> run_directory(const HostRoot& root, const std::string& runs_dir,
                                                    const std::string& entry)
    {
        auto run_dir = root.resolve_entry(runs_dir, entry);
        if (!run_dir.exists && !run_dir.dangling_link.empty())
            throw PathError("dangling link " + run_dir.dangling_link + ": " + run_dir.missing + " does not exist");
        auto info = run_dir.exists ? stat_path(root.real(run_dir.host_path)) : std::nullopt;
        if (!info || !info->is_directory) return std::nullopt;
        return run_dir.host_path;
    }

    static void collect_run(const HostRoot& root, const std::string& run_dir, const std::string& subject,
                            std::vector<Fact>& facts)
    {
        std::vector<std::string> errors;
        bool is_run = false;
        for (const auto& file : list_host_directory(root, run_dir)) {
            bool results = file == results_file, junit = file.ends_with(".xml");
            if (!results && !junit) continue;
            is_run = true;
            auto host_path = host_join(run_dir, file);
            try {
                // Links are followed under the root only; a FIFO is refused, not
                // waited on; a file over its cap is this run's error alone.
                auto text = read_host_file(root, host_path, results ? size_caps::run_results : size_caps::junit_report);
                if (results) {
                    auto parsed = read_run_results(text, host_path, subject);
                    facts.insert(facts.end(), parsed.facts.begin(), parsed.facts.end());
                    errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
                } else {
                    facts.push_back({subject, "junit:" + file, format_junit_counts(read_junit_counts(text, host_path)), {}});
                }
            } catch (const Error& e) {
                errors.push_back(e.what());
            }
        }
        if (is_run) add_error_fact(facts, subject, errors);
    }

    // A run's results never change once it finished: every fact of the run
    // carries its finish (else its start) as event time, so a timeline shows
    // the level and tier results where the run ended — from any later
    // snapshot. The error fact, which can change, carries none.
    static void date_run_facts(std::vector<Fact>& facts, std::size_t first, const std::string& subject)
    {
        // Only this run's facts, from `first`: a runs directory holds thousands.
        std::optional<TimeNs> finished, started;
        for (auto i = first; i < facts.size(); ++i) {
            if (facts[i].key == "finished") finished = facts[i].event_time;
            if (facts[i].key == "started") started = facts[i].event_time;
        }
        auto when = finished ? finished : started;
        if (!when) return;
        for (auto i = first; i < facts.size(); ++i)
            if (facts[i].subject == subject && facts[i].key != error_key && !facts[i].event_time) facts[i].event_time = when;
    }
};

} // namespace

std::unique_ptr<Collector> make_runs_collector()
{
    return std::make_unique<CiRuns>();
}

} // namespace forensic::collect
