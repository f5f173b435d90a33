#include "libforensic/util/stop_signal.hpp"

#include "libforensic/util/error.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace forensic {
namespace {

int pipe_fds[2] = {-1, -1};
std::atomic<int> received{0};

extern "C" void on_stop(int signal)
{
    received.store(signal);
    int saved = errno; // a handler must leave errno as it found it
    char byte = 1;
    [[maybe_unused]] auto n = ::write(pipe_fds[1], &byte, 1);
    errno = saved;
}

} // namespace

StopSignal::StopSignal()
{
    if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) throw Error(std::string("pipe: ") + std::strerror(errno));
    struct sigaction action{};
    action.sa_handler = on_stop;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
}

StopSignal::~StopSignal()
{
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGINT, SIG_DFL);
    ::close(pipe_fds[0]);
    ::close(pipe_fds[1]);
    pipe_fds[0] = pipe_fds[1] = -1;
}

int StopSignal::fd() const
{
    return pipe_fds[0];
}

bool StopSignal::requested() const
{
    return received.load() != 0;
}

int StopSignal::signal() const
{
    return received.load();
}

} // namespace forensic
