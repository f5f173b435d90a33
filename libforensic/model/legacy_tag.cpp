#include "libforensic/model/legacy_tag.hpp"

#include "libforensic/model/tag_fact.hpp"

#include <algorithm>
#include <unordered_map>

namespace forensic {
namespace {

constexpr std::string_view release_prefix = "release:";
constexpr std::size_t npos = static_cast<std::size_t>(-1);

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
    // In place, a subject at a time (a whole host's bundle is half a million
    // facts): each tag's parts found by position, the joined fact written
    // where tag:N was, the other parts dropped. Keys stay sorted.
    struct Slots {
        std::size_t commit = npos, object = npos, tagger_date = npos;
        std::vector<std::size_t> others; // annotated, release: dropped once joined
        bool release = false;
    };
    std::vector<bool> dropped(facts.size(), false);
    for (std::size_t begin = 0; begin < facts.size();) {
        auto end = begin;
        while (end < facts.size() && facts[end].subject == facts[begin].subject) ++end;
        std::unordered_map<std::string_view, Slots> tags;
        for (auto i = begin; i < end; ++i) {
            auto legacy = legacy_tag_key(source, facts[i].key, facts[i].value);
            if (!legacy) continue;
            // The name as a view into the fact's own key: "tag:N..." or "release:N".
            std::string_view key = facts[i].key;
            auto from = key.starts_with(release_prefix) ? release_prefix.size() : tag_key_prefix.size();
            auto& slots = tags[key.substr(from, legacy->name.size())];
            switch (legacy->part) {
            case LegacyTagPart::commit: slots.commit = i; break;
            case LegacyTagPart::object: slots.object = i; break;
            case LegacyTagPart::tagger_date: slots.tagger_date = i; break;
            case LegacyTagPart::release: slots.release = true; slots.others.push_back(i); break;
            case LegacyTagPart::annotated: slots.others.push_back(i); break; // follows from :object
            }
        }
        for (auto& [name, slots] : tags) {
            if (slots.commit == npos) continue; // parts without their tag: kept as they are
            LegacyTagParts parts;
            parts.commit = facts[slots.commit].value;
            if (slots.object != npos) parts.object = facts[slots.object].value;
            if (slots.tagger_date != npos) {
                const auto& t = facts[slots.tagger_date];
                parts.tagger_time = t.event_time ? t.event_time : parse_rfc3339(t.value);
            }
            parts.release = slots.release;
            auto tag = dense_tag(source, parts);
            facts[slots.commit].value = std::move(tag->value);
            facts[slots.commit].event_time = tag->event_time;
            for (auto i : {slots.object, slots.tagger_date})
                if (i != npos) dropped[i] = true;
            for (auto i : slots.others) dropped[i] = true;
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
