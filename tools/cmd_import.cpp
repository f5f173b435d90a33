#include "commands.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/render/escape.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/freed_memory.hpp"

#include <iostream>

namespace forensic::cli {

int run_import(const Args& args)
{
    po::options_description options;
    add_db_option(options);
    options.add_options()("files", po::value<std::vector<std::string>>(), "")("json", po::bool_switch(), "");
    po::positional_options_description positional;
    positional.add("files", -1);
    auto vm = parse("import", args, options, positional);
    if (!vm.count("files")) throw UsageError("forensic import: no bundle files given (see forensic import --help)");

    store::Store db(db_path(vm), store::Store::Access::write);
    bool json = vm["json"].as<bool>();
    nlohmann::ordered_json results = nlohmann::ordered_json::array();
    int rejected = 0;
    // Each bundle is its own transaction: a bad one does not undo the others.
    for (const auto& file : vm["files"].as<std::vector<std::string>>()) {
        nlohmann::ordered_json row{{"file", file}};
        try {
            auto result = bundle::import_snapshot(db, bundle::read_bundle_file(file), file);
            bool fresh = result.outcome == bundle::ImportOutcome::imported;
            row["outcome"] = fresh ? "imported" : "already-present";
            row["snapshot"] = result.snapshot.id;
            if (!result.warnings.empty()) row["warnings"] = result.warnings;
            for (const auto& w : result.warnings) std::cerr << "warning: " << render::escape_terminal(w) << "\n";
            if (!json)
                std::cout << (fresh ? "imported " : "already present ") << render::escape_terminal(file)
                          << " as snapshot " << result.snapshot.id << " (" << render::escape_terminal(result.snapshot.host)
                          << ", " << format_rfc3339(result.snapshot.taken_at) << ")\n";
        } catch (const Error& e) {
            ++rejected;
            row["outcome"] = "rejected";
            row["error"] = e.describe();
            std::cerr << error_text(e);
        }
        results.push_back(std::move(row));
        return_freed_memory(); // the bundle's facts are freed: the next starts from what is in use
    }
    if (json) print_json(nlohmann::ordered_json{{"bundles", results}});
    return rejected ? exit_partial : exit_ok;
}

} // namespace forensic::cli
