// Tag objects already read, by object id. A tag object never changes (its id
// is the hash of its content), so what an earlier snapshot read of it still
// holds: the store keeps the headers (table tag_object) and a nightly snapshot
// inflates only the tags that are new. A recipe's 300 annotated tags are
// otherwise most of what reading it costs.
#pragma once

#include "libforensic/git/tag_object.hpp"
#include "libforensic/git/tag_object_record.hpp"

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace forensic::git {

class TagMemo {
public:
    TagMemo() = default;
    explicit TagMemo(const std::vector<TagObjectRecord>& known);

    // The header of a known tag object, else nullptr. The known set does not
    // change once built, so lookups need no lock.
    const TagObject* find(const git_oid& id) const;
    // Records a tag object read from a repository; safe from many threads.
    void remember(const git_oid& id, const TagObject& tag);
    // What was read that was not known: for the store to keep.
    std::vector<TagObjectRecord> learned() const;

private:
    std::unordered_map<git_oid, TagObject, OidHash, OidEqual> known_;
    mutable std::mutex mutex_;
    // One entry per object: checkouts that share history share tag objects.
    std::unordered_map<git_oid, TagObject, OidHash, OidEqual> learned_;
};

} // namespace forensic::git
