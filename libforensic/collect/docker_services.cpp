#include "libforensic/collect/docker_services.hpp"

#include "libforensic/collect/service_json.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/subprocess.hpp"

#include <sstream>
#include <vector>

namespace forensic::collect {
namespace {

std::string command_line(const std::vector<std::string>& argv, std::size_t shown)
{
    std::string out;
    for (std::size_t i = 0; i < argv.size() && i < shown; ++i) out += (i ? " " : "") + argv[i];
    if (argv.size() > shown) out += " … (" + std::to_string(argv.size() - shown) + " ids)";
    return out;
}

std::string trimmed(const std::string& text)
{
    auto first = text.find_first_not_of(" \t\r\n");
    auto last = text.find_last_not_of(" \t\r\n");
    return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}


// Service ids are hex-like tokens; anything else is not a listing we understand.
bool plausible_id(const std::string& id)
{
    if (id.empty() || id.size() > 64) return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
    return true;
}

std::vector<std::string> list_ids(const DockerClient& docker)
{
    std::vector<std::string> argv = {docker.program, "service", "ls", "-q"};
    auto result = run_docker(docker, argv, argv.size());
    std::vector<std::string> ids;
    std::istringstream lines(result.out);
    for (std::string line; std::getline(lines, line);) {
        line = trimmed(line);
        if (line.empty()) continue;
        if (!plausible_id(line))
            throw CollectorError("'" + command_line(argv, argv.size()) + "' printed '" + line +
                                 "', which is not a service id");
        ids.push_back(line);
    }
    return ids;
}

// docker prints the services it found and exits 1 naming each one it did not;
// only that is a vanished service, any other complaint is a failure.
bool only_vanished(const ProgramResult& result)
{
    if (result.timed_out || result.exit_code != 1) return false;
    std::istringstream lines(result.err);
    bool any = false;
    for (std::string line; std::getline(lines, line);) {
        line = trimmed(line);
        if (line.empty()) continue;
        if (!line.starts_with("Error: no such service: ")) return false;
        any = true;
    }
    return any;
}

} // namespace

DockerClient live_docker_client(const CollectOptions& options)
{
    auto program = options.docker_command;
    if (program.empty()) {
        if (std::filesystem::path(options.root.root()).lexically_normal() != "/")
            throw CollectorSkipped("reading --root " + options.root.root().string() +
                                   ": this machine's docker daemon is not that host's (give --docker or "
                                   "--docker-json)");
        program = "docker";
    }
    return DockerClient{program};
}

ProgramResult run_docker(const DockerClient& docker, const std::vector<std::string>& argv, std::size_t shown,
                         bool (*usable)(const ProgramResult&))
{
    ProgramResult result;
    try {
        result = run_program(argv, docker.timeout);
    } catch (const ProcessError& e) {
        throw CollectorError(std::string(e.what()) + " (set the docker client with --docker)");
    }
    if (result.ok() || (usable && usable(result))) return result;
    auto message = trimmed(result.err);
    throw CollectorError("'" + command_line(argv, shown) + "' failed (" + describe_end(result, docker.timeout) + ")" +
                         (message.empty() ? "" : ": " + message));
}

nlohmann::json inspect_all_services(const DockerClient& docker)
{
    return inspect_services(docker, list_ids(docker));
}

nlohmann::json inspect_services(const DockerClient& docker, const std::vector<std::string>& ids)
{
    auto services = nlohmann::json::array();
    auto per_call = std::max<std::size_t>(docker.batch, 1);
    for (std::size_t start = 0; start < ids.size(); start += per_call) {
        std::vector<std::string> argv = {docker.program, "service", "inspect"};
        auto end = std::min(ids.size(), start + per_call);
        argv.insert(argv.end(), ids.begin() + static_cast<std::ptrdiff_t>(start),
                    ids.begin() + static_cast<std::ptrdiff_t>(end));
        auto result = run_docker(docker, argv, 4, only_vanished);
        auto batch = parse_service_array(result.out, "output of '" + command_line(argv, 4) + "'");
        // The raw text holds every Env and secret reference: do not keep it.
        result.out.clear();
        result.out.shrink_to_fit();
        for (auto& service : batch) services.push_back(std::move(service));
    }
    return services;
}

} // namespace forensic::collect
