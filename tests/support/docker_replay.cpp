#include "support/docker_replay.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace forensic::test {
namespace {

std::filesystem::path source_root()
{
    const char* root = std::getenv("FORENSIC_SOURCE_ROOT");
    if (!root || !*root) throw std::runtime_error("FORENSIC_SOURCE_ROOT is not set (run the tests through meson test)");
    return root;
}

std::string slurp(const std::filesystem::path& file)
{
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

bool can_connect(const std::filesystem::path& socket_path)
{
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

} // namespace

DockerReplay::DockerReplay(const std::filesystem::path& fixture, const std::vector<std::string>& extra_args)
    : dir_("docker-replay"), socket_(dir_ / "docker.sock"), log_(dir_ / "requests.log"), config_(dir_ / "docker-config"),
      served_(dir_ / "services.json")
{
    std::filesystem::create_directories(config_);
    serve(fixture);
    std::vector<std::string> argv = {"python3", (source_root() / "tests/support/docker_replay.py").string(),
                                     "--socket", socket_.string(), "--fixture", served_.string(), "--log",
                                     log_.string()};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());

    // The script prints "ready" once it listens: wait for that line, not for time.
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, ready[1], 1);
    posix_spawn_file_actions_addopen(&actions, 2, (dir_ / "server.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    int rc = ::posix_spawnp(&pid_, "python3", &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(ready[1]);
    if (rc != 0) {
        ::close(ready[0]);
        throw std::runtime_error(std::string("cannot start python3: ") + std::strerror(rc));
    }
    std::string line;
    pollfd pfd{ready[0], POLLIN, 0};
    char c = 0;
    while (line.size() < 16 && ::poll(&pfd, 1, 30'000) == 1 && ::read(ready[0], &c, 1) == 1 && c != '\n') line += c;
    ::close(ready[0]);
    bool started = line == "ready";
    if (!started || !can_connect(socket_)) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, nullptr, 0);
        pid_ = -1;
        throw std::runtime_error("docker_replay.py did not start: " + slurp(dir_ / "server.err"));
    }
}

DockerReplay::~DockerReplay()
{
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        ::waitpid(pid_, nullptr, 0);
    }
}

void DockerReplay::serve(const std::filesystem::path& fixture)
{
    auto staged = dir_ / "services.json.new";
    std::filesystem::copy_file(fixture, staged, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::rename(staged, served_);
}

std::map<std::string, std::string> DockerReplay::env() const
{
    return {{"DOCKER_HOST", "unix://" + socket_.string()}, {"DOCKER_CONFIG", config_.string()}};
}

std::vector<std::string> DockerReplay::requests() const
{
    std::vector<std::string> lines;
    std::istringstream in(slurp(log_));
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

std::size_t DockerReplay::count(const std::string& prefix) const
{
    std::size_t n = 0;
    for (const auto& line : requests()) n += line.starts_with(prefix);
    return n;
}

} // namespace forensic::test
