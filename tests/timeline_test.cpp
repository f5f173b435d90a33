// diff and timeline over a known history (support/case_history.cpp): exact
// events, order, bounds and relevance; reconstruction from one late snapshot;
// merging of the two kinds of evidence; filters; time zones; every output form.
#include "support/case_history.hpp"
#include "support/golden.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/analyze/diff.hpp"
#include "libforensic/analyze/timeline.hpp"
#include "libforensic/render/diff_views.hpp"
#include "libforensic/render/timeline_views.hpp"
#include "libforensic/util/error.hpp"

#include <doctest/doctest.h>

using namespace forensic;
using forensic::test::case_service;
using forensic::test::TempDir;

namespace {

const std::string svc = case_service;

analyze::TimelineOptions range(const std::string& from, const std::string& to)
{
    analyze::TimelineOptions o;
    o.from = parse_time_argument(from, "--from");
    o.to = parse_time_argument(to, "--to", true);
    return o;
}

// "06-10T05:50:00Z swarm svc key added - → v *" in one line per event.
std::vector<std::string> lines(const analyze::Timeline& t)
{
    std::vector<std::string> out;
    for (const auto& e : t.events) {
        auto when = e.time ? format_rfc3339(*e.time).substr(5)
                           : "[" + format_rfc3339(*e.not_before).substr(5) + " " + format_rfc3339(*e.not_after).substr(5) + "]";
        out.push_back(when + " " + e.source + " " + (e.subject == svc ? "svc" : e.subject) + " " + e.key + " " +
                      to_string(e.change) + " " + e.before.value_or("-") + " > " + e.after.value_or("-") +
                      (e.stamp_relevant ? " *" : ""));
    }
    return out;
}

struct CaseStore {
    TempDir dir;
    store::Store db{dir / "f.db", store::Store::Access::write};
    explicit CaseStore(bool only_last = false) { forensic::test::write_case_history(db, only_last); }
};

} // namespace

