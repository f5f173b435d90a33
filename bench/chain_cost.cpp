// The cost of the chain of snapshot seals on an existing store (issue 19):
// the content digest of every snapshot, as a write computes it for its own
// snapshot, timed one by one; then the whole chain recomputed, as verify
// does. Opens the database read-only.
//
// Usage: chain_cost DB
#include "libforensic/store/snapshot_chain.hpp"
#include "libforensic/store/store.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s DB\n", argv[0]);
        return 2;
    }
    using clock = std::chrono::steady_clock;
    forensic::store::Store store(argv[1], forensic::store::Store::Access::read);
    auto& db = store.database();
    std::vector<double> seconds;
    for (const auto& s : store.snapshots()) {
        auto start = clock::now();
        forensic::store::content_digest(db, s.id);
        seconds.push_back(std::chrono::duration<double>(clock::now() - start).count());
    }
    if (seconds.empty()) return 1;
    auto start = clock::now();
    auto check = forensic::store::check_chain(db);
    double chain = std::chrono::duration<double>(clock::now() - start).count();
    auto first = seconds.front();
    std::vector<double> later(seconds.begin() + 1, seconds.end());
    std::sort(later.begin(), later.end());
    double median = later.empty() ? first : later[later.size() / 2];
    double max = later.empty() ? first : later.back();
    std::printf("snapshots %zu; content digest: first snapshot %.4f s, later median %.4f s, max %.4f s; "
                "whole chain recomputed %.3f s; %zu problems\n",
                seconds.size(), first, median, max, chain, check.problems.size());
    return 0;
}
