#include "commands.hpp"

namespace forensic::cli {

const std::vector<Command>& commands()
{
    static const std::vector<Command> all = {
        {"snapshot", "collect the host's state into the database", run_snapshot},
        {"watch", "record Swarm services as Docker events change them, until stopped", run_watch},
        {"list", "list snapshots, newest first", run_list},
        {"show", "show the state as of a snapshot", run_show},
        {"diff", "what changed between two snapshots", run_diff},
        {"timeline", "what happened between two times, in order, with evidence", run_timeline},
        {"attribute", "test the candidate causes of a wrong stamp and give a verdict", run_attribute},
        {"report", "one page for a reviewer: symptom, verdict, evidence, the window, blast radius", run_report},
        {"blast-radius", "sweep enrolled recipes for the same failure signature", run_blast_radius},
        {"export", "write a snapshot as a portable bundle", run_export},
        {"import", "load bundles into the database", run_import},
        {"collectors", "list the collectors and what they read", run_collectors},
        {"verify", "check the database's integrity and the store's invariants", run_verify},
        {"prune", "thin old snapshots by a daily/weekly/monthly policy", run_prune},
        {"migrate", "bring the database's schema up to this forensic's (reads never do)", run_migrate},
    };
    return all;
}

} // namespace forensic::cli
