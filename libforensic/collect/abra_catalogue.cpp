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

#include <map>
#include <nlohmann/json.hpp>
#include <optional>

namespace forensic::collect {
namespace {

using nlohmann::json;

// A malformed catalogue fails the collector, naming the file and position
// (never quoting the text: parse_json_text does not).
json parse_catalogue(const std::string& text, const std::string& host_path, const json::parser_callback_t& callback)
{
    try {
        return parse_json_text(text, host_path, callback);
    } catch (const InputError& e) {
        throw CollectorError(e.what());
    }
}

// Where a value sits in the file, e.g. "<file>: recipe 'x'.versions[0].1.0.0+1",
// spelled out only for an error: the catalogue holds tens of thousands of values.
struct Where {
    const Where* parent = nullptr;
    std::string_view name;            // ".<name>", or the whole start when there is no parent
    std::optional<std::size_t> index; // "[<index>]" instead

    std::string text() const
    {
        if (!parent) return std::string(name);
        return parent->text() + (index ? "[" + std::to_string(*index) + "]" : "." + std::string(name));
    }
    Where operator/(std::string_view child) const { return {this, child, {}}; }
    Where operator[](std::size_t i) const { return {this, {}, i}; }
};

std::string text_of(const json& value, const Where& where)
{
    if (value.is_string()) return value.get<std::string>();
    if (value.is_null()) return {};
    throw InputError(where.text() + " is not a string");
}

// <image>:<tag>@<digest>, leaving out the parts the catalogue does not have.
std::string image_ref(const json& service, const Where& where)
{
    if (!service.is_object()) throw InputError(where.text() + " is not an object");
    std::string ref;
    for (const char* name : {"image", "tag", "digest"}) {
        auto field = service.find(name);
        if (field == service.end()) continue;
        auto part = text_of(*field, where / name);
        if (part.empty()) continue;
        if (name[0] == 't') ref += ':';
        if (name[0] == 'd') ref += '@';
        ref += part;
    }
    return ref;
}

void add_version(const std::string& version, const json& services, const Where& where, SubjectFacts& out)
{
    if (!services.is_object()) throw InputError(where.text() + " is not an object of services");
    for (const auto& [service, meta] : services.items())
        out.add("version:" + version + ":" + service, image_ref(meta, where / service));
}

void add_versions(const json& versions, const Where& where, SubjectFacts& out)
{
    // A list of one-entry objects in the abra source seen; an object works too.
    auto each = [&](const json& entry, const Where& at) {
        if (!entry.is_object()) throw InputError(at.text() + " is not an object");
        for (const auto& [version, services] : entry.items()) add_version(version, services, at / version, out);
    };
    if (versions.is_array()) {
        for (std::size_t i = 0; i < versions.size(); ++i) each(versions[i], where[i]);
    } else {
        each(versions, where);
    }
}

std::vector<Fact> recipe_facts(const HostRoot& root, const std::string& name, const json& recipe,
                               const std::string& file)
{
    SubjectFacts out(name, {});
    out.part([&] {
        auto start = file + ": recipe '" + name + "'";
        Where where{nullptr, start, {}};
        if (!recipe.is_object()) throw InputError(start + " is not an object");
        for (const char* key : {"repository", "default_branch"})
            if (recipe.contains(key)) out.add(key, text_of(recipe[key], where / key));
        if (recipe.contains("versions")) add_versions(recipe["versions"], where / "versions", out);
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
        // Each recipe becomes facts as soon as it is parsed and is then dropped
        // from the document: the catalogue lists every release of every recipe.
        std::map<std::string, std::vector<Fact>> named; // an object of recipes: a repeated name keeps its last entry
        std::vector<Fact> listed;                      // an array of recipes, each naming itself
        std::optional<std::string> name; // the key of the recipe being parsed, in an object of recipes
        auto recipe_parsed = [&](const json& recipe) {
            if (name) {
                named[*name] = recipe_facts(root, *name, recipe, file.host_path);
            } else if (recipe.is_object() && recipe.contains("name") && recipe["name"].is_string()) {
                auto more = recipe_facts(root, recipe["name"].get<std::string>(), recipe, file.host_path);
                listed.insert(listed.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
            }
        };
        auto doc = parse_catalogue(
            read_file(root.real(file.host_path), file.host_path), file.host_path,
            [&](int depth, json::parse_event_t event, json& parsed) {
                if (depth != 1) return true;
                if (event == json::parse_event_t::key) {
                    name = parsed.get<std::string>();
                    return true;
                }
                if (event == json::parse_event_t::object_start || event == json::parse_event_t::array_start) return true;
                recipe_parsed(parsed);
                return false;
            });
        if (!doc.is_object() && !doc.is_array())
            throw CollectorError(file.host_path + ": expected an object of recipes, found " + doc.type_name());

        auto dir = root.resolve(host_join(root.expand_home(options.abra_dir), "catalogue")).host_path;
        auto facts = catalogue_repository_facts(root, dir, file.host_path);
        for (auto& [recipe, more] : named)
            facts.insert(facts.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
        facts.insert(facts.end(), std::make_move_iterator(listed.begin()), std::make_move_iterator(listed.end()));
        return facts;
    }
};

} // namespace

std::unique_ptr<Collector> make_catalogue_collector()
{
    return std::make_unique<AbraCatalogue>();
}

} // namespace forensic::collect
