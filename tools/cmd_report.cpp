#include "commands.hpp"

#include "libforensic/analyze/report.hpp"
#include "libforensic/render/report_views.hpp"
#include "libforensic/store/store.hpp"
#include "libforensic/util/error.hpp"

namespace forensic::cli {

int run_report(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    add_attribute_options(options);
    options.add_options()
        ("format", po::value<std::string>()->default_value("html"), "")
        ("output,o", po::value<std::string>(), "");
    auto vm = parse("report", args, options);
    auto format = vm["format"].as<std::string>();
    if (format != "html" && format != "md")
        throw UsageError("forensic report: --format must be html or md, not '" + format + "'");
    analyze::ReportOptions o;
    o.attribution = attribute_options(vm, "report");
    o.database = db_path(vm);

    auto output = output_file(vm, o.database);
    store::Store db(o.database, store::Store::Access::read);
    auto report = analyze::build_report(db, o);
    warn_of_edits_in_window(db, report.attribution, "report");
    write_output(output, format == "md" ? render::report_markdown(report) : render::report_html(report));
    return exit_ok;
}

} // namespace forensic::cli
