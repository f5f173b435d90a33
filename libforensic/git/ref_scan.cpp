#include "libforensic/git/ref_scan.hpp"

#include "libforensic/git/peel.hpp"
#include "libforensic/git/ref_files.hpp"
#include "libforensic/git/tag_object.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>

namespace forensic::git {
namespace {

constexpr std::string_view tags_prefix = "refs/tags/";
constexpr std::string_view heads_prefix = "refs/heads/";
constexpr std::string_view remotes_prefix = "refs/remotes/";

// Reads the tag object at `tag.target` once, then whatever it tags.
void read_annotated(git_odb* odb, TagRef& tag, const std::string& full_name, TagMemo* memo)
{
    auto object = read_tag_object(odb, tag.target, full_name, memo);
    tag.annotated = true;
    tag.tagged = object.target;
    tag.embedded_name = std::move(object.name);
    if (object.tagger_time) tag.tagger_time = *object.tagger_time * ns_per_second;
    auto peeled = peel_tags(odb, object.target, object.target_type, full_name, memo);
    tag.peeled = peeled.id;
    tag.peeled_type = peeled.type;
}

TagRef read_tag(git_odb* odb, const std::string& full_name, const git_oid& target, bool known_tag_object,
             TagMemo* memo)
{
    TagRef tag;
    tag.name = full_name.substr(tags_prefix.size());
    tag.target = target;
    // packed-refs records the peeled id of annotated tags: no need to ask the
    // object database for the type first.
    auto type = known_tag_object ? GIT_OBJECT_TAG : object_type(odb, tag.target, full_name);
    if (type == GIT_OBJECT_TAG) {
        read_annotated(odb, tag, full_name, memo);
    } else {
        tag.peeled = tag.target;
        tag.peeled_type = type;
    }
    return tag;
}

HeadState head_of(const RefFiles& files)
{
    HeadState head{files.head.target ? "detached" : files.head.symbolic, files.resolve(files.head)};
    return head;
}

} // namespace

RefScan scan_refs(git_repository* repo, RefFiles files, TagMemo* memo)
{
    git_odb* raw_odb = nullptr;
    check(git_repository_odb(&raw_odb, repo), "cannot open the object database");
    Odb odb(raw_odb);

    RefScan scan;
    scan.head = head_of(files);
    scan.errors = std::move(files.errors);
    for (const auto& [name, ref] : files.refs) {
        auto target = files.resolve(ref);
        try {
            if (name.starts_with(tags_prefix)) {
                if (!target) throw GitError("cannot resolve " + name + " (" + ref.symbolic + ")");
                scan.tags.push_back(read_tag(odb.get(), name, *target, ref.peeled.has_value(), memo));
            } else if (name.starts_with(heads_prefix)) {
                if (!target) throw GitError("cannot resolve " + name + " (" + ref.symbolic + ")");
                scan.branches.push_back({name.substr(heads_prefix.size()), *target});
            } else if (name.starts_with(remotes_prefix) && target) {
                // origin/HEAD may name a branch that is gone: not an error.
                scan.remotes.push_back({name.substr(remotes_prefix.size()), *target});
            }
        } catch (const GitError& e) {
            scan.errors.push_back(e.what());
        }
    }
    return scan; // in ref-name order already: git's order, which describe relies on
}

} // namespace forensic::git
