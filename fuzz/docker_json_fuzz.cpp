// `docker service inspect` output as the swarm collector reads it: any bytes
// give facts or an InputError; and whatever the input, the parsed services
// hold only the fields forensic keeps — ContainerSpec's Env, secrets and
// configs are dropped while parsing, never held.
#include "fuzz_input.hpp"

#include "libforensic/collect/service_json.hpp"
#include "libforensic/collect/swarm_facts.hpp"
#include "libforensic/util/error.hpp"

#include <map>
#include <set>
#include <string>

using namespace forensic;
using nlohmann::json;

namespace {

// The keys an object at each place may keep: the documented fields; any key
// in Labels, UpdateStatus and the configs, whose values then keep nothing.
void check_kept(const json& value, const std::string& place)
{
    static const std::map<std::string, std::set<std::string>> kept = {
        {"service", {"ID", "Version", "CreatedAt", "UpdatedAt", "UpdateStatus", "Spec", "PreviousSpec"}},
        {"Version", {"Index"}},
        {"Spec", {"Name", "Labels", "TaskTemplate", "UpdateConfig", "RollbackConfig"}},
        {"TaskTemplate", {"ContainerSpec"}},
        {"ContainerSpec", {"Image"}},
    };
    static const std::set<std::string> any_key = {"Labels", "UpdateStatus", "UpdateConfig", "RollbackConfig"};
    if (!value.is_object()) return;
    for (const auto& [key, child] : value.items()) {
        if (any_key.contains(place)) {
            check_kept(child, "leaf");
            continue;
        }
        auto found = kept.find(place);
        if (found == kept.end() || !found->second.contains(key))
            fuzz::broken("a parsed service keeps only the documented fields");
        check_kept(child, key == "PreviousSpec" ? "Spec" : key);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::vector<collect::AppEnv> apps = {
        {"app.example.org", "cc-ci", "/home/ci/.abra/servers/cc-ci/app.example.org.env", "app_example_org",
         "discourse", "0.9.0+3.5.0", "app.example.org", 0, {}}};
    try {
        auto services = collect::parse_service_array(fuzz::as_text(data, size), "inspect.json");
        for (const auto& service : services) check_kept(service, "service");
        (void)collect::service_facts(services, apps, "inspect.json");
    } catch (const InputError&) {
        // malformed JSON, not an array of objects, a service without ID or name
    }
    return 0;
}
