#include "libforensic/collect/swarm_event_facts.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/json_text.hpp"

#include <algorithm>
#include <set>

namespace forensic::collect {
namespace {

using json = nlohmann::json;

std::string encode(std::string_view value)
{
    std::string out;
    for (char c : value) {
        if (c == ' ') out += "%20";
        else if (c == '%') out += "%25";
        else out += c;
    }
    return out;
}

std::string decode(std::string_view value)
{
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '%' && value.substr(i, 3) == "%20") {
            out += ' ';
            i += 2;
        } else if (value[i] == '%' && value.substr(i, 3) == "%25") {
            out += '%';
            i += 2;
        } else {
            out += value[i];
        }
    }
    return out;
}

const json* member(const json& object, const char* name)
{
    auto it = object.find(name);
    return it == object.end() || it->is_null() ? nullptr : &*it;
}

} // namespace

std::string DockerEvent::name() const
{
    const auto* value = attribute("name");
    return value ? *value : std::string();
}

const std::string* DockerEvent::attribute(std::string_view name) const
{
    for (const auto& [key, value] : attributes)
        if (key == name) return &value;
    return nullptr;
}

DockerEvent parse_docker_event(std::string_view line, const std::string& origin)
{
    auto doc = parse_json_text(line, origin);
    if (!doc.is_object()) throw InputError(origin + ": not an event object");
    DockerEvent event;
    const auto* type = member(doc, "Type");
    const auto* action = member(doc, "Action");
    const auto* nanos = member(doc, "timeNano");
    if (!type || !type->is_string() || !action || !action->is_string())
        throw InputError(origin + ": an event without Type or Action");
    event.type = type->get<std::string>();
    event.action = action->get<std::string>();
    if (nanos && nanos->is_number_integer()) {
        event.time = nanos->get<TimeNs>();
    } else if (const auto* seconds = member(doc, "time"); seconds && seconds->is_number_integer()) {
        event.time = seconds->get<TimeNs>() * ns_per_second; // before API 1.22: seconds only
    } else {
        throw InputError(origin + ": an event without a time");
    }
    if (const auto* actor = member(doc, "Actor"); actor && actor->is_object()) {
        if (const auto* id = member(*actor, "ID"); id && id->is_string()) event.actor_id = id->get<std::string>();
        if (const auto* attributes = member(*actor, "Attributes"); attributes && attributes->is_object())
            for (const auto& [key, value] : attributes->items()) event.attributes.emplace_back(key, json_value_text(value));
    }
    std::sort(event.attributes.begin(), event.attributes.end());
    return event;
}

Fact service_event_fact(const DockerEvent& event)
{
    auto subject = event.name().empty() ? "id/" + event.actor_id : event.name();
    std::string value = event.action + " id=" + encode(event.actor_id);
    for (const auto& [key, attribute] : event.attributes)
        if (key != "name") {
            // Piece by piece: `" " + string&&` trips GCC 12's -O3 -Wrestrict (PR 105329).
            value += ' ';
            value += encode(key);
            value += '=';
            value += encode(attribute);
        }
    return Fact{subject, std::string(swarm_events::event_prefix) + format_rfc3339_fixed(event.time), value, event.time};
}

void add_service_event_facts(const std::vector<DockerEvent>& events, std::vector<Fact>& facts)
{
    std::set<std::pair<std::string, std::string>> names;
    for (const auto& event : events) {
        if (event.type != "service") continue;
        auto fact = service_event_fact(event);
        auto key = fact.key;
        for (int k = 2; !names.emplace(fact.subject, fact.key).second; ++k) fact.key = key + "#" + std::to_string(k);
        facts.push_back(std::move(fact));
    }
}

std::optional<ServiceEvent> read_service_event(const std::string& subject, const std::string& key,
                                               const std::string& value, std::optional<TimeNs> event_time)
{
    if (!key.starts_with(swarm_events::event_prefix) || !event_time) return std::nullopt;
    ServiceEvent event;
    event.service = subject;
    event.time = *event_time;
    std::string_view rest(value);
    auto space = rest.find(' ');
    event.action = std::string(rest.substr(0, space));
    if (event.action.empty()) return std::nullopt;
    while (space != std::string_view::npos) {
        rest.remove_prefix(space + 1);
        space = rest.find(' ');
        auto field = rest.substr(0, space);
        auto equals = field.find('=');
        if (equals == std::string_view::npos) return std::nullopt;
        auto name = decode(field.substr(0, equals));
        auto text = decode(field.substr(equals + 1));
        if (name == "id")
            event.id = text;
        else
            event.attributes.emplace_back(name, text);
        if (name == swarm_events::state_old) event.state_old = text;
        if (name == swarm_events::state_new) event.state_new = text;
    }
    return event;
}

Fact event_gap_fact(TimeNs from, TimeNs to, const std::string& why)
{
    return Fact{std::string(swarm_events::gap_subject), std::string(swarm_events::gap_prefix) + format_rfc3339_fixed(from),
                "service events from " + format_rfc3339(from) + " to " + format_rfc3339(to) + " may be lost: " + why, to};
}

} // namespace forensic::collect
