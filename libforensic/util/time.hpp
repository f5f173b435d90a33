// Times are nanoseconds since the Unix epoch, UTC: Docker prints nanoseconds and
// an int64 holds them until 2262. Text form is RFC 3339 in UTC.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace forensic {

using TimeNs = std::int64_t;

constexpr TimeNs ns_per_second = 1'000'000'000;
constexpr TimeNs ns_per_day = 86'400 * ns_per_second;

// Parses RFC 3339 ("2026-06-10T14:03:12.123456789Z", "+02:00" offsets, up to 9
// fractional digits). nullopt when the text is not such a time, or is one a
// TimeNs cannot hold (before 1677-09-21 or after 2262-04-11).
std::optional<TimeNs> parse_rfc3339(std::string_view text);

// Parses a command-line time: an RFC 3339 time, a date-time without zone
// (taken as UTC), or a bare date "2026-06-10". A bare date means its first
// instant, or its last when `end_of_day` is set (so "--to 2026-06-10" includes
// the whole day). Throws UsageError naming `what` when malformed or outside
// the years a TimeNs holds.
TimeNs parse_time_argument(std::string_view text, std::string_view what, bool end_of_day = false);

// True when `text` is a bare date (YYYY-MM-DD).
bool is_bare_date(std::string_view text);

// "2026-06-10T14:03:12Z", with the fraction only when it is not zero
// (trailing zeros trimmed), so times round-trip at their own precision.
std::string format_rfc3339(TimeNs time);

// "2026-06-10T14:03:12.120000000Z": always nine fractional digits, so that
// such texts sort as their times do (keys named by a time).
std::string format_rfc3339_fixed(TimeNs time);

// "2026-06-10"
std::string format_date(TimeNs time);

// Seconds since the epoch as a float (CI results.json) to nanoseconds, rounded
// to the microsecond, which is all a double carries at this magnitude;
// nullopt for NaN, infinities and times a TimeNs cannot hold.
std::optional<TimeNs> from_epoch_seconds(double seconds);

TimeNs now();

// A duration as Go's time.Duration prints it, as Docker shows UpdateConfig
// Monitor and Delay: "5s", "1m30s", "1h0m0s", "500ms", "1.5µs", "0s".
std::string format_go_duration(std::int64_t nanoseconds);

} // namespace forensic
