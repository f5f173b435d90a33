#include "libforensic/collect/catalogue_reader.hpp"

#include "libforensic/collect/subject_facts.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/json_text.hpp"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>

namespace forensic::collect {
namespace {

using Json = nlohmann::json;

// What a container holds, by where it sits in the file.
enum class Role {
    top,      // the file: recipes by name, or a list of them
    recipe,   // one recipe's fields
    versions, // the list of version entries
    entry,    // {"<version>": services}: an entry of the list, or `versions` itself as an object
    services, // {"<service>": {image, tag, digest}}
    service,  // one service's image parts
    skipped,  // anything else, read past
};

struct Frame {
    Role role;
    bool is_array = false;
    std::size_t index = 0; // of the element being read, in an array
    std::string key;       // of the member being read, in an object
};

struct RecipeParts {
    std::optional<std::string> name; // its own "name" field
    std::vector<std::pair<std::string, std::string>> facts;
    std::vector<std::string> errors; // each starting where in the recipe, e.g. ".versions[0]"
};

struct ServiceParts {
    std::string image, tag, digest;
    bool malformed = false;

    std::string ref() const // <image>:<tag>@<digest>, leaving out the parts it does not have
    {
        std::string out = image;
        if (!tag.empty()) out += ":" + tag;
        if (!digest.empty()) out += "@" + digest;
        return out;
    }
};

std::vector<Fact> facts_of(const HostRoot& root, const std::string& name, RecipeParts& parts,
                           const std::string& host_path)
{
    SubjectFacts out(name, {});
    out.reserve(parts.facts.size());
    for (auto& [key, value] : parts.facts) out.add(std::move(key), std::move(value));
    for (const auto& e : parts.errors) out.error(host_path + ": recipe '" + name + "'" + e);
    return out.finish(root);
}

enum class Scalar { null, boolean, number, string };

// Each recipe becomes facts as soon as it is read.
class CatalogueEvents final : public nlohmann::json_sax<Json> {
public:
    CatalogueEvents(const HostRoot& root, const std::string& host_path) : root_(root), host_path_(host_path) {}

