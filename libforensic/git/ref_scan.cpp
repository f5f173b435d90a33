#include "libforensic/git/ref_scan.hpp"

#include "libforensic/util/error.hpp"

#include <algorithm>

namespace forensic::git {
namespace {

constexpr std::string_view tags_prefix = "refs/tags/";
constexpr std::string_view heads_prefix = "refs/heads/";
constexpr std::string_view remotes_prefix = "refs/remotes/";

// Tags of tags of tags: git stops somewhere too; a cycle is impossible with
// content addressing, but a corrupt chain must not loop.
constexpr int max_tag_chain = 16;

// The object id a ref ends at, following symbolic refs; nullopt when a
// symbolic ref names a ref that does not exist.
std::optional<git_oid> target_of(git_reference* ref)
{
    if (git_reference_type(ref) == GIT_REFERENCE_DIRECT) return *git_reference_target(ref);
    git_reference* raw = nullptr;
    if (git_reference_resolve(&raw, ref) < 0) return std::nullopt;
    Reference resolved(raw);
    return *git_reference_target(resolved.get());
}

git_oid required_target(git_reference* ref, const std::string& name)
{
    auto target = target_of(ref);
    if (!target) throw GitError("cannot resolve " + name + ": " + last_error_message());
    return *target;
}

// Reads the tag object at `tag.target` and the chain behind it, once each.
void read_annotated(git_repository* repo, TagRef& tag)
{
    git_tag* raw = nullptr;
    check(git_tag_lookup(&raw, repo, &tag.target), "cannot read tag object of refs/tags/" + tag.name);
    Tag object(raw);
    tag.annotated = true;
    tag.tagged = *git_tag_target_id(object.get());
    if (const char* embedded = git_tag_name(object.get())) tag.embedded_name = embedded;
    if (const git_signature* tagger = git_tag_tagger(object.get()))
        tag.tagger_time = static_cast<TimeNs>(tagger->when.time) * ns_per_second;
    git_oid next = tag.tagged;
    git_object_t type = git_tag_target_type(object.get());
    for (int depth = 0; type == GIT_OBJECT_TAG; ++depth) {
        if (depth == max_tag_chain) throw GitError("refs/tags/" + tag.name + ": tag chain too long");
        check(git_tag_lookup(&raw, repo, &next), "cannot read nested tag of refs/tags/" + tag.name);
        Tag inner(raw);
        next = *git_tag_target_id(inner.get());
        type = git_tag_target_type(inner.get());
    }
    tag.peeled = next;
    tag.peeled_type = type;
}

TagRef read_tag(git_repository* repo, git_odb* odb, git_reference* ref, const std::string& full_name)
{
    TagRef tag;
    tag.name = full_name.substr(tags_prefix.size());
    tag.target = required_target(ref, full_name);
    // packed-refs records the peeled id of annotated tags: no need to ask the
    // object database for the type first.
    bool known_tag_object = git_reference_target_peel(ref) != nullptr;
    git_object_t type = GIT_OBJECT_TAG;
    if (!known_tag_object) {
        std::size_t size = 0;
        check(git_odb_read_header(&size, &type, odb, &tag.target), "cannot read the object " + full_name +
                                                                        " points to (" + to_hex(tag.target) + ")");
    }
    if (type == GIT_OBJECT_TAG) {
        read_annotated(repo, tag);
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
                scan.tags.push_back(read_tag(repo, odb.get(), ref.get(), name));
            } else if (name.starts_with(heads_prefix)) {
                scan.branches.push_back({name.substr(heads_prefix.size()), required_target(ref.get(), name)});
            } else if (name.starts_with(remotes_prefix)) {
                // origin/HEAD may name a branch that is gone: not an error.
                if (auto target = target_of(ref.get()))
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
