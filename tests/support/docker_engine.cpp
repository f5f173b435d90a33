#include "support/docker_engine.hpp"

#include "support/background.hpp"

#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/mount.h>
#include <thread>
#include <unistd.h>

namespace forensic::test {
namespace fs = std::filesystem;
namespace {

bool path_exists(const fs::path& p)
{
    std::error_code ec;
    return fs::exists(p, ec);
}

bool interface_exists(const std::string& name)
{
    return path_exists("/sys/class/net/" + name);
}

// Another dockerd on this machine (not one of ours): its state would collide.
bool foreign_dockerd_running()
{
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::ifstream comm(entry.path() / "comm");
        std::string name;
        if (comm && std::getline(comm, name) && name == "dockerd") return true;
    }
    return false;
}

std::string tail(const std::string& text, std::size_t n = 2000)
{
    return text.size() > n ? text.substr(text.size() - n) : text;
}

} // namespace

DockerEngine::DockerEngine() : dir_("forensic-engine"), socket_(dir_ / "docker.sock"), config_(dir_ / "client")
{
    if (::geteuid() != 0) throw std::runtime_error("the real-engine tests need root (dockerd)");
    if (foreign_dockerd_running())
        throw std::runtime_error("another dockerd runs on this machine: the real-engine tests start their own and "
                                 "would collide with its network state; stop it first");
    // A bridge left by an earlier run that crashed (no dockerd runs now) is ours to remove.
    if (interface_exists("docker_gwbridge")) run_process({"ip", "link", "delete", "docker_gwbridge"});
    made_run_docker_ = !path_exists("/run/docker");
    made_network_files_ = !path_exists("/var/lib/docker/network/files");
    fs::create_directories(config_);
    // The key path cannot be given on the command line: only in the config file.
    std::ofstream(dir_ / "daemon.json") << "{\"deprecated-key-path\": \"" << (dir_ / "key.json").string() << "\"}\n";
    start_daemon();
    run_docker({"swarm", "init", "--advertise-addr", "127.0.0.1"});
    made_gwbridge_ = true;
    // The image: busybox-static and the commands the stacks run.
    auto image_root = dir_ / "image";
    fs::create_directories(image_root / "bin");
    fs::copy_file("/bin/busybox", image_root / "bin/busybox");
    for (const char* command : {"sh", "sleep", "true", "false"}) fs::create_symlink("busybox", image_root / "bin" / command);
    run_checked({"sh", "-c", "tar -C '" + image_root.string() + "' -c . | docker import - " + image}, env());
}

DockerEngine::~DockerEngine()
{
    try {
        if (daemon_running()) try_docker({"swarm", "leave", "--force"});
        stop_daemon();
        clean_outside();
    } catch (...) {
        // A destructor reports nothing; what is left is named by the next start.
    }
}

DockerEngine& DockerEngine::shared()
{
    static DockerEngine engine;
    return engine;
}

void DockerEngine::start_daemon()
{
    daemon_ = std::make_unique<Background>(
        std::vector<std::string>{"dockerd", "--config-file", (dir_ / "daemon.json").string(), "--data-root",
                                 (dir_ / "data").string(), "--exec-root", (dir_ / "exec").string(), "-H",
                                 "unix://" + socket_.string(), "--pidfile", (dir_ / "docker.pid").string(),
                                 "--iptables=false", "--ip-forward=false", "--bridge=none"},
        std::map<std::string, std::string>{}, dir_ / "dockerd.out", dir_ / "dockerd.log");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        if (!daemon_->running())
            throw std::runtime_error("dockerd exited at start: " + tail(daemon_->err()));
        if (path_exists(socket_) && try_docker({"version", "--format", "{{.Server.Version}}"}).exit_code == 0) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("dockerd did not answer within 30 s: " + tail(daemon_->err()));
}

void DockerEngine::stop_daemon()
{
    if (!daemon_) return;
    daemon_->signal(SIGTERM);
    daemon_->wait(std::chrono::seconds(30));
    daemon_.reset();
}

bool DockerEngine::daemon_running() const
{
    return daemon_ && daemon_->running();
}

