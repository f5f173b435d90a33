#include "commands.hpp"

#include "libforensic/render/snapshot_views.hpp"
#include "libforensic/store/store.hpp"

#include <iostream>

namespace forensic::cli {

int run_list(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()("host", po::value<std::string>(), "")("json", po::bool_switch(), "");
    auto vm = parse("list", args, options);
    store::Store db(db_path(vm), store::Store::Access::read);
    auto snapshots = db.snapshots(optional_string(vm, "host"));
    if (vm["json"].as<bool>())
        print_json(render::snapshot_list_json(snapshots));
    else
        std::cout << render::snapshot_list_text(snapshots);
    return exit_ok;
}

} // namespace forensic::cli
