#include "libforensic/collect/service_json.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/json_text.hpp"

#include <vector>

namespace forensic::collect {
namespace {

using json = nlohmann::json;

// Paths below a service that are kept; "*" is any one key.
const std::vector<std::vector<std::string_view>>& kept_paths()
{
    static const auto paths = [] {
        std::vector<std::vector<std::string_view>> out = {
            {"ID"}, {"Version", "Index"}, {"CreatedAt"}, {"UpdatedAt"}, {"UpdateStatus", "*"}};
        for (std::string_view spec : {"Spec", "PreviousSpec"}) {
            out.push_back({spec, "Name"});
            out.push_back({spec, "Labels", "*"});
            out.push_back({spec, "TaskTemplate", "ContainerSpec", "Image"});
            out.push_back({spec, "UpdateConfig", "*"});
            out.push_back({spec, "RollbackConfig", "*"});
        }
        return out;
    }();
    return paths;
}

// A key is kept when its path leads to, or is, a kept path.
bool keep(const std::vector<std::string>& path)
{
    for (const auto& pattern : kept_paths()) {
        if (path.size() > pattern.size()) continue;
        bool match = true;
        for (std::size_t i = 0; i < path.size() && match; ++i) match = pattern[i] == "*" || pattern[i] == path[i];
        if (match) return true;
    }
    return false;
}

// Depth as nlohmann reports it: the array is 0, a service object 1, so a
// service's own keys are read at depth 2.
constexpr int service_key_depth = 2;

} // namespace

json parse_service_array(std::string_view text, const std::string& origin)
{
    std::vector<std::string> keys; // keys[d]: the key last read at depth d
    auto filter = [&keys](int depth, json::parse_event_t event, json& parsed) {
        if (event != json::parse_event_t::key) return true;
        if (depth < service_key_depth) return false; // not inside an array of objects: nothing to keep
        keys.resize(static_cast<std::size_t>(depth) + 1);
        keys[static_cast<std::size_t>(depth)] = parsed.get<std::string>();
        return keep({keys.begin() + service_key_depth, keys.end()});
    };
    auto services = parse_json_text(text, origin, filter);
    if (!services.is_array()) throw InputError(origin + ": expected a JSON array of services");
    for (std::size_t i = 0; i < services.size(); ++i)
        if (!services[i].is_object())
            throw InputError(origin + ": element " + std::to_string(i) + " is not a service object");
    return services;
}

} // namespace forensic::collect
