#include "commands.hpp"

#include "libforensic/bundle/bundle_seal.hpp"

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

    auto output = output_file(vm, db_path(vm));
    store::Store db(db_path(vm), store::Store::Access::read);
    auto snapshot = db.resolve(vm["snapshot"].as<std::string>(), optional_string(vm, "host"));
    Output out(output);
    bundle::write_export(db, snapshot, [&](std::string_view piece) { out.write(piece); });
    out.commit();
    return exit_ok;
}

} // namespace forensic::cli
