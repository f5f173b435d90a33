// `forensic report`: everything a reviewer needs on one page, assembled from
// the store alone — the attribution (symptom, verdict, evidence, the other
// hypotheses), the happenings of the window, the blast radius as of the same
// time, and how to re-run it all. render/report_views formats it.
#pragma once

#include "libforensic/analyze/attribution.hpp"
#include "libforensic/analyze/blast_radius.hpp"
#include "libforensic/analyze/happenings.hpp"
#include "libforensic/analyze/timeline.hpp"

#include <optional>
#include <string>
#include <vector>

namespace forensic::analyze {

struct ReportOptions {
    AttributeOptions attribution;
    std::string database; // as the user named it, for the re-run commands
};

// A CI run that bounds the window, as the chart marks it.
struct WindowRun {
    std::string id;
    std::optional<TimeNs> started;
    std::optional<TimeNs> finished;
    std::string result; // the upgrade's: pass, fail
};

// What the chart draws as one row.
enum class ReportRow { checkout, service, abra, refs, runs, other };
const char* to_string(ReportRow row); // "recipe checkout", "app service", ...
ReportRow row_of(const Happening& happening);

struct Report {
    Attribution attribution;
    std::optional<WindowRun> good_run;
    std::optional<WindowRun> bad_run;
    Timeline timeline;                 // the recipe's, over the window
    std::vector<Happening> happenings; // of `timeline`, pointing into its events
    // The happening that holds most of the verdict's evidence (the rollback,
    // the checkout's move): when the cause struck. None when unexplained.
    std::optional<std::size_t> verdict_happening;
    BlastRadius blast_radius;          // as of the first snapshot that saw the failing run
    std::vector<SnapshotInfo> snapshots; // the host's: where the evidence is
    std::string database;
    std::vector<std::string> commands; // to re-run it, from the bundles

    Report() = default;
    Report(Report&&) = default; // the happenings point into timeline.events: moved, never copied
    Report& operator=(Report&&) = default;
    Report(const Report&) = delete;
    Report& operator=(const Report&) = delete;

    const Hypothesis* verdict() const; // none when unexplained
};

Report build_report(store::Store& store, const ReportOptions& options);

// A word for a hypothesis id ("a Swarm rollback"); the id for one not known.
std::string hypothesis_label(const std::string& id);

// `text` quoted for a POSIX shell when it needs it.
std::string shell_quote(const std::string& text);

} // namespace forensic::analyze
