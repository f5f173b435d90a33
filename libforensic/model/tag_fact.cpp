#include "libforensic/model/tag_fact.hpp"

#include <vector>

namespace forensic {
namespace {

std::vector<std::string_view> fields(std::string_view value)
{
    std::vector<std::string_view> out;
    for (std::size_t start = 0;;) {
        auto end = value.find(' ', start);
        out.push_back(value.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return out;
        start = end + 1;
    }
}

std::string object_field(const TagFact& tag) { return tag.object ? *tag.object : "-"; }

} // namespace

std::string checkout_tag_value(const TagFact& tag)
{
    return tag.peeled + ' ' + object_field(tag) + ' ' + (tag.tagger_time ? format_rfc3339(*tag.tagger_time) : "-") +
           ' ' + (tag.release ? std::string(release_word) : "-");
}

std::string mirror_tag_value(const TagFact& tag) { return tag.peeled + ' ' + object_field(tag); }

std::optional<TagFact> parse_tag_value(std::string_view value)
{
    auto f = fields(value);
    if ((f.size() != 2 && f.size() != 4) || !is_object_id(f[0]) || (f[1] != "-" && !is_object_id(f[1]))) return std::nullopt;
    TagFact tag{std::string(f[0]), f[1] == "-" ? std::nullopt : std::optional<std::string>(f[1]), std::nullopt, false};
    if (f.size() == 4) {
        if (f[2] != "-") {
            tag.tagger_time = parse_rfc3339(f[2]);
            if (!tag.tagger_time) return std::nullopt;
        }
        if (f[3] != "-" && f[3] != release_word) return std::nullopt;
        tag.release = f[3] == release_word;
    }
    return tag;
}

bool is_object_id(std::string_view text)
{
    return (text.size() == 40 || text.size() == 64) && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string_view tag_commit(std::string_view value) { return value.substr(0, value.find(' ')); }

std::optional<std::string_view> tag_name_of_key(std::string_view key)
{
    if (!key.starts_with(tag_key_prefix) || key.size() == tag_key_prefix.size()) return std::nullopt;
    auto name = key.substr(tag_key_prefix.size());
    if (name.find(':') != std::string_view::npos) return std::nullopt;
    return name;
}

} // namespace forensic
