#include "libforensic/analyze/stamp.hpp"

#include <algorithm>
#include <cctype>

namespace forensic::analyze {

Stamp parse_stamp(std::string_view text)
{
    Stamp s{std::string(text), std::string(text.substr(0, text.find('+'))), false};
    auto plus = text.find('+');
    s.dirty = plus != std::string_view::npos && text.substr(plus + 1).find('U') != std::string_view::npos;
    return s;
}

bool same_commit(std::string_view a, std::string_view b)
{
    if (a.empty() || b.empty()) return false;
    auto n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

std::string short_commit(std::string_view id)
{
    return std::string(id.substr(0, 8));
}

bool is_rollback_state(std::string_view state)
{
    return state == "rollback_started" || state == "rollback_paused" || state == "rollback_completed";
}

} // namespace forensic::analyze