    bool null() override { return scalar(Scalar::null, nullptr); }
    bool boolean(bool) override { return scalar(Scalar::boolean, nullptr); }
    bool number_integer(number_integer_t) override { return scalar(Scalar::number, nullptr); }
    bool number_unsigned(number_unsigned_t) override { return scalar(Scalar::number, nullptr); }
    bool number_float(number_float_t, const string_t&) override { return scalar(Scalar::number, nullptr); }
    bool string(string_t& value) override { return scalar(Scalar::string, &value); }
    bool binary(binary_t&) override { return scalar(Scalar::number, nullptr); } // not produced by a JSON text
    bool start_object(std::size_t) override { return open(false); }
    bool start_array(std::size_t) override { return open(true); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }
    bool key(string_t& value) override
    {
        stack_.back().key = std::move(value);
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

    // What the top of the file was, when not an object or an array.
    std::optional<std::string> top_scalar;
    std::map<std::string, std::vector<Fact>> named; // a repeated name keeps its last entry
    std::vector<Fact> listed;

private:
    Frame& current() { return stack_.back(); }

    // Where the value being read sits inside its recipe: ".versions[0].1.0.0+1".
    std::string where() const
    {
        // Appended piece by piece: no temporary per frame, and no `"." + key`,
        // whose inlined insert-at-front GCC 12 at -O3 misreads as an
        // overlapping memcpy (-Wrestrict, a known false positive).
        std::string out;
        for (std::size_t i = 1; i < stack_.size(); ++i) {
            if (stack_[i].is_array) {
                out += '[';
                out += std::to_string(stack_[i].index);
                out += ']';
            } else {
                out += '.';
                out += stack_[i].key;
            }
        }
        return out;
    }

    void error(const std::string& what) { recipe_.errors.push_back(where() + " " + what); }

    // A scalar or a list where `frame` holds objects: a recipe (in an object
    // of recipes; a list of them skips what is not one), a version entry,
    // its services, a service.
    void not_an_object(const Frame& frame)
    {
        switch (frame.role) {
        case Role::top:
            if (!frame.is_array) {
                RecipeParts whole{{}, {}, {" is not an object"}};
                named[frame.key] = facts_of(root_, frame.key, whole, host_path_);
            }
            break;
        case Role::versions:
        case Role::services: error("is not an object"); break;
        case Role::entry: error("is not an object of services"); break;
        default: break;
        }
    }

    bool scalar(Scalar kind, string_t* text)
    {
        if (stack_.empty()) {
            static const char* const names[] = {"null", "boolean", "number", "string"};
            top_scalar = names[static_cast<int>(kind)];
            return true;
        }
        auto& frame = current();
        switch (frame.role) {
        case Role::top:
        case Role::versions:
        case Role::entry:
        case Role::services: not_an_object(frame); break;
        case Role::recipe:
            if (frame.key == "repository" || frame.key == "default_branch") {
                if (kind == Scalar::string)
                    recipe_.facts.emplace_back(frame.key, std::move(*text));
                else if (kind == Scalar::null)
                    recipe_.facts.emplace_back(frame.key, "");
                else
                    error("is not a string");
            } else if (frame.key == "name") {
                if (kind == Scalar::string) recipe_.name = std::move(*text);
            } else if (frame.key == "versions") {
                error("is not an object");
            }
            break;
        case Role::service:
            if (auto* part = image_part(frame.key)) {
                if (kind == Scalar::string)
                    *part = std::move(*text);
                else if (kind == Scalar::null)
                    part->clear();
                else
                    service_error();
            }
            break;
        case Role::skipped: break;
        }
        next();
        return true;
    }

    bool open(bool is_array)
    {
        if (stack_.empty()) {
            stack_.push_back({Role::top, is_array, 0, {}});
            return true;
        }
        auto& frame = current();
        auto role = Role::skipped;
        switch (frame.role) {
        case Role::top:
            if (is_array) {
                not_an_object(frame);
            } else {
                role = Role::recipe;
                recipe_ = {};
            }
            break;
        case Role::recipe:
            if (frame.key == "versions")
                role = is_array ? Role::versions : Role::entry;
            else if (frame.key == "repository" || frame.key == "default_branch")
                error("is not a string");
            break;
        case Role::versions:
            if (is_array) not_an_object(frame); else role = Role::entry;
            break;
        case Role::entry:
            if (is_array) not_an_object(frame); else role = Role::services;
            break;
        case Role::services:
            if (is_array) {
                not_an_object(frame);
            } else {
                role = Role::service;
                service_ = {};
            }
            break;
        case Role::service:
            if (image_part(frame.key)) service_error();
            break;
        case Role::skipped: break;
        }
        stack_.push_back({role, is_array, 0, {}});
        return true;
    }

    bool close()
    {
        auto role = current().role;
        stack_.pop_back();
        if (role == Role::recipe) {
            if (!current().is_array) {
                named[current().key] = facts_of(root_, current().key, recipe_, host_path_);
            } else if (recipe_.name) {
                auto facts = facts_of(root_, *recipe_.name, recipe_, host_path_);
                listed.insert(listed.end(), std::make_move_iterator(facts.begin()), std::make_move_iterator(facts.end()));
            }
        } else if (role == Role::service && !service_.malformed) {
            // services' key is the service, the entry's the version
            const auto& version = stack_[stack_.size() - 2].key;
            recipe_.facts.emplace_back("version:" + version + ":" + current().key, service_.ref());
        }
        if (!stack_.empty()) next();
        return true;
    }

    void next()
    {
        if (current().is_array) ++current().index;
    }

    std::string* image_part(const std::string& field)
    {
        if (field == "image") return &service_.image;
        if (field == "tag") return &service_.tag;
        if (field == "digest") return &service_.digest;
        return nullptr;
    }

    void service_error()
    {
        error("is not a string");
        service_.malformed = true;
    }

    const HostRoot& root_;
    const std::string& host_path_;
    std::vector<Frame> stack_;
    RecipeParts recipe_;   // the recipe being read
    ServiceParts service_; // the service being read
};

} // namespace

std::vector<Fact> read_catalogue_recipes(const HostRoot& root, std::string_view text, const std::string& host_path)
{
    CatalogueEvents events(root, host_path);
    try {
        parse_json_events_indexed(text, host_path, events);
    } catch (const InputError& e) {
        throw CollectorError(e.what());
    }
    if (events.top_scalar)
        throw CollectorError(host_path + ": expected an object of recipes, found " + *events.top_scalar);

    std::vector<Fact> facts;
    for (auto& [name, more] : events.named) {
        facts.insert(facts.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
        std::vector<Fact>().swap(more); // freed as it goes, not all at the end
    }
    facts.insert(facts.end(), std::make_move_iterator(events.listed.begin()), std::make_move_iterator(events.listed.end()));
    return facts;
}

} // namespace forensic::collect
