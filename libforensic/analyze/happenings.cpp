#include "libforensic/analyze/happenings.hpp"

#include "libforensic/analyze/stamp.hpp"
#include "libforensic/model/tag_fact.hpp"
#include "libforensic/util/utf8.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace forensic::analyze {

const char* to_string(HappeningKind kind)
{
    switch (kind) {
    case HappeningKind::appeared: return "appeared";
    case HappeningKind::vanished: return "vanished";
    case HappeningKind::changed: return "changed";
    }
    return "?";
}

namespace {

using Facts = std::vector<const TimelineEvent*>;

bool is_service(const std::string& source, const std::string& subject)
{
    return source == "swarm" && !subject.starts_with("app/");
}

// The fact whose appearance is the subject's: a service's id, a run's recipe,
// a generation's creation, a checkout's HEAD, a mirror's URL, an app's server.
const char* identity_key(const std::string& source, const std::string& subject)
{
    if (source == "swarm") return subject.starts_with("app/") ? "server" : "id";
    if (source == "runs") return "recipe";
    if (source == "nix") return subject.starts_with("generation/") ? "created" : nullptr;
    if (source == "recipes") return "head.commit";
    if (source == "mirrors") return "url";
    return nullptr;
}

HappeningKind kind_of(const std::string& source, const std::string& subject, const Facts& facts)
{
    if (const char* identity = identity_key(source, subject))
        for (const auto* e : facts)
            if (e->key == identity && e->change != Change::changed)
                return e->change == Change::added ? HappeningKind::appeared : HappeningKind::vanished;
    // Without one: many facts arriving or leaving together.
    constexpr std::size_t whole = 5;
    auto all = [&](Change c) { return std::all_of(facts.begin(), facts.end(), [&](const auto* e) { return e->change == c; }); };
    if (facts.size() >= whole && all(Change::added)) return HappeningKind::appeared;
    if (facts.size() >= whole && all(Change::removed)) return HappeningKind::vanished;
    return HappeningKind::changed;
}

class Summary {
public:
    Summary(const Happening& h) : h_(h) {}

    std::string text() const
    {
        if (h_.source == "swarm-events") return events();
        if (is_service(h_.source, h_.subject)) return service();
        if (h_.source == "swarm") return app();
        if (h_.source == "runs") return run();
        if (h_.source == "nix") return nix();
        if (h_.source == "recipes") return recipe();
        return generic(std::string(h_.subject));
    }

private:
    const TimelineEvent* fact(std::string_view key) const
    {
        for (const auto* e : h_.facts)
            if (e->key == key) return e;
        return nullptr;
    }
    std::string after(std::string_view key) const
    {
        const auto* e = fact(key);
        return e && e->after ? std::string(*e->after) : std::string();
    }
    std::string before(std::string_view key) const
    {
        const auto* e = fact(key);
        return e && e->before ? std::string(*e->before) : std::string();
    }

    // "key a → b", "key b" (added), "key a gone" (removed); commit ids short.
    static std::string value_text(const std::string& value)
    {
        auto text = std::string(value);
        bool hex = text.size() == 40 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
        if (hex) return short_commit(text);
        constexpr std::size_t longest = 48;
        return code_points(text) > longest ? first_code_points(text, longest - 1) + "…" : text;
    }
    static std::string clause(const TimelineEvent& e, std::string_view name)
    {
        switch (e.change) {
        case Change::added: return std::string(name) + " " + value_text(e.after.value_or(""));
        case Change::removed: return std::string(name) + " " + value_text(e.before.value_or("")) + " gone";
        case Change::changed: break;
        }
        return std::string(name) + " " + value_text(e.before.value_or("")) + " → " + value_text(e.after.value_or(""));
    }

    // A tag by the commit it leads to (model/tag_fact.hpp); one re-made at the
    // same commit (a new tag object) says so.
    static std::string tag_clause(const TimelineEvent& e)
    {
        auto commit = [](const std::optional<std::string>& v) { return std::string(tag_commit(v.value_or(""))); };
        TimelineEvent shown = e;
        if (e.before) shown.before = commit(e.before);
        if (e.after) shown.after = commit(e.after);
        if (e.change == Change::changed && shown.before == shown.after)
            return std::string(e.key) + " " + value_text(*shown.after) + " re-tagged";
        return clause(shown, std::string(e.key));
    }

    static std::string join(const std::vector<std::string>& parts)
    {
        std::string out;
        for (const auto& p : parts)
            if (!p.empty()) out += (out.empty() ? "" : ", ") + p;
        return out;
    }

