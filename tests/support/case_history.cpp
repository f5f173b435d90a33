#include "support/case_history.hpp"

#include "libforensic/model/tag_fact.hpp"

namespace forensic::test {
namespace {

TimeNs t(const char* text)
{
    return *parse_rfc3339(text);
}

const std::string gen_abra = "/nix/store/bf6azhpi8bi5491n8i4bhjm1z7fva7pb-abra-0.13.0-beta";

std::vector<Fact> nix_facts(int generations)
{
    std::vector<Fact> facts;
    const std::vector<const char*> created = {"2026-06-01T06:00:00Z", "2026-06-07T09:00:00Z"};
    for (int g = 10; g < 10 + generations; ++g) {
        auto when = t(created[static_cast<std::size_t>(g - 10)]);
        auto subject = "generation/" + std::to_string(g);
        facts.push_back({subject, "created", format_rfc3339(when), when});
        facts.push_back({subject, "abra.store_path", gen_abra, when});
    }
    facts.push_back({"profile", "generation", std::to_string(9 + generations), {}});
    return facts;
}

std::vector<Fact> recipe_facts(bool rechecked_out)
{
    std::vector<Fact> facts = {
        {"discourse", "tag:0.7.0+3.3.1",
         checkout_tag_value({"eb96de94a1c2b3d4e5f60718293a4b5c6d7e8f90", "0f0e0d0c0b0a09080706050403020100f0e0d0c0",
                             t("2026-05-20T10:00:00Z"), true}),
         t("2026-05-20T10:00:00Z")},
        {"discourse", "head.commit",
         rechecked_out ? "7ae7b0f76efb1122334455667788990011223344" : "eb96de94a1c2b3d4e5f60718293a4b5c6d7e8f90", {}},
        {"discourse", "describe", rechecked_out ? "0.7.0+3.3.1-9-g7ae7b0f7" : "0.7.0+3.3.1-0-geb96de94", {}},
    };
    if (rechecked_out)
        facts.push_back({"discourse", "reflog:2026-06-09T15:00:00Z#0",
                         "eb96de94a1c2b3d4e5f60718293a4b5c6d7e8f90 7ae7b0f76efb1122334455667788990011223344 "
                         "checkout: moving from eb96de94 to 7ae7b0f7",
                         t("2026-06-09T15:00:00Z")});
    return facts;
}

std::vector<Fact> swarm_facts(const std::string& stamp, const std::optional<std::string>& previous,
                              const std::string& state, std::optional<TimeNs> started, std::optional<TimeNs> completed)
{
    std::vector<Fact> facts = {
        {case_service, "recipe", "discourse", {}},
        {case_service, "stamp.chaos_version", stamp, {}},
        {case_service, "version_index", std::to_string(stamp.size() + state.size()), {}},
        {case_service, "update_config.order", "start-first", {}},
        {case_service, "update_status.state", state, {}},
        {case_service, "previous_spec.present", previous ? "true" : "false", {}},
    };
    if (previous) facts.push_back({case_service, "previous_stamp.chaos_version", *previous, {}});
    if (started) facts.push_back({case_service, "update_status.started_at", format_rfc3339(*started), started});
    if (completed)
        facts.push_back({case_service, "update_status.completed_at", format_rfc3339(*completed), completed});
    facts.push_back({"other_stack_app", "stack", "other_stack", {}});
    return facts;
}

std::vector<Fact> run_facts(bool with_failure)
{
    auto finished = t("2026-06-05T05:00:00Z");
    std::vector<Fact> facts = {{"run/184", "recipe", "discourse", finished},
                               {"run/184", "level", "4", finished},
                               {"run/184", "tier:upgrade", "pass", finished}};
    if (with_failure) {
        auto failed = t("2026-06-10T07:00:00Z");
        facts.push_back({"run/m2p", "recipe", "discourse", failed});
        facts.push_back({"run/m2p", "tier:upgrade", "fail", failed});
        facts.push_back({"run/m2p", "hc1.observed", "eb96de94+U", failed});
        facts.push_back({"run/m2p", "hc1.expected", "7ae7b0f76efb", failed});
    }
    return facts;
}

CollectorRun ok(const char* name, std::vector<Fact> facts)
{
    return CollectorRun{name, CollectorStatus::ok, {}, std::move(facts)};
}

} // namespace

void write_case_history(store::Store& store, bool only_last)
{
    auto snapshot = [&](const char* at, std::vector<CollectorRun> runs) {
        store.write(SnapshotInput{"cc-ci", t(at), t(at) + 30 * ns_per_second, "test", std::move(runs)});
    };
    if (!only_last) {
        snapshot("2026-06-05T06:00:00Z", {ok("nix", nix_facts(1)), ok("recipes", recipe_facts(false)),
                                          ok("swarm", swarm_facts("eb96de94+U", {}, "completed", {}, {})),
                                          ok("runs", run_facts(false))});
        snapshot("2026-06-08T06:00:00Z", {ok("nix", nix_facts(2)), ok("recipes", recipe_facts(false)),
                                          CollectorRun{"swarm", CollectorStatus::failed, "daemon down", {}},
                                          ok("runs", run_facts(false))});
        snapshot("2026-06-10T06:00:00Z",
                 {ok("nix", nix_facts(2)), ok("recipes", recipe_facts(true)),
                  ok("swarm", swarm_facts("7ae7b0f7+U", "eb96de94+U", "updating", t("2026-06-10T05:50:00Z"), {})),
                  ok("runs", run_facts(false))});
    }
    snapshot("2026-06-11T06:00:00Z",
             {ok("nix", nix_facts(2)), ok("recipes", recipe_facts(true)),
              ok("swarm", swarm_facts("eb96de94+U", {}, "rollback_completed", t("2026-06-10T05:50:00Z"),
                                      t("2026-06-10T06:10:00Z"))),
              ok("runs", run_facts(true))});
}

} // namespace forensic::test
