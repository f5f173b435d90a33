#include "libforensic/util/time.hpp"

#include "libforensic/util/error.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

namespace forensic {
namespace {

using namespace std::chrono;

bool digits(std::string_view text, std::size_t pos, std::size_t count, int& out)
{
    if (pos + count > text.size()) return false;
    int value = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        char c = text[i];
        if (c < '0' || c > '9') return false;
        value = value * 10 + (c - '0');
    }
    out = value;
    return true;
}

// Nanoseconds of a civil UTC time plus `extra_ns`, or nullopt when the date
// is not one or the instant is outside what a TimeNs holds (1677–2262).
std::optional<TimeNs> civil_to_ns(int y, int mo, int d, int h, int mi, int s, TimeNs extra_ns = 0)
{
    year_month_day date{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
    if (!date.ok() || h > 23 || mi > 59 || s > 60) return std::nullopt;
    // A leap second is folded into the next second, as Go and Docker do.
    std::int64_t secs = (sys_days{date}.time_since_epoch() + hours{h} + minutes{mi} + seconds{s}).count();
    // Whole seconds first, then the fraction, arranged so that only an
    // instant outside the TimeNs range overflows: before 1970 the fraction
    // is taken from the next second (secs * 10^9 alone may not fit).
    secs += extra_ns / ns_per_second;
    TimeNs fraction = extra_ns % ns_per_second;
    if (fraction < 0) {
        fraction += ns_per_second;
        --secs;
    }
    if (secs < 0) {
        ++secs;
        fraction -= ns_per_second;
    }
    TimeNs out = 0;
    if (__builtin_mul_overflow(secs, ns_per_second, &out) || __builtin_add_overflow(out, fraction, &out))
        return std::nullopt;
    return out;
}

struct ParsedDate {
    int year, month, day;
};

std::optional<ParsedDate> parse_date_part(std::string_view text)
{
    ParsedDate p{};
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    if (!digits(text, 0, 4, p.year) || !digits(text, 5, 2, p.month) || !digits(text, 8, 2, p.day))
        return std::nullopt;
    return p;
}

// Parses "T12:34:56[.fff][Z|±hh:mm]" after the date; `zone_required` says
// whether a missing zone is an error (RFC 3339) or UTC (command line).
std::optional<TimeNs> parse_after_date(std::string_view text, ParsedDate date, bool zone_required)
{
    if (text.size() < 19 || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) return std::nullopt;
    int h = 0, mi = 0, s = 0;
    if (!digits(text, 11, 2, h) || text[13] != ':' || !digits(text, 14, 2, mi) || text[16] != ':' ||
        !digits(text, 17, 2, s))
        return std::nullopt;
    std::size_t pos = 19;
    TimeNs fraction = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        std::size_t start = pos;
        TimeNs scale = 100'000'000;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (pos - start >= 9) return std::nullopt; // finer than nanoseconds
            fraction += (text[pos] - '0') * scale;
            scale /= 10;
            ++pos;
        }
        if (pos == start) return std::nullopt;
    }
    TimeNs offset = 0;
    if (pos == text.size()) {
        if (zone_required) return std::nullopt;
    } else if ((text[pos] == 'Z' || text[pos] == 'z') && pos + 1 == text.size()) {
        // UTC
    } else if ((text[pos] == '+' || text[pos] == '-') && pos + 6 == text.size() && text[pos + 3] == ':') {
        int oh = 0, om = 0;
        if (!digits(text, pos + 1, 2, oh) || !digits(text, pos + 4, 2, om) || oh > 23 || om > 59)
            return std::nullopt;
        offset = (static_cast<TimeNs>(oh) * 3600 + om * 60) * ns_per_second;
        if (text[pos] == '+') offset = -offset;
    } else {
        return std::nullopt;
    }
    return civil_to_ns(date.year, date.month, date.day, h, mi, s, fraction + offset);
}

} // namespace

std::optional<TimeNs> parse_rfc3339(std::string_view text)
{
    auto date = parse_date_part(text);
    if (!date) return std::nullopt;
    return parse_after_date(text, *date, true);
}

bool is_bare_date(std::string_view text)
{
    return text.size() == 10 && parse_date_part(text).has_value();
}

TimeNs parse_time_argument(std::string_view text, std::string_view what, bool end_of_day)
{
    auto date = parse_date_part(text);
    if (date && text.size() == 10) {
        if (auto t = civil_to_ns(date->year, date->month, date->day, 0, 0, 0, end_of_day ? ns_per_day - 1 : 0))
            return *t;
    } else if (date) {
        if (auto t = parse_after_date(text, *date, false)) return *t;
    }
    throw UsageError(std::string(what) + ": '" + std::string(text) +
                     "' is not a date (2026-06-10) or RFC 3339 time (2026-06-10T06:00:00Z)");
}