    // The first stamp-relevant facts (else any), and how many more.
    std::string generic(const std::string& name) const
    {
        constexpr std::size_t shown = 2;
        std::vector<std::string> parts;
        Facts ordered;
        for (const auto* e : h_.facts)
            if (e->stamp_relevant) ordered.push_back(e);
        for (const auto* e : h_.facts)
            if (!e->stamp_relevant) ordered.push_back(e);
        for (std::size_t i = 0; i < ordered.size() && i < shown; ++i)
            parts.push_back(tag_name_of_key(ordered[i]->key) ? tag_clause(*ordered[i])
                                                             : clause(*ordered[i], std::string(ordered[i]->key)));
        auto more = ordered.size() > shown ? " (+" + std::to_string(ordered.size() - shown) + " facts)" : "";
        switch (h_.kind) {
        case HappeningKind::appeared: return name + " appeared: " + join(parts) + more;
        case HappeningKind::vanished: return name + " gone: " + join(parts) + more;
        case HappeningKind::changed: break;
        }
        return name + ": " + join(parts) + more;
    }

    // Swarm's policy, as abra's compose files set it: "start-first, rollback on failure".
    std::string policy(bool old_values) const
    {
        auto order = old_values ? before("update_config.order") : after("update_config.order");
        auto failure = old_values ? before("update_config.failure_action") : after("update_config.failure_action");
        return join({order, failure.empty() ? "" : failure + " on failure"});
    }

    std::string service() const
    {
        auto name = "service " + std::string(h_.subject);
        if (h_.kind == HappeningKind::appeared) {
            auto previous = after("previous_stamp.chaos_version");
            auto state = after("update_status.state");
            auto state_seen = join({after("stamp.chaos_version").empty() ? "" : "stamp " + after("stamp.chaos_version"),
                                    previous.empty() ? "" : "PreviousSpec " + previous, policy(false), state});
            return name + (fact("created_at") ? " created" : " first seen") + (state_seen.empty() ? "" : ": " + state_seen);
        }
        if (h_.kind == HappeningKind::vanished)
            return name + " removed" +
                   (before("stamp.chaos_version").empty()
                        ? ""
                        : ": last stamp " + join({before("stamp.chaos_version"), before("update_status.state")}));
        std::vector<std::string> parts;
        if (const auto* e = fact("stamp.chaos_version")) parts.push_back(clause(*e, "stamp"));
        if (const auto* e = fact("previous_spec.present"))
            parts.push_back(e->after == "false" || !e->after ? "PreviousSpec dropped"
                                                             : "PreviousSpec " + after("previous_stamp.chaos_version"));
        const auto* state = fact("update_status.state");
        if (state) parts.push_back(state->change == Change::changed ? before("update_status.state") + " → " + after("update_status.state")
                                                                    : clause(*state, "UpdateStatus"));
        for (const auto* e : h_.facts)
            if (e->key.starts_with("update_config.") || e->key.starts_with("spec.image")) parts.push_back(clause(*e, e->key));
        // Facts that carry their own time say what happened then.
        if (parts.empty()) {
            if (fact("created_at")) return name + " created";
            if (fact("update_status.started_at")) parts.push_back("update started");
            if (fact("update_status.completed_at")) parts.push_back("update completed");
            if (parts.empty() && fact("updated_at")) parts.push_back("updated");
        }
        // What Docker's events said, when the state's facts said nothing.
        if (parts.empty())
            for (const auto* e : h_.facts)
                if (e->key.starts_with("event:") && e->after) parts.push_back(docker_event(*e->after));
        if (parts.empty()) return generic(name);
        bool rolled_back = state && state->after && is_rollback_state(*state->after);
        return name + (rolled_back ? " rolled back" : "") + ": " + join(parts);
    }

    std::string app() const
    {
        auto name = "app " + std::string(h_.subject.substr(4));
        if (h_.kind == HappeningKind::appeared) return name + ": " + after("recipe") + " " + after("version");
        if (h_.kind == HappeningKind::vanished) return name + " env file removed";
        if (const auto* e = fact("version")) return name + ": " + clause(*e, "version");
        if (fact("env.mtime") && h_.facts.size() == 1) return name + " env file written";
        return generic(name);
    }

