#include "libforensic/model/legacy_tag.hpp"

#include "libforensic/model/tag_fact.hpp"

#include <algorithm>
#include <unordered_map>

namespace forensic {
namespace {

constexpr std::string_view release_prefix = "release:";
constexpr std::size_t npos = static_cast<std::size_t>(-1);

} // namespace

std::optional<LegacyTagKey> legacy_tag_key(std::string_view source, std::string_view key, std::string_view value)
{
    bool checkout = source == "recipes";
    if (!checkout && source != "mirrors") return std::nullopt;
    if (checkout && key.starts_with(release_prefix) && key.size() > release_prefix.size())
        return LegacyTagKey{key.substr(release_prefix.size()), LegacyTagPart::release};
    if (!key.starts_with(tag_key_prefix)) return std::nullopt;
    auto rest = key.substr(tag_key_prefix.size());
    auto colon = rest.find(':');
    if (colon == std::string_view::npos)
        return is_object_id(value) ? std::optional(LegacyTagKey{rest, LegacyTagPart::commit}) : std::nullopt;
    auto name = rest.substr(0, colon);
    auto suffix = rest.substr(colon + 1);
    if (suffix == "object") return LegacyTagKey{name, LegacyTagPart::object};
    if (checkout && suffix == "annotated") return LegacyTagKey{name, LegacyTagPart::annotated};
    if (checkout && suffix == "tagger_date") return LegacyTagKey{name, LegacyTagPart::tagger_date};
    return std::nullopt;
}

void add_legacy_part(LegacyTagParts& parts, LegacyTagPart part, std::string_view value,
                     std::optional<TimeNs> event_time)
{
    switch (part) {
    case LegacyTagPart::commit: parts.commit = std::string(value); break;
    case LegacyTagPart::object: parts.object = std::string(value); break;
    case LegacyTagPart::tagger_date: parts.tagger_time = event_time ? event_time : parse_rfc3339(value); break;
    case LegacyTagPart::release: parts.release = true; break;
    case LegacyTagPart::annotated: break; // follows from :object
    }
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
    // In place, a subject at a time (a whole host's bundle is half a million
    // facts): each tag's parts found by position, the joined fact written
    // where tag:N was, the other parts dropped. Keys stay sorted.
    struct Slots {
        std::size_t commit = npos;
        std::vector<std::pair<std::size_t, LegacyTagPart>> others;
    };
    std::vector<bool> dropped(facts.size(), false);
    for (std::size_t begin = 0; begin < facts.size();) {
        auto end = begin;
        while (end < facts.size() && facts[end].subject == facts[begin].subject) ++end;
        std::unordered_map<std::string_view, Slots> tags;
        for (auto i = begin; i < end; ++i) {
            auto legacy = legacy_tag_key(source, facts[i].key, facts[i].value);
            if (!legacy) continue;
            auto& slots = tags[legacy->name];
            if (legacy->part == LegacyTagPart::commit)
                slots.commit = i;
            else
                slots.others.emplace_back(i, legacy->part);
        }
        for (auto& [name, slots] : tags) {
            if (slots.commit == npos) continue; // parts without their tag: kept as they are
            LegacyTagParts parts;
            parts.commit = facts[slots.commit].value;
            for (auto [i, part] : slots.others) {
                add_legacy_part(parts, part, facts[i].value, facts[i].event_time);
                dropped[i] = true;
            }
            auto tag = dense_tag(source, parts);
            facts[slots.commit].value = std::move(tag->value);
            facts[slots.commit].event_time = tag->event_time;
        }
        begin = end;
    }
    std::size_t kept = 0;
    for (std::size_t i = 0; i < facts.size(); ++i)
        if (!dropped[i]) {
            if (kept != i) facts[kept] = std::move(facts[i]);
            ++kept;
        }
    facts.resize(kept);
    return facts;
}

} // namespace forensic
