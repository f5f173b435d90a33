#include "libforensic/capture/watch.hpp"

#include "libforensic/capture/watch_records.hpp"
#include "libforensic/collect/docker_events.hpp"
#include "libforensic/store/store.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/subprocess.hpp"

#include <algorithm>
#include <cstdlib>
#include <poll.h>

namespace forensic::capture {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string duration_text(milliseconds d)
{
    return format_go_duration(std::chrono::nanoseconds(d).count());
}

// Sleeps up to `d`; false when the stop descriptor woke it.
bool pause(int stop_fd, milliseconds d)
{
    pollfd fd{stop_fd, POLLIN, 0};
    auto deadline = Clock::now() + d;
    for (;;) {
        auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return true;
        int ready = ::poll(&fd, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
        if (ready > 0) return false;
        if (ready == 0) return true;
    }
}

bool stop_requested(int stop_fd)
{
    pollfd fd{stop_fd, POLLIN, 0};
    return ::poll(&fd, 1, 0) > 0;
}

class Watcher {
public:
    Watcher(store::Store& store, const WatchOptions& options, const WatchLog& log)
        : store_(store), options_(options), log_(log), docker_(collect::live_docker_client(options.collect)),
          since_(store.last_observation(options.host, std::string(collect::swarm_events::source)))
    {
    }

    WatchTotals run(int stop_fd)
    {
        auto backoff = options_.backoff_first;
        while (!stop_requested(stop_fd)) {
            auto delivered = totals_.events;
            auto connected = Clock::now();
            bool stopped = follow(stop_fd);
            flush();
            if (stopped) break;
            if (totals_.events > delivered || Clock::now() - connected > milliseconds(30'000))
                backoff = options_.backoff_first; // it worked for a while: start over
            warn(reason_ + "; retrying in " + duration_text(backoff));
            if (!pause(stop_fd, backoff)) break;
            backoff = std::min(backoff * 2, options_.backoff_max);
        }
        flush();
        return totals_;
    }

private:
    // One connection: the buffer check, then the stream until it ends; true
    // when it ended because a stop was asked for.
    bool follow(int stop_fd)
    {
        std::vector<std::string> errors;
        std::vector<collect::DockerEvent> buffered;
        auto asked = now();
        try {
            buffered = collect::buffered_events(docker_, asked, errors);
        } catch (const Error& e) {
            reason_ = "cannot read Docker's events: " + std::string(e.what());
            return false;
        }
        for (const auto& e : errors) warn(e);
        if (since_) {
            std::optional<TimeNs> oldest;
            for (const auto& e : buffered) oldest = oldest ? std::min(*oldest, e.time) : e.time;
            if (auto gap = collect::buffer_gap(oldest, *since_, asked)) pending_extras_.push_back(std::move(*gap));
        }
        std::unique_ptr<StreamingProgram> stream;
        try {
            stream = std::make_unique<StreamingProgram>(collect::event_stream_command(docker_, since_));
        } catch (const ProcessError& e) {
            reason_ = std::string(e.what()) + " (set the docker client with --docker)";
            return false;
        }
        ++totals_.connections;
        auto started = Clock::now();
        bool delivered = false;
        info("following service events of " + daemon_name() +
             (since_ ? " since " + format_rfc3339(*since_) : std::string(", all the daemon still buffers")));
        std::vector<std::string> lines;
        for (;;) {
            auto wait = milliseconds(3'600'000);
            if (!pending_.empty())
                wait = std::max(milliseconds(0), std::chrono::duration_cast<milliseconds>(
                                                      burst_started_ + options_.burst_window - Clock::now()));
            lines.clear();
            auto got = stream->read_lines(lines, wait, stop_fd);
            delivered = delivered || !lines.empty();
            for (const auto& line : lines) take(line);
            if (got == StreamingProgram::Wait::woken) {
                stream->finish();
                return true;
            }
            bool burst_over = !pending_.empty() && (Clock::now() >= burst_started_ + options_.burst_window ||
                                                    pending_.size() >= options_.burst_max);
            if (burst_over || got == StreamingProgram::Wait::closed) flush();
            if (got == StreamingProgram::Wait::closed) break;
        }
        // A stream that was live saw every event until it broke: no gap to
        // claim before then on the next connection. (One that never
        // connected proves nothing.)
        if (delivered || Clock::now() - started > milliseconds(2000)) since_ = std::max(since_.value_or(0), now());
        auto end = stream->finish();
        auto message = end.err;
        while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) message.pop_back();
        reason_ = "docker events ended (" + describe_end(end, milliseconds(0)) + ")" +
                  (message.empty() ? "" : ": " + message);
        return false;
    }

    void take(const std::string& line)
    {
        try {
            auto event = collect::parse_docker_event(line, "docker events");
            // Already stored: the stream starts again at the last capture.
            if (event.type != "service" || (since_ && event.time <= *since_)) return;
            if (pending_.empty()) burst_started_ = Clock::now();
            pending_.push_back(std::move(event));
        } catch (const InputError& e) {
            warn(e.what());
        }
    }

    // Stores the pending burst: the services' states and the events, in one transaction.
    void flush()
    {
        if (pending_.empty() && pending_extras_.empty()) return;
        WatchBurst burst;
        burst.host = options_.host;
        burst.events = std::move(pending_);
        pending_.clear();
        std::stable_sort(burst.events.begin(), burst.events.end(),
                         [](const auto& a, const auto& b) { return a.time < b.time; });
        burst.event_extras = std::move(pending_extras_);
        pending_extras_.clear();
        if (burst.events.empty()) {
            burst.inspected_at = now(); // a gap with no event after it: recorded when found
        } else {
            try {
                burst.inspected = collect::inspect_services(docker_, services_to_inspect(burst.events));
            } catch (const Error& e) {
                burst.inspection_failed = true;
                warn("cannot inspect the services of " + std::to_string(burst.events.size()) +
                     " events (their states are not recorded, the events are): " + e.what());
            }
            burst.inspected_at = now();
            burst.apps = collect::read_app_envs(options_.collect.root, options_.collect.abra_dir);
        }
        auto records = watch_records(burst);
        // A record's time is its state's; another snapshot at that very
        // nanosecond (there is one key per host and time) moves it by one.
        for (auto& r : records)
            while (store_.has_snapshot_at(r.host, r.taken_at)) ++r.taken_at;
        store_.write(records);
        // What the next stream starts after: the newest event stored (the
        // record that holds the events is dated by it).
        for (const auto& r : records)
            for (const auto& c : r.collectors)
                if (c.name == collect::swarm_events::source) since_ = std::max(since_.value_or(0), r.taken_at);
        totals_.events += burst.events.size();
        totals_.records += records.size();
        ++totals_.bursts;
        if (!burst.events.empty())
            info("recorded " + std::to_string(burst.events.size()) + " service event" +
                 (burst.events.size() == 1 ? "" : "s") + " in " + std::to_string(records.size()) + " record" +
                 (records.size() == 1 ? "" : "s") + ", up to " + format_rfc3339(records.back().taken_at));
    }

    std::string daemon_name() const
    {
        const char* host = std::getenv("DOCKER_HOST");
        return host && *host ? std::string(host) : "the local Docker daemon";
    }

    void info(const std::string& text) const
    {
        if (log_.info) log_.info(text);
    }
    void warn(const std::string& text) const
    {
        if (log_.warn) log_.warn(text);
    }

    store::Store& store_;
    const WatchOptions& options_;
    const WatchLog& log_;
    collect::DockerClient docker_;
    std::optional<TimeNs> since_;
    std::vector<collect::DockerEvent> pending_;
    std::vector<Fact> pending_extras_;
    Clock::time_point burst_started_{};
    std::string reason_;
    WatchTotals totals_;
};

} // namespace

WatchTotals watch(store::Store& store, const WatchOptions& options, int stop_fd, const WatchLog& log)
{
    return Watcher(store, options, log).run(stop_fd);
}

} // namespace forensic::capture
