// `catalogue`: abra's recipe catalogue, <abra-dir>/catalogue/recipes.json
// (read by catalogue_reader.hpp, which says its shape).
//
// subject catalogue: path (of recipes.json), head.commit and head.time (its
// event time) when the catalogue is a git checkout.
// subject <recipe>: repository, default_branch,
//   version:<v>:<service> = <image>:<tag>@<digest>.
#include "libforensic/collect/catalogue_reader.hpp"
#include "libforensic/collect/file_facts.hpp"
#include "libforensic/collect/recipe_dirs.hpp"
#include "libforensic/collect/sources.hpp"
#include "libforensic/collect/subject_facts.hpp"
#include "libforensic/git/head.hpp"
#include "libforensic/util/error.hpp"

namespace forensic::collect {
namespace {

std::vector<Fact> catalogue_repository_facts(const HostRoot& root, const std::string& dir, const std::string& file)
{
    SubjectFacts out("catalogue", dir);
    out.add("path", file);
    auto real = root.real(dir);
    auto dotgit = stat_path(real / ".git");
    if (dotgit) {
        out.part([&] {
            auto repo = open_host_checkout(root, dir, real);
            auto head = git::read_head(repo.get());
            if (!head.commit) return;
            git_commit* raw = nullptr;
            git::check(git_commit_lookup(&raw, repo.get(), &*head.commit), "cannot read the catalogue's HEAD commit");
            git::Commit commit(raw);
            auto time = static_cast<TimeNs>(git_commit_time(commit.get())) * ns_per_second;
            out.add("head.commit", git::to_hex(*head.commit));
            out.add("head.time", format_rfc3339(time), time);
        });
    }
    return out.finish(root);
}

class AbraCatalogue final : public Collector {
public:
    std::string_view name() const override { return "catalogue"; }
    std::string_view summary() const override
    {
        return "abra's recipe catalogue (recipes.json): image refs per recipe version, and its git HEAD";
    }

    std::vector<Fact> collect(const CollectOptions& options) const override
    {
        const auto& root = options.root;
        auto wanted = host_join(root.expand_home(options.abra_dir), "catalogue/recipes.json");
        auto file = root.resolve(wanted);
        if (!file.exists)
            throw CollectorError("catalogue " + wanted + " does not exist under " + root.root().string());
        auto recipes =
            read_catalogue_recipes(root, read_host_file(root, file.host_path, size_caps::catalogue), file.host_path);
        auto dir = root.resolve(host_join(root.expand_home(options.abra_dir), "catalogue")).host_path;
        auto facts = catalogue_repository_facts(root, dir, file.host_path);
        facts.insert(facts.end(), std::make_move_iterator(recipes.begin()), std::make_move_iterator(recipes.end()));
        return facts;
    }
};

} // namespace

std::unique_ptr<Collector> make_catalogue_collector()
{
    return std::make_unique<AbraCatalogue>();
}

} // namespace forensic::collect
