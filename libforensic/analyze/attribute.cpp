// Orchestrates an attribution: the symptom (from arguments or a recorded HC1
// failure), the window (from the runs evidence unless given), every
// hypothesis test, what the observed stamp is, and the verdict.
#include "libforensic/analyze/attribution_context.hpp"
#include "libforensic/model/tag_fact.hpp"
#include "libforensic/util/error.hpp"

#include <algorithm>
#include <map>

namespace forensic::analyze {
namespace {

const RunRecord* find_run(const std::vector<RunRecord>& runs, const std::string& id)
{
    for (const auto& r : runs)
        if (r.id == id || r.subject == id) return &r;
    return nullptr;
}

// The run that showed the symptom: the one named, else the newest failing
// upgrade whose HC1 stamp is the observed one (the runs are oldest first, so
// the search goes from the end), else, without --observed, the newest failing
// upgrade.
const RunRecord* failing_run(const std::vector<RunRecord>& runs, const AttributeOptions& o)
{
    if (o.run) return find_run(runs, *o.run);
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
        if (!it->upgrade_failed()) continue;
        if (!o.observed || (it->hc1_observed && *it->hc1_observed == *o.observed)) return &*it;
    }
    return nullptr;
}

// What each hypothesis acts on, nearest to the label first: why a supported
// one outranks another.
std::string acts_on(const std::string& id)
{
    if (id == "swarm-rollback" || id == "manual-rollback" || id == "redeploy") return "the spec Swarm runs";
    if (id == "checkout-mismatch") return "the code abra stamped";
    if (id == "ref-moved") return "how refs resolved";
    if (id == "abra-changed") return "the tool that stamps";
    return "the worktree flag";
}

} // namespace

const char* to_string(HypothesisStatus status)
{
    switch (status) {
    case HypothesisStatus::supported: return "supported";
    case HypothesisStatus::refuted: return "refuted";
    case HypothesisStatus::inconclusive: return "inconclusive";
    }
    return "?";
}

const std::vector<std::string>& hypothesis_order()
{
    static const std::vector<std::string> order = {"swarm-rollback", "manual-rollback", "redeploy",
                                                   "checkout-mismatch", "ref-moved", "abra-changed", "untracked-files"};
    return order;
}

std::string describe_observed(const AttributionContext& c)
{
    const auto& observed = c.observed().commit;
    // The newest value of each tag, checkout first, then mirror.
    std::map<std::string, std::string> tags, releases;
    std::string expected_describe;
    for (const std::string source : {"mirrors", "recipes"})
        for (const auto& i : c.recipe_history(source)) {
            if (auto name = tag_name_of_key(i.key)) {
                auto tag = parse_tag_value(i.value);
                if (!tag) continue;
                tags[std::string(*name)] = tag->peeled;
                if (tag->release) releases[std::string(*name)] = tag->peeled;
            }
            if (i.key == "describe") {
                auto g = i.value.rfind("-g");
                if (g != std::string::npos && same_commit(i.value.substr(g + 2), c.expected().commit))
                    expected_describe = i.value;
            }
        }
    std::vector<std::string> matching;
    for (const auto& [name, commit] : tags)
        if (same_commit(commit, observed)) matching.push_back(name);
    std::string out;
    if (matching.empty()) {
        out = observed + " is not the commit of any recorded tag of " + c.recipe();
        for (const auto& m : c.head_moves())
            if (same_commit(m.to, observed)) {
                out += "; the checkout was at it from " + format_rfc3339(m.time) + " (" + m.message + ")";
                break;
            }
    } else {
        const auto& name = matching.back();
        bool release = releases.contains(name);
        out = observed + " is the commit of tag " + name + (release ? ", a release" : "");
        if (!expected_describe.empty() && expected_describe.starts_with(name + "-"))
            out += ", the newest release before the expected commit (" + c.expected().commit + " describes as " +
                   expected_describe + ")";
    }
    // Deployed before the upgrade? The in-flight PreviousSpec says so.
    for (const auto& service : c.services())
        for (const auto& i : c.store().subject_history(c.host(), "swarm", {service}, "previous_stamp.commit"))
            if (i.key == "previous_stamp.commit" && same_commit(i.value, observed)) {
                out += " — the stamp of the spec " + service + " ran before the upgrade: the upgrade base";
                return out;
            }
    return out;
}

