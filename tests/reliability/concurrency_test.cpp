// Concurrency: snapshot processes on one database all complete, waiting for
// the write lock; one that cannot get it within --lock-timeout fails cleanly
// with a clear message and leaves the database as it was.
#include "support/host_fixture.hpp"
#include "support/process.hpp"

#include "libforensic/store/maintenance.hpp"

#include <cstdio>
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace forensic;
using forensic::test::HostFixture;

namespace {

void build_host(HostFixture& host)
{
    auto sys = host.system("cc-ci-1", host.abra_package("0.13.0-beta"));
    for (int g = 1; g <= 100; ++g) host.generation(g, "2026-06-01T06:00:00Z", sys);
}

// Runs `count` snapshot processes at once; returns their exit codes.
std::vector<int> concurrent_snapshots(const HostFixture& host, const std::string& db, int count)
{
    std::vector<pid_t> children;
    for (int i = 0; i < count; ++i) {
        pid_t pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            auto r = forensic::test::forensic_run(
                {"snapshot", "--db", db, "--root", host.root().string(), "--host", "cc-ci", "--only", "nix,abra"});
            if (r.exit_code != 0) std::fprintf(stderr, "snapshot %d exited %d: %s\n", i, r.exit_code, r.err.c_str());
            ::_exit(r.exit_code);
        }
        children.push_back(pid);
    }
    std::vector<int> codes;
    for (auto pid : children) {
        int status = 0;
        ::waitpid(pid, &status, 0);
        codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return codes;
}

} // namespace

TEST_CASE("two, then four, concurrent snapshots on a new database all complete")
{
    HostFixture host;
    build_host(host);
    auto db = (host.root() / "f.db").string();
    // The first round also races to create the schema.
    CHECK(concurrent_snapshots(host, db, 2) == std::vector<int>{0, 0});
    CHECK(concurrent_snapshots(host, db, 4) == std::vector<int>{0, 0, 0, 0});
    store::Store store(db, store::Store::Access::read);
    CHECK(store.snapshots().size() == 6);
    CHECK(store::verify(store).ok());
}

TEST_CASE("processes that create a new database at the same moment all complete")
{
    // Each opens the new file and asks for WAL at once: SQLite refuses one
    // of two such requests without waiting, which the store must retry.
    HostFixture host;
    build_host(host);
    for (int round = 0; round < 20; ++round) {
        CAPTURE(round);
        auto db = (host.root() / ("new-" + std::to_string(round) + ".db")).string();
        CHECK(concurrent_snapshots(host, db, 2) == std::vector<int>{0, 0});
        store::Store store(db, store::Store::Access::read);
        CHECK(store.snapshots().size() == 2);
    }
}

TEST_CASE("a writer that cannot get the lock in time fails cleanly and changes nothing")
{
    HostFixture host;
    build_host(host);
    auto db = (host.root() / "f.db").string();
    REQUIRE(concurrent_snapshots(host, db, 1) == std::vector<int>{0});
    int ready[2], release[2];
    REQUIRE(::pipe(ready) == 0);
    REQUIRE(::pipe(release) == 0);
    pid_t holder = ::fork();
    if (holder == 0) {
        // Another writer holding the database, as a long import would.
        sql::Database conn(db, sql::Database::Mode::read_write, std::chrono::milliseconds(1000));
        conn.exec("BEGIN IMMEDIATE");
        char byte = 1;
        if (::write(ready[1], &byte, 1) != 1) ::_exit(2);
        if (::read(release[0], &byte, 1) != 1) ::_exit(3);
        conn.exec("ROLLBACK");
        ::_exit(0);
    }
    char byte = 0;
    REQUIRE(::read(ready[0], &byte, 1) == 1);
    auto r = forensic::test::forensic_run({"snapshot", "--db", db, "--root", host.root().string(), "--host", "cc-ci",
                                           "--only", "nix", "--lock-timeout", "0.2"});
    CHECK(r.exit_code == 4);
    CHECK(r.err.find("another forensic process holds the database") != std::string::npos);
    CHECK(r.err.find(db) != std::string::npos);
    REQUIRE(::write(release[1], &byte, 1) == 1);
    int status = 0;
    ::waitpid(holder, &status, 0);
    store::Store store(db, store::Store::Access::read);
    CHECK(store.snapshots().size() == 1);
    CHECK(store::verify(store).ok());
}
