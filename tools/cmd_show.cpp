#include "commands.hpp"

#include "libforensic/render/snapshot_views.hpp"
#include "libforensic/store/store.hpp"

#include <iostream>

namespace forensic::cli {

int run_show(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()
        ("snapshot", po::value<std::string>()->default_value("latest"), "")
        ("host", po::value<std::string>(), "")
        ("source", po::value<std::string>(), "")
        ("subject", po::value<std::string>(), "")
        ("json", po::bool_switch(), "");
    po::positional_options_description positional;
    positional.add("snapshot", 1);
    auto vm = parse("show", args, options, positional);

    store::Store db(db_path(vm), store::Store::Access::read);
    render::SnapshotState state;
    state.snapshot = db.resolve(vm["snapshot"].as<std::string>(), optional_string(vm, "host"));
    state.collectors = db.collector_runs(state.snapshot.id);
    state.facts = db.state(state.snapshot, store::FactFilter{optional_string(vm, "source"), optional_string(vm, "subject")});
    if (vm["json"].as<bool>())
        print_json(render::show_json(state));
    else
        std::cout << render::show_text(state);
    return exit_ok;
}

} // namespace forensic::cli
