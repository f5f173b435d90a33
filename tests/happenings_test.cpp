// Happenings and their times: a change seen between snapshots is dated by the
// time its subject's facts carry only when that time can be this change's
// (the cases below are built to fool each rule); a subject's changes at one
// instant are one happening, said in words; Docker events are happenings of
// their own. The windowed timeline of the embedded case equals the whole one.
#include "support/temp_dir.hpp"

#include "libforensic/analyze/happenings.hpp"
#include "libforensic/analyze/timeline.hpp"
#include "libforensic/bundle/bundle.hpp"
#include "libforensic/render/timeline_views.hpp"
#include "libforensic/store/store.hpp"

#include <algorithm>
#include <cstdlib>
#include <doctest/doctest.h>

using namespace forensic;
using forensic::test::TempDir;

namespace {

TimeNs at(const char* text)
{
    return *parse_rfc3339(text);
}

struct Host {
    TempDir dir;
    store::Store db{dir / "f.db", store::Store::Access::write};

    void snapshot(const char* when, const std::string& source, std::vector<Fact> facts,
                  CollectorStatus status = CollectorStatus::ok)
    {
        db.write(SnapshotInput{"h", at(when), at(when) + ns_per_second, "test",
                               {CollectorRun{source, status, status == CollectorStatus::ok ? "" : "down",
                                             status == CollectorStatus::ok ? std::move(facts) : std::vector<Fact>{}}},
                               {}});
    }

    analyze::Timeline timeline(const char* from, const char* to)
    {
        analyze::TimelineOptions o;
        o.from = parse_time_argument(from, "--from");
        o.to = parse_time_argument(to, "--to", true);
        return analyze::build_timeline(db, o);
    }
};

std::vector<Fact> service(const std::string& stamp, const char* updated_at, const std::string& state = "completed",
                          const char* completed_at = nullptr)
{
    std::vector<Fact> facts = {{"st_app", "id", "x1", {}},
                               {"st_app", "stamp.chaos_version", stamp, {}},
                               {"st_app", "update_status.state", state, {}},
                               {"st_app", "updated_at", updated_at, at(updated_at)}};
    if (completed_at) facts.push_back({"st_app", "update_status.completed_at", completed_at, at(completed_at)});
    return facts;
}

const analyze::TimelineEvent& event(const analyze::Timeline& t, const std::string& key, const std::string& after)
{
    auto found = std::find_if(t.events.begin(), t.events.end(),
                              [&](const auto& e) { return e.key == key && e.after.value_or("") == after; });
    REQUIRE(found != t.events.end());
    return *found;
}

} // namespace

TEST_CASE("a spec change seen between snapshots is dated by the service's UpdatedAt, its bounds kept")
{
    Host h;
    h.snapshot("2026-06-01T00:00:00Z", "swarm", service("aaaa1111", "2026-05-31T10:00:00Z"));
    h.snapshot("2026-06-02T00:00:00Z", "swarm", service("bbbb2222", "2026-06-01T13:14:15.5Z"));
    auto t = h.timeline("2026-06-01", "2026-06-02");
    const auto& e = event(t, "stamp.chaos_version", "bbbb2222");
    REQUIRE(e.time);
    CHECK(format_rfc3339(*e.time) == "2026-06-01T13:14:15.5Z");
    CHECK(std::string(e.time_desc.label) == "UpdatedAt");
    CHECK(e.basis == analyze::TimeBasis::event);
    CHECK(format_rfc3339(*e.not_before) == "2026-06-01T00:00:00Z");
    CHECK(format_rfc3339(*e.not_after) == "2026-06-02T00:00:00Z");
}

TEST_CASE("an UpdatedAt older than the snapshot that saw the old state does not date the change")
{
    Host h;
    h.snapshot("2026-06-01T00:00:00Z", "swarm", service("aaaa1111", "2026-05-30T10:00:00Z"));
    // A clock that went back, or a service recreated under the name: its UpdatedAt predates the last sighting.
    h.snapshot("2026-06-02T00:00:00Z", "swarm", service("bbbb2222", "2026-05-31T10:00:00Z"));
    auto t = h.timeline("2026-06-01", "2026-06-02");
    const auto& e = event(t, "stamp.chaos_version", "bbbb2222");
    CHECK_FALSE(e.time);
    CHECK(e.basis == analyze::TimeBasis::snapshot);
    CHECK(std::string(e.time_desc.text) == "Between snapshots");
}

