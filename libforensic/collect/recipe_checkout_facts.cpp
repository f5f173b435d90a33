#include "libforensic/collect/recipe_checkout_facts.hpp"

#include "libforensic/collect/file_facts.hpp"
#include "libforensic/collect/subject_facts.hpp"
#include "libforensic/git/head_reflog.hpp"
#include "libforensic/git/ref_files.hpp"
#include "libforensic/git/ref_scan.hpp"
#include "libforensic/git/release_tag.hpp"
#include "libforensic/git/repository_describe.hpp"
#include "libforensic/git/worktree_state.hpp"
#include "libforensic/model/tag_fact.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/url_credentials.hpp"

#include <map>
#include <optional>

namespace forensic::collect {
namespace {

std::string without_trailing_newlines(std::string text)
{
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

void add_tags(const git::RefScan& refs, SubjectFacts& out)
{
    for (const auto& tag : refs.tags) {
        TagFact fact{git::to_hex(tag.peeled), std::nullopt, std::nullopt, git::is_release_tag(tag.name)};
        if (tag.annotated) {
            fact.object = git::to_hex(tag.target);
            fact.tagger_time = tag.tagger_time;
        }
        out.add(std::string(tag_key_prefix) + tag.name, checkout_tag_value(fact), fact.tagger_time);
    }
    for (const auto& branch : refs.branches) out.add("branch:" + branch.name, git::to_hex(branch.commit));
    for (const auto& remote : refs.remotes) out.add("remote:" + remote.name, git::to_hex(remote.commit));
    for (const auto& e : refs.errors) out.error(e);
}

// reflog:<time>#<k>, k counting the entries within the same second.
void add_reflog(const std::vector<git::ReflogEntry>& reflog, SubjectFacts& out)
{
    std::map<TimeNs, int> in_second;
    for (const auto& entry : reflog) {
        auto k = in_second[entry.time]++;
        // Messages may quote URLs ("clone: from <url>") written by any tool.
        out.add("reflog:" + format_rfc3339(entry.time) + "#" + std::to_string(k),
                git::to_hex(entry.old_id) + " " + git::to_hex(entry.new_id) + " " +
                    strip_url_credentials(entry.message),
                entry.time);
    }
}

// FETCH_HEAD / ORIG_HEAD: their contents and when they were written.
void add_marker_file(const HostRoot& root, const std::string& git_dir, const std::string& file,
                     const std::string& key, SubjectFacts& out)
{
    auto host = git_dir + "/" + file;
    auto opened = open_host_file_if_present(root, host, size_caps::fetch_head);
    if (!opened) return;
    // FETCH_HEAD names the URLs fetched from, credentials and all.
    out.add(key, strip_url_credentials(without_trailing_newlines(opened->read_all())));
    out.add(key + ".mtime", format_rfc3339(opened->mtime()), opened->mtime());
}

void add_worktree(git_repository* repo, const std::optional<git_oid>& head, SubjectFacts& out)
{
    auto state = git::read_worktree_state(repo, head);
    out.add("worktree.modified", state.modified ? "true" : "false");
    out.add("worktree.untracked", state.untracked.empty() ? "false" : "true");
    if (state.untracked.empty()) return;
    std::string paths;
    for (const auto& p : state.untracked) paths += (paths.empty() ? "" : "\n") + p;
    out.add("worktree.untracked_paths", paths);
}

} // namespace

std::vector<Fact> recipe_checkout_facts(const HostRoot& root, const RecipeDir& recipe, git::TagMemo* tag_memo)
{
    SubjectFacts out(recipe.name, recipe.host_path);
    if (!recipe.error.empty()) {
        out.error(recipe.error);
        return out.finish(root);
    }
    git::Repository repo;
    out.part([&] { repo = open_host_checkout(root, recipe.host_path, recipe.real_path); });
    if (!repo) return out.finish(root);

    auto git_dir = recipe.host_path + "/.git";
    std::vector<git::ReflogEntry> reflog;
    out.part([&] { reflog = git::read_head_reflog(root, git_dir); });
    std::optional<git_oid> head;
    out.part([&] {
        auto refs = git::scan_refs(repo.get(), git::read_ref_files(root, git_dir), tag_memo);
        // Room for every fact at once: 200 recipes' arrays grown by doubling
        // held a third of a snapshot's peak memory in spare capacity.
        constexpr std::size_t facts_per_tag = 1, other_facts = 12;
        out.reserve(refs.tags.size() * facts_per_tag + refs.branches.size() + refs.remotes.size() + reflog.size() +
                    other_facts);
        out.add("head.ref", refs.head.ref);
        if (refs.head.commit) out.add("head.commit", git::to_hex(*refs.head.commit));
        head = refs.head.commit;
        add_tags(refs, out);
        if (!head) return;
        auto names = git::describe_names(refs.tags);
        if (auto described = git::describe_long(repo.get(), *head, names)) out.add("describe", *described);
    });
    add_reflog(reflog, out);
    out.part([&] { add_marker_file(root, git_dir, "FETCH_HEAD", "fetch_head", out); });
    out.part([&] { add_marker_file(root, git_dir, "ORIG_HEAD", "orig_head", out); });
    out.part([&] { add_worktree(repo.get(), head, out); });
    return out.finish(root);
}

} // namespace forensic::collect
