// The time parser and printers: every RFC 3339 time that parses prints and
// parses back to the same instant; every instant forensic can hold prints as
// a time that parses back to it; command-line times are a value or a
// UsageError; epoch seconds and Go durations convert without overflow.
#include "fuzz_input.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/time.hpp"

#include <cstring>

using namespace forensic;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = fuzz::as_text(data, size);
    if (auto t = parse_rfc3339(text))
        if (parse_rfc3339(format_rfc3339(*t)) != t) fuzz::broken("a parsed time prints and parses back");
    for (bool end_of_day : {false, true}) {
        try {
            (void)parse_time_argument(text, "--at", end_of_day);
        } catch (const UsageError&) {
        }
    }
    if (size >= sizeof(std::int64_t)) {
        std::int64_t instant = 0;
        std::memcpy(&instant, data, sizeof instant);
        if (parse_rfc3339(format_rfc3339(instant)) != instant) fuzz::broken("every instant prints and parses back");
        (void)format_go_duration(instant);
        double seconds = 0;
        std::memcpy(&seconds, data, sizeof seconds);
        if (auto t = from_epoch_seconds(seconds))
            if (parse_rfc3339(format_rfc3339(*t)) != t) fuzz::broken("epoch seconds give a printable time");
    }
    return 0;
}