    // "update, updating → rollback_started" from "update id=… updatestate.new=… updatestate.old=…".
    static std::string docker_event(const std::string& value)
    {
        auto text = std::string(value);
        auto space = text.find(' ');
        std::string action = text.substr(0, space);
        std::map<std::string, std::string> attributes;
        for (std::size_t pos = space; pos != std::string::npos && pos < text.size();) {
            auto next = text.find(' ', pos + 1);
            auto pair = text.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
            if (auto eq = pair.find('='); eq != std::string::npos) attributes[pair.substr(0, eq)] = pair.substr(eq + 1);
            pos = next;
        }
        auto old_state = attributes["updatestate.old"], new_state = attributes["updatestate.new"];
        if (!new_state.empty()) action += ", " + (old_state.empty() ? "" : old_state + " → ") + new_state;
        return action;
    }

    std::string events() const
    {
        std::vector<std::string> parts;
        for (const auto* e : h_.facts)
            if (e->key.starts_with("event:") && e->after) parts.push_back(docker_event(*e->after));
        if (parts.empty()) return generic("service " + std::string(h_.subject));
        std::string out = "service " + std::string(h_.subject) + ": ";
        for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "; " : "") + parts[i];
        return out;
    }

    std::string run() const
    {
        auto name = "run " + std::string(h_.subject.starts_with("run/") ? h_.subject.substr(4) : h_.subject);
        if (h_.kind == HappeningKind::vanished) return name + " no longer on the host";
        if (fact("started") && h_.facts.size() == 1) return name + " started";
        if (h_.kind != HappeningKind::appeared && !fact("level")) return generic(name);
        std::string upgrade = after("tier:upgrade").empty() ? after("rung:upgrade") : after("tier:upgrade");
        // The recipe, unless the run's name says it.
        auto recipe = after("recipe");
        bool named = recipe.empty() || h_.subject.find(recipe) != std::string::npos;
        auto text = name + (named ? "" : " (" + recipe + ")") + " finished: " +
                    join({after("level").empty() ? "" : "level " + after("level"), upgrade.empty() ? "" : "upgrade " + upgrade});
        if (!after("hc1.observed").empty())
            text += ", HC1 wanted " + after("hc1.expected") + ", saw " + after("hc1.observed");
        return text;
    }

    std::string nix() const
    {
        if (h_.subject.starts_with("generation/")) {
            auto number = h_.subject.substr(11);
            if (h_.kind == HappeningKind::vanished) return "generation " + number + " removed";
            if (h_.kind != HappeningKind::appeared) return generic("generation " + number);
            bool abra_changed = std::any_of(h_.facts.begin(), h_.facts.end(),
                                            [](const auto* e) { return e->key.starts_with("abra.") && e->stamp_relevant; });
            auto version = after("abra.version");
            std::string abra = after("abra.present") == "false" ? "no abra"
                               : abra_changed ? "abra changed: " + (after("abra.store_path").empty() ? version : after("abra.store_path"))
                                              : version.empty() ? "same abra" : "same abra " + version;
            bool profile = fact("generation") != nullptr; // the profile's switch, joined to its generation
            return "generation " + number + " created" + (profile ? ", profile → " + number : "") + ": " + abra;
        }
        if (h_.subject == "current-system")
            if (const auto* e = fact("generation"))
                return "running system: " + (e->change == Change::changed ? "generation " + before("generation") + " → " + after("generation")
                                                                          : clause(*e, "generation"));
        if (h_.subject == "profile")
            if (const auto* e = fact("generation")) return "system profile " + clause(*e, "generation");
        return generic(std::string(h_.subject));
    }

    // "checkout: moving from A to B" → "checkout"
    static std::string reflog_action(const std::string& message)
    {
        auto colon = message.find(':');
        return colon == std::string::npos ? message : message.substr(0, colon);
    }

    std::string recipe() const
    {
        auto name = std::string(h_.subject);
        std::vector<std::string> parts;
        for (const auto* e : h_.facts) {
            if (!e->key.starts_with("reflog:") || !e->after) continue;
            // "<old> <new> <message>"
            auto first = e->after->find(' ');
            auto second = first == std::string::npos ? first : e->after->find(' ', first + 1);
            if (second == std::string::npos) continue;
            auto from = e->after->substr(0, first), to = e->after->substr(first + 1, second - first - 1);
            parts.push_back(std::string(reflog_action(e->after->substr(second + 1))) + " " + short_commit(from) + " → " +
                            short_commit(to));
        }
        if (const auto* e = fact("head.commit"); e && h_.kind == HappeningKind::changed) parts.push_back(clause(*e, "HEAD"));
        if (const auto* e = fact("worktree.untracked"))
            parts.push_back(e->after == "true" ? "untracked files " + (after("worktree.untracked_paths").empty()
                                                                          ? std::string("appeared")
                                                                          : "appeared: " + value_text(after("worktree.untracked_paths")))
                                               : "untracked files gone");
        if (const auto* e = fact("worktree.modified")) parts.push_back(e->after == "true" ? "tracked files modified" : "tracked files clean");
        for (const auto* e : h_.facts)
            if (tag_name_of_key(e->key))
                parts.push_back(tag_clause(*e));
            else if (e->key.starts_with("branch:"))
                parts.push_back(clause(*e, std::string(e->key)));
        if (fact("fetch_head.mtime")) parts.push_back("fetched");
        if (h_.kind == HappeningKind::appeared)
            return "checkout " + name + " first seen at " + short_commit(after("head.commit")) +
                   (after("describe").empty() ? "" : " (" + after("describe") + ")");
        if (parts.empty()) return generic(name);
        return name + ": " + join(parts);
    }

