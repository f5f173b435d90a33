#include "commands.hpp"

#include "libforensic/collect/collector.hpp"
#include "libforensic/render/table.hpp"

#include <iostream>

namespace forensic::cli {

int run_collectors(const Args& args)
{
    po::options_description options;
    options.add_options()("json", po::bool_switch(), "");
    auto vm = parse("collectors", args, options);
    if (vm["json"].as<bool>()) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& c : collect::registry()) list.push_back({{"name", c->name()}, {"summary", c->summary()}});
        print_json(nlohmann::ordered_json{{"collectors", list}});
        return exit_ok;
    }
    render::Table table;
    for (const auto& c : collect::registry()) table.add({std::string(c->name()), std::string(c->summary())});
    std::cout << table.str();
    return exit_ok;
}

} // namespace forensic::cli
