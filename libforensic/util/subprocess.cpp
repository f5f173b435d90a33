#include "libforensic/util/subprocess.hpp"

#include "libforensic/util/time.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>

extern char** environ;

namespace forensic {
namespace {

using Clock = std::chrono::steady_clock;

// Closes a descriptor once, when its owner goes out of scope.
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept
    {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    int get() const { return fd_; }
    void reset()
    {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_;
};

struct Pipe {
    Fd read, write;
};

Pipe make_pipe()
{
    int fds[2];
    // Close-on-exec: no other program spawned meanwhile inherits our ends.
    if (::pipe2(fds, O_CLOEXEC) != 0) throw ProcessError(std::string("pipe: ") + std::strerror(errno));
    Pipe p;
    p.read = Fd(fds[0]);
    p.write = Fd(fds[1]);
    return p;
}

// posix_spawn attributes and file actions, released on every path.
struct SpawnSetup {
    posix_spawn_file_actions_t actions{};
    posix_spawnattr_t attr{};
    SpawnSetup()
    {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attr);
    }
    ~SpawnSetup()
    {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    SpawnSetup(const SpawnSetup&) = delete;
    SpawnSetup& operator=(const SpawnSetup&) = delete;
};

pid_t spawn(const std::vector<std::string>& argv, const Pipe& out, const Pipe& err)
{
    SpawnSetup setup;
    posix_spawn_file_actions_addopen(&setup.actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&setup.actions, out.write.get(), 1);
    posix_spawn_file_actions_adddup2(&setup.actions, err.write.get(), 2);
    // Its own process group, so a timeout kills what it started too; default
    // signal handling and no blocked signals, whatever this thread has.
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigmask(&setup.attr, &none);
    posix_spawnattr_setsigdefault(&setup.attr, &defaults);
    posix_spawnattr_setpgroup(&setup.attr, 0);
    posix_spawnattr_setflags(&setup.attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, args[0], &setup.actions, &setup.attr, args.data(), environ);
    if (rc != 0) throw ProcessError("cannot run '" + argv[0] + "': " + std::strerror(rc));
    return pid;
}

int remaining_ms(Clock::time_point deadline)
{
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

} // namespace

ProgramResult run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout)
{
    if (argv.empty() || argv[0].empty()) throw ProcessError("no program to run");
    auto out = make_pipe();
    auto err = make_pipe();
    pid_t pid = spawn(argv, out, err);
    out.write.reset();
    err.write.reset();
    // A pidfd lets the timeout cover a program that closes its output and
    // lingers; without one (old kernels) we wait for the exit after EOF.
    // (By syscall: glibc 2.36's <sys/pidfd.h> lacks C linkage for C++.)
    Fd exited(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));

    ProgramResult result;
    auto deadline = Clock::now() + timeout;
    pollfd fds[3] = {{out.read.get(), POLLIN, 0}, {err.read.get(), POLLIN, 0}, {exited.get(), POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    char buf[65536];
    for (;;) {
        bool outputs_open = fds[0].fd >= 0 || fds[1].fd >= 0;
        if (!outputs_open && fds[2].fd < 0) break;
        int ready = ::poll(fds, 3, remaining_ms(deadline));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {
            result.timed_out = true;
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL); // in case it left its group
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            auto n = ::read(fds[i].fd, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0)
                fds[i].fd = -1;
            else
                sinks[i]->append(buf, static_cast<std::size_t>(n));
        }
        // The exit alone does not end the loop: its last output may be unread,
        // or something it started may still write.
        if (fds[2].fd >= 0 && (fds[2].revents & POLLIN)) fds[2].fd = -1;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    }
    return result;
}

struct StreamingProgram::State {
    pid_t pid = -1;
    bool reaped = false;
    Fd out, err;
    std::string partial;     // the unfinished last line
    bool skipping = false;   // inside a line already over max_line
    std::size_t dropped = 0;
    std::string err_text;
    ProgramResult result;

