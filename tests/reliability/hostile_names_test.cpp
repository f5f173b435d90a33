// Hostile names, end to end: a full host whose every kind of name a collector
// records — recipe directories, tags, branches, labels, app names, run ids,
// reflog messages, the host name — carries the bytes that attack the output
// it reaches: ESC and BEL sequences (a colour, a cleared screen, a window
// title, a terminal hyperlink), a C1 CSI and a right-to-left override, a
// newline that would forge a line of another subject, a '|' that would split
// a Markdown row, backticks, raw HTML. Every command's every output is then
// checked: terminal text holds no control but its own line ends and no forged
// line; Markdown rows keep their cells, with no raw HTML; HTML has no tag or
// attribute of the names' making; JSON keeps each name exactly.
#include "support/full_host.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/util/utf8.hpp"

#include <doctest/doctest.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

using namespace forensic;
using namespace forensic::test;

namespace {

constexpr std::chrono::seconds bound{120};

const std::string host_name = "cc\x1b[31m-ci\x07|<b>";
const std::string title_recipe = "evil\x1b]0;pwned\x07";
const std::string forging_recipe = "forge\nrecipes FORGED-SUBJECT";
const std::string pipe_recipe = "pipe|split|row";
const std::string tick_recipe = "tick`x``y";
const std::string html_recipe = "<img src=x onerror=alert(1)>";
const std::string bidi_recipe = "admin\xe2\x80\xae" "lmth.exe";
const std::string tag_name = "v\x1b[2J\x1b[H";
const std::string branch_name = "main\r\x1b[32mfake";
const std::string label_key = "evil\x1b[31m\" onmouseover='x";
const std::string label_value = "<script>alert(1)</script>|`x`\xc2\x9b" "2J";
const std::string app_name = "app\x1b[1m.example.org";
const std::string run_id = "run\x07\x1b[H";
const std::string reflog_message = "checkout: moving to \x1b]8;;http://evil\x07here\x1b]8;;\x07";

void plant_hostile_names(FullHost& full)
{
    auto& recipes = full.recipes;
    for (const auto* name : {&title_recipe, &forging_recipe, &pipe_recipe, &tick_recipe, &html_recipe, &bidi_recipe})
        recipes.recipe(*name).write("compose.yml", "x\n").commit("init");
    auto& discourse = recipes.recipe("discourse");
    auto head = discourse.rev("HEAD");
    discourse.write(".git/refs/tags/" + tag_name, head + "\n").write(".git/refs/heads/" + branch_name, head + "\n");
    // A reflog entry while run 450 deployed: attribute quotes it as evidence.
    std::ofstream(discourse.dir() / ".git/logs/HEAD", std::ios::app)
        << head << " " << head << " CI <ci@example.org> 1781110100 +0000\t" << reflog_message << "\n";

    const auto& host = full.host();
    std::ifstream in(full.docker_json_file());
    auto services = nlohmann::json::parse(in);
    services[0]["Spec"]["Labels"][label_key] = label_value;
    std::ofstream(full.docker_json_file()) << services.dump(1);
    std::ofstream(host.real("/home/ci/.abra/servers/cc-ci/" + app_name + ".env")) << "RECIPE=n8n:1.0.0\n";
    std::filesystem::create_directories(host.real(std::string(FullHost::runs_dir) + "/" + run_id));
    std::ofstream(host.real(std::string(FullHost::runs_dir) + "/" + run_id + "/results.json"))
        << R"({"recipe": "n8n", "tiers": {"upgrade": "pass"}, "finished": 1781000000})";
}

std::vector<std::string> with_host(std::vector<std::string> args)
{
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
        if (args[i] == "--host") args[i + 1] = host_name;
    return args;
}

// Terminal text: printable characters and line ends only.
void check_terminal(const std::string& what, const std::string& text)
{
    INFO(what << ":\n" << text.substr(0, 3000));
    CHECK(is_valid_utf8(text));
    std::size_t bad = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if ((c < 0x20 && c != '\n') || c == 0x7f) ++bad;
        if (c == 0xc2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) < 0xa0) ++bad; // C1
        if (text.compare(i, 3, "\xe2\x80\xae") == 0) ++bad;                                            // RLO
    }
    CHECK(bad == 0);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        CHECK_FALSE(line.starts_with("recipes FORGED-SUBJECT"));
        CHECK_FALSE(line.starts_with("FORGED"));
    }
}

// The '|' of a Markdown table row that are not escaped: its cell boundaries.
std::size_t cell_boundaries(const std::string& row)
{
    std::size_t count = 0;
    for (std::size_t i = 0; i < row.size(); ++i) {
        if (row[i] == '\\') {
            ++i;
            continue;
        }
        count += row[i] == '|';
    }
    return count;
}

void check_markdown(const std::string& what, const std::string& text, std::size_t columns)
{
    INFO(what << ":\n" << text.substr(0, 3000));
    check_terminal(what, text);
    // A '<' that opens HTML is one without a backslash before it.
    for (const std::string raw : {"<img", "<script", "<b>"})
        for (auto at = text.find(raw); at != std::string::npos; at = text.find(raw, at + 1))
            CHECK_MESSAGE((at > 0 && text[at - 1] == '\\'), "raw " << raw << " at " << at);
    std::istringstream lines(text);
    std::size_t rows = 0;
    for (std::string line; std::getline(lines, line);) {
        if (!line.starts_with("|")) continue;
        ++rows;
        INFO(line);
        CHECK(cell_boundaries(line) == columns + 1);
    }
    CHECK(rows > 2);
}

