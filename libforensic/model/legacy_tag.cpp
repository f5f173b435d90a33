#include "libforensic/model/legacy_tag.hpp"

#include "libforensic/model/tag_fact.hpp"

#include <algorithm>
#include <map>

namespace forensic {
namespace {

constexpr std::string_view release_prefix = "release:";

bool is_bare_commit(std::string_view value)
{
    return (value.size() == 40 || value.size() == 64) &&
           std::all_of(value.begin(), value.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

std::optional<LegacyTagKey> legacy_tag_key(std::string_view source, std::string_view key, std::string_view value)
{
    bool checkout = source == "recipes";
    if (!checkout && source != "mirrors") return std::nullopt;
    if (checkout && key.starts_with(release_prefix) && key.size() > release_prefix.size())
        return LegacyTagKey{std::string(key.substr(release_prefix.size())), LegacyTagPart::release};
    if (!key.starts_with(tag_key_prefix)) return std::nullopt;
    auto rest = key.substr(tag_key_prefix.size());
    auto colon = rest.find(':');
    if (colon == std::string_view::npos)
        return is_bare_commit(value) ? std::optional(LegacyTagKey{std::string(rest), LegacyTagPart::commit}) : std::nullopt;
    auto name = std::string(rest.substr(0, colon));
    auto suffix = rest.substr(colon + 1);
    if (suffix == "object") return LegacyTagKey{name, LegacyTagPart::object};
    if (checkout && suffix == "annotated") return LegacyTagKey{name, LegacyTagPart::annotated};
    if (checkout && suffix == "tagger_date") return LegacyTagKey{name, LegacyTagPart::tagger_date};
    return std::nullopt;
}

std::optional<DenseTag> dense_tag(std::string_view source, const LegacyTagParts& parts)
{
    if (!parts.commit) return std::nullopt;
    TagFact tag{*parts.commit, parts.object, parts.tagger_time, parts.release};
    if (source == "mirrors") return DenseTag{mirror_tag_value(tag), std::nullopt};
    return DenseTag{checkout_tag_value(tag), parts.tagger_time};
}

bool has_legacy_tags(std::string_view source, const std::vector<Fact>& facts)
{
    return std::any_of(facts.begin(), facts.end(),
                       [&](const Fact& f) { return legacy_tag_key(source, f.key, f.value).has_value(); });
}

std::vector<Fact> with_dense_tags(std::string_view source, std::vector<Fact> facts)
{
    if (!has_legacy_tags(source, facts)) return facts;
    struct Gathered {
        LegacyTagParts parts;
        std::vector<Fact> originals; // kept when there is no tag:N to join them to
    };
    std::map<std::pair<std::string, std::string>, Gathered> tags; // (subject, name)
    std::vector<Fact> out;
    out.reserve(facts.size());
    for (auto& f : facts) {
        auto legacy = legacy_tag_key(source, f.key, f.value);
        if (!legacy) {
            out.push_back(std::move(f));
            continue;
        }
        auto& g = tags[{f.subject, legacy->name}];
        switch (legacy->part) {
        case LegacyTagPart::commit: g.parts.commit = f.value; break;
        case LegacyTagPart::object: g.parts.object = f.value; break;
        case LegacyTagPart::tagger_date: g.parts.tagger_time = f.event_time ? f.event_time : parse_rfc3339(f.value); break;
        case LegacyTagPart::release: g.parts.release = true; break;
        case LegacyTagPart::annotated: break; // follows from :object
        }
        g.originals.push_back(std::move(f));
    }
    for (auto& [at, g] : tags) {
        if (auto tag = dense_tag(source, g.parts))
            out.push_back(Fact{at.first, std::string(tag_key_prefix) + at.second, tag->value, tag->event_time});
        else
            for (auto& f : g.originals) out.push_back(std::move(f));
    }
    std::sort(out.begin(), out.end(),
              [](const Fact& a, const Fact& b) { return std::tie(a.subject, a.key) < std::tie(b.subject, b.key); });
    return out;
}

} // namespace forensic
