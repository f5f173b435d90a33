#include "libforensic/git/peel.hpp"

#include "libforensic/git/tag_object.hpp"
#include "libforensic/util/error.hpp"

namespace forensic::git {
namespace {

// Tags of tags are legal but rare; a corrupt chain must not loop.
constexpr int max_tag_chain = 16;

} // namespace

git_object_t object_type(git_odb* odb, const git_oid& id, const std::string& what)
{
    std::size_t size = 0;
    git_object_t type = GIT_OBJECT_INVALID;
    check(git_odb_read_header(&size, &type, odb, &id),
          "cannot read the object " + what + " points to (" + to_hex(id) + ")");
    return type;
}

Peeled peel_tags(git_odb* odb, const git_oid& id, git_object_t type, const std::string& what, TagMemo* memo)
{
    Peeled at{id, type};
    for (int depth = 0; at.type == GIT_OBJECT_TAG; ++depth) {
        if (depth == max_tag_chain) throw GitError(what + ": tag chain too long");
        auto tag = read_tag_object(odb, at.id, what, memo);
        at = {tag.target, tag.target_type};
    }
    return at;
}

} // namespace forensic::git
