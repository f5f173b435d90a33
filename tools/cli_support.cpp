#include "cli_support.hpp"

#include "help_text.hpp"
#include "libforensic/render/escape.hpp"
#include "libforensic/store/store_file.hpp"
#include "libforensic/util/atomic_file.hpp"
#include "libforensic/util/error.hpp"

#include <cstdlib>
#include <iostream>

namespace forensic::cli {

std::string_view help_for(std::string_view command)
{
    for (const auto& [name, text] : help_sections())
        if (name == command) return text;
    return {};
}

po::variables_map parse(std::string_view command, const Args& args, const po::options_description& options,
                        const po::positional_options_description& positional)
{
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(options).positional(positional).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw UsageError("forensic " + std::string(command) + ": " + e.what() + " (see forensic " +
                         std::string(command) + " --help)");
    }
    return vm;
}

void add_db_option(po::options_description& options)
{
    options.add_options()("db", po::value<std::string>(), "database file");
}

std::string db_path(const po::variables_map& vm)
{
    if (vm.count("db")) return vm["db"].as<std::string>();
    if (const char* env = std::getenv("FORENSIC_DB"); env && *env) return env;
    return "/var/lib/forensic/forensic.db";
}

std::vector<std::string> split_list(const std::vector<std::string>& values)
{
    std::vector<std::string> out;
    for (const auto& value : values) {
        std::size_t pos = 0;
        while (pos <= value.size()) {
            auto next = value.find(',', pos);
            if (next == std::string::npos) next = value.size();
            if (next > pos) out.push_back(value.substr(pos, next - pos));
            pos = next + 1;
        }
    }
    return out;
}

std::optional<std::string> optional_string(const po::variables_map& vm, const char* name)
{
    if (!vm.count(name)) return std::nullopt;
    return vm[name].as<std::string>();
}

std::chrono::milliseconds lock_timeout(const po::variables_map& vm)
{
    auto seconds = vm["lock-timeout"].as<double>();
    if (!(seconds >= 0)) throw UsageError("--lock-timeout takes a number of seconds, zero or more");
    return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

std::string error_text(std::string_view message)
{
    return "error: " + render::escape_terminal(message) + "\n";
}

std::string error_text(const Error& e)
{
    std::string text = "error: " + render::escape_terminal(e.what());
    for (const auto& context : e.trace()) text += "\n  … " + render::escape_terminal(context);
    return text + "\n";
}

std::string json_text(const nlohmann::ordered_json& doc, int indent)
{
    return doc.dump(indent, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

void print_json(const nlohmann::ordered_json& doc)
{
    std::cout << json_text(doc);
}

} // namespace forensic::cli

namespace forensic::cli {

std::optional<std::string> output_file(const po::variables_map& vm, const std::string& database)
{
    auto file = optional_string(vm, "output");
    if (!file || *file == "-") return std::nullopt;
    store::refuse_store_output(database, *file);
    return file;
}

void write_output(const std::optional<std::string>& file, const std::string& text)
{
    Output out(file);
    out.write(text);
    out.commit();
}

Output::Output(const std::optional<std::string>& file)
{
    if (file && *file != "-") file_ = std::make_unique<AtomicFile>(*file);
}

void Output::write(std::string_view text)
{
    if (file_)
        file_->write(text);
    else
        std::cout << text;
}

void Output::commit()
{
    if (file_) file_->commit();
    else std::cout.flush();
}

} // namespace forensic::cli