TEST_CASE("a terminal state is dated by CompletedAt, and by UpdatedAt when CompletedAt is stale")
{
    Host h;
    h.snapshot("2026-06-01T00:00:00Z", "swarm", service("aaaa1111", "2026-05-31T10:00:00Z", "updating"));
    h.snapshot("2026-06-02T00:00:00Z", "swarm",
               service("aaaa1111", "2026-06-01T08:00:01Z", "rollback_completed", "2026-06-01T08:00:00Z"));
    auto fresh = h.timeline("2026-06-01", "2026-06-02");
    const auto& state = event(fresh, "update_status.state", "rollback_completed");
    REQUIRE(state.time);
    CHECK(format_rfc3339(*state.time) == "2026-06-01T08:00:00Z");
    CHECK(std::string(state.time_desc.label) == "CompletedAt");

    Host stale;
    stale.snapshot("2026-06-01T00:00:00Z", "swarm", service("aaaa1111", "2026-05-31T10:00:00Z", "updating"));
    stale.snapshot("2026-06-02T00:00:00Z", "swarm",
                   service("aaaa1111", "2026-06-01T08:00:01Z", "completed", "2026-05-20T00:00:00Z"));
    auto t = stale.timeline("2026-06-01", "2026-06-02");
    const auto& e = event(t, "update_status.state", "completed");
    REQUIRE(e.time);
    CHECK(format_rfc3339(*e.time) == "2026-06-01T08:00:01Z");
    CHECK(std::string(e.time_desc.label) == "UpdatedAt");
}

TEST_CASE("a time before the last snapshot that could not see the change keeps the bounds")
{
    Host h;
    h.snapshot("2026-06-01T00:00:00Z", "swarm", service("aaaa1111", "2026-05-31T10:00:00Z"));
    h.snapshot("2026-06-02T00:00:00Z", "swarm", {}, CollectorStatus::failed);
    h.snapshot("2026-06-03T00:00:00Z", "swarm", service("bbbb2222", "2026-06-01T12:00:00Z"));
    auto t = h.timeline("2026-06-01", "2026-06-03");
    const auto& e = event(t, "stamp.chaos_version", "bbbb2222");
    // Between 06-01 and 06-03 (the collector failed at 06-02): the UpdatedAt lies before the 06-02 snapshot,
    // and a timeline read a window at a time must place each change in one window, so the bounds stand.
    CHECK_FALSE(e.time);
    CHECK(format_rfc3339(*e.not_before) == "2026-06-01T00:00:00Z");
}

TEST_CASE("a profile switched back to an old generation is not dated by that generation's creation")
{
    Host h;
    auto gen = [](int n, const char* created) {
        auto subject = "generation/" + std::to_string(n);
        return std::vector<Fact>{{subject, "created", created, at(created)}};
    };
    auto facts = [&](int profile, bool with_6) {
        auto out = gen(5, "2026-05-01T00:00:00Z");
        if (with_6) {
            auto six = gen(6, "2026-06-01T12:00:00Z");
            out.insert(out.end(), six.begin(), six.end());
        }
        out.push_back({"profile", "generation", std::to_string(profile), {}});
        return out;
    };
    h.snapshot("2026-06-01T00:00:00Z", "nix", facts(5, false));
    h.snapshot("2026-06-02T00:00:00Z", "nix", facts(6, true));
    h.snapshot("2026-06-03T00:00:00Z", "nix", facts(5, true)); // nix-env --rollback
    auto t = h.timeline("2026-06-01", "2026-06-03");
    const auto& made = event(t, "generation", "6");
    REQUIRE(made.time);
    CHECK(format_rfc3339(*made.time) == "2026-06-01T12:00:00Z");
    const auto& back = event(t, "generation", "5");
    CHECK_FALSE(back.time);

    auto happenings = analyze::group_happenings(t.events);
    std::vector<std::string> said;
    for (const auto& x : happenings) said.push_back(x.summary);
    CHECK(std::find(said.begin(), said.end(), "generation 6 created, profile → 6: same abra") != said.end());
    CHECK(std::find(said.begin(), said.end(), "system profile generation 6 → 5") != said.end());
}

TEST_CASE("a service appearing, changing and vanishing is one happening each, said in words")
{
    Host h;
    h.snapshot("2026-06-01T00:00:00Z", "swarm", {{"other", "id", "o", {}}});
    auto first = service("aaaa1111+U", "2026-06-01T10:00:00Z");
    first.push_back({"st_app", "update_config.order", "start-first", {}});
    first.push_back({"st_app", "update_config.failure_action", "rollback", {}});
    h.snapshot("2026-06-02T00:00:00Z", "swarm", first);
    auto second = service("bbbb2222+U", "2026-06-02T10:00:00Z", "rollback_completed");
    second.push_back({"st_app", "update_config.order", "start-first", {}});
    second.push_back({"st_app", "update_config.failure_action", "rollback", {}});
    h.snapshot("2026-06-03T00:00:00Z", "swarm", second);
    h.snapshot("2026-06-04T00:00:00Z", "swarm", {{"other", "id", "o", {}}});
    auto t = h.timeline("2026-06-01", "2026-06-04");
    auto happenings = analyze::group_happenings(t.events);
    std::vector<std::string> said;
    for (const auto& x : happenings) said.push_back(std::string(to_string(x.kind)) + ": " + x.summary);
    // The state first seen and the UpdatedAt that dates it are one instant: one happening.
    CHECK(said == std::vector<std::string>{
                      "appeared: service st_app first seen: stamp aaaa1111+U, start-first, rollback on failure, completed",
                      "vanished: service other removed",
                      "changed: service st_app rolled back: stamp aaaa1111+U → bbbb2222+U, completed → rollback_completed",
                      "appeared: service other first seen",
                      "vanished: service st_app removed: last stamp bbbb2222+U, rollback_completed",
                  });
    CHECK(format_rfc3339(*happenings[0].time) == "2026-06-01T10:00:00Z");
    CHECK(happenings[0].facts.size() == 6);
}