namespace {

std::string format_rfc3339_with(TimeNs time, bool all_nine_digits)
{
    // Floor division without multiplying back: secs * ns_per_second
    // overflows for the earliest instants a TimeNs holds.
    TimeNs secs = time / ns_per_second, fraction = time % ns_per_second;
    if (fraction < 0) {
        fraction += ns_per_second;
        --secs;
    }
    sys_seconds tp{seconds{secs}};
    auto days = floor<std::chrono::days>(tp);
    year_month_day ymd{days};
    hh_mm_ss hms{tp - days};
    // Digits written directly: snapshots format hundreds of thousands of
    // times (tagger dates, reflog entries), and snprintf dominated that.
    auto digits = [](std::string& out, long long value, int width) { // value >= 0
        char buf[20];
        int n = 0;
        do {
            buf[n++] = static_cast<char>('0' + value % 10);
            value /= 10;
        } while (value != 0 || n < width);
        while (n > 0) out += buf[--n];
    };
    std::string out;
    out.reserve(31);
    int year = static_cast<int>(ymd.year());
    if (year < 0) out += '-'; // as printf's %04d: the sign takes one of the four places
    digits(out, year < 0 ? -static_cast<long long>(year) : year, year < 0 ? 3 : 4);
    out += '-';
    digits(out, static_cast<unsigned>(ymd.month()), 2);
    out += '-';
    digits(out, static_cast<unsigned>(ymd.day()), 2);
    out += 'T';
    digits(out, hms.hours().count(), 2);
    out += ':';
    digits(out, hms.minutes().count(), 2);
    out += ':';
    digits(out, hms.seconds().count(), 2);
    if (fraction != 0 || all_nine_digits) {
        out += '.';
        auto mark = out.size();
        digits(out, fraction, 9);
        while (!all_nine_digits && out.size() > mark && out.back() == '0') out.pop_back();
    }
    out += 'Z';
    return out;
}

} // namespace

std::string format_rfc3339(TimeNs time)
{
    return format_rfc3339_with(time, false);
}

std::string format_rfc3339_fixed(TimeNs time)
{
    return format_rfc3339_with(time, true);
}

std::string format_date(TimeNs time)
{
    return format_rfc3339(time).substr(0, 10);
}

std::optional<TimeNs> from_epoch_seconds(double seconds)
{
    // Outside ±9.2e9 s the microseconds, then nanoseconds, overflow an int64.
    constexpr double limit = 9.2e9;
    if (!std::isfinite(seconds) || std::abs(seconds) >= limit) return std::nullopt;
    return static_cast<TimeNs>(std::llround(seconds * 1e6)) * 1000;
}

namespace {

// "1" + ".25" for 1250 with unit 1000: the whole units and the trimmed fraction.
std::string with_fraction(std::uint64_t value, std::uint64_t unit, int unit_digits)
{
    std::string out = std::to_string(value / unit);
    if (auto rest = value % unit) {
        auto digits = std::to_string(rest);
        digits.insert(0, static_cast<std::size_t>(unit_digits) - digits.size(), '0');
        while (digits.back() == '0') digits.pop_back();
        out += "." + digits;
    }
    return out;
}

} // namespace

std::string format_go_duration(std::int64_t nanoseconds)
{
    if (nanoseconds == 0) return "0s";
    std::string sign = nanoseconds < 0 ? "-" : "";
    auto u = nanoseconds < 0 ? std::uint64_t(0) - static_cast<std::uint64_t>(nanoseconds)
                             : static_cast<std::uint64_t>(nanoseconds);
    constexpr std::uint64_t second = 1'000'000'000;
    if (u < 1'000) return sign + std::to_string(u) + "ns";
    if (u < 1'000'000) return sign + with_fraction(u, 1'000, 3) + "\u00b5s";
    if (u < second) return sign + with_fraction(u, 1'000'000, 6) + "ms";
    std::string out = with_fraction(u % (60 * second), second, 9) + "s";
    auto minutes = u / (60 * second);
    if (minutes > 0) {
        out = std::to_string(minutes % 60) + "m" + out;
        if (minutes >= 60) out = std::to_string(minutes / 60) + "h" + out;
    }
    return sign + out;
}

TimeNs now()
{
    return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

} // namespace forensic
