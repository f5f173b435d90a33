#include "libforensic/git/tag_object.hpp"

#include "libforensic/git/tag_memo.hpp"
#include "libforensic/util/error.hpp"

#include <charconv>

namespace forensic::git {
namespace {

using Odb_object = Handle<git_odb_object, git_odb_object_free>;

// The date in "Name <email> 1780293600 +0000": the number after the last '>'.
std::optional<std::int64_t> signature_time(std::string_view signature)
{
    auto close = signature.rfind('>');
    if (close == std::string_view::npos) return std::nullopt;
    auto rest = signature.substr(close + 1);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    std::int64_t seconds = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), seconds);
    if (ec != std::errc() || end == rest.data()) return std::nullopt;
    return seconds;
}

} // namespace

TagObject parse_tag_object(std::string_view data, const std::string& what)
{
    TagObject tag;
    bool has_object = false;
    // Header lines up to the first empty line; the message is not read.
    while (!data.empty()) {
        auto eol = data.find('\n');
        auto line = data.substr(0, eol);
        data = eol == std::string_view::npos ? std::string_view() : data.substr(eol + 1);
        if (line.empty()) break;
        auto space = line.find(' ');
        auto field = line.substr(0, space);
        auto value = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
        if (field == "object") {
            has_object = value.size() == GIT_OID_HEXSZ && git_oid_fromstrn(&tag.target, value.data(), value.size()) == 0;
        } else if (field == "type") {
            tag.target_type = git_object_string2type(std::string(value).c_str());
        } else if (field == "tag") {
            tag.name = value;
        } else if (field == "tagger") {
            tag.tagger_time = signature_time(value);
        }
    }
    if (!has_object) throw GitError(what + ": malformed tag object (no valid 'object' line)");
    if (tag.target_type == GIT_OBJECT_INVALID) throw GitError(what + ": malformed tag object (no valid 'type' line)");
    return tag;
}

TagObject read_tag_object(git_odb* odb, const git_oid& id, const std::string& what, TagMemo* memo)
{
    // A known id needs only a look in the pack index, not an inflate; a
    // missing object falls through to the read below and its error.
    if (const auto* known = memo ? memo->find(id) : nullptr; known && git_odb_exists(odb, &id)) return *known;
    git_odb_object* raw = nullptr;
    check(git_odb_read(&raw, odb, &id), "cannot read tag object " + to_hex(id) + " of " + what);
    Odb_object object(raw);
    if (git_odb_object_type(object.get()) != GIT_OBJECT_TAG)
        throw GitError(what + ": object " + to_hex(id) + " is not a tag");
    auto data = static_cast<const char*>(git_odb_object_data(object.get()));
    auto tag = parse_tag_object(std::string_view(data, git_odb_object_size(object.get())), what);
    if (memo) memo->remember(id, tag);
    return tag;
}

} // namespace forensic::git
