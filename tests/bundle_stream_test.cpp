// Bundles read as a stream (bundle_reader.hpp), written as one
// (bundle_writer.hpp) and compared with the store a fact at a time: the
// errors the document reader gave, word for word, from real files; files
// larger than one read; pipes; verify's reading; the exact text export
// writes; what the comparison tells apart.
#include "support/temp_dir.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/bundle/bundle_reader.hpp"
#include "libforensic/bundle/bundle_seal.hpp"
#include "libforensic/bundle/bundle_writer.hpp"
#include "libforensic/store/store.hpp"
#include "libforensic/util/error.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <sys/stat.h>
#include <thread>

using namespace forensic;
using forensic::test::TempDir;

namespace {

const std::string header = R"({"format": "forensic-bundle", "version": 1, "host": "h",
 "taken_at": "2026-06-01T00:00:00Z", "finished_at": "2026-06-01T00:00:01Z", "tool_version": "x", )";

// A bundle whose collectors are `collectors` (JSON text).
std::string with_collectors(const std::string& collectors)
{
    return header + R"("collectors": )" + collectors + "}";
}

std::string write(const TempDir& dir, const std::string& text)
{
    auto file = dir / "b.json";
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
}

// The message read_bundle_file gives for `text`, or "" when it reads it.
std::string refusal(const TempDir& dir, const std::string& text)
{
    try {
        bundle::read_bundle_file(write(dir, text));
        return "";
    } catch (const InputError& e) {
        return e.what();
    }
}

} // namespace

TEST_CASE("a bundle file's errors name the file and the field, word for word as the document reader said them")
{
    TempDir dir;
    auto file = (dir / "b.json").string();
    auto run = [](const std::string& members) {
        return with_collectors(R"([{"name": "nix", "status": "ok", )" + members + "}]");
    };
    CHECK(refusal(dir, run(R"("facts": [{"subject": "a", "key": "b", "value": "1"}, {"subject": "a", "value": "2"}])")) ==
          file + ": collectors[0].facts[1]: missing field 'key'");
    CHECK(refusal(dir, with_collectors(R"([{"name": "nix", "status": "ok", "facts": []}, 3])")) ==
          file + ": collectors[1]: expected an object");
    CHECK(refusal(dir, run(R"("facts": [[]])")) == file + ": collectors[0].facts[0]: expected an object");
    CHECK(refusal(dir, with_collectors("{}")) == file + ": collectors: expected an array");
    CHECK(refusal(dir, run(R"("facts": "none")")) == file + ": collectors[0].facts: expected an array");
    CHECK(refusal(dir, run(R"("error": "")")) == file + ": collectors[0]: missing field 'facts'");
    CHECK(refusal(dir, run(R"("coverage": "some", "facts": [])")) ==
          file + ": collectors[0].coverage: unknown coverage 'some' (expected full, subjects or additive)");
    CHECK(refusal(dir, run(R"("subjects": ["a"], "facts": [])")) ==
          file + ": collectors[0].subjects: only a run of coverage 'subjects' names subjects");
    CHECK(refusal(dir, run(R"("coverage": "subjects", "subjects": "a", "facts": [])")) ==
          file + ": collectors[0].subjects: expected an array");
    CHECK(refusal(dir, run(R"("coverage": "subjects", "subjects": ["a", 1], "facts": [])")) ==
          file + ": collectors[0].subjects[1]: expected a string");
    CHECK(refusal(dir, run(R"("coverage": "subjects", "facts": [])")) ==
          file + ": collectors[0]: a run of coverage 'subjects' needs its 'subjects'");
    CHECK(refusal(dir, run(R"("facts": [{"subject": "a", "key": "b", "value": "1", "event_time": 5}])")) ==
          file + ": collectors[0].facts[0].event_time: expected a string");
    auto header_with = [](const std::string& from, const std::string& to) {
        auto text = with_collectors("[]");
        return text.replace(text.find(from), from.size(), to);
    };
    CHECK(refusal(dir, header_with(R"("version": 1)", R"("version": "1")")) == file + ": version: expected an integer");
    CHECK(refusal(dir, header_with(R"("host": "h")", R"("host": "")")) == file + ": host: must not be empty");
    CHECK(refusal(dir, header_with(R"("host": "h")", R"("kind": "daily", "host": "h")")) ==
          file + ": kind: unknown snapshot kind 'daily' (expected snapshot or watch)");
    CHECK(refusal(dir, header_with(R"("tool_version": "x", )", "")) == file + ": document: missing field 'tool_version'");
}