    const Happening& h_;
};

// Where an event belongs: its own subject, but a profile switched to
// generation N at N's creation belongs to N.
std::string anchor_of(const TimelineEvent& e)
{
    if (e.source == "nix" && e.subject == "profile" && e.key == "generation" && e.after && e.time &&
        std::string_view(e.time_desc.label) == generation_link_mtime.label)
        return "generation/" + *e.after;
    return e.subject;
}

// Which of the time bases of one instant names it best: a time a fact
// carries itself over one read from another fact, an update's completion or
// start over the service's last change.
int basis_rank(const TimelineEvent& e)
{
    std::string_view label = e.time_desc.label;
    if (!e.time) return 0;
    int own = e.not_before ? 0 : 2;
    return own + (label == update_completed_at.label ? 2 : label == "StartedAt" || label == "CreatedAt" ? 1 : 0);
}

} // namespace

std::vector<Happening> group_happenings(const std::vector<TimelineEvent>& events)
{
    std::vector<Happening> out;
    for (std::size_t start = 0; start < events.size();) {
        auto end = start;
        while (end < events.size() && events[end].sort_time() == events[start].sort_time()) ++end;
        // One sort time: by source (a service's Docker events with its state),
        // subject (as anchored) and instant, in order of first event.
        using Key = std::tuple<std::string, std::string, std::optional<TimeNs>, std::optional<TimeNs>, std::optional<TimeNs>>;
        std::map<Key, std::size_t> index;
        auto first = out.size();
        std::vector<int> ranks; // of each happening's time basis, from `first` on
        for (auto i = start; i < end; ++i) {
            const auto& e = events[i];
            Key key{e.source == "swarm-events" ? "swarm" : e.source, anchor_of(e), e.time,
                    e.time ? std::nullopt : e.not_before, e.time ? std::nullopt : e.not_after};
            auto [it, fresh] = index.emplace(key, out.size());
            if (fresh) {
                auto& h = out.emplace_back();
                h.time = e.time;
                h.not_before = e.not_before;
                h.not_after = e.not_after;
                h.time_desc = e.time_desc;
                h.source = e.source;
                h.subject = std::get<1>(key);
                h.evidence_snapshot = e.evidence_snapshot;
            }
            auto& h = out[it->second];
            if (auto rank = basis_rank(e); h.facts.empty() || rank > ranks[it->second - first]) {
                h.time_desc = e.time_desc;
                if (h.facts.empty()) ranks.push_back(rank);
                else ranks[it->second - first] = rank;
            }
            // The snapshot that saw what happened, not the one before it that
            // still held a removed fact (unless that is all there is).
            if (!h.facts.empty() && h.facts.front()->change == Change::removed && e.change != Change::removed &&
                std::all_of(h.facts.begin(), h.facts.end(), [](const auto* f) { return f->change == Change::removed; }))
                h.evidence_snapshot = e.evidence_snapshot;
            h.facts.push_back(&e);
            h.stamp_relevant = h.stamp_relevant || e.stamp_relevant;
            // Exact times read from other facts come with the bounds they lie in.
            if (!h.not_before && e.not_before) {
                h.not_before = e.not_before;
                h.not_after = e.not_after;
            }
        }
        for (auto i = first; i < out.size(); ++i) {
            auto& h = out[i];
            h.kind = kind_of(h.source, h.subject, h.facts);
            h.summary = Summary(h).text();
        }
        start = end;
    }
    return out;
}

std::vector<Happening> stamp_relevant_only(std::vector<Happening> happenings)
{
    std::erase_if(happenings, [](const Happening& h) { return !h.stamp_relevant; });
    return happenings;
}

} // namespace forensic::analyze