Attribution attribute(store::Store& store, const AttributeOptions& options)
{
    // With --run alone, the recipe is the one the run was of.
    auto o = options;
    if (o.recipe.empty() && o.run)
        o.recipe = recipe_of_run(store, store.default_host(o.host), *o.run).value_or("");
    if (o.recipe.empty())
        throw UsageError(o.run ? "no CI run '" + *o.run + "' naming its recipe is recorded; give --recipe"
                               : "attribute needs --recipe");
    if (!o.run && (!o.expected || !o.observed))
        throw UsageError("attribute needs either --run RUN or both --expected REF and --observed STAMP");
    Attribution a;
    a.host = store.default_host(o.host);
    a.recipe = o.recipe;

    auto runs = load_recipe_runs(store, a.host, o.recipe);
    const auto* failing = failing_run(runs, o);
    if (o.run && !failing) throw UsageError("no CI run '" + *o.run + "' of recipe " + o.recipe + " is recorded");
    if (o.run) {
        if (!failing->hc1_observed || !failing->hc1_expected)
            throw UsageError("run " + failing->id + " recorded no HC1 stamp mismatch; give --expected and --observed");
        a.run = failing->id;
    }
    a.expected = o.expected.value_or(failing ? failing->hc1_expected.value_or("") : "");
    a.observed = o.observed.value_or(failing ? failing->hc1_observed.value_or("") : "");
    auto expected = parse_stamp(a.expected), observed = parse_stamp(a.observed);
    a.observed_commit = observed.commit;

    // The window: the last passing upgrade before the failing run, and that run.
    if (failing) {
        a.window.deploy_from = failing->started ? failing->started : failing->finished;
        a.window.deploy_to = failing->finished ? failing->finished : failing->started;
        a.window.bad = failing->time();
        for (const auto& r : runs)
            if (r.upgrade_passed() && r.time() && *r.time() < a.window.deploy_from.value_or(*r.time() + 1))
                a.window.good = r.time();
    }
    if (o.good) a.window.good = o.good;
    if (o.bad) a.window.bad = o.bad;
    if (!a.window.good || !a.window.bad)
        throw UsageError("no " + std::string(!a.window.good ? "passing" : "failing") + " upgrade of " + o.recipe +
                         " is recorded to bound the window; give --good and --bad");
    if (*a.window.bad < *a.window.good) throw UsageError("--bad is before --good");

    AttributionContext context(store, a.host, a.recipe, expected, observed, a.window, std::move(runs));
    // In the order of hypothesis_order(), which ranks them.
    for (auto* test : {test_swarm_rollback, test_manual_rollback, test_redeploy, test_checkout_mismatch,
                       test_ref_moved, test_abra_changed, test_untracked_files})
        a.hypotheses.push_back(test(context));
    a.observed_is = describe_observed(context);

    // The first supported one in the documented order is the verdict.
    std::vector<const Hypothesis*> supported;
    for (const auto& h : a.hypotheses)
        if (h.status == HypothesisStatus::supported) supported.push_back(&h);
    if (supported.empty()) {
        a.verdict = "unexplained";
        a.verdict_reason = "no hypothesis is supported by the recorded facts: the stamp is not explained away";
        return a;
    }
    a.verdict = supported.front()->id;
    if (supported.size() == 1) {
        a.verdict_reason = "the only supported hypothesis";
    } else {
        a.verdict_reason = "first of " + std::to_string(supported.size()) + " supported, as it acts on " +
                           acts_on(a.verdict) + ", nearest to the label; also supported:";
        for (std::size_t i = 1; i < supported.size(); ++i)
            a.verdict_reason += (i == 1 ? " " : ", ") + supported[i]->id + " (" + acts_on(supported[i]->id) + ")";
    }
    return a;
}

} // namespace forensic::analyze
