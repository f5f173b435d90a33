// `catalogue`: abra's recipe catalogue, <abra-dir>/catalogue/recipes.json,
// an object of recipes, each with `repository`, `default_branch` and
// `versions`: a list of {"<version>": {"<service>": {image, tag, digest}}}.
//
// subject catalogue: path (of recipes.json), head.commit and head.time (its
// event time) when the catalogue is a git checkout.
// subject <recipe>: repository, default_branch,
//   version:<v>:<service> = <image>:<tag>@<digest>.
#include "libforensic/collect/file_facts.hpp"
#include "libforensic/collect/recipe_dirs.hpp"
#include "libforensic/collect/sources.hpp"
#include "libforensic/collect/subject_facts.hpp"
#include "libforensic/git/head.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/json_text.hpp"

#include <nlohmann/json.hpp>

namespace forensic::collect {
namespace {

using nlohmann::json;

// A malformed catalogue fails the collector, naming the file and position
// (never quoting the text: parse_json_text does not).
json parse_catalogue(const std::string& text, const std::string& host_path)
{
    try {
        return parse_json_text(text, host_path);
    } catch (const InputError& e) {
        throw CollectorError(e.what());
    }
}

std::string text_of(const json& value, const std::string& where)
{
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return {};
    throw InputError(where + " is not a string");
}

// <image>:<tag>@<digest>, leaving out the parts the catalogue does not have.
std::string image_ref(const json& service, const std::string& where)
{
    if (!service.is_object()) throw InputError(where + " is not an object");
    auto field = [&](const char* name) {
        return service.contains(name) ? text_of(service[name], where + "." + name) : std::string();
    };
    auto image = field("image"), tag = field("tag"), digest = field("digest");
    return image + (tag.empty() ? "" : ":" + tag) + (digest.empty() ? "" : "@" + digest);
}

void add_version(const std::string& version, const json& services, const std::string& where, SubjectFacts& out)
{
    if (!services.is_object()) throw InputError(where + " is not an object of services");
    for (const auto& [service, meta] : services.items())
        out.add("version:" + version + ":" + service, image_ref(meta, where + "." + service));
}

void add_versions(const json& versions, const std::string& where, SubjectFacts& out)
{
    // A list of one-entry objects in the abra source seen; an object works too.
    auto each = [&](const json& entry, const std::string& at) {
        if (!entry.is_object()) throw InputError(at + " is not an object");
        for (const auto& [version, services] : entry.items()) add_version(version, services, at + "." + version, out);
    };
    if (versions.is_array()) {
        for (std::size_t i = 0; i < versions.size(); ++i) each(versions[i], where + "[" + std::to_string(i) + "]");
    } else {
        each(versions, where);
    }
}

std::vector<Fact> recipe_facts(const HostRoot& root, const std::string& name, const json& recipe,
                               const std::string& file)
{
    SubjectFacts out(name, {});
    out.part([&] {
        auto where = file + ": recipe '" + name + "'";
        if (!recipe.is_object()) throw InputError(where + " is not an object");
        for (const char* key : {"repository", "default_branch"})
            if (recipe.contains(key)) out.add(key, text_of(recipe[key], where + "." + key));
        if (recipe.contains("versions")) add_versions(recipe["versions"], where + ".versions", out);
    });
    return out.finish(root);
}

std::vector<Fact> catalogue_repository_facts(const HostRoot& root, const std::string& dir, const std::string& file)
{
    SubjectFacts out("catalogue", dir);
    out.add("path", file);
    auto real = root.real(dir);
    auto dotgit = stat_path(real / ".git");
    if (dotgit) {
        out.part([&] {
            auto repo = open_host_checkout(dir, real);
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
        auto doc = parse_catalogue(read_file(root.real(file.host_path), file.host_path), file.host_path);
        if (!doc.is_object() && !doc.is_array())
            throw CollectorError(file.host_path + ": expected an object of recipes, found " + doc.type_name());

        auto dir = root.resolve(host_join(root.expand_home(options.abra_dir), "catalogue")).host_path;
        auto facts = catalogue_repository_facts(root, dir, file.host_path);
        auto add = [&](const std::string& name, const json& recipe) {
            auto more = recipe_facts(root, name, recipe, file.host_path);
            facts.insert(facts.end(), more.begin(), more.end());
        };
        if (doc.is_object()) {
            for (const auto& [name, recipe] : doc.items()) add(name, recipe);
        } else {
            // An array of recipes, each naming itself.
            for (const auto& recipe : doc)
                if (recipe.is_object() && recipe.contains("name") && recipe["name"].is_string())
                    add(recipe["name"].get<std::string>(), recipe);
        }
        return facts;
    }
};

} // namespace

std::unique_ptr<Collector> make_catalogue_collector()
{
    return std::make_unique<AbraCatalogue>();
}

} // namespace forensic::collect
