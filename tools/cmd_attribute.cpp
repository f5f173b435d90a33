#include "commands.hpp"

#include "libforensic/analyze/attribution.hpp"
#include "libforensic/render/attribution_views.hpp"
#include "libforensic/render/escape.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/store/snapshot_chain.hpp"
#include "libforensic/store/store.hpp"

#include <iostream>
#include <limits>

namespace forensic::cli {

void add_attribute_options(po::options_description& options)
{
    options.add_options()
        ("recipe", po::value<std::string>(), "")
        ("expected", po::value<std::string>(), "")
        ("observed", po::value<std::string>(), "")
        ("run", po::value<std::string>(), "")
        ("good", po::value<std::string>(), "")
        ("bad", po::value<std::string>(), "")
        ("host", po::value<std::string>(), "");
}

analyze::AttributeOptions attribute_options(const po::variables_map& vm, std::string_view command)
{
    analyze::AttributeOptions o;
    o.host = optional_string(vm, "host");
    o.recipe = optional_string(vm, "recipe").value_or("");
    o.expected = optional_string(vm, "expected");
    o.observed = optional_string(vm, "observed");
    o.run = optional_string(vm, "run");
    if (o.run && (o.expected || o.observed))
        throw UsageError("forensic " + std::string(command) + ": give either --run or --expected with --observed, not both");
    if (auto v = optional_string(vm, "good")) o.good = parse_time_argument(*v, "--good");
    if (auto v = optional_string(vm, "bad")) o.bad = parse_time_argument(*v, "--bad", true);
    return o;
}

void warn_of_edits_in_window(store::Store& db, const analyze::Attribution& result, std::string_view command)
{
    // The evidence changes inside the window: its snapshots' seals, checked
    // (the 8 newest at most, each costing what it began and ended, a few ms
    // on the bench year; verify checks every one and the chain).
    auto from = result.window.good.value_or(std::numeric_limits<TimeNs>::min());
    auto to = result.window.bad.value_or(std::numeric_limits<TimeNs>::max());
    for (const auto& p : store::changed_since_sealed(db.database(), result.host, from, to, 8))
        std::cerr << "warning: " << render::escape_terminal(p) << "; what " << command
                  << " quotes may have been edited (run forensic verify)\n";
}

int run_attribute(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    add_attribute_options(options);
    options.add_options()("json", po::bool_switch(), "");
    auto vm = parse("attribute", args, options);
    auto o = attribute_options(vm, "attribute");

    store::Store db(db_path(vm), store::Store::Access::read);
    auto result = analyze::attribute(db, o);
    warn_of_edits_in_window(db, result, "attribute");
    if (vm["json"].as<bool>())
        print_json(render::attribution_json(result));
    else
        std::cout << render::attribution_text(result);
    return exit_ok;
}

} // namespace forensic::cli
