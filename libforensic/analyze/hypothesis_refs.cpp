// ref-moved: a ref that bears on the stamp changed between the good and bad
// times — a tag or branch of the recipe, in its checkout or on its mirror,
// pointing to the expected or the observed commit before or after the change,
// or the branch the checkout's HEAD follows. Seen as interval boundaries whose
// snapshot bounds can lie in the window, and as tags whose tagger date falls
// in it. Every other ref change (a renovate branch appearing, a fetch moving
// unrelated remote-tracking refs) is context: listed, never support.
//
// Refuted only where, for each source, a clean observation of the recipe
// (the collector ran, the subject reported no error) exists at or before the
// good time and at or after the bad one, with no bearing change between; a
// mirror never listed (--offline) leaves it inconclusive.
#include "libforensic/analyze/attribution_context.hpp"
#include "libforensic/collect/fact_names.hpp"
#include "libforensic/model/tag_fact.hpp"

#include <set>

namespace forensic::analyze {
namespace {

namespace rc = collect::recipes;
namespace mr = collect::mirrors;

bool is_ref_key(const std::string& source, const std::string& key)
{
    if (key.starts_with(rc::tag_prefix) || key.starts_with(rc::branch_prefix)) return true;
    if (source == rc::source) return key.starts_with(rc::remote_prefix);
    return key == mr::head;
}

// The commit a ref's value leads to: a tag's first field (model/tag_fact.hpp),
// a branch's or HEAD's whole value.
std::string commit_of(const std::string& value) { return std::string(tag_commit(value)); }

std::string ref_name(const std::string& key)
{
    if (key == mr::head) return "the mirror's HEAD";
    auto name = key.substr(key.find(':') + 1);
    return key.starts_with(rc::branch_prefix)   ? "branch " + name
           : key.starts_with(rc::remote_prefix) ? "remote-tracking " + name
                                                : "tag " + name;
}

// "refs/heads/main" → "branch:main"; none when detached.
std::optional<std::string> followed_branch_key(const AttributionContext& c)
{
    for (const auto& i : c.recipe_history(std::string(rc::source)))
        if (i.key == rc::head_ref && i.value.starts_with("refs/heads/"))
            return std::string(rc::branch_prefix) + i.value.substr(11);
    return std::nullopt;
}

std::string join(const std::vector<std::string>& list)
{
    std::string out;
    for (const auto& s : list) out += (out.empty() ? "" : ", ") + s;
    return out;
}

} // namespace

Hypothesis test_ref_moved(const AttributionContext& c)
{
    Hypothesis h{"ref-moved", HypothesisStatus::inconclusive, {}, {}, {}};
    const auto& w = c.window();
    if (!w.good || !w.bad) {
        h.summary = "no good and bad times to compare";
        return h;
    }
    auto followed = followed_branch_key(c);
    auto at_stamp_commit = [&](const std::string& value) {
        auto commit = commit_of(value);
        return same_commit(commit, c.expected().commit) || same_commit(commit, c.observed().commit);
    };
    auto bears = [&](const std::string& key, const std::string& value, const std::optional<std::string>& other) {
        if (at_stamp_commit(value) || (other && at_stamp_commit(*other))) return true;
        return followed && key == *followed;
    };
    std::vector<std::string> moved, context, covered, uncovered;
    for (const auto& source : {std::string(rc::source), std::string(mr::source)}) {
        const auto& history = c.recipe_history(source);
        std::set<std::string> reported;
        // The value a key held just before an interval: what a change replaced.
        auto other_value = [&](const IntervalRecord& i, bool began) -> std::optional<std::string> {
            for (const auto& j : history)
                if (j.key == i.key && (began ? j.valid_to == i.valid_from : i.valid_to && j.valid_from == *i.valid_to))
                    return j.value;
            return std::nullopt;
        };
        for (const auto& i : history) {
            if (!is_ref_key(source, i.key)) continue;
            // A tag made in the window says so by its tagger date (a tag
            // re-made at the commit it already had was not made then).
            auto retagged = [&] {
                auto replaced = other_value(i, true);
                return replaced && commit_of(*replaced) == commit_of(i.value);
            };
            if (i.key.starts_with(rc::tag_prefix) && i.event_time && *i.event_time > *w.good &&
                *i.event_time <= *w.bad && !retagged() && reported.insert(i.key + i.value).second) {
                auto e = c.evidence_of(i, ref_name(i.key) + " created in the window (tagger date)");
                if (bears(i.key, i.value, std::nullopt)) {
                    moved.push_back(source + " " + ref_name(i.key) + " created");
                    e.decides = true;
                    h.evidence.push_back(std::move(e));
                } else {
                    context.push_back(source + " " + ref_name(i.key) + " created");
                }
            }
            // A change seen between two snapshots whose span overlaps the window.
            for (auto boundary : {std::optional<TimeNs>(i.valid_from), i.valid_to}) {
                if (!boundary) continue;
                auto since = c.previous_observation(source, *boundary);
                if (!since || *since >= *w.bad || *boundary <= *w.good) continue;
                bool began = boundary == i.valid_from;
                if (!reported.insert(i.key + std::to_string(*boundary) + (began ? "+" : "-")).second) continue;
                auto other = other_value(i, began);
                if (other && commit_of(*other) == commit_of(i.value)) {
                    // Re-tagged at the same commit: a new tag object, the same target.
                    context.push_back(source + " " + ref_name(i.key) + " re-tagged at the same commit");
                    continue;
                }
                auto what = source + " " + ref_name(i.key) + (began ? " set" : " removed");
                if (!bears(i.key, i.value, other)) {
                    context.push_back(what);
                    continue;
                }
                auto e = c.evidence_of(i, ref_name(i.key) + (began ? " now points to " : " no longer points to ") +
                                              short_commit(commit_of(i.value)) + " (changed between snapshots at " +
                                              format_rfc3339(*since) + " and " + format_rfc3339(*boundary) + ")");
                e.decides = true;
                h.evidence.push_back(std::move(e));
                moved.push_back(what);
            }
        }
        auto before = c.observed_clean_before(source, c.recipe(), *w.good);
        auto after = c.observed_clean_after(source, c.recipe(), *w.bad);
        if (before && after) {
            covered.push_back(source + " (snapshots " + std::to_string(before->snapshot.id) + " and " +
                              std::to_string(after->snapshot.id) + ")");
            if (moved.empty()) {
                // Show what stayed put: the tags at the commits in question.
                for (const auto& f : c.state(*after, source, c.recipe())) {
                    if (!tag_name_of_key(f.key) || !at_stamp_commit(f.value)) continue;
                    h.evidence.push_back(c.evidence_at(f, *after,
                                                       ref_name(f.key) + " unchanged since snapshot " +
                                                           std::to_string(before->snapshot.id)));
                    h.evidence.back().decides = true;
                }
            }
        } else {
            uncovered.push_back(source);
        }
    }
    auto context_text = context.empty() ? std::string() : "; other ref changes, not bearing on the stamp: " + join(context);
    if (!moved.empty()) {
        h.status = HypothesisStatus::supported;
        h.summary = "refs of " + c.recipe() + " that bear on the stamp changed in the window: " + join(moved) + context_text;
    } else if (!covered.empty() && uncovered.empty()) {
        h.status = HypothesisStatus::refuted;
        h.summary = "no tag or branch of " + c.recipe() + " pointing to the expected or the observed commit, and not the "
                    "branch HEAD follows, was created, deleted or re-pointed between the good and bad times; snapshots "
                    "bracket the window for " + join(covered) + context_text;
    } else {
        h.summary = (covered.empty() ? "no clean snapshots of " + c.recipe() + "'s refs bracket the good and bad times"
                                     : "no bearing ref changes seen in " + join(covered) + ", but " + join(uncovered) +
                                           " not observed on both sides of the window") +
                    context_text;
        h.missing = "a clean observation of " + c.recipe() + "'s refs in " + join(uncovered) + " at or before " +
                    format_rfc3339(*w.good) + " and at or after " + format_rfc3339(*w.bad) +
                    " (a snapshot without --offline, the collector succeeding)";
    }
    return h;
}

} // namespace forensic::analyze
