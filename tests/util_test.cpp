// Times, paths under --root, store path names, digests, UTF-8 and ordering.
#include "support/host_fixture.hpp"
#include "support/process.hpp"

#include "libforensic/collect/snapshot_runner.hpp"
#include "libforensic/render/table.hpp"
#include "libforensic/util/atomic_file.hpp"
#include "libforensic/util/digest.hpp"
#include "libforensic/util/error.hpp"
#include "libforensic/util/host_root.hpp"
#include "libforensic/util/json_text.hpp"
#include "libforensic/util/natural_order.hpp"
#include "libforensic/util/parallel_map.hpp"
#include "libforensic/util/sha256.hpp"
#include "libforensic/util/store_path.hpp"
#include "libforensic/util/time.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <set>
#include "libforensic/util/utf8.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <fstream>
#include <limits>

using namespace forensic;
using forensic::test::HostFixture;

TEST_CASE("RFC 3339 times parse to nanoseconds and print back at their own precision")
{
    auto t = parse_rfc3339("2026-06-10T14:03:12.123456789Z");
    REQUIRE(t);
    CHECK(*t % ns_per_second == 123456789);
    CHECK(format_rfc3339(*t) == "2026-06-10T14:03:12.123456789Z");
    CHECK(format_rfc3339(*parse_rfc3339("2026-06-10T14:03:12Z")) == "2026-06-10T14:03:12Z");
    CHECK(format_rfc3339(*parse_rfc3339("2026-06-10T14:03:12.5Z")) == "2026-06-10T14:03:12.5Z");
    CHECK(*parse_rfc3339("2026-06-10T16:03:12+02:00") == *parse_rfc3339("2026-06-10T14:03:12Z"));
    CHECK(*parse_rfc3339("2026-06-10T12:03:12-02:00") == *parse_rfc3339("2026-06-10T14:03:12Z"));
    CHECK(format_rfc3339(0) == "1970-01-01T00:00:00Z");
    CHECK(format_rfc3339(-1) == "1969-12-31T23:59:59.999999999Z");
}

TEST_CASE("malformed times are refused")
{
    for (const char* bad : {"", "2026-06-10", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-06-10T25:00:00Z",
                            "2026-06-10T14:03:12", "2026-06-10T14:03:12.Z", "2026-06-10T14:03:12.1234567891Z",
                            "2026-06-10T14:03:12+0200", "2026-06-10T14:03:12Zjunk", "yesterday"}) {
        INFO(bad);
        CHECK_FALSE(parse_rfc3339(bad).has_value());
    }
}

TEST_CASE("every instant a TimeNs holds prints and parses back; times beyond it are refused, not overflowed")
{
    // Found by fuzz/time_fuzz.cpp: printing the earliest instants overflowed
    // (seconds * 10^9), and parsing them back failed.
    for (TimeNs t : {std::numeric_limits<TimeNs>::min(), std::numeric_limits<TimeNs>::min() + 1,
                     std::numeric_limits<TimeNs>::max(), -ns_per_second - 1, TimeNs(-1)}) {
        INFO(t);
        CHECK(parse_rfc3339(format_rfc3339(t)) == t);
    }
    CHECK(format_rfc3339(std::numeric_limits<TimeNs>::min()) == "1677-09-21T00:12:43.145224192Z");
    CHECK(*parse_rfc3339("2262-04-11T23:47:16.854775807Z") == std::numeric_limits<TimeNs>::max());
    CHECK(*parse_rfc3339("2262-04-12T00:47:16.854775807+01:00") == std::numeric_limits<TimeNs>::max());
    for (const char* beyond : {"2262-04-11T23:47:16.854775808Z", "1677-09-21T00:12:43.145224191Z",
                               "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"}) {
        INFO(beyond);
        CHECK_FALSE(parse_rfc3339(beyond).has_value());
    }
    CHECK_THROWS_AS(parse_time_argument("9999-12-31", "--to", true), UsageError);
    CHECK_THROWS_AS(parse_time_argument("2262-04-11", "--to", true), UsageError);
    // Epoch seconds (results.json) beyond 2262, or not numbers, are no time.
    CHECK_FALSE(from_epoch_seconds(1e11).has_value());
    CHECK_FALSE(from_epoch_seconds(-1e10).has_value());
    CHECK_FALSE(from_epoch_seconds(std::numeric_limits<double>::quiet_NaN()).has_value());
    CHECK_FALSE(from_epoch_seconds(std::numeric_limits<double>::infinity()).has_value());
}

