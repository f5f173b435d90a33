// run_program: the library's one way to run a program (the docker client):
// no shell, output captured, exit status kept, a timeout that really ends it.
#include "support/host_fixture.hpp"
#include "support/scoped_env.hpp"

#include "libforensic/util/subprocess.hpp"

#include <chrono>
#include <csignal>
#include <unistd.h>
#include <doctest/doctest.h>

using namespace forensic;
using namespace std::chrono_literals;

TEST_CASE("stdout, stderr and the exit status are captured apart")
{
    auto r = run_program({"sh", "-c", "printf 'to out'; printf 'to err' >&2; exit 3"}, 10s);
    CHECK(r.out == "to out");
    CHECK(r.err == "to err");
    CHECK(r.exit_code == 3);
    CHECK_FALSE(r.ok());
    CHECK(describe_end(r, 10s) == "exit status 3");
    CHECK(run_program({"true"}, 10s).ok());
}

TEST_CASE("arguments reach the program as they are: there is no shell")
{
    forensic::test::HostFixture host;
    auto marker = host.real("/ran");
    auto word = "$(touch " + marker.string() + "); *";
    auto r = run_program({"printf", "%s", word}, 10s);
    CHECK(r.out == word);
    CHECK_FALSE(std::filesystem::exists(marker));
}

TEST_CASE("a program that is not there cannot be run, and the error names it")
{
    CHECK_THROWS_WITH_AS(run_program({"/nonexistent/docker", "ps"}, 10s),
                         "cannot run '/nonexistent/docker': No such file or directory", ProcessError);
    CHECK_THROWS_WITH_AS(run_program({"forensic-no-such-program-in-path"}, 10s),
                         "cannot run 'forensic-no-such-program-in-path': No such file or directory", ProcessError);
}

TEST_CASE("the environment is inherited, as DOCKER_HOST must be")
{
    forensic::test::ScopedEnv env(std::map<std::string, std::string>{{"FORENSIC_TEST_INHERITED", "unix:///tmp/x.sock"}});
    CHECK(run_program({"sh", "-c", "printf %s \"$FORENSIC_TEST_INHERITED\""}, 10s).out == "unix:///tmp/x.sock");
}

TEST_CASE("a program past its timeout is killed with what it started, and said so")
{
    auto start = std::chrono::steady_clock::now();
    // The background sleep keeps the output pipes open: only killing the
    // whole process group ends the wait.
    auto r = run_program({"sh", "-c", "sleep 60 & printf started; sleep 60"}, 300ms);
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(r.timed_out);
    CHECK(r.out == "started");
    CHECK(r.signal == 9);
    CHECK_FALSE(r.ok());
    CHECK(took < 20s);
    CHECK(describe_end(r, 300ms) == "timed out after 300ms");
    CHECK(describe_end(r, 120s) == "timed out after 2m0s");
}

TEST_CASE("large outputs on both streams do not deadlock")
{
    auto r = run_program({"sh", "-c", "head -c 3000000 /dev/zero; head -c 2000000 /dev/zero >&2; exit 0"}, 60s);
    CHECK(r.ok());
    CHECK(r.out.size() == 3000000);
    CHECK(r.err.size() == 2000000);
}

TEST_CASE("a signal that ends the program is reported")
{
    auto r = run_program({"sh", "-c", "kill -TERM $$"}, 10s);
    CHECK(r.signal == 15);
    CHECK(r.exit_code == -1);
    CHECK(describe_end(r, 10s) == "killed by signal 15");
}

TEST_CASE("a streaming program's lines arrive as it writes them, before it ends")
{
    StreamingProgram p({"sh", "-c", "echo one; echo two; sleep 30; echo never"});
    std::vector<std::string> lines;
    auto started = std::chrono::steady_clock::now();
    while (lines.size() < 2) REQUIRE(p.read_lines(lines, 10s) == StreamingProgram::Wait::lines);
    CHECK(lines == std::vector<std::string>{"one", "two"});
    // Nothing more for a while: the wait times out, the program still runs.
    CHECK(p.read_lines(lines, 200ms) == StreamingProgram::Wait::timeout);
    auto end = p.finish(1s);
    CHECK(std::chrono::steady_clock::now() - started < 10s);
    CHECK(end.signal == SIGTERM);
}

TEST_CASE("a streaming program that ends is closed after its last line, with its message and status")
{
    StreamingProgram p({"sh", "-c", "printf 'last without newline'; echo 'cannot connect' >&2; exit 1"});
    std::vector<std::string> lines;
    StreamingProgram::Wait w;
    while ((w = p.read_lines(lines, 10s)) == StreamingProgram::Wait::lines) {
    }
    CHECK(w == StreamingProgram::Wait::closed);
    CHECK(lines == std::vector<std::string>{"last without newline"});
    auto end = p.finish();
    CHECK(end.exit_code == 1);
    CHECK(end.err == "cannot connect\n");
}

TEST_CASE("a streaming read wakes for its wake descriptor, and an overlong line is dropped, not held")
{
    int wake[2];
    REQUIRE(::pipe(wake) == 0);
    StreamingProgram p({"sh", "-c", "head -c 2000000 /dev/zero | tr '\\0' x; echo; echo short; sleep 30"});
    std::vector<std::string> lines;
    while (lines.empty()) REQUIRE(p.read_lines(lines, 10s) == StreamingProgram::Wait::lines);
    CHECK(lines == std::vector<std::string>{"short"});
    CHECK(p.dropped_lines() == 1);
    REQUIRE(::write(wake[1], "x", 1) == 1);
    CHECK(p.read_lines(lines, 10s, wake[0]) == StreamingProgram::Wait::woken);
    ::close(wake[0]);
    ::close(wake[1]);
}

TEST_CASE("destroying a streaming program ends what it started too")
{
    pid_t pid = 0;
    {
        StreamingProgram p({"sh", "-c", "sleep 60 & wait"});
        pid = p.pid();
    }
    // The group is gone: signalling it fails (once its orphans are reaped by init).
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (::kill(-pid, 0) == 0 && std::chrono::steady_clock::now() < deadline) ::usleep(10'000);
    CHECK(::kill(-pid, 0) != 0);
}
