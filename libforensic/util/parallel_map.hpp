// A small fixed pool for independent items (one git repository each): the
// CI host has two cores and ~200 recipes. Results keep the input order.
#pragma once

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
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

} // namespace forensic
