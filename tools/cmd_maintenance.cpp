// forensic verify, prune and migrate: keeping a long-lived store healthy.
#include "commands.hpp"

#include "libforensic/bundle/bundle_reader.hpp"
#include "libforensic/bundle/bundle_seal.hpp"
#include "libforensic/render/escape.hpp"
#include "libforensic/render/table.hpp"
#include "libforensic/store/maintenance.hpp"
#include "libforensic/store/schema.hpp"
#include "libforensic/util/error.hpp"

#include <iostream>

namespace forensic::cli {

int run_verify(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()("json", po::bool_switch(), "")(
        "bundle", po::value<std::vector<std::string>>()->composing(), "");
    auto vm = parse("verify", args, options);
    store::Store db(db_path(vm), store::Store::Access::read);
    auto report = store::verify(db);
    std::vector<std::string> notes;
    if (vm.count("bundle")) {
        for (const auto& file : vm["bundle"].as<std::vector<std::string>>()) {
            auto check = bundle::check_against_store(db, report.recomputed,
                                                     bundle::read_bundle(file, bundle::NonUtf8::escape), file);
            report.problems.insert(report.problems.end(), check.problems.begin(), check.problems.end());
            notes.insert(notes.end(), check.notes.begin(), check.notes.end());
            if (check.problems.empty() && check.snapshot)
                notes.push_back(file + ": matches snapshot " + std::to_string(check.snapshot->id) + " of host " +
                                check.snapshot->host);
        }
    }
    if (vm["json"].as<bool>()) {
        auto heads = nlohmann::ordered_json::array();
        for (const auto& h : report.heads)
            heads.push_back({{"host", h.host}, {"snapshot", h.snapshot_id},
                             {"taken_at", format_rfc3339(h.taken_at)}, {"chain", h.chain}});
        auto reseals = nlohmann::ordered_json::array();
        for (const auto& r : report.reseals)
            reseals.push_back({{"host", r.host}, {"schema_version", r.schema_version},
                               {"resealed_at", format_rfc3339(r.resealed_at)}, {"snapshot", r.snapshot_id},
                               {"chain_before", r.old_chain}});
        print_json(nlohmann::ordered_json{{"ok", report.ok()},
                                          {"snapshots", report.snapshots},
                                          {"intervals", report.intervals},
                                          {"problems", report.problems},
                                          {"notes", notes},
                                          {"heads", heads},
                                          {"reseals", reseals}});
        return report.ok() ? exit_ok : exit_changes;
    }
    for (const auto& n : notes) std::cout << render::escape_terminal(n) << "\n";
    // The heads as recomputed: the line to log elsewhere (docs/tamper-evidence.md).
    for (const auto& h : report.heads)
        std::cout << "chain head of " << render::escape_terminal(h.host) << ": " << h.chain << " (snapshot "
                  << h.snapshot_id << ", " << format_rfc3339(h.taken_at) << ")\n";
    for (const auto& r : report.reseals)
        std::cout << "resealed by the migration to schema " << r.schema_version << " at "
                  << format_rfc3339(r.resealed_at) << "; chain head of " << render::escape_terminal(r.host)
                  << " before it: " << r.old_chain << " (snapshot " << r.snapshot_id << ")\n";
    if (report.ok()) {
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
        ("no-vacuum", po::bool_switch(), "")
        ("lock-timeout", po::value<double>()->default_value(60), "")
        ("json", po::bool_switch(), "");
    auto vm = parse("prune", args, options);
    store::PrunePolicy policy{vm["keep-daily"].as<int>(), vm["keep-weekly"].as<int>(), vm["keep-monthly"].as<int>()};
    if (policy.keep_daily < 0 || policy.keep_weekly < 0 || policy.keep_monthly < 0)
        throw UsageError("forensic prune: --keep-* take a count of zero or more");
    if (policy.keep_daily + policy.keep_weekly + policy.keep_monthly == 0)
        throw UsageError("forensic prune: give at least one of --keep-daily, --keep-weekly, --keep-monthly");

    auto timeout = lock_timeout(vm);
    store::Store db(db_path(vm), store::Store::Access::write, timeout);
    auto host = db.default_host(optional_string(vm, "host"));
    bool dry_run = vm["dry-run"].as<bool>();
    store::PruneOptions prune_options;
    prune_options.dry_run = dry_run;
    prune_options.vacuum = !vm["no-vacuum"].as<bool>();
    prune_options.chunk_time = store::chunk_time_for(timeout);
    auto result = store::prune(db, host, policy, prune_options);
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
                                          {"transactions", result.transactions},
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

int run_migrate(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()("lock-timeout", po::value<double>()->default_value(60), "");
    auto vm = parse("migrate", args, options);
    store::Store db(db_path(vm), store::Store::Access::write, lock_timeout(vm));
    auto before = db.schema_before();
    auto now = store::schema_version(db.database());
    std::cout << render::escape_terminal(db_path(vm))
              << (before == now ? " is at schema version " + std::to_string(now)
                                : ": schema version " + std::to_string(before) + " → " + std::to_string(now))
              << "\n";
    return exit_ok;
}

} // namespace forensic::cli