TEST_CASE("command-line times take dates, zone-less times as UTC, and offsets")
{
    CHECK(parse_time_argument("2026-06-10", "--from") == *parse_rfc3339("2026-06-10T00:00:00Z"));
    CHECK(parse_time_argument("2026-06-10", "--to", true) == *parse_rfc3339("2026-06-11T00:00:00Z") - 1);
    CHECK(parse_time_argument("2026-06-10T06:00:00", "--at") == *parse_rfc3339("2026-06-10T06:00:00Z"));
    CHECK(parse_time_argument("2026-06-10T08:00:00+02:00", "--at") == *parse_rfc3339("2026-06-10T06:00:00Z"));
    try {
        parse_time_argument("10/06/2026", "--from");
        FAIL("accepted a malformed time");
    } catch (const UsageError& e) {
        CHECK(std::string(e.what()).find("--from: '10/06/2026'") != std::string::npos);
    }
    CHECK(from_epoch_seconds(1781199631.4) == *parse_rfc3339("2026-06-11T17:40:31.4Z"));
}

TEST_CASE("paths resolve under the root, with absolute targets kept inside it")
{
    HostFixture host;
    host.file("/nix/store/aaa-abra/bin/abra", "x");
    host.symlink("/bin/abra", "/nix/store/aaa-abra/bin/abra");
    host.symlink("/usr/local/abra", "../../bin/abra");
    HostRoot root(host.root());
    auto r = root.resolve("/usr/local/abra");
    CHECK(r.exists);
    CHECK(r.host_path == "/nix/store/aaa-abra/bin/abra");
    CHECK(r.links == std::vector<std::string>{"/usr/local/abra", "/bin/abra"});
}

TEST_CASE("a dangling chain names the link whose target is missing")
{
    HostFixture host;
    host.symlink("/a", "/b");
    host.symlink("/b", "/nix/store/gone/bin/abra");
    HostRoot root(host.root());
    auto r = root.resolve("/a");
    CHECK_FALSE(r.exists);
    CHECK(r.missing == "/nix");
    CHECK(r.dangling_link == "/b");
    auto plain = root.resolve("/not/there");
    CHECK_FALSE(plain.exists);
    CHECK(plain.dangling_link.empty());
}

TEST_CASE("a chain that climbs out of the root or loops is a PathError")
{
    HostFixture host;
    host.symlink("/up", "../../../etc/passwd");
    host.symlink("/loop1", "/loop2");
    host.symlink("/loop2", "/loop1");
    HostRoot root(host.root());
    CHECK_THROWS_AS(root.resolve("/up"), PathError);
    CHECK_THROWS_AS(root.resolve("/loop1"), PathError);
    CHECK_THROWS_AS(root.resolve("/../x"), PathError);
}

TEST_CASE("an entry of a resolved directory: a plain directory as it is, anything else walked")
{
    HostFixture host;
    host.file("/runs/plain/results.json", "{}");
    host.file("/elsewhere/run/results.json", "{}");
    host.symlink("/runs/linked", "/elsewhere/run");
    host.symlink("/runs/out", "../../../etc");
    host.file("/runs/file", "x");
    HostRoot root(host.root());
    auto plain = root.resolve_entry("/runs", "plain");
    CHECK(plain.exists);
    CHECK(plain.host_path == "/runs/plain");
    CHECK(plain.links.empty());
    auto linked = root.resolve_entry("/runs", "linked");
    CHECK(linked.host_path == "/elsewhere/run");
    CHECK(linked.links == std::vector<std::string>{"/runs/linked"});
    CHECK(root.resolve_entry("/runs", "file").host_path == "/runs/file");
    CHECK_FALSE(root.resolve_entry("/runs", "missing").exists);
    // The shortcut is for one plain name: ".." is walked, as resolve walks it.
    CHECK(root.resolve_entry("/runs/plain", "..").host_path == "/runs");
    CHECK_THROWS_AS(root.resolve_entry("/runs", "out"), PathError);
}

