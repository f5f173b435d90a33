#include "libforensic/git/tag_memo.hpp"

#include <cstring>

namespace forensic::git {
namespace {

git_oid oid_of(const TagObjectRecord::ObjectId& raw)
{
    git_oid id{};
    std::memcpy(id.id, raw.data(), GIT_OID_RAWSZ);
    return id;
}

TagObjectRecord::ObjectId raw_of(const git_oid& id)
{
    TagObjectRecord::ObjectId raw{};
    std::memcpy(raw.data(), id.id, GIT_OID_RAWSZ);
    return raw;
}

} // namespace

TagMemo::TagMemo(const std::vector<TagObjectRecord>& known)
{
    known_.reserve(known.size());
    for (const auto& r : known) {
        TagObject tag;
        tag.target = oid_of(r.target);
        tag.target_type = static_cast<git_object_t>(r.target_type);
        tag.name = r.name;
        tag.tagger_time = r.tagger_time;
        known_.emplace(oid_of(r.id), std::move(tag));
    }
}

const TagObject* TagMemo::find(const git_oid& id) const
{
    auto found = known_.find(id);
    return found == known_.end() ? nullptr : &found->second;
}

void TagMemo::remember(const git_oid& id, const TagObject& tag)
{
    std::lock_guard lock(mutex_);
    learned_.try_emplace(id, tag);
}

std::vector<TagObjectRecord> TagMemo::learned() const
{
    std::lock_guard lock(mutex_);
    std::vector<TagObjectRecord> out;
    out.reserve(learned_.size());
    for (const auto& [id, tag] : learned_)
        out.push_back(TagObjectRecord{raw_of(id), raw_of(tag.target), static_cast<int>(tag.target_type), tag.name,
                                      tag.tagger_time});
    return out;
}

} // namespace forensic::git
