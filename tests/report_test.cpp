// `forensic report` and the timeline of happenings on the embedded dstamp
// case (snapshots/dstamp), as a reviewer meets them: the page names the
// rollback at its exact time; the default text timeline is short and names
// every stamp-relevant happening; and both HTML pages, opened in headless
// Chromium at a desktop's and a phone's width, do not overflow, show every
// happening's label and the verdict above the fold. Screenshots are kept
// under build/screenshots for a person to look at.
#include "support/chromium.hpp"
#include "support/golden.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using forensic::test::run_process;
using forensic::test::TempDir;

namespace {

fs::path case_dir()
{
    return fs::path(std::getenv("FORENSIC_SOURCE_ROOT")) / "snapshots/dstamp";
}

std::string slurp(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::size_t columns(const std::string& line)
{
    std::size_t n = 0;
    for (unsigned char c : line) n += (c & 0xC0) != 0x80;
    return n;
}

// The case imported into `dstamp.db` in a fresh directory; commands run
// there with a relative --db, so the page's re-run commands are the same
// bytes on every machine. `only` picks bundles by their number prefix.
struct Case {
    TempDir dir;
    explicit Case(const std::set<std::string>& only = {})
    {
        std::vector<std::string> args = {forensic::test::forensic_binary(), "import", "--db", "dstamp.db"};
        for (const auto& entry : fs::directory_iterator(case_dir()))
            if (entry.path().extension() == ".json" && (only.empty() || only.contains(entry.path().filename().string().substr(0, 2))))
                args.push_back(entry.path().string());
        std::sort(args.begin() + 4, args.end());
        if (args.size() == 4) return; // none of the embedded case's bundles: the test imports its own
        auto r = run_process(args, {}, dir.path().string());
        REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    }
    forensic::test::ProcessResult run(std::vector<std::string> args) const
    {
        args.insert(args.begin(), forensic::test::forensic_binary());
        args.insert(args.end(), {"--db", "dstamp.db"});
        return run_process(args, {}, dir.path().string());
    }
    fs::path file(const std::string& name) const { return dir / name; }
};

const std::vector<std::string> window = {"timeline", "--from", "2026-06-05", "--to", "2026-06-10", "--recipe", "discourse"};

std::vector<std::string> with(std::vector<std::string> args, const std::vector<std::string>& more)
{
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

std::size_t labels_in(const std::string& page)
{
    std::size_t n = 0;
    for (std::size_t at = 0; (at = page.find("<text class=\"label", at)) != std::string::npos; ++at) ++n;
    return n;
}

// What a person checks on a page at one width, measured from the DOM: every
// chart is drawn twice (wide and narrow) and one of each shows, so half the
// page's labels.
void check_page(const TempDir& dir, const fs::path& page, int width, int height, bool has_verdict,
                const std::string& screenshot)
{
    CAPTURE(page.filename().string());
    CAPTURE(width);
    auto m = forensic::test::measure_page(dir, page, width, height);
    // No horizontal overflow.
    CHECK(m["scrollWidth"].get<int>() <= m["clientWidth"].get<int>());
    // Every happening's label laid out, inside its chart and the window, none on another.
    CHECK(m["charts"].get<int>() >= 1);
    std::size_t visible = 0;
    for (const auto& label : m["labels"]) {
        INFO(label["text"].get<std::string>());
        CHECK(label["visible"].get<bool>());
        visible += label["visible"].get<bool>();
    }
    CHECK(visible == labels_in(slurp(page)) / 2);
    CHECK(m["overlaps"].get<int>() == 0);
    if (has_verdict) {
        REQUIRE(m.contains("verdict"));
        CHECK(m["verdict"]["top"].get<double>() >= 0);
        CHECK(m["verdict"]["bottom"].get<double>() <= m["innerHeight"].get<double>()); // above the fold
    }
    auto tall = std::min(m["scrollHeight"].get<int>(), 16000);
    forensic::test::screenshot_page(dir, page, width, tall, forensic::test::screenshot_dir() / screenshot);
}

} // namespace

TEST_CASE("the discourse timeline is a happening a line: at most 40 lines, every stamp-relevant one named, 100 columns")
{
    Case c;
    auto text = c.run(window);
    REQUIRE(text.exit_code == 0);
    auto lines = lines_of(text.out);
    CHECK(lines.size() <= 40);
    for (const auto& line : lines) {
        INFO(line);
        CHECK(columns(line) <= 100);
    }
    // --relevant lists only the stamp-relevant happenings; each is in the default output.
    auto relevant = c.run(with(window, {"--relevant"}));
    REQUIRE(relevant.exit_code == 0);
    std::size_t named = 0;
    for (const auto& line : lines_of(relevant.out))
        if (auto star = line.find(" * "); star != std::string::npos) {
            ++named;
            CHECK(text.out.find(line.substr(star)) != std::string::npos);
        }
    CHECK(named >= 15);
    for (const char* story : {"checkout 771a611f → aa3005d3", "first seen:", "rolled back:", "update started",
                              "HC1 wanted aa3005d39d73, saw 771a611f+U", "untracked files appeared: compose.ccci.yml",
                              "same abra 0.13.0-beta"})
        CHECK_MESSAGE(text.out.find(story) != std::string::npos, story);
    // The rollback at its exact time, by the fact that carries it, not between two snapshots.
    CHECK(text.out.find("05:50:12.390 CompletedAt * service disc-ae10f0_ci_commoninternet_net_app rolled back:") !=
          std::string::npos);
    // The happening names the snapshot that saw it (7), not the one that last held its removed rows (6).
    CHECK(text.out.find("updating → rollback_completed [7]") != std::string::npos);
    // Bounds at their own precision.
    CHECK(text.out.find("06-10 05:51 … 06-11 03:00") != std::string::npos);

    // --facts: every fact of JSON under its happening.
    auto facts = c.run(with(window, {"--facts"}));
    auto json = c.run(with(window, {"--json"}));
    REQUIRE(facts.exit_code == 0);
    REQUIRE(json.exit_code == 0);
    auto events = nlohmann::json::parse(json.out)["events"];
    CHECK(events.size() == 318);
    CHECK(lines_of(facts.out).size() - lines.size() == events.size()); // a line a fact, besides the happenings

    forensic::test::check_golden("dstamp-timeline.txt", text.out);
    forensic::test::check_golden("dstamp-timeline-facts.txt", facts.out);
    forensic::test::check_golden("dstamp-timeline-relevant.txt", relevant.out);
    forensic::test::check_golden("dstamp-timeline.json", json.out);
    auto md = c.run(with(window, {"--format", "md"}));
    REQUIRE(md.exit_code == 0);
    forensic::test::check_golden("dstamp-timeline.md", md.out);
}

TEST_CASE("--format jsonl: one Timesketch event a fact, with datetime, timestamp_desc and message")
{
    Case c;
    auto jsonl = c.run(with(window, {"--format", "jsonl"}));
    REQUIRE(jsonl.exit_code == 0);
    auto lines = lines_of(jsonl.out);
    CHECK(lines.size() == 318);
    std::string previous;
    for (const auto& line : lines) {
        auto e = nlohmann::json::parse(line);
        for (const char* field : {"datetime", "timestamp", "timestamp_desc", "message", "source", "subject", "key", "change",
                                  "before", "after", "stamp_relevant", "time_basis", "not_before", "not_after", "snapshot"})
            CHECK_MESSAGE(e.contains(field), field);
        CHECK(e["message"].get<std::string>().find(e["key"].get<std::string>()) != std::string::npos);
        CHECK(e["timestamp"].get<long long>() % 1 == 0);
        CHECK(e["datetime"].get<std::string>() >= previous); // in time order
        previous = e["datetime"].get<std::string>();
    }
    auto rollback = std::find_if(lines.begin(), lines.end(), [](const std::string& l) {
        return l.find("\"key\":\"update_status.state\"") != std::string::npos && l.find("rollback_completed") != std::string::npos &&
               l.find("\"change\":\"changed\"") != std::string::npos;
    });
    REQUIRE(rollback != lines.end());
    auto e = nlohmann::json::parse(*rollback);
    CHECK(e["datetime"] == "2026-06-10T05:50:12.390118227Z");
    CHECK(e["timestamp"] == 1781070612390118LL);
    CHECK(e["timestamp_desc"] == "UpdateStatus CompletedAt");
    CHECK(e["not_before"] == "2026-06-10T05:49:00Z");
    CHECK(e["not_after"] == "2026-06-10T05:51:00Z");
    forensic::test::check_golden("dstamp-timeline.jsonl", jsonl.out);
}

TEST_CASE("the report of the embedded case names the rollback at its exact time and is one self-contained page")
{
    Case c;
    auto page = c.file("report.html");
    auto r = c.run({"report", "--recipe", "discourse", "--run", "m2p-discourse", "-o", page.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto html = slurp(page);
    CHECK(html.find("Verdict: Swarm rolled the service back (swarm-rollback).") != std::string::npos);
    CHECK(html.find("When: 2026-06-10 05:50:12.390 (UpdateStatus CompletedAt): service "
                    "disc-ae10f0_ci_commoninternet_net_app rolled back") != std::string::npos);
    CHECK(html.find("expected discourse&#39;s") == std::string::npos);
    CHECK(html.find("Run m2p-discourse's HC1 check expected discourse's deployed service to carry the stamp of commit "
                    "aa3005d39d73 and saw 771a611f+U") != std::string::npos);
    // Every other hypothesis, by its id, with its status.
    for (const char* id : {"checkout-mismatch", "ref-moved", "abra-changed", "untracked-files"})
        CHECK_MESSAGE(html.find("<strong>" + std::string(id) + "</strong>") != std::string::npos, id);
    CHECK(html.find("Blast radius as of snapshot 8") != std::string::npos);
    CHECK(html.find("forensic import --db review.db cc-ci-1.json cc-ci-2.json cc-ci-3.json") != std::string::npos);
    CHECK(html.find("for id in 1 2 3 4 5 6 7 8 9 10; do forensic export $id --db dstamp.db -o cc-ci-$id.json; done") !=
          std::string::npos);
    // Self-contained: nothing fetched, no script needed to read it.
    auto without_namespace = std::regex_replace(html, std::regex("http://www\\.w3\\.org/2000/svg"), "");
    CHECK(without_namespace.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    forensic::test::check_golden("dstamp-report.html", html);
    auto md = c.run({"report", "--recipe", "discourse", "--run", "m2p-discourse", "--format", "md"});
    REQUIRE(md.exit_code == 0);
    CHECK(md.out.starts_with("## Why discourse's upgrade stamped `771a611f+U`"));
    forensic::test::check_golden("dstamp-report.md", md.out);

    auto bad = c.run({"report", "--recipe", "discourse", "--run", "m2p-discourse", "--format", "pdf"});
    CHECK(bad.exit_code == 2);
    auto none = c.run({"report", "--recipe", "discourse", "--run", "no-such-run"});
    CHECK(none.exit_code == 2);
    CHECK(none.err.find("no-such-run") != std::string::npos);
}

TEST_CASE("the report re-runs from the bundles its page names, byte for byte")
{
    Case c;
    auto r = c.run({"report", "--recipe", "discourse", "--run", "m2p-discourse", "--format", "md"});
    REQUIRE(r.exit_code == 0);
    auto block = r.out.substr(r.out.find("```sh\n") + 6);
    auto commands = lines_of(block.substr(0, block.find("```")));
    REQUIRE(commands.size() >= 3);
    auto bin = forensic::test::forensic_binary();
    auto shell = [&](const std::string& command) {
        auto line = std::regex_replace(command, std::regex("(^|; do |; )forensic "), "$1" + bin + " ");
        return run_process({"sh", "-c", line}, {}, c.dir.path().string());
    };
    CHECK(shell(commands[0]).exit_code == 0);
    CHECK(shell(commands[1]).exit_code == 0);
    auto again = run_process({bin, "report", "--db", "review.db", "--recipe", "discourse", "--run", "m2p-discourse",
                              "--format", "md"},
                             {}, c.dir.path().string());
    REQUIRE(again.exit_code == 0);
    // The same page, but for the database it names.
    auto body = [](const std::string& text) { return text.substr(0, text.find("### How to re-run it")); };
    CHECK(body(again.out) == body(r.out));
}

TEST_CASE("the nightly-only variant renders: no capture saw the service, and the page says so")
{
    Case c({"01", "03", "04", "05", "08", "10"});
    auto page = c.file("nightly.html");
    auto r = c.run({"report", "--recipe", "discourse", "--run", "m2p-discourse", "-o", page.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto html = slurp(page);
    CHECK(html.find("Verdict: unexplained.") != std::string::npos);
    CHECK(html.find("inconclusive</span> <strong>swarm-rollback</strong>") != std::string::npos);
    CHECK(html.find("no service of discourse carrying its stamp was recorded") != std::string::npos);
    CHECK(html.find("forensic watch") != std::string::npos); // what would have recorded it
    for (auto [width, height] : {std::pair{1280, 800}, std::pair{390, 844}})
        check_page(c.dir, page, width, height, true, "report-nightly-" + std::to_string(width) + ".png");
}

TEST_CASE("the report and the timeline in Chromium at 1280 and 390 px: no overflow, every label visible, verdict above the fold")
{
    REQUIRE_MESSAGE(run_process({"sh", "-c", "command -v chromium"}).exit_code == 0,
                    "chromium is not installed: the README's set-up command installs it");
    Case c;
    auto report = c.file("report.html");
    REQUIRE(c.run({"report", "--recipe", "discourse", "--run", "m2p-discourse", "-o", report.string()}).exit_code == 0);
    auto timeline = c.file("timeline.html");
    REQUIRE(c.run(with(window, {"--format", "html", "-o", timeline.string()})).exit_code == 0);

    auto timeline_html = slurp(timeline);
    CHECK(labels_in(timeline_html) == 2 * 30); // 30 happenings, each labelled in both drawings
    CHECK(labels_in(slurp(report)) > 2 * 30);  // the window, and the deploy window enlarged
    CHECK(forensic::test::load_in_chromium(c.dir, report).console_errors.empty());
    for (auto [width, height] : {std::pair{1280, 800}, std::pair{390, 844}}) {
        auto suffix = "-" + std::to_string(width) + ".png";
        check_page(c.dir, report, width, height, true, "report" + suffix);
        check_page(c.dir, timeline, width, height, false, "timeline" + suffix);
    }
    forensic::test::check_golden("dstamp-timeline.html", timeline_html);
}

TEST_CASE("--run alone names the recipe: the run's facts say which it was")
{
    Case c;
    auto report = c.run({"report", "--run", "m2p-discourse", "--format", "md"});
    REQUIRE_MESSAGE(report.exit_code == 0, report.err);
    CHECK(report.out == c.run({"report", "--recipe", "discourse", "--run", "m2p-discourse", "--format", "md"}).out);
    auto attribute = c.run({"attribute", "--run", "m2p-discourse"});
    CHECK(attribute.exit_code == 0);
    CHECK(attribute.out.find("verdict: swarm-rollback") != std::string::npos);
    auto unknown = c.run({"report", "--run", "no-such-run"});
    CHECK(unknown.exit_code == 2);
    CHECK(unknown.err.find("no CI run 'no-such-run'") != std::string::npos);
    CHECK(c.run({"report"}).exit_code == 2);
}

TEST_CASE("the demo ends with the report and says where it wrote it")
{
    TempDir out;
    auto demo = (fs::path(std::getenv("FORENSIC_SOURCE_ROOT")) / "snapshots/run-demo").string();
    auto r = run_process({demo, forensic::test::forensic_binary()}, {{"FORENSIC_DEMO_OUT", out.path().string()}});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto page = out / "report.html";
    CHECK(r.out.find("$ forensic report --run m2p-discourse -o report.html") != std::string::npos);
    CHECK(r.out.ends_with("The report, one page for a reviewer: " + page.string() + "\n"));
    CHECK(slurp(page).find("Verdict: Swarm rolled the service back (swarm-rollback).") != std::string::npos);
}

TEST_CASE("the nightly-only variant with the watch's records: the rollback named at its exact time, from the watch")
{
    // snapshots/dstamp-nightly: the six nightly bundles and what forensic watch recorded of the run.
    Case c(std::set<std::string>{"none"});
    auto variant = fs::path(std::getenv("FORENSIC_SOURCE_ROOT")) / "snapshots/dstamp-nightly";
    std::vector<std::string> files = {"import"};
    for (const char* part : {"nightly", "watch"})
        for (const auto& entry : fs::directory_iterator(variant / part)) files.push_back(entry.path().string());
    std::sort(files.begin() + 1, files.end());
    auto imported = c.run(files);
    REQUIRE_MESSAGE(imported.exit_code == 0, imported.out << imported.err);
    const std::string service = "disc-ae10f0_ci_commoninternet_net_app";

    auto text = c.run(window);
    REQUIRE(text.exit_code == 0);
    INFO(text.out);
    // Each state the watch recorded is a happening at its own time.
    CHECK(text.out.find("05:48:40.702 ") != std::string::npos);
    CHECK(text.out.find("05:50:12.390 CompletedAt * service " + service + " rolled back") != std::string::npos);
    CHECK(text.out.find("rollback_started") != std::string::npos);

    auto page = c.file("watched.html");
    auto r = c.run({"report", "--run", "m2p-discourse", "-o", page.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    auto html = slurp(page);
    CHECK(html.find("Verdict: Swarm rolled the service back (swarm-rollback).") != std::string::npos);
    CHECK(html.find("When: 2026-06-10 05:50:12.390") != std::string::npos);
    CHECK(html.find("[watch record ") != std::string::npos); // the evidence names the watch record that holds it
    for (auto [width, height] : {std::pair{1280, 800}, std::pair{390, 844}})
        check_page(c.dir, page, width, height, true, "report-watched-" + std::to_string(width) + ".png");
    auto md = c.run({"report", "--run", "m2p-discourse", "--format", "md"});
    forensic::test::check_golden("dstamp-report-watched.md", md.out);
}