TEST_CASE("~ is the invoking user's home, under the root")
{
    HostRoot root("/tmp/r", "/home/ci");
    CHECK(root.expand_home("~/.abra") == "/home/ci/.abra");
    CHECK(root.expand_home("/abs") == "/abs");
    CHECK(root.real("/home/ci/.abra") == std::filesystem::path("/tmp/r/home/ci/.abra"));
}

TEST_CASE("store path names split into hash, pname and version")
{
    auto p = parse_store_path("/nix/store/bf6azhpi8bi5491n8i4bhjm1z7fva7pb-abra-0.13.0-beta/bin/abra");
    REQUIRE(p);
    CHECK(p->path == "/nix/store/bf6azhpi8bi5491n8i4bhjm1z7fva7pb-abra-0.13.0-beta");
    CHECK(p->pname == "abra");
    CHECK(p->version == "0.13.0-beta");
    auto system = parse_store_path("/nix/store/bf6azhpi8bi5491n8i4bhjm1z7fva7pb-nixos-system-cc-ci-24.05.20240601");
    REQUIRE(system);
    CHECK(system->pname == "nixos-system-cc-ci");
    CHECK(system->version == "24.05.20240601");
    CHECK_FALSE(parse_store_path("/usr/bin/abra"));
    CHECK_FALSE(parse_store_path("/nix/store/eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee-abra-1")); // e is not in Nix's base-32
    CHECK(parse_store_path("/nix/store/bf6azhpi8bi5491n8i4bhjm1z7fva7pb-source")->version.empty());
}

TEST_CASE("sha256 agrees with sha256sum")
{
    forensic::test::TempDir dir;
    std::string data;
    for (int i = 0; i < 200000; ++i) data += static_cast<char>(i * 31 + 7);
    // Sizes at every padding edge, hashed by whichever path this CPU takes
    // (the SHA extensions where it has them; tests/snapshot_chain_test.cpp
    // checks the portable code against them).
    for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{55}, std::size_t{56}, std::size_t{63},
                             std::size_t{64}, std::size_t{65}, std::size_t{119}, std::size_t{120}, std::size_t{128},
                             data.size()}) {
        auto file = dir / ("f" + std::to_string(size));
        std::ofstream(file, std::ios::binary) << data.substr(0, size);
        auto oracle = forensic::test::run_checked({"sha256sum", file.string()}).substr(0, 64);
        CHECK(sha256_file(file) == oracle);
    }
}

TEST_CASE("a file written a piece at a time replaces the old one only when committed")
{
    forensic::test::TempDir dir;
    auto file = dir / "report.txt";
    auto contents = [&] {
        std::ifstream in(file);
        return std::string(std::istreambuf_iterator<char>(in), {});
    };
    auto entries = [&] { return std::distance(std::filesystem::directory_iterator(dir.path()), {}); };
    write_file_atomically(file, "old\n");
    {
        AtomicFile out(file);
        out.write("new ");
        CHECK(contents() == "old\n"); // readers see the old file meanwhile
    } // given up: no trace
    CHECK(contents() == "old\n");
    CHECK(entries() == 1);
    AtomicFile out(file);
    out.write("new ");
    out.write("report\n");
    out.commit();
    CHECK(contents() == "new report\n");
    CHECK(entries() == 1);
    CHECK_THROWS_AS(AtomicFile(dir / "missing" / "x.txt"), InputError);
}

