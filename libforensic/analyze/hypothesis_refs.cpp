// ref-moved: a tag or branch of the recipe, in its checkout or on its mirror,
// was created, deleted or re-pointed between the good and bad times. Seen as
// interval boundaries whose snapshot bounds overlap the window, and as tags
// whose tagger date falls in it. Refuted only where snapshots of a source
// bracket the window and show no such change.
#include "libforensic/analyze/attribution_context.hpp"

#include <set>

namespace forensic::analyze {
namespace {

bool is_ref_key(const std::string& source, const std::string& key)
{
    if (key.ends_with(":annotated") || key.ends_with(":tagger_date")) return false;
    if (key.starts_with("tag:") || key.starts_with("branch:")) return true;
    if (source == "recipes") return key.starts_with("release:") || key.starts_with("remote:");
    return key == "head";
}

std::string ref_name(const std::string& key)
{
    auto name = key.substr(key.find(':') + 1);
    if (name.ends_with(":object")) name.resize(name.size() - 7);
    return key.starts_with("branch:") ? "branch " + name : key.starts_with("remote:") ? "remote-tracking " + name
                                                                                     : "tag " + name;
}

} // namespace

Hypothesis test_ref_moved(const AttributionContext& c)
{
    Hypothesis h{"ref-moved", HypothesisStatus::inconclusive, {}, {}};
    const auto& w = c.window();
    if (!w.good || !w.bad) {
        h.summary = "no good and bad times to compare";
        return h;
    }
    std::vector<std::string> moved, covered, uncovered;
    for (const std::string source : {"recipes", "mirrors"}) {
        const auto& history = c.recipe_history(source);
        if (history.empty()) continue;
        std::set<std::string> reported;
        for (const auto& i : history) {
            if (!is_ref_key(source, i.key)) continue;
            // A tag made in the window says so by its tagger date.
            if (i.key.starts_with("tag:") && i.event_time && *i.event_time > *w.good && *i.event_time <= *w.bad &&
                reported.insert(i.key + i.value).second) {
                h.evidence.push_back(c.evidence_of(i, ref_name(i.key) + " created in the window (tagger date)"));
                moved.push_back(source + " " + ref_name(i.key) + " created");
            }
            // A change seen between two snapshots whose span overlaps the window.
            for (auto boundary : {std::optional<TimeNs>(i.valid_from), i.valid_to}) {
                if (!boundary) continue;
                auto since = c.previous_observation(source, *boundary);
                if (!since || *since >= *w.bad || *boundary <= *w.good) continue;
                bool began = boundary == i.valid_from;
                if (!reported.insert(i.key + std::to_string(*boundary) + (began ? "+" : "-")).second) continue;
                h.evidence.push_back(c.evidence_of(
                    i, ref_name(i.key) + (began ? " now points to " : " no longer points to ") + short_commit(i.value) +
                           " (changed between snapshots at " + format_rfc3339(*since) + " and " +
                           format_rfc3339(*boundary) + ")"));
                moved.push_back(source + " " + ref_name(i.key) + (began ? " set" : " removed"));
            }
        }
        auto before = c.observed_before(source, *w.good);
        auto after = c.observed_after(source, *w.bad);
        if (before && after) {
            covered.push_back(source + " (snapshots " + std::to_string(before->snapshot.id) + " and " +
                              std::to_string(after->snapshot.id) + ")");
            if (moved.empty()) {
                // Show what stayed put: the tags at the commits in question.
                for (const auto& f : c.state(*after, source, c.recipe())) {
                    if (!f.key.starts_with("tag:") || f.key.ends_with(":object") || f.key.ends_with(":annotated") ||
                        f.key.ends_with(":tagger_date"))
                        continue;
                    if (same_commit(f.value, c.observed().commit) || same_commit(f.value, c.expected().commit))
                        h.evidence.push_back(c.evidence_at(f, *after,
                                                           ref_name(f.key) + " unchanged since snapshot " +
                                                               std::to_string(before->snapshot.id)));
                }
            }
        } else {
            uncovered.push_back(source);
        }
    }
    auto join = [](const std::vector<std::string>& list) {
        std::string out;
        for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
        return out;
    };
    if (!moved.empty()) {
        h.status = HypothesisStatus::supported;
        h.summary = "refs of " + c.recipe() + " changed in the window: " + join(moved);
    } else if (!covered.empty() && uncovered.empty()) {
        h.status = HypothesisStatus::refuted;
        h.summary = "no tag or branch of " + c.recipe() + " was created, deleted or re-pointed between the good and bad "
                    "times; snapshots bracket the window for " + join(covered);
    } else {
        h.summary = covered.empty() ? "no snapshots of " + c.recipe() + "'s refs bracket the good and bad times"
                                    : "no ref changes seen in " + join(covered) + ", but " + join(uncovered) +
                                          " are not observed on both sides of the window";
    }
    return h;
}

} // namespace forensic::analyze
