#include "commands.hpp"

#include "libforensic/analyze/timeline.hpp"
#include "libforensic/render/timeline_views.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/store/store.hpp"


namespace forensic::cli {

int run_timeline(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()
        ("from", po::value<std::string>()->required(), "")
        ("to", po::value<std::string>()->required(), "")
        ("host", po::value<std::string>(), "")
        ("recipe", po::value<std::string>(), "")
        ("source", po::value<std::string>(), "")
        ("format", po::value<std::string>()->default_value("text"), "")
        ("json", po::bool_switch(), "")
        ("facts", po::bool_switch(), "")
        ("relevant", po::bool_switch(), "")
        ("output,o", po::value<std::string>(), "");
    auto vm = parse("timeline", args, options);
    auto format = vm["json"].as<bool>() ? std::string("json") : vm["format"].as<std::string>();
    if (format != "text" && format != "json" && format != "jsonl" && format != "md" && format != "html")
        throw UsageError("forensic timeline: --format must be text, json, jsonl, md or html, not '" + format + "'");
    render::TimelineDetail detail{vm["facts"].as<bool>(), vm["relevant"].as<bool>()};

    analyze::TimelineOptions timeline_options;
    timeline_options.host = optional_string(vm, "host");
    timeline_options.from = parse_time_argument(vm["from"].as<std::string>(), "--from");
    timeline_options.to = parse_time_argument(vm["to"].as<std::string>(), "--to", true);
    timeline_options.recipe = optional_string(vm, "recipe").value_or("");
    timeline_options.source = optional_string(vm, "source");

    auto output = output_file(vm, db_path(vm));
    store::Store db(db_path(vm), store::Store::Access::read);
    if (format == "html") { // its lanes span the whole range
        write_output(output, render::timeline_html(analyze::build_timeline(db, timeline_options), detail));
        return exit_ok;
    }
    Output out(output);
    render::TimelineWriter writer(format == "json"    ? render::TimelineFormat::json
                                  : format == "jsonl" ? render::TimelineFormat::jsonl
                                  : format == "md"    ? render::TimelineFormat::markdown
                                                      : render::TimelineFormat::text,
                                  timeline_options.from, timeline_options.to,
                                  [&](std::string_view text) { out.write(text); }, detail);
    auto host = analyze::visit_timeline(db, timeline_options,
                                        [&](const std::vector<analyze::TimelineEvent>& events) { writer.add(events); });
    writer.finish(host);
    out.commit();
    return exit_ok;
}

} // namespace forensic::cli