TEST_CASE("the timeline merges event times and snapshot changes in order, with bounds and relevance")
{
    CaseStore c;
    auto t = analyze::build_timeline(c.db, range("2026-06-05", "2026-06-11"));
    const std::string head_old = "eb96de94a1c2b3d4e5f60718293a4b5c6d7e8f90", head_new = "7ae7b0f76efb1122334455667788990011223344";
    const std::string reflog = head_old + " " + head_new + " checkout: moving from eb96de94 to 7ae7b0f7";
    std::vector<std::string> expected = {
        "06-05T05:00:00Z runs run/184 level added - > 4",
        "06-05T05:00:00Z runs run/184 recipe added - > discourse",
        "06-05T05:00:00Z runs run/184 tier:upgrade added - > pass",
        "06-07T09:00:00Z nix generation/11 abra.store_path added - > /nix/store/bf6azhpi8bi5491n8i4bhjm1z7fva7pb-abra-0.13.0-beta",
        "06-07T09:00:00Z nix generation/11 created added - > 2026-06-07T09:00:00Z",
        // The profile moved to generation 11 when 11 was made: its link's mtime dates the switch.
        "06-07T09:00:00Z nix profile generation changed 10 > 11",
        "06-09T15:00:00Z recipes discourse reflog:2026-06-09T15:00:00Z#0 added - > " + reflog + " *",
        "06-10T05:50:00Z swarm svc update_status.started_at added - > 2026-06-10T05:50:00Z *",
        "[06-08T06:00:00Z 06-10T06:00:00Z] recipes discourse describe changed 0.7.0+3.3.1-0-geb96de94 > 0.7.0+3.3.1-9-g7ae7b0f7 *",
        "[06-08T06:00:00Z 06-10T06:00:00Z] recipes discourse head.commit changed " + head_old + " > " + head_new + " *",
        // The swarm collector failed on 06-08: the change is bounded by its last good run, 06-05.
        "[06-05T06:00:00Z 06-10T06:00:00Z] swarm svc previous_spec.present changed false > true *",
        "[06-05T06:00:00Z 06-10T06:00:00Z] swarm svc previous_stamp.chaos_version added - > eb96de94+U *",
        "[06-05T06:00:00Z 06-10T06:00:00Z] swarm svc stamp.chaos_version changed eb96de94+U > 7ae7b0f7+U *",
        "[06-05T06:00:00Z 06-10T06:00:00Z] swarm svc update_status.state changed completed > updating *",
        "[06-05T06:00:00Z 06-10T06:00:00Z] swarm svc version_index changed 19 > 18",
        "06-10T06:10:00Z swarm svc update_status.completed_at added - > 2026-06-10T06:10:00Z *",
        // The terminal state is dated by CompletedAt; the spec's change, with no UpdatedAt recorded, keeps its bounds.
        "06-10T06:10:00Z swarm svc update_status.state changed updating > rollback_completed *",
        "06-10T07:00:00Z runs run/m2p hc1.expected added - > 7ae7b0f76efb *",
        "06-10T07:00:00Z runs run/m2p hc1.observed added - > eb96de94+U *",
        "06-10T07:00:00Z runs run/m2p recipe added - > discourse",
        "06-10T07:00:00Z runs run/m2p tier:upgrade added - > fail",
        "[06-10T06:00:00Z 06-11T06:00:00Z] swarm svc previous_spec.present changed true > false *",
        "[06-10T06:00:00Z 06-11T06:00:00Z] swarm svc previous_stamp.chaos_version removed eb96de94+U > - *",
        "[06-10T06:00:00Z 06-11T06:00:00Z] swarm svc stamp.chaos_version changed 7ae7b0f7+U > eb96de94+U *",
        "[06-10T06:00:00Z 06-11T06:00:00Z] swarm svc version_index changed 18 > 28",
    };
    CHECK(lines(t) == expected);
    // Evidence points at the snapshot that holds the fact.
    for (const auto& e : t.events)
        if (e.key == "update_status.started_at") CHECK(e.evidence_snapshot == 3);
}

TEST_CASE("one late snapshot reconstructs earlier events from the times its facts carry")
{
    CaseStore c(true);
    auto t = analyze::build_timeline(c.db, range("2026-06-05", "2026-06-10"));
    std::vector<std::string> expected = {
        "06-05T05:00:00Z runs run/184 level added - > 4",
        "06-05T05:00:00Z runs run/184 recipe added - > discourse",
        "06-05T05:00:00Z runs run/184 tier:upgrade added - > pass",
        "06-07T09:00:00Z nix generation/11 abra.store_path added - > /nix/store/bf6azhpi8bi5491n8i4bhjm1z7fva7pb-abra-0.13.0-beta",
        "06-07T09:00:00Z nix generation/11 created added - > 2026-06-07T09:00:00Z",
    };
    auto got = lines(t);
    REQUIRE(got.size() == 12);
    CHECK(std::vector<std::string>(got.begin(), got.begin() + 5) == expected);
    CHECK(got[5].starts_with("06-09T15:00:00Z recipes discourse reflog:"));
    CHECK(got[6] == "06-10T05:50:00Z swarm svc update_status.started_at added - > 2026-06-10T05:50:00Z *");
    CHECK(got[7] == "06-10T06:10:00Z swarm svc update_status.completed_at added - > 2026-06-10T06:10:00Z *");
    CHECK(got[8] == "06-10T07:00:00Z runs run/m2p hc1.expected added - > 7ae7b0f76efb *");
    CHECK(got[11] == "06-10T07:00:00Z runs run/m2p tier:upgrade added - > fail");
    for (const auto& e : t.events) CHECK(e.basis == analyze::TimeBasis::event);
}

