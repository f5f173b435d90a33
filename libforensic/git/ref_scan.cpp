#include "libforensic/git/ref_scan.hpp"

#include "libforensic/git/peel.hpp"
#include "libforensic/git/tag_object.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>

namespace forensic::git {
namespace {

constexpr std::string_view tags_prefix = "refs/tags/";
constexpr std::string_view heads_prefix = "refs/heads/";
constexpr std::string_view remotes_prefix = "refs/remotes/";

// Reads the tag object at `tag.target` once, then whatever it tags.
void read_annotated(git_odb* odb, TagRef& tag, const std::string& full_name)
{
    auto object = read_tag_object(odb, tag.target, full_name);
    tag.annotated = true;
    tag.tagged = object.target;
    tag.embedded_name = std::move(object.name);
    if (object.tagger_time) tag.tagger_time = *object.tagger_time * ns_per_second;
    auto peeled = peel_tags(odb, object.target, object.target_type, full_name);
    tag.peeled = peeled.id;
    tag.peeled_type = peeled.type;
}

TagRef read_tag(git_odb* odb, git_reference* ref, const std::string& full_name)
{
    TagRef tag;
    tag.name = full_name.substr(tags_prefix.size());
    tag.target = required_ref_target(ref, full_name);
    // packed-refs records the peeled id of annotated tags: no need to ask the
    // object database for the type first.
    bool known_tag_object = git_reference_target_peel(ref) != nullptr;
    auto type = known_tag_object ? GIT_OBJECT_TAG : object_type(odb, tag.target, full_name);
    if (type == GIT_OBJECT_TAG) {
        read_annotated(odb, tag, full_name);
    } else {
        tag.peeled = tag.target;
        tag.peeled_type = type;
    }
    return tag;
}

} // namespace

RefScan scan_refs(git_repository* repo)
{
    git_odb* raw_odb = nullptr;
    check(git_repository_odb(&raw_odb, repo), "cannot open the object database");
    Odb odb(raw_odb);

    git_reference_iterator* raw_iter = nullptr;
    check(git_reference_iterator_new(&raw_iter, repo), "cannot list refs");
    ReferenceIterator iter(raw_iter);

    RefScan scan;
    for (;;) {
        git_reference* raw_ref = nullptr;
        int rc = git_reference_next(&raw_ref, iter.get());
        if (rc == GIT_ITEROVER) break;
        check(rc, "cannot list refs");
        Reference ref(raw_ref);
        std::string name = git_reference_name(ref.get());
        try {
            if (name.starts_with(tags_prefix)) {
                scan.tags.push_back(read_tag(odb.get(), ref.get(), name));
            } else if (name.starts_with(heads_prefix)) {
                scan.branches.push_back({name.substr(heads_prefix.size()), required_ref_target(ref.get(), name)});
            } else if (name.starts_with(remotes_prefix)) {
                // origin/HEAD may name a branch that is gone: not an error.
                if (auto target = ref_target(ref.get()))
                    scan.remotes.push_back({name.substr(remotes_prefix.size()), *target});
            }
        } catch (const GitError& e) {
            scan.errors.push_back(e.what());
        }
    }
    auto by_name = [](const auto& a, const auto& b) { return a.name < b.name; };
    std::sort(scan.tags.begin(), scan.tags.end(), by_name);
    std::sort(scan.branches.begin(), scan.branches.end(), by_name);
    std::sort(scan.remotes.begin(), scan.remotes.end(), by_name);
    return scan;
}

} // namespace forensic::git
