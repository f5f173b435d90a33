// Crash consistency: `forensic snapshot` killed with SIGKILL at random points
// (seeded, so a failure replays) leaves a database that verifies and holds
// exactly the snapshots it held before, plus the new one only if it committed.
#include "support/host_fixture.hpp"
#include "support/process.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/store/maintenance.hpp"

#include <chrono>
#include <fcntl.h>
#include <doctest/doctest.h>
#include <random>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace forensic;
using forensic::test::HostFixture;

namespace {

// A host big enough that a snapshot takes a while: 300 generations.
void build_host(HostFixture& host)
{
    auto a = host.abra_package("0.13.0-beta");
    auto b = host.abra_package("0.14.0");
    for (int g = 1; g <= 300; ++g) {
        auto sys = host.system("cc-ci-" + std::to_string(g), g % 50 == 0 ? b : a);
        host.generation(g, "2026-01-01T00:00:00Z", sys);
    }
    host.profile(300);
}

pid_t start_snapshot(const std::string& db, const HostFixture& host, TimeNs at)
{
    std::vector<std::string> args = {forensic::test::forensic_binary(), "snapshot", "--db", db, "--root",
                                     host.root().string(), "--host", "cc-ci", "--only", "nix", "--at",
                                     format_rfc3339(at)};
    pid_t pid = ::fork();
    if (pid == 0) {
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 1);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    return pid;
}

std::string latest_export(store::Store& db)
{
    auto snapshots = db.snapshots();
    if (snapshots.empty()) return {};
    return bundle::to_json(bundle::snapshot_as_input(db, snapshots.back())).dump();
}

} // namespace

TEST_CASE("a snapshot killed at random points leaves the previous state or the whole new snapshot")
{
    HostFixture host;
    build_host(host);
    auto db = (host.root() / "f.db").string();
    auto t0 = *parse_rfc3339("2026-06-01T03:00:00Z");
    // Time an undisturbed snapshot to spread the kills over its whole length.
    auto begin = std::chrono::steady_clock::now();
    auto first = start_snapshot(db, host, t0);
    int status = 0;
    ::waitpid(first, &status, 0);
    REQUIRE(WEXITSTATUS(status) == 0);
    auto duration = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - begin);
    MESSAGE("an undisturbed snapshot takes " << duration.count() << " µs");

    std::mt19937 rng(20260611);
    int killed_before_commit = 0, committed = 0;
    for (int trial = 1; trial <= 60; ++trial) {
        // Change the host a little so every snapshot has something to write.
        host.generation(1000 + trial, "2026-06-01T00:00:00Z", host.system("trial-" + std::to_string(trial), ""));
        std::size_t before_count;
        std::string before_latest;
        {
            store::Store store(db, store::Store::Access::read);
            before_count = store.snapshots().size();
            before_latest = latest_export(store);
        }
        auto pid = start_snapshot(db, host, t0 + trial * ns_per_day);
        std::uniform_int_distribution<long> delay(0, duration.count() * 3 / 2);
        ::usleep(static_cast<useconds_t>(delay(rng)));
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);

        store::Store store(db, store::Store::Access::read);
        auto report = store::verify(store);
        INFO("trial " << trial);
        for (const auto& p : report.problems) MESSAGE(p);
        CHECK(report.ok());
        auto after = store.snapshots();
        if (after.size() == before_count) {
            ++killed_before_commit;
            CHECK(latest_export(store) == before_latest);
        } else {
            ++committed;
            REQUIRE(after.size() == before_count + 1);
            CHECK(after.back().taken_at == t0 + trial * ns_per_day);
        }
    }
    MESSAGE(killed_before_commit << " kills before commit, " << committed << " snapshots committed");
    // The seed and the spread make both outcomes happen; if not, the test proves less.
    CHECK(killed_before_commit > 5);
    CHECK(committed > 5);
}