TEST_CASE("the first error is the document reader's first, not the text's; a key given twice counts once, its last value")
{
    TempDir dir;
    auto file = (dir / "b.json").string();
    // The collectors come first in the text, but the reader checked the header first.
    CHECK(refusal(dir, R"({"collectors": [7], "format": "forensic-bundle", "version": 1})") ==
          file + ": document: missing field 'host'");
    // Within a collector, its own members before its facts, wherever they are.
    CHECK(refusal(dir, with_collectors(R"([{"facts": [1], "name": 5}])")) ==
          file + ": collectors[0].name: expected a string");
    // A malformed first `facts` replaced by a good one: read as the good one.
    CHECK(refusal(dir, with_collectors(R"([{"name": "nix", "status": "ok", "facts": [{"subject": 1}],
                                            "facts": [{"subject": "a", "key": "b", "value": "1"}]}])")) == "");
    CHECK(refusal(dir, with_collectors(R"([{"name": "nix", "status": "ok",
                                            "facts": [{"subject": "a", "key": "b", "value": "1", "value": 2}]}])")) ==
          file + ": collectors[0].facts[0].value: expected a string");
    auto twice = bundle::read_bundle_file(write(dir, with_collectors(R"([{"name": "nix", "status": "ok",
        "facts": [{"subject": "a", "key": "b", "value": "1", "value": "2", "extra": {"deep": [1, {"x": null}]}}]}])")));
    REQUIRE(twice.collectors.size() == 1);
    CHECK(twice.collectors[0].facts == std::vector<Fact>{{"a", "b", "2", {}}});
}

TEST_CASE("a bundle larger than one read: sequences across the reads, and errors past the first read where the text says")
{
    TempDir dir;
    auto file = (dir / "b.json").string();
    constexpr std::size_t read_size = 1 << 20; // bundle_reader.cpp's piece
    // "é" and "€" cut by every boundary between reads.
    for (const std::string wide : {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"}) {
        for (std::size_t k = 1; k < wide.size(); ++k) {
            auto start = header + R"("collectors": [{"name": "nix", "status": "ok", "facts": [{"subject": "a", "key": "b", "value": ")";
            auto value = std::string(read_size - k - start.size(), 'y') + wide;
            auto input = bundle::read_bundle_file(write(dir, start + value + "\"}]}]}"));
            CHECK((input.collectors.at(0).facts.at(0).value == value)); // not printed: a MiB
        }
    }
    std::string big = R"({"format": "forensic-bundle", "pad": ")" + std::string(read_size + 10, 'y') + "\",\n";
    auto malformed = big + R"( "host": x})";
    CHECK(refusal(dir, malformed) ==
          file + ": malformed JSON at line 2, column 10 (byte " + std::to_string(malformed.find("x}") + 1) + ")");
    // A byte that is not UTF-8 past the first read, even after a syntax error: not a bundle at all.
    CHECK(refusal(dir, big + " \"host\": \"\xff\"}") == file + ": not UTF-8 text, so not a bundle");
    CHECK(refusal(dir, R"({"format": x, "pad": ")" + std::string(read_size + 10, 'y') + "\xc3\"}") ==
          file + ": not UTF-8 text, so not a bundle");
    CHECK(refusal(dir, big + std::string(600, '[')).starts_with(file + ": nested deeper than 512 levels at line 2"));
}

TEST_CASE("a pipe is read whole, with the same errors as a file")
{
    TempDir dir;
    auto fifo = dir / "pipe.json";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    auto through_pipe = [&](const std::string& text) {
        std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << text; });
        std::string outcome;
        try {
            outcome = bundle::read_bundle_file(fifo).host;
        } catch (const InputError& e) {
            outcome = e.what();
        }
        writer.join();
        return outcome;
    };
    CHECK(through_pipe(with_collectors(R"([{"name": "nix", "status": "ok", "facts": []}])")) == "h");
    CHECK(through_pipe("{\"format\": ") == fifo.string() + ": malformed JSON at line 1, column 11 (byte 12)");
}

TEST_CASE("verify reads bytes that are not UTF-8 as \\xNN, as it always has; a malformed seal names the file")
{
    TempDir dir;
    auto file = (dir / "b.json").string();
    auto text = with_collectors(R"([{"name": "nix", "status": "ok", "facts": [{"subject": "a", "key": "b", "value": "caf)"
                                "\xff"
                                R"("}]}])");
    write(dir, text);
    auto read = bundle::read_bundle(file, bundle::NonUtf8::escape);
    CHECK(read.snapshot.collectors.at(0).facts.at(0).value == "caf\\xff");
    CHECK_FALSE(bundle::read_seal(read.seal, file).has_value());
    CHECK(refusal(dir, text) == file + ": not UTF-8 text, so not a bundle"); // import refuses it

    auto sealed = text.substr(0, text.size() - 1) + R"(, "seal": {"content": "abc", "chain": "def"}})";
    write(dir, sealed);
    auto bad_seal = bundle::read_bundle(file, bundle::NonUtf8::escape);
    try {
        bundle::read_seal(bad_seal.seal, file);
        FAIL("accepted a seal of three digits");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()) ==
              file + R"(: seal: expected {"content": HEX, "chain": HEX}, 64 lower-case hex digits each)");
    }
}

