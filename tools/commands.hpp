// One function per subcommand, each in its own cmd_*.cpp.
#pragma once

#include "cli_support.hpp"

#include "libforensic/analyze/attribution.hpp"

namespace forensic::cli {

int run_snapshot(const Args& args);
int run_watch(const Args& args);
int run_list(const Args& args);
int run_show(const Args& args);
int run_export(const Args& args);
int run_import(const Args& args);
int run_collectors(const Args& args);
int run_diff(const Args& args);
int run_timeline(const Args& args);
int run_attribute(const Args& args);
int run_report(const Args& args);

// attribute's and report's symptom and window options (cmd_attribute.cpp):
// declared once for both, and read back.
void add_attribute_options(po::options_description& options);
analyze::AttributeOptions attribute_options(const po::variables_map& vm, std::string_view command);
// Warns on stderr of a snapshot in the verdict's window that no longer
// matches its seal (cmd_attribute.cpp).
void warn_of_edits_in_window(store::Store& db, const analyze::Attribution& result, std::string_view command);
int run_blast_radius(const Args& args);
int run_verify(const Args& args);
int run_prune(const Args& args);
int run_migrate(const Args& args);

} // namespace forensic::cli