    // Reads what `fd` has without blocking; false at end of output.
    bool drain(Fd& fd, std::string* sink, std::vector<std::string>* lines)
    {
        char buf[65536];
        auto n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) return errno == EINTR || errno == EAGAIN;
        if (n == 0) {
            fd.reset();
            if (lines) { // standard output: its last line may lack the newline
                if (!skipping && !partial.empty()) lines->push_back(std::move(partial));
                partial.clear();
            }
            return false;
        }
        if (sink) {
            // Standard error is for the message at the end: its last 64 KiB.
            sink->append(buf, static_cast<std::size_t>(n));
            if (sink->size() > 65536) sink->erase(0, sink->size() - 65536);
            return true;
        }
        std::string_view chunk(buf, static_cast<std::size_t>(n));
        while (!chunk.empty()) {
            auto newline = chunk.find('\n');
            auto piece = chunk.substr(0, newline);
            if (!skipping) partial.append(piece);
            if (partial.size() > max_line) {
                partial.clear();
                skipping = true;
            }
            if (newline == std::string_view::npos) break;
            if (skipping)
                ++dropped;
            else
                lines->push_back(std::move(partial));
            partial.clear();
            skipping = false;
            chunk.remove_prefix(newline + 1);
        }
        return true;
    }

    void reap(int options)
    {
        if (reaped) return;
        int status = 0;
        pid_t got;
        while ((got = ::waitpid(pid, &status, options)) < 0 && errno == EINTR) {
        }
        if (got != pid) return;
        reaped = true;
        if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
        if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
    }
};

StreamingProgram::StreamingProgram(const std::vector<std::string>& argv) : state_(std::make_unique<State>())
{
    if (argv.empty() || argv[0].empty()) throw ProcessError("no program to run");
    auto out = make_pipe();
    auto err = make_pipe();
    state_->pid = spawn(argv, out, err);
    out.write.reset();
    err.write.reset();
    for (auto* fd : {&out.read, &err.read}) ::fcntl(fd->get(), F_SETFL, ::fcntl(fd->get(), F_GETFL) | O_NONBLOCK);
    state_->out = std::move(out.read);
    state_->err = std::move(err.read);
}

StreamingProgram::~StreamingProgram()
{
    if (state_ && !state_->reaped) finish(std::chrono::milliseconds(500));
}

StreamingProgram::Wait StreamingProgram::read_lines(std::vector<std::string>& lines, std::chrono::milliseconds timeout,
                                                    int wake_fd)
{
    auto& s = *state_;
    auto deadline = Clock::now() + timeout;
    auto before = lines.size();
    for (;;) {
        if (s.out.get() < 0) return lines.size() > before ? Wait::lines : Wait::closed;
        pollfd fds[3] = {{s.out.get(), POLLIN, 0}, {s.err.get(), POLLIN, 0}, {wake_fd, POLLIN, 0}};
        int ready = ::poll(fds, 3, remaining_ms(deadline));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) throw ProcessError(std::string("poll: ") + std::strerror(errno));
        if (fds[1].fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) s.drain(s.err, &s.err_text, nullptr);
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) s.drain(s.out, nullptr, &lines);
        if (lines.size() > before) return Wait::lines;
        if (wake_fd >= 0 && (fds[2].revents & POLLIN)) return Wait::woken;
        if (ready == 0) return Wait::timeout;
    }
}

ProgramResult StreamingProgram::finish(std::chrono::milliseconds grace)
{
    auto& s = *state_;
    s.reap(WNOHANG);
    if (!s.reaped) {
        ::kill(-s.pid, SIGTERM);
        auto deadline = Clock::now() + grace;
        while (!s.reaped && Clock::now() < deadline) {
            s.reap(WNOHANG);
            if (!s.reaped) ::usleep(10'000);
        }
        if (!s.reaped) {
            ::kill(-s.pid, SIGKILL);
            ::kill(s.pid, SIGKILL);
            s.reap(0);
        }
    }
    // What it said before it went, for the message.
    if (s.err.get() >= 0)
        while (s.drain(s.err, &s.err_text, nullptr) && s.err.get() >= 0) {
            pollfd fd{s.err.get(), POLLIN, 0};
            if (::poll(&fd, 1, 0) <= 0) break;
        }
    s.result.err = s.err_text;
    return s.result;
}

pid_t StreamingProgram::pid() const
{
    return state_->pid;
}

std::size_t StreamingProgram::dropped_lines() const
{
    return state_->dropped;
}

std::string describe_end(const ProgramResult& result, std::chrono::milliseconds timeout)
{
    if (result.timed_out)
        return "timed out after " + format_go_duration(std::chrono::nanoseconds(timeout).count());
    if (result.signal) return "killed by signal " + std::to_string(result.signal);
    return "exit status " + std::to_string(result.exit_code);
}

} // namespace forensic
