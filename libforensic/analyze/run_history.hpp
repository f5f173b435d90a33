// CI runs as the `runs` collector recorded them, from every snapshot (a run
// directory deleted since still counts). Runs are found by their `recipe`
// fact (an index, not a scan of every run's facts) and read subject by subject.
#pragma once

#include "libforensic/store/store.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace forensic::analyze {

struct RunRecord {
    std::string id;      // the run directory name
    std::string subject; // run/<id>
    std::string recipe;
    std::optional<TimeNs> started;
    std::optional<TimeNs> finished;
    std::optional<std::string> upgrade; // the upgrade tier's (or rung's) result: pass, fail, ...
    std::optional<std::string> hc1_observed;
    std::optional<std::string> hc1_expected;
    std::optional<std::string> level;
    std::optional<std::string> ref;
    long long snapshot = 0; // a snapshot that holds the run's facts

    bool upgrade_passed() const { return upgrade == "pass"; }
    bool upgrade_failed() const { return (upgrade && *upgrade != "pass" && *upgrade != "skip") || hc1_observed; }
    // When the run is placed in time: its finish, else its start.
    std::optional<TimeNs> time() const { return finished ? finished : started; }
};

// A run as its `recipe` fact places it: which recipe, and when (a run's facts
// carry its finish, else its start, as event time).
struct RunRef {
    std::string subject;
    std::optional<TimeNs> time;
};

// Every run of every recipe, each list oldest first (by time, then subject).
std::map<std::string, std::vector<RunRef>> index_runs(store::Store& store, const std::string& host);

// The runs named, read whole; by subject.
std::map<std::string, RunRecord> load_runs(store::Store& store, const std::string& host,
                                           const std::vector<std::string>& subjects);

// The recipe a run (its id or run/<id>) was of, as its facts record it.
std::optional<std::string> recipe_of_run(store::Store& store, const std::string& host, const std::string& run);

// Every run of one recipe, oldest first.
std::vector<RunRecord> load_recipe_runs(store::Store& store, const std::string& host, const std::string& recipe);

} // namespace forensic::analyze
