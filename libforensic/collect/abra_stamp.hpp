// abra's chaos stamp: on a `--chaos` deploy abra labels the service with the
// first 8 hex digits of the recipe checkout's HEAD, plus "+U" when the working
// tree was not clean ("7ae7b0f7+U"). The CI's HC1 check prints the same form.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace forensic::collect {

struct ChaosStamp {
    std::string commit;        // the part before '+'
    std::optional<bool> dirty; // "+U" → true, no suffix → false, another suffix → unknown
};

// nullopt when the commit part is not 4 to 40 hex digits (not a stamp).
std::optional<ChaosStamp> decode_chaos_stamp(std::string_view text);

} // namespace forensic::collect
