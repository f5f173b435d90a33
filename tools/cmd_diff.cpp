#include "commands.hpp"

#include "libforensic/analyze/diff.hpp"
#include "libforensic/render/diff_views.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/store/store.hpp"

#include <iostream>

namespace forensic::cli {

int run_diff(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()
        ("snapshots", po::value<std::vector<std::string>>(), "")
        ("host", po::value<std::string>(), "")
        ("source", po::value<std::string>(), "")
        ("recipe", po::value<std::string>(), "")
        ("ignore", po::value<std::vector<std::string>>()->composing(), "")
        ("json", po::bool_switch(), "")
        ("exit-code", po::bool_switch(), "");
    po::positional_options_description positional;
    positional.add("snapshots", 2);
    auto vm = parse("diff", args, options, positional);
    if (!vm.count("snapshots") || vm["snapshots"].as<std::vector<std::string>>().size() != 2)
        throw UsageError("forensic diff: needs two snapshots, A and B (see forensic diff --help)");
    const auto& specs = vm["snapshots"].as<std::vector<std::string>>();

    store::Store db(db_path(vm), store::Store::Access::read);
    auto host = optional_string(vm, "host");
    auto a = db.resolve(specs[0], host);
    auto b = db.resolve(specs[1], host);
    analyze::DiffOptions diff_options;
    diff_options.source = optional_string(vm, "source");
    diff_options.recipe = optional_string(vm, "recipe").value_or("");
    if (vm.count("ignore")) diff_options.ignore = split_list(vm["ignore"].as<std::vector<std::string>>());
    auto diff = analyze::diff_snapshots(db, a, b, diff_options);

    if (vm["json"].as<bool>())
        print_json(render::diff_json(diff));
    else
        std::cout << render::diff_text(diff);
    return vm["exit-code"].as<bool>() && !diff.changes.empty() ? exit_changes : exit_ok;
}

} // namespace forensic::cli
