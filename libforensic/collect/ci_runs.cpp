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
#include "libforensic/util/json_text.hpp"

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
        for (const auto& entry : list_directory(root.real(dir.host_path), dir.host_path)) {
            auto subject = "run/" + entry;
            try {
                // A run directory may be a symlink: followed under the root only.
                auto run_dir = root.resolve(host_join(dir.host_path, entry));
                auto run_info = run_dir.exists ? stat_path(root.real(run_dir.host_path)) : std::nullopt;
                if (run_info && run_info->is_directory) collect_run(root, run_dir.host_path, subject, facts);
            } catch (const PathError& e) {
                facts.push_back({subject, error_key, e.what(), {}});
            }
        }
        return facts;
    }

private:
    static void collect_run(const HostRoot& root, const std::string& run_dir, const std::string& subject,
                            std::vector<Fact>& facts)
    {
        std::vector<std::string> errors;
        bool is_run = false;
        for (const auto& file : list_directory(root.real(run_dir), run_dir)) {
            auto host_path = host_join(run_dir, file);
            try {
                if (file == results_file) {
                    is_run = true;
                    auto results = read_run_results(read_text_file(root.real(host_path), host_path), host_path, subject);
                    facts.insert(facts.end(), results.facts.begin(), results.facts.end());
                    errors.insert(errors.end(), results.errors.begin(), results.errors.end());
                } else if (file.ends_with(".xml")) {
                    is_run = true;
                    auto counts = read_junit_counts(read_text_file(root.real(host_path), host_path), host_path);
                    facts.push_back({subject, "junit:" + file, format_junit_counts(counts), {}});
                }
            } catch (const InputError& e) {
                errors.push_back(e.what());
            }
        }
        if (is_run) add_error_fact(facts, subject, errors);
        date_run_facts(facts, subject);
    }

    // A run's results never change once it finished: every fact of the run
    // carries its finish (else its start) as event time, so a timeline shows
    // the level and tier results where the run ended — from any later
    // snapshot. The error fact, which can change, carries none.
    static void date_run_facts(std::vector<Fact>& facts, const std::string& subject)
    {
        std::optional<TimeNs> finished, started;
        auto first = facts.end();
        for (auto it = facts.begin(); it != facts.end(); ++it) {
            if (it->subject != subject) continue;
            if (first == facts.end()) first = it;
            if (it->key == "finished") finished = it->event_time;
            if (it->key == "started") started = it->event_time;
        }
        auto when = finished ? finished : started;
        if (!when) return;
        for (auto it = first; it != facts.end(); ++it)
            if (it->subject == subject && it->key != error_key && !it->event_time) it->event_time = when;
    }
};

} // namespace

std::unique_ptr<Collector> make_runs_collector()
{
    return std::make_unique<CiRuns>();
}

} // namespace forensic::collect
