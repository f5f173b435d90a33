// A small fixed pool for independent items (one git repository each): the
// CI host has two cores and ~200 recipes. Results keep the input order.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace forensic {

// Worker threads for I/O-and-CPU work on this machine: its cores, at most 8.
inline unsigned default_workers()
{
    return std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
}

// Calls fn(item) for every item on up to `workers` threads; each item is
// handled by exactly one thread. The first exception is rethrown after all
// threads have finished.
template <typename T, typename F>
auto parallel_map(const std::vector<T>& items, F fn, unsigned workers = default_workers())
    -> std::vector<decltype(fn(items.front()))>
{
    std::vector<decltype(fn(items.front()))> results(items.size());
    std::atomic<std::size_t> next{0};
    std::exception_ptr failure;
    std::mutex failure_mutex;
    auto work = [&] {
        for (auto i = next++; i < items.size(); i = next++) {
            try {
                results[i] = fn(items[i]);
            } catch (...) {
                std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
            }
        }
    };
    auto count = std::min<std::size_t>(workers, items.size());
    {
        std::vector<std::jthread> threads;
        for (std::size_t t = 1; t < count; ++t) threads.emplace_back(work);
        work(); // the calling thread is one of the workers
    }
    if (failure) std::rethrow_exception(failure);
    return results;
}

// Calls fn(first, last) on contiguous ranges that cover [0, count), one per
// worker; below `per_worker` items a range, fewer workers (threads cost more
// than a short loop).
template <typename F>
void parallel_ranges(std::size_t count, F fn, std::size_t per_worker = 4096, unsigned workers = default_workers())
{
    auto parts = std::clamp<std::size_t>(count / per_worker, 1, workers);
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    for (std::size_t i = 0; i < parts; ++i) ranges.emplace_back(count * i / parts, count * (i + 1) / parts);
    parallel_map(ranges, [&](const std::pair<std::size_t, std::size_t>& range) {
        fn(range.first, range.second);
        return 0;
    });
}

} // namespace forensic
