#include "libforensic/collect/abra_stamp.hpp"

namespace forensic::collect {

std::optional<ChaosStamp> decode_chaos_stamp(std::string_view text)
{
    auto plus = text.find('+');
    auto commit = text.substr(0, plus);
    if (commit.size() < 4 || commit.size() > 40) return std::nullopt;
    for (char c : commit)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return std::nullopt;
    ChaosStamp stamp{std::string(commit), false};
    if (plus != std::string_view::npos) {
        if (text.substr(plus + 1) == "U")
            stamp.dirty = true;
        else
            stamp.dirty.reset();
    }
    return stamp;
}

} // namespace forensic::collect