TEST_CASE("a change that carries its own time is reported once, at that time")
{
    CaseStore c;
    auto t = analyze::build_timeline(c.db, range("2026-06-01", "2026-06-30"));
    int reflog = 0, started = 0;
    for (const auto& e : t.events) {
        reflog += e.key.starts_with("reflog:");
        started += e.key == "update_status.started_at";
    }
    CHECK(reflog == 1);
    CHECK(started == 1);
}

TEST_CASE("a fact that leaves and comes back with the same value and time is one event, shown by its first snapshot")
{
    TempDir dir;
    store::Store db{dir / "f.db", store::Store::Access::write};
    auto at = [](const char* text) { return *parse_rfc3339(text); };
    auto snapshot = [&](const char* when, std::vector<Fact> facts) {
        db.write(SnapshotInput{"cc-ci", at(when), at(when) + ns_per_second, "test",
                                      {CollectorRun{"runs", CollectorStatus::ok, {}, std::move(facts)}}, {}});
    };
    auto finished = at("2026-06-01T12:00:00Z"), rerun = at("2026-06-03T12:00:00Z");
    Fact pass{"run/7", "tier:upgrade", "pass", finished}, other{"run/8", "tier:upgrade", "pass", finished};
    snapshot("2026-06-01T00:00:00Z", {{"run/1", "level", "1", {}}});
    snapshot("2026-06-02T00:00:00Z", {pass, other});
    snapshot("2026-06-03T00:00:00Z", {other});
    snapshot("2026-06-04T00:00:00Z", {pass, other});
    snapshot("2026-06-05T00:00:00Z", {{"run/7", "tier:upgrade", "fail", rerun}, other});

    std::vector<std::string> seen;
    for (const auto& e : analyze::build_timeline(db, range("2026-06-01", "2026-06-06")).events)
        if (e.basis == analyze::TimeBasis::event)
            seen.push_back(e.subject + " " + e.after.value_or("-") + " " + format_rfc3339(*e.time) + " snapshot " +
                           std::to_string(e.evidence_snapshot));
    CHECK(seen == std::vector<std::string>{"run/7 pass 2026-06-01T12:00:00Z snapshot 2",
                                           "run/8 pass 2026-06-01T12:00:00Z snapshot 2",
                                           "run/7 fail 2026-06-03T12:00:00Z snapshot 5"});
}

TEST_CASE("the first snapshot is a baseline, and a range with nothing in it is empty")
{
    CaseStore c;
    CHECK(analyze::build_timeline(c.db, range("2026-07-01", "2026-07-02")).events.empty());
    // Before 06-05 only the 06-01 generation is an event; nothing is "added" by the first snapshot.
    auto early = analyze::build_timeline(c.db, range("2026-05-31", "2026-06-04"));
    REQUIRE(early.events.size() == 2);
    CHECK(early.events[0].subject == "generation/10");
    CHECK(early.events[0].stamp_relevant); // no generation before it to compare with
}

TEST_CASE("times with offsets mean the same instants as UTC")
{
    CaseStore c;
    auto utc = analyze::build_timeline(c.db, range("2026-06-10T05:00:00Z", "2026-06-10T06:30:00Z"));
    auto berlin = analyze::build_timeline(c.db, range("2026-06-10T07:00:00+02:00", "2026-06-10T08:30:00+02:00"));
    CHECK(lines(utc) == lines(berlin));
    // 2 events at their times, 12 changes whose snapshot bounds overlap the window.
    CHECK(lines(utc).size() == 14);
    CHECK_THROWS_AS(analyze::build_timeline(c.db, range("2026-06-10", "2026-06-01")), UsageError);
}

TEST_CASE("--recipe keeps the recipe's own facts and the host-wide ones, --source one collector")
{
    CaseStore c;
    auto options = range("2026-06-05", "2026-06-11");
    options.recipe = "n8n";
    for (const auto& e : analyze::build_timeline(c.db, options).events) CHECK((e.source == "nix"));
    options.recipe = "discourse";
    options.source = "swarm";
    auto t = analyze::build_timeline(c.db, options);
    CHECK(t.events.size() == 12);
    for (const auto& e : t.events) CHECK(e.subject == svc);
}

