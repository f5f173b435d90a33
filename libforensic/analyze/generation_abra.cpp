#include "libforensic/analyze/generation_abra.hpp"

#include <charconv>

namespace forensic::analyze {

std::optional<long long> GenerationAbra::number(const std::string& subject)
{
    constexpr std::string_view prefix = "generation/";
    if (!subject.starts_with(prefix)) return std::nullopt;
    long long n = 0;
    auto digits = std::string_view(subject).substr(prefix.size());
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
    return n;
}

GenerationAbra::GenerationAbra(store::Store& store, const std::string& host)
{
    for (const auto& f : store.source_history(host, "nix", "generation/"))
        if (auto n = number(f.subject); n && f.key.starts_with("abra.")) generations_[*n][f.key] = f.value;
}

std::optional<bool> GenerationAbra::differs_from_previous(const std::string& subject, const std::string& key,
                                                         const std::string& value) const
{
    if (!key.starts_with("abra.")) return std::nullopt;
    auto n = number(subject);
    if (!n) return std::nullopt;
    auto it = generations_.lower_bound(*n);
    if (it == generations_.begin()) return true;
    const auto& previous = std::prev(it)->second;
    auto same = previous.find(key);
    return same == previous.end() || same->second != value;
}

} // namespace forensic::analyze
