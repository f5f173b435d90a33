#include "commands.hpp"

#include "libforensic/capture/snapshot_session.hpp"
#include "libforensic/collect/snapshot_runner.hpp"
#include "libforensic/render/snapshot_views.hpp"
#include "libforensic/store/store.hpp"

#include <iostream>

namespace forensic::cli {

int run_snapshot(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()
        ("root", po::value<std::string>()->default_value("/"), "")
        ("at", po::value<std::string>(), "")
        ("host", po::value<std::string>(), "")
        ("only", po::value<std::vector<std::string>>()->composing(), "")
        ("skip", po::value<std::vector<std::string>>()->composing(), "")
        ("home", po::value<std::string>(), "")
        ("profiles", po::value<std::string>(), "")
        ("current-system", po::value<std::string>(), "")
        ("abra-path", po::value<std::vector<std::string>>()->composing(), "")
        ("abra-dir", po::value<std::string>(), "")
        ("runs-dir", po::value<std::string>(), "")
        ("docker", po::value<std::string>(), "")
        ("docker-json", po::value<std::string>(), "")
        ("docker-events", po::value<std::string>(), "")
        ("mirror-url", po::value<std::string>(), "")
        ("offline", po::bool_switch(), "")
        ("lock-timeout", po::value<double>()->default_value(60), "")
        ("json", po::bool_switch(), "");
    auto vm = parse("snapshot", args, options);

    collect::CollectOptions opts{HostRoot(vm["root"].as<std::string>(),
                                          optional_string(vm, "home").value_or(""))};
    if (auto v = optional_string(vm, "profiles")) opts.profiles_dir = *v;
    if (auto v = optional_string(vm, "current-system")) opts.current_system = *v;
    if (vm.count("abra-path")) opts.abra_paths = split_list(vm["abra-path"].as<std::vector<std::string>>());
    if (auto v = optional_string(vm, "abra-dir")) opts.abra_dir = *v;
    if (auto v = optional_string(vm, "runs-dir")) opts.runs_dir = *v;
    if (auto v = optional_string(vm, "docker")) opts.docker_command = *v;
    if (auto v = optional_string(vm, "docker-json")) opts.docker_json = *v;
    if (auto v = optional_string(vm, "docker-events")) opts.docker_events = *v;
    if (auto v = optional_string(vm, "mirror-url")) opts.mirror_url_template = *v;
    opts.offline = vm["offline"].as<bool>();

    collect::Selection selection;
    if (vm.count("only")) selection.only = split_list(vm["only"].as<std::vector<std::string>>());
    if (vm.count("skip")) selection.skip = split_list(vm["skip"].as<std::vector<std::string>>());
    collect::validate_selection(selection);

    std::optional<TimeNs> at;
    if (auto v = optional_string(vm, "at")) at = parse_time_argument(*v, "--at");
    // Only without --host: a broken <root>/etc/hostname is no matter then.
    auto given_host = optional_string(vm, "host");
    auto host = given_host ? *given_host : collect::default_host_name(opts.root);
    auto timeout = lock_timeout(vm);

    // Open (and create) the database first: fail before collecting, not after.
    store::Store db(db_path(vm), store::Store::Access::write, timeout);
    auto taken = capture::take_snapshot(db, {std::move(opts), std::move(selection), host, at});
    const auto& summary = taken.summary;
    keep_until_exit(std::move(taken.input));

    if (vm["json"].as<bool>())
        print_json(render::write_summary_json(summary));
    else
        std::cout << render::write_summary_text(summary);
    for (const auto& c : summary.collectors)
        if (c.status == CollectorStatus::failed || c.errors > 0) return exit_partial;
    return exit_ok;
}

} // namespace forensic::cli
