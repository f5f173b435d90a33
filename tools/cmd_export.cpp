#include "commands.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/util/atomic_file.hpp"

#include <iostream>

namespace forensic::cli {

int run_export(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()
        ("snapshot", po::value<std::string>()->default_value("latest"), "")
        ("host", po::value<std::string>(), "")
        ("output,o", po::value<std::string>(), "");
    po::positional_options_description positional;
    positional.add("snapshot", 1);
    auto vm = parse("export", args, options, positional);

    store::Store db(db_path(vm), store::Store::Access::read);
    auto snapshot = db.resolve(vm["snapshot"].as<std::string>(), optional_string(vm, "host"));
    auto text = bundle::to_json(bundle::snapshot_as_input(db, snapshot)).dump(1) + "\n";
    if (auto file = optional_string(vm, "output"); file && *file != "-")
        write_file_atomically(*file, text);
    else
        std::cout << text;
    return exit_ok;
}

} // namespace forensic::cli
