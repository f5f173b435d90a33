#include "commands.hpp"

#include "libforensic/analyze/blast_radius.hpp"
#include "libforensic/render/attribution_views.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/store/store.hpp"

#include <iostream>

namespace forensic::cli {

int run_blast_radius(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()
        ("recipes", po::value<std::vector<std::string>>()->composing(), "")
        ("enrolled", po::value<std::string>(), "")
        ("since", po::value<std::string>(), "")
        ("as-of", po::value<std::string>(), "")
        ("host", po::value<std::string>(), "")
        ("format", po::value<std::string>()->default_value("text"), "")
        ("json", po::bool_switch(), "");
    auto vm = parse("blast-radius", args, options);
    auto format = vm["json"].as<bool>() ? std::string("json") : vm["format"].as<std::string>();
    if (format != "text" && format != "json" && format != "md")
        throw UsageError("forensic blast-radius: --format must be text, json or md, not '" + format + "'");
    if (vm.count("recipes") && vm.count("enrolled"))
        throw UsageError("forensic blast-radius: give --recipes or --enrolled, not both");

    analyze::BlastOptions o;
    o.host = optional_string(vm, "host");
    o.as_of = optional_string(vm, "as-of");
    if (vm.count("recipes")) o.recipes = split_list(vm["recipes"].as<std::vector<std::string>>());
    if (auto file = optional_string(vm, "enrolled")) o.recipes = analyze::read_enrolled(*file);
    if (auto v = optional_string(vm, "since")) o.since = parse_time_argument(*v, "--since");

    store::Store db(db_path(vm), store::Store::Access::read);
    auto radius = analyze::blast_radius(db, o);
    if (format == "json")
        print_json(render::blast_radius_json(radius));
    else
        std::cout << (format == "md" ? render::blast_radius_markdown(radius) : render::blast_radius_text(radius));
    return exit_ok;
}

} // namespace forensic::cli
