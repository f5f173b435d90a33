#include "libforensic/collect/swarm_facts.hpp"

#include "libforensic/collect/abra_stamp.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/json_text.hpp"
#include "libforensic/util/secrets.hpp"

#include <map>
#include <set>

namespace forensic::collect {
namespace {

using json = nlohmann::json;

constexpr const char* stack_label = "com.docker.stack.namespace";

const json* member(const json& object, std::string_view name)
{
    if (!object.is_object()) return nullptr;
    auto it = object.find(name);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

// The fact for a Docker time, printed as Docker printed it; its event time
// when it parses.
Fact time_fact(const std::string& subject, std::string key, const json& value)
{
    auto text = json_value_text(value);
    auto at = parse_rfc3339(text);
    return {subject, std::move(key), std::move(text), at};
}

// The stack whose `coop-cloud.<stack>.*` labels abra wrote: the service's
// stack when it has such labels, else the one stack any of them names.
std::optional<std::string> abra_label_stack(const json& labels, const std::optional<std::string>& stack)
{
    constexpr std::string_view prefix = "coop-cloud.";
    std::set<std::string> named;
    for (const auto& [key, value] : labels.items()) {
        if (!key.starts_with(prefix)) continue;
        auto dot = key.find('.', prefix.size());
        if (dot != std::string::npos) named.insert(key.substr(prefix.size(), dot - prefix.size()));
    }
    if (stack && named.contains(*stack)) return stack;
    if (named.size() == 1) return *named.begin();
    return std::nullopt;
}

void stamp_facts(const json& labels, const std::optional<std::string>& stack, const std::string& subject,
                 const std::string& prefix, std::vector<Fact>& facts)
{
    auto abra_stack = abra_label_stack(labels, stack);
    if (!abra_stack) return;
    auto label = [&](std::string_view name) { return member(labels, "coop-cloud." + *abra_stack + "." + std::string(name)); };
    if (const auto* chaos_version = label("chaos-version")) {
        auto text = json_value_text(*chaos_version);
        facts.push_back({subject, prefix + ".chaos_version", text, {}});
        if (auto stamp = decode_chaos_stamp(text)) {
            facts.push_back({subject, prefix + ".commit", stamp->commit, {}});
            if (stamp->dirty) facts.push_back({subject, prefix + ".dirty", *stamp->dirty ? "true" : "false", {}});
        }
    }
    if (const auto* version = label("version")) facts.push_back({subject, prefix + ".version", json_value_text(*version), {}});
    if (const auto* chaos = label("chaos")) facts.push_back({subject, prefix + ".chaos", json_value_text(*chaos), {}});
}

// Labels, image and decoded stamp of a Spec or PreviousSpec.
void spec_facts(const json& spec, const std::optional<std::string>& stack, const std::string& subject,
                const std::string& prefix, const std::string& stamp_prefix, std::vector<Fact>& facts)
{
    static const json no_labels = json::object();
    const auto* labels = member(spec, "Labels");
    if (!labels || !labels->is_object()) labels = &no_labels;
    // A label whose name says secret is recorded as there, its value never.
    for (const auto& [key, value] : labels->items())
        facts.push_back({subject, prefix + ".label:" + key,
                         is_secret_name(key) ? withheld("secret-named label") : json_value_text(value), {}});
    if (const auto* task = member(spec, "TaskTemplate"))
        if (const auto* container = member(*task, "ContainerSpec"))
            if (const auto* image = member(*container, "Image"))
                facts.push_back({subject, prefix + ".image", json_value_text(*image), {}});
    stamp_facts(*labels, stack, subject, stamp_prefix, facts);
}

void update_config_facts(const json& config, const std::string& subject, const std::string& prefix,
                         std::vector<Fact>& facts)
{
    auto add = [&](const char* field, const char* key, bool duration) {
        const auto* value = member(config, field);
        if (!value) return;
        auto text = duration && value->is_number_integer() ? format_go_duration(value->get<std::int64_t>())
                                                           : json_value_text(*value);
        facts.push_back({subject, prefix + "." + key, text, {}});
    };
    add("FailureAction", "failure_action", false);
    add("Order", "order", false);
    add("Monitor", "monitor", true);
    add("Delay", "delay", true);
    add("Parallelism", "parallelism", false);
    add("MaxFailureRatio", "max_failure_ratio", false);
    // Docker omits a zero Delay (Go's omitempty): absent means none.
    if (!member(config, "Delay")) facts.push_back({subject, prefix + ".delay", "0s", {}});
}

// app, recipe, server of the abra app(s) deployed as this stack; several
// servers may hold an app of the same name: all are named.
void app_mapping_facts(const std::string& stack,
                              const std::map<std::string, std::vector<const AppEnv*>>& by_stack,
                              const std::string& subject, std::vector<Fact>& facts)
{
    auto found = by_stack.find(stack);
    if (found == by_stack.end()) return;
    std::set<std::string> names, recipes, servers;
    for (const auto* app : found->second) {
        names.insert(app->name);
        servers.insert(app->server);
        if (app->recipe) recipes.insert(*app->recipe);
    }
    auto joined = [](const std::set<std::string>& values) {
        std::string out;
        for (const auto& v : values) out += (out.empty() ? "" : ",") + v;
        return out;
    };
    facts.push_back({subject, "app", joined(names), {}});
    if (!recipes.empty()) facts.push_back({subject, "recipe", joined(recipes), {}});
    facts.push_back({subject, "server", joined(servers), {}});
}

void one_service(const json& service, const std::map<std::string, std::vector<const AppEnv*>>& by_stack,
                          std::set<std::string>& seen, std::vector<Fact>& facts)
{
    const auto* id = member(service, "ID");
    const auto* spec = member(service, "Spec");
    const auto* name = spec ? member(*spec, "Name") : nullptr;
    if (!id || !name) throw InputError(std::string("a service without ") + (id ? "Spec.Name" : "ID"));
    auto subject = json_value_text(*name);
    if (!seen.insert(subject).second) throw InputError("service " + subject + " is listed twice");

    facts.push_back({subject, "id", json_value_text(*id), {}});
    if (const auto* version = member(service, "Version"))
        if (const auto* index = member(*version, "Index")) facts.push_back({subject, "version_index", json_value_text(*index), {}});
    if (const auto* created = member(service, "CreatedAt")) facts.push_back(time_fact(subject, "created_at", *created));
    if (const auto* updated = member(service, "UpdatedAt")) facts.push_back(time_fact(subject, "updated_at", *updated));

    std::optional<std::string> stack;
    if (const auto* labels = member(*spec, "Labels"))
        if (const auto* value = member(*labels, stack_label)) stack = json_value_text(*value);
    if (stack) {
        facts.push_back({subject, "stack", *stack, {}});
        app_mapping_facts(*stack, by_stack, subject, facts);
    }

    spec_facts(*spec, stack, subject, "spec", "stamp", facts);
    const auto* previous = member(service, "PreviousSpec");
    facts.push_back({subject, "previous_spec.present", previous ? "true" : "false", {}});
    if (previous) spec_facts(*previous, stack, subject, "previous_spec", "previous_stamp", facts);

    if (const auto* status = member(service, "UpdateStatus")) {
        if (const auto* state = member(*status, "State")) facts.push_back({subject, "update_status.state", json_value_text(*state), {}});
        if (const auto* message = member(*status, "Message"))
            facts.push_back({subject, "update_status.message", json_value_text(*message), {}});
        if (const auto* started = member(*status, "StartedAt"))
            facts.push_back(time_fact(subject, "update_status.started_at", *started));
        if (const auto* completed = member(*status, "CompletedAt"))
            facts.push_back(time_fact(subject, "update_status.completed_at", *completed));
    }
    if (const auto* config = member(*spec, "UpdateConfig")) update_config_facts(*config, subject, "update_config", facts);
    if (const auto* config = member(*spec, "RollbackConfig"))
        update_config_facts(*config, subject, "rollback_config", facts);
}

} // namespace

std::vector<Fact> service_facts(const json& services, const std::vector<AppEnv>& apps, const std::string& origin)
{
    std::map<std::string, std::vector<const AppEnv*>> by_stack;
    for (const auto& app : apps) by_stack[app.stack].push_back(&app);
    std::vector<Fact> facts;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < services.size(); ++i) {
        try {
            one_service(services[i], by_stack, seen, facts);
        } catch (InputError& e) {
            e.add_trace("while reading service " + std::to_string(i) + " of " + origin);
            throw;
        }
    }
    return facts;
}

} // namespace forensic::collect
