// forensic: finds what changed on a host when a version-stamp check that used
// to pass starts failing. This file only dispatches to a subcommand.
#include "cli_support.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/version.hpp"

#include <iostream>

using namespace forensic;

namespace {

bool wants_help(const cli::Args& args)
{
    for (const auto& a : args)
        if (a == "--help" || a == "-h") return true;
    return false;
}

} // namespace

int main(int argc, char** argv)
{
    cli::Args args(argv + 1, argv + argc);
    if (args.empty() || args.front() == "--help" || args.front() == "-h" || args.front() == "help") {
        if (args.size() > 1 && args.front() == "help") {
            auto text = cli::help_for(args[1]);
            if (!text.empty()) {
                std::cout << text;
                return cli::exit_ok;
            }
        }
        std::cout << cli::help_for("");
        return args.empty() ? cli::exit_usage : cli::exit_ok;
    }
    if (args.front() == "--version") {
        std::cout << "forensic " << forensic_version << "\n";
        return cli::exit_ok;
    }
    const auto& name = args.front();
    for (const auto& command : cli::commands()) {
        if (command.name != name) continue;
        cli::Args rest(args.begin() + 1, args.end());
        if (wants_help(rest)) {
            std::cout << cli::help_for(name);
            return cli::exit_ok;
        }
        try {
            return command.run(rest);
        } catch (const UsageError& e) {
            std::cerr << cli::error_text(e);
            return cli::exit_usage;
        } catch (const Error& e) {
            std::cerr << cli::error_text(e);
            return cli::exit_failure;
        } catch (const std::exception& e) {
            std::cerr << cli::error_text(e.what());
            return cli::exit_failure;
        }
    }
    std::cerr << cli::error_text("'" + name + "' is not a forensic command (see forensic --help)");
    return cli::exit_usage;
}
