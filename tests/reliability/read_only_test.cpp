// Read-only proof: `forensic snapshot` of a full host — every collector, real
// git checkouts with an untracked overlay and a modified tracked file, bare
// mirrors, a catalogue checkout, Nix links, env files, CI runs — leaves every
// path under the root as it was: the same set of paths, the same bytes, link
// targets, modes and mtimes to the nanosecond, every file under each .git
// included. The database lives outside the root.
#include "support/full_host.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/tree_snapshot.hpp"

#include <algorithm>
#include <doctest/doctest.h>

using namespace forensic;
using namespace forensic::test;

namespace {

constexpr std::chrono::seconds bound{120};

// The paths that differ between two tree snapshots, for a readable failure.
std::vector<std::string> differences(const std::map<std::string, std::string>& before,
                                     const std::map<std::string, std::string>& after)
{
    std::vector<std::string> out;
    for (const auto& [path, state] : before) {
        auto it = after.find(path);
        if (it == after.end())
            out.push_back("removed " + path);
        else if (it->second != state)
            out.push_back("changed " + path);
    }
    for (const auto& [path, state] : after)
        if (!before.contains(path)) out.push_back("added " + path);
    return out;
}

} // namespace

TEST_CASE("a snapshot of every collector changes nothing under the root, .git directories included")
{
    FullHost full;
    TempDir elsewhere("forensic-db");
    auto db = (elsewhere / "f.db").string();
    auto root = full.host().root();
    auto before = tree_snapshot(root);
    // What the proof covers: the checkouts' and mirrors' git files are in it.
    auto count_under = [&](const std::string& prefix) {
        return std::count_if(before.begin(), before.end(), [&](const auto& p) { return p.first.starts_with(prefix); });
    };
    CHECK(count_under("home/ci/.abra/recipes/discourse/.git/") > 20);
    CHECK(count_under("home/ci/.abra/catalogue/.git/") > 10);
    CHECK(count_under("srv/mirrors/discourse.git/") > 10);
    CHECK(before.contains("home/ci/.abra/recipes/discourse/compose.ccci.yml"));

    for (const auto* at : {"2026-06-10T06:00:00Z", "2026-06-11T06:00:00Z"}) {
        auto r = forensic_run(full.snapshot_args(db, at), {}, bound);
        INFO(r.out << r.err);
        REQUIRE_FALSE(r.timed_out);
        CHECK(r.exit_code == 3); // n8n's mirror is unreachable: an error fact, the rest stored
        for (const auto* collector : {"nix", "abra", "recipes", "mirrors", "catalogue", "swarm", "runs"})
            CHECK(r.out.find(collector) != std::string::npos);
    }
    // The snapshot really read what the proof is about.
    auto show = forensic_run({"show", "--db", db, "--json"}, {}, bound);
    REQUIRE(show.exit_code == 0);
    for (const auto* seen : {"\"worktree.untracked_paths\"", "\"worktree.modified\"", "\"fetch_head\"",
                             "\"tag:0.9.0+3.5.0\"", "\"head.time\"", "\"abra.store_path\"",
                             "\"stamp.chaos_version\"", "\"env.mtime\"", "\"junit:upgrade__generic__test_upgrade.xml\""})
        CHECK(show.out.find(seen) != std::string::npos);

    auto after = tree_snapshot(root);
    auto changed = differences(before, after);
    for (const auto& c : changed) MESSAGE(c);
    CHECK(changed.empty());
    CHECK(before.size() == after.size());
}