TEST_CASE("a Docker event is a happening at its own time: action and UpdateStatus transition")
{
    Host h;
    h.snapshot("2026-06-01T00:00:00Z", "swarm-events", {});
    const char* when = "2026-06-01T05:50:10.123456789Z";
    h.snapshot("2026-06-02T00:00:00Z", "swarm-events",
               {{"st_app", std::string("event:") + when,
                 "update id=kw7u8y updatestate.new=rollback_started updatestate.old=updating", at(when)}});
    auto t = h.timeline("2026-06-01", "2026-06-02");
    auto happenings = analyze::group_happenings(t.events);
    REQUIRE(happenings.size() == 1);
    CHECK(happenings[0].summary == "service st_app: update, updating → rollback_started");
    CHECK(std::string(happenings[0].time_desc.label) == "event");
    CHECK(render::clock_text(*happenings[0].time) == "05:50:10.123");
}

TEST_CASE("bounds print at their own precision and exact times to the millisecond")
{
    CHECK(render::clock_text(at("2026-12-01T21:22:00Z")) == "21:22");
    CHECK(render::clock_text(at("2026-12-01T21:22:13Z")) == "21:22:13");
    CHECK(render::clock_text(at("2026-12-01T21:22:13.5Z")) == "21:22:13.5");
    CHECK(render::clock_text(at("2026-12-01T21:22:13.000000123Z")) == "21:22:13.000000123");
    CHECK(render::clock_text(at("2026-12-01T21:22:13.390118227Z")) == "21:22:13.390");
    analyze::Happening h;
    h.not_before = at("2026-12-01T21:22:13Z");
    h.not_after = at("2026-12-01T21:22:48Z");
    CHECK(render::happening_time_text(h, "2026-12-01") == "21:22:13 … 21:22:48");
}

TEST_CASE("the embedded case's host-wide timeline read a window at a time is the whole one, dated the same")
{
    TempDir dir;
    store::Store db{dir / "dstamp.db", store::Store::Access::write};
    auto root = std::filesystem::path(std::getenv("FORENSIC_SOURCE_ROOT")) / "snapshots/dstamp";
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(root))
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) bundle::import_snapshot(db, bundle::read_bundle_file(f), f.string());
    analyze::TimelineOptions o;
    o.from = parse_time_argument("2026-06-01", "--from");
    o.to = parse_time_argument("2026-06-12", "--to", true);
    auto whole = analyze::build_timeline(db, o);
    auto text = [](const analyze::TimelineEvent& e) {
        return (e.time ? format_rfc3339(*e.time) : "-") + " " + e.time_desc.text + " " + e.source + " " + e.subject + " " +
               e.key + " " + e.after.value_or("-");
    };
    std::size_t dated = 0;
    for (const auto& e : whole.events) dated += e.time && e.not_before;
    CHECK(dated > 50);
    for (std::size_t per_window : {1, 2, 3}) {
        CAPTURE(per_window);
        std::vector<std::string> visited;
        analyze::visit_timeline(db, o, [&](const std::vector<analyze::TimelineEvent>& events) {
            for (const auto& e : events) visited.push_back(text(e));
        }, per_window);
        std::vector<std::string> expected;
        for (const auto& e : whole.events) expected.push_back(text(e));
        CHECK(visited == expected);
    }
}

TEST_CASE("--recipe keeps the Docker events of the recipe's services, also of one no snapshot saw")
{
    Host h;
    std::vector<Fact> apps = {{"app/disc.example.net", "recipe", "discourse", {}},
                              {"app/disc.example.net", "server", "example.net", {}},
                              {"app/other.example.net", "recipe", "n8n", {}},
                              {"app/other.example.net", "server", "example.net", {}}};
    h.snapshot("2026-06-01T00:00:00Z", "swarm", apps);
    h.snapshot("2026-06-01T00:00:00.5Z", "swarm-events", {});
    const char* when = "2026-06-01T05:50:10Z";
    h.snapshot("2026-06-02T00:00:00Z", "swarm-events",
               {{"disc_example_net_app", std::string("event:") + when, "update updatestate.new=rollback_completed "
                                                                       "updatestate.old=rollback_started", at(when)},
                {"other_example_net_app", std::string("event:") + when, "remove", at(when)}});
    analyze::TimelineOptions o;
    o.from = parse_time_argument("2026-06-01", "--from");
    o.to = parse_time_argument("2026-06-02", "--to", true);
    o.recipe = "discourse";
    auto t = analyze::build_timeline(h.db, o);
    REQUIRE(t.events.size() == 1);
    CHECK(t.events[0].subject == "disc_example_net_app");
    CHECK(t.events[0].stamp_relevant);
    auto happenings = analyze::group_happenings(t.events);
    CHECK(happenings[0].summary == "service disc_example_net_app: update, rollback_started → rollback_completed");
}