TEST_CASE("the timeline visited a window at a time is the whole timeline, event for event and in order")
{
    for (bool only_last : {false, true}) {
        CaseStore c(only_last);
        std::vector<analyze::TimelineOptions> cases = {range("2026-06-05", "2026-06-11"), range("2026-06-01", "2026-06-30"),
                                                       range("2026-06-10T05:00:00Z", "2026-06-10T06:30:00Z"),
                                                       range("2026-06-09", "2026-06-09"), range("2026-07-01", "2026-07-02")};
        auto recipe = range("2026-06-05", "2026-06-11");
        recipe.recipe = "discourse";
        cases.push_back(recipe);
        recipe.source = "swarm";
        cases.push_back(recipe);
        for (const auto& options : cases) {
            auto whole = analyze::build_timeline(c.db, options);
            for (std::size_t per_window : {1, 2, 7}) {
                CAPTURE(only_last);
                CAPTURE(format_rfc3339(options.from));
                CAPTURE(options.recipe);
                CAPTURE(per_window);
                analyze::Timeline visited{{}, options.from, options.to, {}};
                std::size_t windows = 0;
                visited.host = analyze::visit_timeline(c.db, options, [&](const std::vector<analyze::TimelineEvent>& events) {
                    ++windows;
                    visited.events.insert(visited.events.end(), events.begin(), events.end());
                }, per_window);
                CHECK(visited.host == whole.host);
                CHECK(lines(visited) == lines(whole));
                for (std::size_t i = 0; i < std::min(visited.events.size(), whole.events.size()); ++i)
                    CHECK(visited.events[i].evidence_snapshot == whole.events[i].evidence_snapshot);
                // One recipe's timeline is read whole: its keys' histories, once.
                if (!options.recipe.empty()) CHECK(windows <= 1);
                else if (!only_last && per_window == 1 && whole.events.size() > 10) CHECK(windows > 1);
            }
        }
    }
}