TEST_CASE("invalid UTF-8 is escaped and valid text is untouched")
{
    CHECK(to_valid_utf8("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(to_valid_utf8("ref\xff\xfe") == "ref\\xff\\xfe");
    CHECK(to_valid_utf8("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // a surrogate
    CHECK(is_valid_utf8(to_valid_utf8("\xc3")));
}

TEST_CASE("a table pads every column but the last, and no line ends in a space")
{
    render::Table table({"status", "recipe", "note"});
    table.add({"ok", "recipe1", ""});
    table.add({"affected", "r", "rolled back \xe2\x86\x92 old"});
    table.add({"", "", ""});
    CHECK(table.str("  ") == "  status    recipe   note\n"
                             "  ok        recipe1\n"
                             "  affected  r        rolled back \xe2\x86\x92 old\n"
                             "\n");
}

TEST_CASE("natural ranks number each distinct string in natural order, and apply_order moves records into an order")
{
    std::vector<std::string> texts{"generation/10", "generation/9", "a", "generation/9", "generation/09"};
    auto rank = natural_ranks({texts.begin(), texts.end()});
    // One rank per element, equal strings alike: a, generation/9, generation/09, generation/10.
    CHECK(rank == std::vector<std::size_t>{3, 1, 0, 1, 2});

    // Move-only records: each is moved once, none copied.
    std::vector<std::unique_ptr<std::string>> records;
    for (const auto& t : texts) records.push_back(std::make_unique<std::string>(t));
    apply_order(records, {2, 1, 3, 4, 0});
    std::vector<std::string> ordered;
    for (const auto& r : records) ordered.push_back(*r);
    CHECK(ordered == std::vector<std::string>{"a", "generation/9", "generation/9", "generation/09", "generation/10"});
}

TEST_CASE("natural order sorts numbers by value")
{
    CHECK(natural_less("generation/9", "generation/10"));
    CHECK_FALSE(natural_less("generation/10", "generation/9"));
    CHECK(natural_less("a", "b"));
    CHECK(natural_less("v1.2", "v1.10"));
    CHECK_FALSE(natural_less("x", "x"));
}

// The reference: token by token from the start, digit runs by value.
bool natural_less_reference(std::string_view a, std::string_view b)
{
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            std::size_t ie = i, je = j;
            while (ie < a.size() && digit(a[ie])) ++ie;
            while (je < b.size() && digit(b[je])) ++je;
            auto x = a.substr(i, ie - i), y = b.substr(j, je - j);
            auto strip = [](std::string_view v) {
                while (v.size() > 1 && v.front() == '0') v.remove_prefix(1);
                return v;
            };
            auto xs = strip(x), ys = strip(y);
            if (xs.size() != ys.size()) return xs.size() < ys.size();
            if (xs != ys) return xs < ys;
            if (x.size() != y.size()) return x.size() < y.size();
            i = ie;
            j = je;
        } else if (a[i] != b[j]) {
            return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
        } else {
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

TEST_CASE("natural order skips a common prefix, and its sort keys compare alike, agreeing with comparing token by token")
{
    // Shared prefixes that end inside a digit run, leading zeros, digits against letters.
    CHECK(natural_less("run/run-0099", "run/run-0100"));
    CHECK(natural_less("run/run-9", "run/run-10"));
    CHECK(natural_less("a12b", "a102"));
    CHECK(natural_less("x1a", "x01")); // equal values: the shorter run first, before what follows
    CHECK(natural_less("v1.2", "v1.2.1"));
    CHECK_FALSE(natural_less("v10", "v9"));
    std::mt19937 random(21);
    const std::string alphabet = "00019a./";
    auto text = [&] {
        std::string s = "run/";
        for (auto n = random() % 7; n > 0; --n) s += alphabet[random() % alphabet.size()];
        return s;
    };
    for (int n = 0; n < 20000; ++n) {
        auto a = text(), b = text();
        CHECK(natural_less(a, b) == natural_less_reference(a, b));
        CHECK(natural_less(b, a) == natural_less_reference(b, a));
        CHECK((natural_sort_key(a) < natural_sort_key(b)) == natural_less_reference(a, b));
        CHECK((natural_sort_key(b) < natural_sort_key(a)) == natural_less_reference(b, a));
    }
    // Bytes above the digits and below them, and a run longer than 255 digits.
    std::string many(300, '7');
    for (auto [a, b] : std::vector<std::pair<std::string, std::string>>{
             {"a5", "a:"}, {"a/", "a5"}, {"a\xff", "a9"}, {"x9", "x" + many}, {"x" + many, "x" + many + "0"}})
        CHECK((natural_sort_key(a) < natural_sort_key(b)) == natural_less_reference(a, b));
}

TEST_CASE("durations print as Go's time.Duration prints them")
{
    CHECK(format_go_duration(0) == "0s");
    CHECK(format_go_duration(5 * ns_per_second) == "5s");
    CHECK(format_go_duration(90 * ns_per_second) == "1m30s");
    CHECK(format_go_duration(3600 * ns_per_second) == "1h0m0s");
    CHECK(format_go_duration(5'500'000'000) == "5.5s");
    CHECK(format_go_duration(500'000'000) == "500ms");
    CHECK(format_go_duration(1'500'000) == "1.5ms");
    CHECK(format_go_duration(1'500) == "1.5\u00b5s");
    CHECK(format_go_duration(999) == "999ns");
    CHECK(format_go_duration(-5 * ns_per_second) == "-5s");
    CHECK(format_go_duration(26 * 3600 * ns_per_second + 1) == "26h0m0.000000001s");
}

TEST_CASE("malformed JSON is reported by line and column, without quoting the text")
{
    CHECK(parse_json_text("[1, 2]", "x.json") == nlohmann::json::array({1, 2}));
    CHECK_THROWS_WITH_AS(parse_json_text("{\"a\": 1,\n \"pw\": hunter2}", "x.json"),
                         "x.json: malformed JSON at line 2, column 8 (byte 17)", InputError);
    CHECK_THROWS_WITH_AS(parse_json_text("", "empty.json"), "empty.json: malformed JSON at line 1, column 1 (byte 1)",
                         InputError);
    // Found by fuzz/run_results_fuzz.cpp: a number beyond a double escaped as
    // nlohmann's own exception, failing a whole collector for one file.
    CHECK_THROWS_WITH_AS(parse_json_text("{\"started\": 1e400}", "r.json"),
                         "r.json: malformed JSON: a number too large to read", InputError);
    // A million '[' would overflow the stack of whoever prints it.
    CHECK_THROWS_WITH_AS(parse_json_text("{\"a\":\n" + std::string(100000, '['), "deep.json"),
                         "deep.json: nested deeper than 512 levels at line 2, column 512 (byte 518)", InputError);
    CHECK(parse_json_text(std::string(512, '[') + std::string(512, ']'), "ok.json").is_array());
    CHECK(parse_json_text("[\"[[[[\"]", "quoted.json") == nlohmann::json::array({"[[[["}));
    // Bytes that are not UTF-8 are escaped in strings, and positions stay those of the file.
    CHECK(parse_json_text("{\"l\xff\": \"a\xfe\\\"b\"}", "l.json") == nlohmann::json{{"l\\xff", "a\\xfe\"b"}});
    CHECK_THROWS_WITH_AS(parse_json_text("[\"\xff\",\n \xfe]", "bad.json"),
                         "bad.json: malformed JSON at line 2, column 2 (byte 8)", InputError);
    CHECK_THROWS_WITH_AS(parse_json_text("[\"\xff\", ,]", "late.json"),
                         "late.json: malformed JSON at line 1, column 7 (byte 7)", InputError);
    CHECK(json_value_text(nlohmann::json("text")) == "text");
    CHECK(json_value_text(nlohmann::json(0.2)) == "0.2");
    CHECK(json_value_text(nlohmann::json(true)) == "true");
}

TEST_CASE("the event parser reports each malformed text exactly as the document parser does")
{
    // The document parser is the oracle: a large file read as events must
    // fail with the same file, line, column and byte.
    struct Ignore final : nlohmann::json_sax<nlohmann::json> {
        bool null() override { return true; }
        bool boolean(bool) override { return true; }
        bool number_integer(number_integer_t) override { return true; }
        bool number_unsigned(number_unsigned_t) override { return true; }
        bool number_float(number_float_t, const string_t&) override { return true; }
        bool string(string_t&) override { return true; }
        bool binary(binary_t&) override { return true; }
        bool start_object(std::size_t) override { return true; }
        bool key(string_t&) override { return true; }
        bool end_object() override { return true; }
        bool start_array(std::size_t) override { return true; }
        bool end_array() override { return true; }
        bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
    };
    auto message = [](const std::function<void()>& parse) {
        try {
            parse();
        } catch (const InputError& e) {
            return std::string(e.what());
        }
        return std::string("(parsed)");
    };
    for (std::string text : std::vector<std::string>{"{\"a\": 1,\n \"pw\": hunter2}", "", "{\"started\": 1e400}", "[\"\xff\",\n \xfe]",
                             "[\"\xff\", ,]", "{\"a\":\n" + std::string(100000, '['), "[1, 2] 3", "{\"x\": [1, 2]}",
                             "[1,,\n" + std::string(600, '['), std::string(512, '[') + std::string(512, ']'),
                             std::string(513, '[') + std::string(513, ']')}) {
        CAPTURE(text);
        Ignore events;
        auto expected = message([&] { parse_json_text(text, "f.json"); });
        CHECK(message([&] { parse_json_events(text, "f.json", events); }) == expected);
    }
}

TEST_CASE("the indexed parse gives nlohmann's events and, for text it refuses, nlohmann's errors")
{
    // nlohmann's event parser is the oracle: the same events in the same
    // order (a float by its value: its text is documented to differ), and
    // the same error for what either refuses.
    struct Record final : nlohmann::json_sax<nlohmann::json> {
        std::vector<std::string> events;
        bool add(std::string event) { return events.push_back(std::move(event)), true; }
        bool null() override { return add("null"); }
        bool boolean(bool value) override { return add(value ? "true" : "false"); }
        bool number_integer(number_integer_t value) override { return add("int " + std::to_string(value)); }
        bool number_unsigned(number_unsigned_t value) override { return add("uint " + std::to_string(value)); }
        bool number_float(number_float_t value, const string_t&) override
        {
            return add("float " + nlohmann::json(value).dump());
        }
        bool string(string_t& value) override { return add("string " + value); }
        bool binary(binary_t&) override { return add("binary"); }
        bool start_object(std::size_t size) override { return add("{ " + std::to_string(size)); }
        bool key(string_t& value) override { return add("key " + value); }
        bool end_object() override { return add("}"); }
        bool start_array(std::size_t size) override { return add("[ " + std::to_string(size)); }
        bool end_array() override { return add("]"); }
        bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }
    };
    auto events_of = [](auto parse, const std::string& text) {
        Record record;
        try {
            parse(text, "f.json", record);
        } catch (const InputError& e) {
            record.events.push_back(std::string("error: ") + e.what());
        }
        return record.events;
    };
    auto stream = [](std::string_view t, const std::string& o, Record& r) { parse_json_events(t, o, r); };
    auto indexed = [](std::string_view t, const std::string& o, Record& r) { parse_json_events_indexed(t, o, r); };
    std::vector<std::string> texts{
        R"({"name": "recipe", "versions": [{"1.0.0+1": {"app": {"image": "x", "tag": "1"}}}], "features": {}})",
        R"([0, -1, 9223372036854775807, -9223372036854775808, 18446744073709551615, 1.5, -0.25, 1e300, 3e-5])",
        "[18446744073709551616]", // beyond 64 bits: nlohmann's float, from its own parse
        R"({"a": 1, "a": 2, "\u00e9\ud83d\ude00": "tab\tand\\nnewline", "empty": "", "n": null, "t": true, "f": false})",
        "[\"\xff\", \"ok\"]", // invalid UTF-8, escaped before either parser sees it
        "{\"a\": 1,\n \"pw\": hunter2}", "", "[1, 2] 3", "{\"started\": 1e400}", "[\"a\nb\"]",
        std::string(512, '[') + std::string(512, ']'), std::string(513, '[') + std::string(513, ']'),
        std::string(1500, '[') + std::string(1500, ']'), "  [ ]  ", "\"top\"", "42"};
    for (const auto& text : texts) {
        CAPTURE(text);
        CHECK(events_of(indexed, text) == events_of(stream, text));
    }
}

TEST_CASE("parallel_ranges covers every index exactly once, in contiguous ranges")
{
    for (std::size_t count : {0ul, 1ul, 4095ul, 4096ul, 3 * 4096ul + 7}) {
        CAPTURE(count);
        std::vector<std::atomic<int>> calls(count);
        std::atomic<std::size_t> ranges{0};
        parallel_ranges(count, [&](std::size_t first, std::size_t last) {
            CHECK(first <= last);
            ++ranges;
            for (auto i = first; i < last; ++i) ++calls[i];
        }, 4096, 4);
        CHECK(ranges == std::clamp<std::size_t>(count / 4096, 1, 4));
        CHECK(std::all_of(calls.begin(), calls.end(), [](const auto& c) { return c == 1; }));
    }
}

TEST_CASE("a name repeated anywhere in a collector's facts is found, also when its subject comes back later")
{
    // Subjects in runs that recur, keys that repeat within and across runs;
    // the oracle is a set of every (subject, key) seen.
    std::mt19937 random(20261127);
    std::vector<Fact> facts;
    for (int run = 0; run < 60; ++run) {
        auto subject = "s" + std::to_string(random() % 7);
        for (auto n = random() % 400; n > 0; --n)
            facts.push_back({subject, "k" + std::to_string(random() % 3000), std::to_string(facts.size()), {}});
    }
    std::set<std::pair<std::string, std::string>> seen;
    std::vector<Fact> kept;
    std::map<std::string, std::set<std::string>> repeated;
    for (const auto& f : facts) {
        if (seen.emplace(f.subject, f.key).second)
            kept.push_back(f);
        else
            repeated[f.subject].insert(f.key);
    }
    REQUIRE(facts.size() > 3 * 4096); // sanitised on more than one worker
    REQUIRE(!repeated.empty());

    collect::sanitise_facts(facts);
    REQUIRE(facts.size() == kept.size() + repeated.size());
    CHECK(std::equal(kept.begin(), kept.end(), facts.begin()));
    for (const auto& entry : repeated) {
        // Not a structured binding: clang 14 cannot capture one in a lambda.
        const auto& subject = entry.first;
        const auto& keys = entry.second;
        auto error = std::find_if(facts.begin() + static_cast<long>(kept.size()), facts.end(),
                                  [&](const Fact& f) { return f.subject == subject && f.key == error_key; });
        REQUIRE(error != facts.end());
        for (const auto& key : keys) {
            CAPTURE(key);
            CHECK((error->value.find(" " + key + ",") != std::string::npos ||
                   error->value.find(" " + key + " (") != std::string::npos));
        }
    }
}

TEST_CASE("facts are made valid UTF-8, and a name reported twice keeps its first value and an error")
{
    std::vector<Fact> facts = {{"svc", "spec.label:a\xff", "1", {}},
                               {"svc", "spec.label:a\\xff", "2", {}}, // the same name once escaped
                               {"svc", "stamp.commit", "eb96de94", {}},
                               {"other", "k", "v\xfe", {}}};
    collect::sanitise_facts(facts);
    REQUIRE(facts.size() == 4);
    CHECK(facts[0].key == "spec.label:a\\xff");
    CHECK(facts[0].value == "1");
    CHECK(facts[2].value == "v\\xfe");
    CHECK(facts[3].subject == "svc");
    CHECK(facts[3].key == "error");
    CHECK(facts[3].value.find("spec.label:a\\xff") != std::string::npos);
}

TEST_CASE("a subject digest is SHA-256 of its facts' SHA-256s in sorted order: any order, no collision but SHA-256's")
{
    auto of = [](std::vector<std::pair<std::string, std::string>> facts) {
        Digest d;
        for (const auto& f : facts) d.add_fact(f.first, f.second, std::nullopt);
        return d;
    };
    auto ab = of({{"a", "1"}, {"b", "2"}});
    CHECK(ab == of({{"b", "2"}, {"a", "1"}}));
    CHECK_FALSE(ab == of({{"a", "1"}}));
    CHECK_FALSE(ab == of({{"a", "1"}, {"b", "3"}}));
    CHECK_FALSE(of({{"ab", "c"}}) == of({{"a", "bc"}})); // fields length-prefixed
    Digest timed;
    timed.add_fact("a", "1", 5);
    CHECK_FALSE(timed == of({{"a", "1"}}));
    // Computed independently: each fact's length-prefixed fields, then the sorted hashes.
    auto fact_hash = [](const std::string& key, const std::string& value) {
        std::string bytes;
        for (const auto* field : {&key, &value}) {
            auto n = static_cast<std::uint64_t>(field->size());
            bytes.append(reinterpret_cast<const char*>(&n), sizeof n);
            bytes += *field;
        }
        Sha256 h;
        h.update(bytes.data(), bytes.size());
        return h.finish();
    };
    std::vector<std::array<std::uint8_t, 32>> hashes{fact_hash("a", "1"), fact_hash("b", "2")};
    std::sort(hashes.begin(), hashes.end());
    Sha256 outer;
    for (const auto& h : hashes) outer.update(h.data(), h.size());
    CHECK(ab.value() == outer.finish());
    // Stored and read back: equal; an older 24-byte digest never matches.
    CHECK(Digest::from_bytes(ab.bytes()) == ab);
    CHECK_FALSE(Digest::from_bytes(std::string(24, '\0')) == Digest{});
}
