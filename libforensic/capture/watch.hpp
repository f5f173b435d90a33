// `forensic watch`: follows the Docker event stream for as long as it runs
// and stores, for every service create, update and remove, that service's
// state (a watch record) and the event itself, so what a CI run's stack
// went through survives its teardown minutes later.
//
// One `docker events` process for the whole connection (never one per
// event); a burst is written in one transaction. When the stream breaks
// (daemon restart, Docker down) it says so and reconnects with backoff,
// asking --since the last capture it stored, so nothing the daemon still
// buffers is lost; when the buffer no longer reaches back, the gap is
// recorded. An unreachable daemon never makes facts look removed: nothing is
// written for what could not be seen.
#pragma once

#include "libforensic/collect/collector.hpp"
#include "libforensic/store/store_fwd.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace forensic::capture {

struct WatchOptions {
    collect::CollectOptions collect; // root, home, abra_dir, docker_command
    std::string host;
    // A burst: events that arrive within this long of its first one.
    std::chrono::milliseconds burst_window{200};
    std::size_t burst_max = 1000;
    std::chrono::milliseconds backoff_first{1000};
    std::chrono::milliseconds backoff_max{60'000};
};

struct WatchLog {
    std::function<void(std::string_view)> info; // what was recorded, connections
    std::function<void(std::string_view)> warn; // Docker down, the stream broken, unreadable events
};

struct WatchTotals {
    std::size_t events = 0;
    std::size_t records = 0;
    std::size_t bursts = 0;
    std::size_t connections = 0;
};

// Runs until `stop_fd` becomes readable (util/stop_signal.hpp), then stores
// what it holds and returns. Throws CollectorSkipped when there is no daemon
// to ask (another --root without --docker), StoreError when the database
// cannot be written.
WatchTotals watch(store::Store& store, const WatchOptions& options, int stop_fd, const WatchLog& log);

} // namespace forensic::capture
