#include "libforensic/util/host_text.hpp"

namespace forensic {

std::string as_host_text(const HostRoot& root, std::string_view text)
{
    auto prefix = root.root().string();
    while (prefix.size() > 1 && prefix.back() == '/') prefix.pop_back();
    if (prefix.empty() || prefix == "/") return std::string(text);
    std::string out;
    std::size_t copied = 0;
    for (auto pos = text.find(prefix); pos != std::string_view::npos; pos = text.find(prefix, pos + prefix.size())) {
        auto after = pos + prefix.size();
        bool whole = after == text.size() || text[after] == '/';
        if (!whole) continue;
        out.append(text.substr(copied, pos - copied));
        if (after == text.size()) out += '/';
        copied = after;
    }
    out.append(text.substr(copied));
    return out;
}

} // namespace forensic
