// `swarm`: every Docker Swarm service, read through the real `docker` client
// (or a saved `docker service inspect` array, --docker-json), with the abra
// stamp labels of its Spec and PreviousSpec decoded, and mapped to the abra
// app it was deployed as. An automatic rollback shows as Spec carrying the old
// labels again, no PreviousSpec, and UpdateStatus rollback_completed.
//
// subject <service name>: id, version_index, created_at, updated_at, stack,
//   app, recipe, server, spec.label:<l>, spec.image, stamp.*,
//   previous_spec.present, previous_spec.label:<l>, previous_spec.image,
//   previous_stamp.*, update_status.*, update_config.*, rollback_config.*.
// subject app/<name>, server/<name>: see abra_apps.hpp.
#include "libforensic/collect/abra_apps.hpp"
#include "libforensic/collect/docker_services.hpp"
#include "libforensic/collect/service_json.hpp"
#include "libforensic/collect/swarm_facts.hpp"
#include "libforensic/collect/sources.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/json_text.hpp"

namespace forensic::collect {
namespace {

using json = nlohmann::json;

class SwarmServices final : public Collector {
public:
    std::string_view name() const override { return "swarm"; }
    std::string_view summary() const override
    {
        return "Docker Swarm services via the docker client (or --docker-json): Spec and PreviousSpec labels, "
               "abra stamps, UpdateStatus, update/rollback policy; abra app env files";
    }

    std::vector<Fact> collect(const CollectOptions& options) const override
    {
        std::string origin;
        auto services = read_services(options, origin);
        auto envs = read_app_envs(options.root, options.abra_dir);
        auto facts = service_facts(services, envs.apps, origin);
        auto app_level = app_facts(envs);
        facts.insert(facts.end(), app_level.begin(), app_level.end());
        return facts;
    }

private:
    static json read_services(const CollectOptions& options, std::string& origin)
    {
        if (!options.docker_json.empty()) {
            // Evidence from another day or host: used as given, not under --root.
            origin = options.docker_json;
            auto text = read_text_file(options.docker_json, origin);
            return parse_service_array(text, origin);
        }
        auto docker = live_docker_client(options);
        origin = "'" + docker.program + " service inspect'";
        return inspect_all_services(docker);
    }
};

} // namespace

std::unique_ptr<Collector> make_swarm_collector()
{
    return std::make_unique<SwarmServices>();
}

} // namespace forensic::collect
