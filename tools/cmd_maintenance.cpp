// forensic verify and forensic prune: keeping a long-lived store healthy.
#include "commands.hpp"

#include "libforensic/render/escape.hpp"
#include "libforensic/render/table.hpp"
#include "libforensic/store/maintenance.hpp"
#include "libforensic/util/error.hpp"

#include <iostream>

namespace forensic::cli {

int run_verify(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()("json", po::bool_switch(), "");
    auto vm = parse("verify", args, options);
    store::Store db(db_path(vm), store::Store::Access::read);
    auto report = store::verify(db);
    if (vm["json"].as<bool>()) {
        print_json(nlohmann::ordered_json{{"ok", report.ok()},
                                          {"snapshots", report.snapshots},
                                          {"intervals", report.intervals},
                                          {"problems", report.problems}});
    } else if (report.ok()) {
        std::cout << "ok: " << report.snapshots << " snapshots, " << report.intervals << " intervals\n";
    } else {
        for (const auto& p : report.problems) std::cout << render::escape_terminal(p) << "\n";
        std::cout << report.problems.size() << " problems in " << render::escape_terminal(db_path(vm)) << "\n";
    }
    return report.ok() ? exit_ok : exit_changes;
}

int run_prune(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()
        ("keep-daily", po::value<int>()->default_value(0), "")
        ("keep-weekly", po::value<int>()->default_value(0), "")
        ("keep-monthly", po::value<int>()->default_value(0), "")
        ("host", po::value<std::string>(), "")
        ("dry-run", po::bool_switch(), "")
        ("json", po::bool_switch(), "");
    auto vm = parse("prune", args, options);
    store::PrunePolicy policy{vm["keep-daily"].as<int>(), vm["keep-weekly"].as<int>(), vm["keep-monthly"].as<int>()};
    if (policy.keep_daily < 0 || policy.keep_weekly < 0 || policy.keep_monthly < 0)
        throw UsageError("forensic prune: --keep-* take a count of zero or more");
    if (policy.keep_daily + policy.keep_weekly + policy.keep_monthly == 0)
        throw UsageError("forensic prune: give at least one of --keep-daily, --keep-weekly, --keep-monthly");

    store::Store db(db_path(vm), store::Store::Access::write);
    auto host = db.default_host(optional_string(vm, "host"));
    bool dry_run = vm["dry-run"].as<bool>();
    auto result = store::prune(db, host, policy, dry_run);
    if (vm["json"].as<bool>()) {
        auto ids = [](const std::vector<SnapshotInfo>& list) {
            std::vector<long long> out;
            for (const auto& s : list) out.push_back(s.id);
            return out;
        };
        print_json(nlohmann::ordered_json{{"host", host},
                                          {"dry_run", dry_run},
                                          {"kept", ids(result.kept)},
                                          {"removed", ids(result.removed)},
                                          {"bytes_before", result.bytes_before},
                                          {"bytes_after", result.bytes_after}});
        return exit_ok;
    }
    std::cout << (dry_run ? "would remove " : "removed ") << result.removed.size() << " of "
              << result.removed.size() + result.kept.size() << " snapshots of " << render::escape_terminal(host) << "; kept "
              << result.kept.size() << "\n";
    if (!dry_run)
        std::cout << "database " << result.bytes_before << " → " << result.bytes_after << " bytes\n";
    return exit_ok;
}

} // namespace forensic::cli
