// run_program: the library's one way to run a program (the docker client):
// no shell, output captured, exit status kept, a timeout that really ends it.
#include "support/host_fixture.hpp"
#include "support/scoped_env.hpp"

#include "libforensic/util/subprocess.hpp"

#include <chrono>
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
