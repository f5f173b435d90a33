#include "libforensic/git/tag_memo.hpp"

namespace forensic::git {
namespace {

std::string raw_bytes(const git_oid& id)
{
    return std::string(reinterpret_cast<const char*>(id.id), GIT_OID_RAWSZ);
}

} // namespace

TagMemo::TagMemo(const std::vector<TagObjectRecord>& known)
{
    known_.reserve(known.size());
    for (const auto& r : known) {
        // A row that is not an object id pair (a damaged cache) is not used.
        if (r.id.size() != GIT_OID_RAWSZ || r.target.size() != GIT_OID_RAWSZ) continue;
        TagObject tag;
        git_oid_fromraw(&tag.target, reinterpret_cast<const unsigned char*>(r.target.data()));
        tag.target_type = static_cast<git_object_t>(r.target_type);
        tag.name = r.name;
        tag.tagger_time = r.tagger_time;
        known_.emplace(r.id, std::move(tag));
    }
}

const TagObject* TagMemo::find(const git_oid& id) const
{
    auto found = known_.find(raw_bytes(id));
    return found == known_.end() ? nullptr : &found->second;
}

void TagMemo::remember(const git_oid& id, const TagObject& tag)
{
    TagObjectRecord record{raw_bytes(id), raw_bytes(tag.target), static_cast<int>(tag.target_type), tag.name,
                           tag.tagger_time};
    std::lock_guard lock(mutex_);
    learned_.push_back(std::move(record));
}

std::vector<TagObjectRecord> TagMemo::learned() const
{
    std::lock_guard lock(mutex_);
    return learned_;
}

} // namespace forensic::git
