#include "commands.hpp"
#include "libforensic/render/escape.hpp"

#include "libforensic/capture/watch.hpp"
#include "libforensic/collect/snapshot_runner.hpp"
#include "libforensic/store/store.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/stop_signal.hpp"
#include "libforensic/util/utf8.hpp"

#include <iostream>

namespace forensic::cli {

int run_watch(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()
        ("root", po::value<std::string>()->default_value("/"), "")
        ("host", po::value<std::string>(), "")
        ("home", po::value<std::string>(), "")
        ("abra-dir", po::value<std::string>(), "")
        ("docker", po::value<std::string>(), "")
        ("burst-window", po::value<double>()->default_value(0.2), "")
        ("lock-timeout", po::value<double>()->default_value(60), "");
    auto vm = parse("watch", args, options);

    capture::WatchOptions watch;
    watch.collect.root = HostRoot(vm["root"].as<std::string>(), optional_string(vm, "home").value_or(""));
    if (auto v = optional_string(vm, "abra-dir")) watch.collect.abra_dir = *v;
    if (auto v = optional_string(vm, "docker")) watch.collect.docker_command = *v;
    watch.host = optional_string(vm, "host").value_or(collect::default_host_name(watch.collect.root));
    auto window = vm["burst-window"].as<double>();
    if (window < 0 || window > 60) throw UsageError("--burst-window must be between 0 and 60 seconds");
    watch.burst_window = std::chrono::milliseconds(static_cast<long long>(window * 1000));
    auto timeout = lock_timeout(vm);

    store::Store db(db_path(vm), store::Store::Access::write, timeout);
    StopSignal stop;
    capture::WatchLog log{[](std::string_view line) { std::cout << "forensic watch: " << render::escape_terminal(line) << std::endl; },
                          [](std::string_view line) { std::cerr << "forensic watch: " << render::escape_terminal(line) << std::endl; }};
    capture::WatchTotals totals;
    try {
        totals = capture::watch(db, watch, stop.fd(), log);
    } catch (const CollectorSkipped& e) {
        throw UsageError(e.what());
    }
    std::cout << "forensic watch: stopped (" << (stop.signal() ? "signal " + std::to_string(stop.signal()) : "done")
              << "): " << totals.events << " events in " << totals.records << " records, " << totals.connections
              << " connection" << (totals.connections == 1 ? "" : "s") << std::endl;
    return exit_ok;
}

} // namespace forensic::cli