void check_html(const std::string& text)
{
    INFO(text.substr(0, 3000));
    CHECK(is_valid_utf8(text));
    for (const auto* raw : {"<img", "<script", "<b>", "\" onmouseover"})
        CHECK(text.find(raw) == std::string::npos);
    // No tag of the page carries a handler from host text, whatever its quotes
    // (an apostrophe in text content is inert and stays as written).
    for (auto open = text.find('<'); open != std::string::npos; open = text.find('<', open + 1)) {
        auto tag = text.substr(open, text.find('>', open) - open);
        CHECK_MESSAGE(tag.find("onmouseover") == std::string::npos, tag);
    }
    for (char c : text) CHECK_FALSE(((static_cast<unsigned char>(c) < 0x20 && c != '\n') || c == 0x7f));
}

} // namespace

TEST_CASE("hostile names reach no terminal raw, forge no line, split no Markdown row and open no HTML tag")
{
    FullHost full;
    TempDir dir("forensic-names");
    auto db = (dir / "f.db").string();
    auto run = [&](const std::vector<std::string>& args) {
        auto r = forensic_run(args, {}, bound);
        INFO(r.out << r.err);
        REQUIRE_FALSE(r.timed_out);
        return r;
    };
    REQUIRE(run(with_host(full.snapshot_args(db, "2026-06-10T06:00:00Z"))).exit_code == 3);
    plant_hostile_names(full);
    auto second = run(with_host(full.snapshot_args(db, "2026-06-11T06:00:00Z")));
    REQUIRE(second.exit_code == 3); // n8n's mirror is unreachable, as in every FullHost snapshot
    check_terminal("snapshot", second.out + second.err);

    // JSON keeps every name exactly.
    auto shown = run({"show", "--db", db, "--json"});
    REQUIRE(shown.exit_code == 0);
    auto doc = nlohmann::json::parse(shown.out);
    std::set<std::string> subjects, keys;
    for (const auto& f : doc["facts"]) {
        subjects.insert(f["subject"].get<std::string>());
        keys.insert(f["key"].get<std::string>());
    }
    CHECK(doc["snapshot"]["host"] == host_name);
    for (const auto* name : {&title_recipe, &forging_recipe, &pipe_recipe, &tick_recipe, &html_recipe, &bidi_recipe})
        CHECK(subjects.contains(*name));
    CHECK(subjects.contains("app/" + app_name));
    CHECK(subjects.contains("run/" + run_id));
    CHECK(keys.contains("tag:" + tag_name));
    CHECK(keys.contains("branch:" + branch_name));
    CHECK(keys.contains("spec.label:" + label_key));
    CHECK(shown.out.find("\\u001b]8;;http://evil") != std::string::npos); // the reflog message, as JSON escapes it

    // Every terminal output of every command.
    std::vector<std::vector<std::string>> terminal = {
        {"list", "--db", db},
        {"show", "--db", db},
        {"show", "--db", db, "--subject", forging_recipe},
        {"diff", "1", "2", "--db", db},
        {"timeline", "--db", db, "--from", "2026-05-01", "--to", "2026-06-30"},
        {"attribute", "--db", db, "--recipe", "discourse", "--run", "450"},
        {"blast-radius", "--db", db},
        {"verify", "--db", db},
    };
    for (const auto& args : terminal) {
        auto r = run(args);
        CHECK(r.exit_code == 0);
        check_terminal(args.front(), r.out + r.err);
    }
    auto attribute = run(terminal[5]);
    CHECK(attribute.out.find("\\x1b]8;;http://evil\\x07here") != std::string::npos); // quoted, escaped
    auto show = run(terminal[1]);
    CHECK(show.out.find("recipes forge\\nrecipes FORGED-SUBJECT") != std::string::npos);
    CHECK(show.out.find("cc\\x1b[31m-ci\\x07|<b>") != std::string::npos);

    // Error messages quote host names and arguments.
    auto wrong_host = run({"show", "1", "--db", db, "--host", "other\x1b[2J"});
    CHECK(wrong_host.exit_code == 2);
    check_terminal("show --host", wrong_host.err);
    CHECK(wrong_host.err.find("is of host cc\\x1b[31m-ci") != std::string::npos);
    auto missing = run({"import", "--db", (dir / "other.db").string(), (dir / "gone\x1b[2J.json").string()});
    CHECK(missing.exit_code == 3);
    check_terminal("import of a missing file", missing.err);

    // import prints the bundle's host.
    auto bundle = (dir / "bundle.json").string();
    REQUIRE(run({"export", "--db", db, "-o", bundle}).exit_code == 0);
    auto imported = run({"import", "--db", (dir / "review.db").string(), bundle});
    CHECK(imported.exit_code == 0);
    check_terminal("import", imported.out + imported.err);
    CHECK(imported.out.find("cc\\x1b[31m-ci") != std::string::npos);

    // Markdown: every row keeps its five cells, no raw HTML.
    auto md = run({"timeline", "--db", db, "--from", "2026-05-01", "--to", "2026-06-30", "--format", "md"});
    CHECK(md.exit_code == 0);
    check_markdown("timeline md", md.out, 4); // time, basis, happening, snapshot
    auto blast_md = run({"blast-radius", "--db", db, "--format", "md"});
    CHECK(blast_md.exit_code == 0);
    check_markdown("blast-radius md", blast_md.out, 5);
    CHECK(blast_md.out.find("pipe\\|split\\|row") != std::string::npos);

    auto html = run({"timeline", "--db", db, "--from", "2026-05-01", "--to", "2026-06-30", "--format", "html"});
    CHECK(html.exit_code == 0);
    check_html(html.out);
    CHECK(html.out.find("&lt;img src=x onerror=alert(1)&gt;") != std::string::npos);
}
