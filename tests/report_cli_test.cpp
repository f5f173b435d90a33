// diff and timeline through the forensic command: exit codes, --json, the
// formats and files; and the HTML report loaded in headless Chromium as a
// person would open it.
#include "support/case_history.hpp"
#include "support/chromium.hpp"
#include "support/golden.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

using namespace forensic;
using forensic::test::forensic_run;
using forensic::test::run_process;
using forensic::test::TempDir;
using forensic::test::load_in_chromium;

namespace {

std::string case_db(const TempDir& dir)
{
    auto file = (dir / "case.db").string();
    store::Store db(file, store::Store::Access::write);
    forensic::test::write_case_history(db);
    return file;
}

std::string slurp(const std::filesystem::path& file)
{
    std::ifstream in(file);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::size_t count(const std::string& text, const std::regex& pattern)
{
    return static_cast<std::size_t>(std::distance(std::sregex_iterator(text.begin(), text.end(), pattern), std::sregex_iterator()));
}

} // namespace

TEST_CASE("diff --exit-code exits 1 on changes and 0 without, as git diff does")
{
    TempDir dir;
    auto db = case_db(dir);
    auto changed = forensic_run({"diff", "1", "latest", "--db", db, "--exit-code"});
    CHECK(changed.exit_code == 1);
    CHECK(changed.out.find("14 changes") != std::string::npos);
    CHECK(forensic_run({"diff", "1", "latest", "--db", db}).exit_code == 0);
    CHECK(forensic_run({"diff", "latest", "latest", "--db", db, "--exit-code"}).exit_code == 0);
    auto json = forensic_run({"diff", "2026-06-05", "2026-06-11", "--db", db, "--json", "--ignore", "version_index",
                              "--recipe", "discourse", "--source", "swarm"});
    REQUIRE(json.exit_code == 0);
    auto doc = nlohmann::json::parse(json.out);
    CHECK(doc["from"]["id"] == 1);
    CHECK(doc["changes"].size() == 3);
    CHECK(doc["changes"][2]["key"] == "update_status.state");
    CHECK(doc["changes"][2]["before"] == "completed");
    CHECK(doc["changes"][2]["after"] == "rollback_completed");
    auto one = forensic_run({"diff", "1", "--db", db});
    CHECK(one.exit_code == 2);
    CHECK(one.err.find("needs two snapshots") != std::string::npos);
}

TEST_CASE("timeline prints text by default and writes every format to a file")
{
    TempDir dir;
    auto db = case_db(dir);
    auto text = forensic_run({"timeline", "--db", db, "--from", "2026-06-05", "--to", "2026-06-11"});
    CHECK(text.exit_code == 0);
    CHECK(text.out.starts_with("timeline of cc-ci, 2026-06-05 → 2026-06-11 (UTC, whole days)"));
    auto json = forensic_run({"timeline", "--db", db, "--from", "2026-06-05", "--to", "2026-06-11", "--json"});
    REQUIRE(json.exit_code == 0);
    CHECK(nlohmann::json::parse(json.out)["events"].size() == 25);
    auto md = dir / "t.md";
    CHECK(forensic_run({"timeline", "--db", db, "--from", "2026-06-05", "--to", "2026-06-11", "--format", "md", "-o",
                        md.string()})
              .exit_code == 0);
    CHECK(slurp(md).starts_with("**Timeline of cc-ci**"));
    // The command writes a window of snapshots at a time: the same bytes as
    // the whole timeline rendered at once (the golden files).
    forensic::test::check_golden("timeline.txt", text.out);
    forensic::test::check_golden("timeline.json", json.out);
    forensic::test::check_golden("timeline.md", slurp(md));
    auto none = forensic_run({"timeline", "--db", db, "--from", "2027-01-01", "--to", "2027-01-02", "--json"});
    CHECK(none.exit_code == 0);
    CHECK(none.out == "{\n  \"from\": \"2027-01-01T00:00:00Z\",\n  \"to\": \"2027-01-02T23:59:59.999999999Z\",\n  \"events\": []\n}\n");
    auto bad = forensic_run({"timeline", "--db", db, "--from", "2026-06-05", "--to", "2026-06-11", "--format", "pdf"});
    CHECK(bad.exit_code == 2);
    CHECK(bad.err.find("--format must be") != std::string::npos);
    auto missing = forensic_run({"timeline", "--db", db, "--from", "2026-06-05"});
    CHECK(missing.exit_code == 2);
    CHECK(missing.err.find("--to") != std::string::npos);
}

TEST_CASE("the HTML timeline loads in Chromium with no console errors and a labelled mark per happening")
{
    REQUIRE_MESSAGE(run_process({"sh", "-c", "command -v chromium"}).exit_code == 0,
                    "chromium is not installed: the README's set-up command installs it");
    TempDir dir;
    auto db = case_db(dir);
    auto page = dir / "report.html";
    REQUIRE(forensic_run({"timeline", "--db", db, "--from", "2026-06-05", "--to", "2026-06-11", "--format", "html",
                          "-o", page.string()})
                .exit_code == 0);
    auto html = slurp(page);
    // Self-contained: nothing fetched from anywhere (the SVG namespace is a name, not a fetch).
    auto without_namespace = std::regex_replace(html, std::regex("http://www\\.w3\\.org/2000/svg"), "");
    CHECK(without_namespace.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);

    auto load = load_in_chromium(dir, page);
    CHECK(load.console_errors.empty());
    // A mark and a label per happening in each drawing, a table row per happening.
    std::regex mark(R"(class="mark[ "])");
    CHECK(count(load.dom, mark) == 2 * 9);
    std::regex label(R"(<text class="label)");
    CHECK(count(load.dom, label) == 2 * 9);
    std::regex relevant(R"(class="mark[^"]*relevant")");
    CHECK(count(load.dom, relevant) == 2 * 7);
    CHECK(count(load.dom, std::regex("<tr id=\"happening-[0-9]+\" class=\"relevant\">")) == 7);
    CHECK(count(load.dom, std::regex("<details>")) == 9);

    // The check sees console errors when there are some.
    auto broken = dir / "broken.html";
    std::ofstream(broken) << "<!DOCTYPE html><html><body><script>undefined_function();</script></body></html>";
    CHECK_FALSE(load_in_chromium(dir, broken).console_errors.empty());
}
