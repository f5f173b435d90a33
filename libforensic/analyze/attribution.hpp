// `forensic attribute`: tests every candidate cause of a wrong version stamp
// against the recorded evidence and gives a verdict that anyone can re-run
// from the database alone (docs/attribution.md). Deterministic: the same
// database and arguments give the same result, byte for byte.
#pragma once

#include "libforensic/model/snapshot.hpp"
#include "libforensic/store/store_fwd.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic::analyze {

// One fact that decides a hypothesis, with where to see it.
struct Evidence {
    std::string source;
    std::string subject;
    std::string key;
    std::string value;
    std::optional<long long> snapshot; // a snapshot whose state holds the fact
    std::optional<TimeNs> event_time;  // the time the fact carries
    std::string meaning;               // what it shows, in one phrase
    bool decides = false;              // the fact that decides the hypothesis
};

enum class HypothesisStatus { supported, refuted, inconclusive };
const char* to_string(HypothesisStatus status);

struct Hypothesis {
    std::string id;
    HypothesisStatus status = HypothesisStatus::inconclusive;
    std::string summary;
    std::vector<Evidence> evidence;
    // Inconclusive: what the store lacks to decide, and which command or
    // capture would have recorded it. Empty otherwise.
    std::string missing{};
};

struct AttributionWindow {
    std::optional<TimeNs> good; // the last good upgrade
    std::optional<TimeNs> bad;  // the first bad one (its finish)
    // When the failing deploy can have happened: the failing run's span.
    std::optional<TimeNs> deploy_from;
    std::optional<TimeNs> deploy_to;
};

struct Attribution {
    std::string recipe;
    std::string expected;
    std::string observed;
    std::string observed_commit;
    std::string observed_is;
    std::string verdict; // the primary supported hypothesis, or "unexplained"
    // Why the verdict names that one: alone, or first of several supported.
    std::string verdict_reason;
    std::vector<Hypothesis> hypotheses;
    AttributionWindow window;
    std::string host;
    std::optional<std::string> run; // the failing run, when known
};

struct AttributeOptions {
    std::optional<std::string> host;
    std::string recipe;
    std::optional<std::string> expected;
    std::optional<std::string> observed;
    std::optional<std::string> run;
    std::optional<TimeNs> good;
    std::optional<TimeNs> bad;
};

// The order in which supported hypotheses are ranked, nearest to the label
// first: what Swarm did to the spec it runs (its own rollback, one asked for,
// a later deploy), the code abra stamped, how refs resolved, the tool that
// stamped, the worktree flag.
const std::vector<std::string>& hypothesis_order();

Attribution attribute(store::Store& store, const AttributeOptions& options);

} // namespace forensic::analyze
