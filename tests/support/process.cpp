#include "support/process.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace forensic::test {

ProcessResult run_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                          const std::string& cwd, std::chrono::milliseconds timeout)
{
    int out_pipe[2], err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0)
        throw std::runtime_error("pipe failed");
    pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        ::dup2(out_pipe[1], 1);
        ::dup2(err_pipe[1], 2);
        int devnull = ::open("/dev/null", O_RDONLY);
        ::dup2(devnull, 0);
        for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
        if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
        // Its own process group, so a timeout kills what it started too.
        if (timeout != unbounded) ::setpgid(0, 0);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        ::execvp(args[0], args.data());
        ::_exit(127);
    }
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    ProcessResult result;
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    char buf[65536];
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (open_fds > 0) {
        int wait_ms = -1;
        if (timeout != unbounded) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0 && !result.timed_out) {
                // Its output pipes close when it dies; keep reading until then.
                ::kill(-pid, SIGKILL);
                ::kill(pid, SIGKILL);
                result.timed_out = true;
            }
            wait_ms = result.timed_out ? -1 : static_cast<int>(left.count());
        }
        int ready = ::poll(fds, 2, wait_ms);
        if (ready < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP))) continue;
            auto n = ::read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                ::close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
            } else {
                (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return result;
}

std::string run_checked(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                        const std::string& cwd)
{
    auto result = run_process(argv, env, cwd);
    if (result.exit_code != 0) {
        std::string command;
        for (const auto& a : argv) command += a + " ";
        throw std::runtime_error("command failed (" + std::to_string(result.exit_code) + "): " + command + "\n" +
                                 result.out + result.err);
    }
    return result.out;
}

std::string forensic_binary()
{
    const char* bin = std::getenv("FORENSIC_BIN");
    if (!bin || !*bin) throw std::runtime_error("FORENSIC_BIN is not set (run the tests through meson test)");
    return bin;
}

ProcessResult forensic_run(std::vector<std::string> args, const std::map<std::string, std::string>& env,
                           std::chrono::milliseconds timeout)
{
    args.insert(args.begin(), forensic_binary());
    return run_process(args, env, {}, timeout);
}

} // namespace forensic::test