TEST_CASE("a bundle is written as nlohmann's dump with an indent of 1 wrote it, escapes and all")
{
    SnapshotInput input{"h", *parse_rfc3339("2026-06-01T06:00:00Z"), *parse_rfc3339("2026-06-01T06:00:05Z"), "0.1.0",
                        {}, SnapshotKind::watch};
    input.collectors.push_back({"runs", CollectorStatus::failed, "down", {}});
    CollectorRun swarm{"swarm", CollectorStatus::ok, {}, {}, Coverage::subjects, {"app"}};
    swarm.facts.push_back({"app", "label", "a\"b\\c\nd\x01/caf\xc3\xa9 \xff", *parse_rfc3339("2026-06-01T05:00:00Z")});
    input.collectors.push_back(swarm);
    std::string text;
    bundle::write_bundle(input, store::StoredSeal{std::string(64, 'a'), std::string(64, 'b')},
                         [&](std::string_view piece) { text += piece; });
    CHECK(text == R"({
 "format": "forensic-bundle",
 "version": 3,
 "kind": "watch",
 "host": "h",
 "taken_at": "2026-06-01T06:00:00Z",
 "finished_at": "2026-06-01T06:00:05Z",
 "tool_version": "0.1.0",
 "collectors": [
  {
   "name": "runs",
   "status": "failed",
   "error": "down",
   "facts": []
  },
  {
   "name": "swarm",
   "status": "ok",
   "coverage": "subjects",
   "subjects": [
    "app"
   ],
   "facts": [
    {
     "subject": "app",
     "key": "label",
     "value": "a\"b\\c\nd\u0001/café )"
                  "\xef\xbf\xbd"
                  R"(",
     "event_time": "2026-06-01T05:00:00Z"
    }
   ]
  }
 ],
 "seal": {
  "content": ")" + std::string(64, 'a') +
                      R"(",
  "chain": ")" + std::string(64, 'b') +
                      R"("
 }
}
)");
}

TEST_CASE("the store holds a bundle's snapshot only when every fact matches: one changed, gone or added tells, whatever the coverage")
{
    TempDir dir;
    store::Store db(dir / "a.db", store::Store::Access::write);
    auto t0 = *parse_rfc3339("2026-06-01T06:00:00Z");
    SnapshotInput night{"h", t0, t0 + ns_per_second, "0.1.0", {}, {}};
    night.collectors = {{"events", CollectorStatus::ok, {}, {{"e1", "seen", "1", {}}}},
                        {"nix", CollectorStatus::ok, {}, {{"g/1", "created", "1", {}}, {"g/2", "created", "2", t0}}},
                        {"swarm", CollectorStatus::ok, {}, {{"app", "image", "a:1", {}}, {"other", "image", "o:1", {}}}}};
    db.write(night);
    // A watch record: the events it still had, and the one service an event named.
    SnapshotInput watch{"h", t0 + 60 * ns_per_second, t0 + 61 * ns_per_second, "0.1.0", {}, SnapshotKind::watch};
    watch.collectors = {{"events", CollectorStatus::ok, {}, {{"e2", "seen", "2", {}}}, Coverage::additive},
                        {"nix", CollectorStatus::failed, "down", {}},
                        {"swarm", CollectorStatus::ok, {}, {{"app", "image", "a:2", {}}}, Coverage::subjects, {"app"}}};
    db.write(watch);
    for (const auto& info : db.snapshots()) {
        auto held = bundle::snapshot_as_input(db, info);
        CHECK(bundle::store_holds(db, info, held));
        auto differs = [&](const std::function<void(SnapshotInput&)>& edit) {
            auto copy = held;
            edit(copy);
            bundle::normalise(copy);
            return !bundle::store_holds(db, info, copy);
        };
        auto facts = [](SnapshotInput& s, const char* name) -> std::vector<Fact>& {
            for (auto& c : s.collectors)
                if (c.name == name) return c.facts;
            throw std::logic_error(name);
        };
        CHECK(differs([&](SnapshotInput& s) { facts(s, "swarm")[0].value += "x"; }));
        CHECK(differs([&](SnapshotInput& s) { facts(s, "events")[0].event_time = t0; }));
        CHECK(differs([&](SnapshotInput& s) { facts(s, "swarm").pop_back(); }));
        CHECK(differs([&](SnapshotInput& s) { facts(s, "events").push_back({"e9", "seen", "9", {}}); }));
        CHECK(differs([&](SnapshotInput& s) { s.collectors.pop_back(); }));
        CHECK(differs([&](SnapshotInput& s) { s.collectors[1].error = "other"; }));
        CHECK(differs([&](SnapshotInput& s) { s.tool_version = "0.2.0"; }));
    }
    // What each run of the watch record holds: the named subject, the reported event, no facts of the failed one.
    auto record = bundle::snapshot_as_input(db, db.snapshots().back());
    CHECK(record.collectors[0].facts == std::vector<Fact>{{"e2", "seen", "2", {}}});
    CHECK(record.collectors[1].facts.empty());
    CHECK(record.collectors[2].facts == std::vector<Fact>{{"app", "image", "a:2", {}}});
}
