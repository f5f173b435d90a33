// `swarm-events`: the Docker service events the daemon still buffers since
// the previous capture of this host (options.events_since), read with every
// snapshot that reads swarm: a service that lived only minutes (a CI run's
// stack, torn down after the run) leaves its create, update states and remove
// here even when no snapshot saw it. Additive: the buffer forgets, so what it
// no longer holds is never closed. Facts: collect/swarm_event_facts.hpp.
#include "libforensic/collect/docker_events.hpp"
#include "libforensic/collect/file_facts.hpp"
#include "libforensic/collect/sources.hpp"
#include "libforensic/util/error.hpp"

namespace forensic::collect {
namespace {

class SwarmEvents final : public Collector {
public:
    std::string_view name() const override { return swarm_events::source; }
    std::string_view summary() const override
    {
        return "Docker service events the daemon still buffers since the previous capture (or "
               "--docker-events), and where that buffer does not reach back";
    }
    Coverage coverage() const override { return Coverage::additive; }
    std::string_view companion_of() const override { return "swarm"; }

    std::vector<Fact> collect(const CollectOptions& options) const override
    {
        std::vector<std::string> errors;
        std::vector<DockerEvent> events;
        auto until = now();
        if (!options.docker_events.empty()) {
            events = read_events_file(options.docker_events, errors);
        } else if (!options.docker_json.empty()) {
            throw CollectorSkipped("--docker-json is a saved dump, not a daemon to ask for its events "
                                   "(give --docker-events FILE for saved events)");
        } else {
            events = buffered_events(live_docker_client(options), until, errors);
        }
        auto facts = backfill_facts(events, options.events_since, until);
        add_error_fact(facts, std::string(swarm_events::gap_subject), errors);
        return facts;
    }
};

} // namespace

std::unique_ptr<Collector> make_swarm_events_collector()
{
    return std::make_unique<SwarmEvents>();
}

} // namespace forensic::collect