TEST_CASE("the timeline written in batches is the whole timeline's text, Markdown and JSON, byte for byte")
{
    CaseStore c;
    for (const auto& options : {range("2026-06-05", "2026-06-11"), range("2026-07-01", "2026-07-02")}) {
        auto t = analyze::build_timeline(c.db, options);
        // Batches cut where the sort time changes, as visit_timeline cuts them.
        std::vector<std::vector<analyze::TimelineEvent>> batches(1);
        for (std::size_t i = 0; i < t.events.size(); ++i) {
            if (i > 0 && t.events[i].sort_time() != t.events[i - 1].sort_time() && i % 3 == 0) batches.emplace_back();
            batches.back().push_back(t.events[i]);
        }
        if (!t.events.empty()) CHECK(batches.size() > 2);
        auto written = [&](render::TimelineFormat format) {
            std::string out;
            render::TimelineWriter writer(format, t.from, t.to, [&](std::string_view text) { out += text; });
            for (const auto& batch : batches) writer.add(batch);
            writer.finish(t.host);
            return out;
        };
        CHECK(written(render::TimelineFormat::text) == render::timeline_text(t));
        CHECK(written(render::TimelineFormat::markdown) == render::timeline_markdown(t));
        CHECK(written(render::TimelineFormat::json) ==
              render::timeline_json(t).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
    }
}

TEST_CASE("diff compares by key: one row per changed value, with before and after")
{
    CaseStore c;
    auto a = c.db.resolve("2026-06-05"), b = c.db.resolve("latest");
    auto diff = analyze::diff_snapshots(c.db, a, b, {});
    std::vector<std::string> rows;
    for (const auto& ch : diff.changes)
        rows.push_back(ch.source + " " + (ch.subject == svc ? "svc" : ch.subject) + " " + ch.key + " " +
                       to_string(ch.change) + " " + ch.before.value_or("-") + " > " + ch.after.value_or("-"));
    std::vector<std::string> expected = {
        "nix generation/11 abra.store_path added - > /nix/store/bf6azhpi8bi5491n8i4bhjm1z7fva7pb-abra-0.13.0-beta",
        "nix generation/11 created added - > 2026-06-07T09:00:00Z",
        "nix profile generation changed 10 > 11",
        "recipes discourse describe changed 0.7.0+3.3.1-0-geb96de94 > 0.7.0+3.3.1-9-g7ae7b0f7",
        "recipes discourse head.commit changed eb96de94a1c2b3d4e5f60718293a4b5c6d7e8f90 > 7ae7b0f76efb1122334455667788990011223344",
        "recipes discourse reflog:2026-06-09T15:00:00Z#0 added - > eb96de94a1c2b3d4e5f60718293a4b5c6d7e8f90 "
        "7ae7b0f76efb1122334455667788990011223344 checkout: moving from eb96de94 to 7ae7b0f7",
        "runs run/m2p hc1.expected added - > 7ae7b0f76efb",
        "runs run/m2p hc1.observed added - > eb96de94+U",
        "runs run/m2p recipe added - > discourse",
        "runs run/m2p tier:upgrade added - > fail",
        // The stamp is back where it was: a diff of the ends cannot see the rollback; the timeline does.
        "swarm svc update_status.completed_at added - > 2026-06-10T06:10:00Z",
        "swarm svc update_status.started_at added - > 2026-06-10T05:50:00Z",
        "swarm svc update_status.state changed completed > rollback_completed",
        "swarm svc version_index changed 19 > 28",
    };
    CHECK(rows == expected);
    CHECK_FALSE(diff.changes[0].stamp_relevant); // generation 11 kept generation 10's abra
    CHECK(diff.changes[3].stamp_relevant);

    analyze::DiffOptions ignore;
    ignore.ignore = {"version_index", "reflog:*"};
    CHECK(analyze::diff_snapshots(c.db, a, b, ignore).changes.size() == expected.size() - 2);
    // Reversed, before and after swap.
    auto back = analyze::diff_snapshots(c.db, b, a, {});
    REQUIRE(back.changes.size() == diff.changes.size());
    CHECK(back.changes[2].before == diff.changes[2].after);
    CHECK(to_string(back.changes[0].change) == std::string("removed"));
    CHECK(analyze::diff_snapshots(c.db, b, b, {}).changes.empty());
}

TEST_CASE("every form of the timeline and diff matches its golden file")
{
    CaseStore c;
    auto t = analyze::build_timeline(c.db, range("2026-06-05", "2026-06-11"));
    forensic::test::check_golden("timeline.txt", render::timeline_text(t));
    forensic::test::check_golden("timeline.md", render::timeline_markdown(t));
    forensic::test::check_golden("timeline.json", render::timeline_json(t).dump(2) + "\n");
    forensic::test::check_golden("timeline.html", render::timeline_html(t));
    auto diff = analyze::diff_snapshots(c.db, c.db.resolve("1"), c.db.resolve("latest"), {});
    forensic::test::check_golden("diff.txt", render::diff_text(diff));
    forensic::test::check_golden("diff.json", render::diff_json(diff).dump(2) + "\n");
}

TEST_CASE("timeline JSON has exactly the documented fields")
{
    CaseStore c;
    auto doc = render::timeline_json(analyze::build_timeline(c.db, range("2026-06-05", "2026-06-11")));
    std::vector<std::string> top;
    for (const auto& [k, v] : doc.items()) top.push_back(k);
    CHECK(top == std::vector<std::string>{"from", "to", "events"});
    std::vector<std::string> fields;
    for (const auto& [k, v] : doc["events"][0].items()) fields.push_back(k);
    CHECK(fields == std::vector<std::string>{"time", "time_basis", "time_desc", "not_before", "not_after", "source", "subject", "key",
                                             "change", "before", "after", "stamp_relevant", "evidence"});
}