void DockerEngine::clean_outside()
{
    // What the managed containerd or a shim of ours left running.
    for (const auto& entry : fs::directory_iterator("/proc")) {
        std::ifstream cmdline(entry.path() / "cmdline");
        std::string args((std::istreambuf_iterator<char>(cmdline)), {});
        if (args.find(dir_.path().string()) == std::string::npos) continue;
        auto pid = std::atoi(entry.path().filename().c_str());
        if (pid > 0 && pid != ::getpid()) ::kill(pid, SIGKILL);
    }
    // Network namespaces mounted under the exec root.
    std::ifstream mounts("/proc/mounts");
    std::vector<std::string> ours;
    for (std::string line; std::getline(mounts, line);) {
        std::istringstream fields(line);
        std::string device, point;
        fields >> device >> point;
        if (point.starts_with(dir_.path().string())) ours.push_back(point);
    }
    for (auto it = ours.rbegin(); it != ours.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
    if (made_gwbridge_ && interface_exists("docker_gwbridge")) run_process({"ip", "link", "delete", "docker_gwbridge"});
    std::error_code ec;
    if (made_run_docker_) fs::remove_all("/run/docker", ec);
    if (made_network_files_) fs::remove_all("/var/lib/docker/network/files", ec);
    if (made_network_files_ && fs::is_empty("/var/lib/docker/network", ec)) fs::remove("/var/lib/docker/network", ec);
    if (made_network_files_ && fs::is_empty("/var/lib/docker", ec)) fs::remove("/var/lib/docker", ec);
}

std::string DockerEngine::abra_stack(const std::string& stack, const std::string& recipe, const std::string& stamp,
                                     const std::string& command, const std::string& failure_action,
                                     const std::string& order, const std::string& monitor, const std::string& extra)
{
    auto label = "coop-cloud." + stack + ".";
    return "version: \"3.8\"\nservices:\n  app:\n    image: " + std::string(image) + "\n    command: [\"sh\", \"-c\", \"" +
           command + "\"]\n    stop_grace_period: 1s\n    deploy:\n      labels:\n        " + label + "recipe: \"" +
           recipe + "\"\n        " + label + "version: \"0.7.0+3.3.1\"\n        " + label + "chaos: \"true\"\n        " +
           label + "chaos-version: \"" + stamp + "\"\n      update_config: {failure_action: " + failure_action +
           ", order: " + order + ", monitor: " + monitor + "}\n" + extra;
}

std::map<std::string, std::string> DockerEngine::env() const
{
    return {{"DOCKER_HOST", "unix://" + socket_.string()}, {"DOCKER_CONFIG", config_.string()}};
}

std::string DockerEngine::run_docker(const std::vector<std::string>& args) const
{
    std::vector<std::string> argv = {"docker"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_checked(argv, env());
}

ProcessResult DockerEngine::try_docker(const std::vector<std::string>& args) const
{
    std::vector<std::string> argv = {"docker"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, env(), {}, std::chrono::seconds(60));
}

void DockerEngine::deploy(const std::string& stack, const std::string& compose) const
{
    auto file = dir_ / (stack + "-" + std::to_string(std::hash<std::string>{}(compose)) + ".yml");
    std::ofstream(file) << compose;
    run_docker({"stack", "deploy", "--resolve-image", "never", "-c", file.string(), stack});
}

void DockerEngine::remove_stack(const std::string& stack) const
{
    // On a loaded machine the stack's network can still be in use by a task
    // shutting down ("is in use by task"): the services are gone, and a later
    // `stack rm` removes what is left.
    auto removal = try_docker({"stack", "rm", stack});
    if (removal.exit_code != 0 && removal.out.find("is in use by task") == std::string::npos &&
        removal.err.find("is in use by task") == std::string::npos)
        run_docker({"stack", "rm", stack}); // throws with its output
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        // Its networks go after its services; a deploy of the same stack must not race them.
        auto filter = "label=com.docker.stack.namespace=" + stack;
        auto services = run_docker({"service", "ls", "-q", "--filter", filter});
        auto networks = run_docker({"network", "ls", "-q", "--filter", filter});
        if ((services + networks).find_first_not_of(" \n") == std::string::npos) return;
        if (services.find_first_not_of(" \n") == std::string::npos) try_docker({"stack", "rm", stack});
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    throw std::runtime_error("stack " + stack + " still has services after 60 s");
}

nlohmann::json DockerEngine::inspect(const std::string& service) const
{
    auto all = nlohmann::json::parse(run_docker({"service", "inspect", service}));
    if (!all.is_array() || all.size() != 1) throw std::runtime_error("docker service inspect " + service + ": not one service");
    return all[0];
}

std::string DockerEngine::update_state(const nlohmann::json& service)
{
    auto status = service.find("UpdateStatus");
    if (status == service.end() || !status->contains("State")) return "";
    return (*status)["State"].get<std::string>();
}

nlohmann::json DockerEngine::wait_until(const std::string& service,
                                        const std::function<bool(const nlohmann::json&)>& done,
                                        std::chrono::seconds timeout) const
{
    auto deadline = std::chrono::steady_clock::now() + timeout;
    nlohmann::json last;
    while (std::chrono::steady_clock::now() < deadline) {
        auto r = try_docker({"service", "inspect", service});
        if (r.exit_code == 0) {
            last = nlohmann::json::parse(r.out)[0];
            if (done(last)) return last;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    throw std::runtime_error("service " + service + " did not reach the state waited for within " +
                             std::to_string(timeout.count()) + " s; last: " + tail(last.dump(), 1500));
}

} // namespace forensic::test
