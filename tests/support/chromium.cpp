#include "support/chromium.hpp"

#include "support/process.hpp"

#include <cstdlib>
#include <doctest/doctest.h>
#include <fstream>
#include <sstream>

namespace forensic::test {
namespace fs = std::filesystem;

namespace {

std::vector<std::string> chromium_args(const TempDir& dir, int width, int height, const std::string& profile)
{
    return {"chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
            "--user-data-dir=" + (dir / profile).string(),
            "--window-size=" + std::to_string(width) + "," + std::to_string(height)};
}

std::string slurp(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs in the copy only; writes what it measured into <pre id="measure">.
const char* measuring_script = R"js(<script>
window.addEventListener('load', () => {
  const de = document.documentElement;
  const out = {scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, innerHeight: window.innerHeight,
               scrollHeight: de.scrollHeight, charts: 0, labels: [], overlaps: 0};
  const charts = [...document.querySelectorAll('svg.chart')].filter(s => getComputedStyle(s).display !== 'none');
  out.charts = charts.length;
  for (const svg of charts) {
    const box = svg.getBoundingClientRect();
    const rects = [];
    for (const t of svg.querySelectorAll('text.label')) {
      const r = t.getBoundingClientRect();
      const visible = r.width > 0 && r.height > 0 && r.left >= box.left - 0.5 && r.right <= box.right + 0.5 &&
                      r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5 && r.left >= 0 && r.right <= de.clientWidth + 0.5;
      out.labels.push({id: t.id, text: t.textContent, visible: visible});
      rects.push(r);
    }
    for (let i = 0; i < rects.length; ++i)
      for (let j = i + 1; j < rects.length; ++j) {
        const a = rects[i], b = rects[j];
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) out.overlaps++;
      }
  }
  const v = document.querySelector('#verdict strong');
  if (v) { const r = v.getBoundingClientRect(); out.verdict = {top: r.top, bottom: r.bottom}; }
  const pre = document.createElement('pre');
  pre.id = 'measure';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>)js";

} // namespace

PageLoad load_in_chromium(const TempDir& dir, const fs::path& page, int width, int height)
{
    auto args = chromium_args(dir, width, height, "chromium-profile");
    args.insert(args.end(), {"--enable-logging=stderr", "--v=0", "--dump-dom", "file://" + page.string()});
    auto r = run_process(args);
    REQUIRE_MESSAGE(r.exit_code == 0, "chromium failed: " << r.err);
    PageLoad load{r.out, {}};
    std::istringstream lines(r.err);
    for (std::string line; std::getline(lines, line);)
        if (line.find("CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos)
            load.console_errors.push_back(line);
    return load;
}

nlohmann::json measure_page(const TempDir& dir, const fs::path& page, int width, int height)
{
    auto html = slurp(page);
    auto end = html.rfind("</body>");
    REQUIRE(end != std::string::npos);
    auto copy = dir / ("measured-" + std::to_string(width) + "-" + page.filename().string());
    std::ofstream(copy, std::ios::binary) << html.substr(0, end) + measuring_script + html.substr(end);
    auto dom = load_in_chromium(dir, copy, width, height).dom;
    auto start = dom.find("<pre id=\"measure\">");
    REQUIRE_MESSAGE(start != std::string::npos, "the measuring script did not run");
    start += 18;
    auto text = dom.substr(start, dom.find("</pre>", start) - start);
    for (auto [from, to] : {std::pair<std::string, std::string>{"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}})
        for (std::size_t at; (at = text.find(from)) != std::string::npos;) text.replace(at, from.size(), to);
    return nlohmann::json::parse(text);
}

void screenshot_page(const TempDir& dir, const fs::path& page, int width, int height, const fs::path& png)
{
    fs::create_directories(png.parent_path());
    auto args = chromium_args(dir, width, height, "chromium-shot");
    args.insert(args.end(), {"--screenshot=" + png.string(), "file://" + page.string()});
    auto r = run_process(args);
    REQUIRE_MESSAGE(r.exit_code == 0, "chromium failed: " << r.err);
    REQUIRE(fs::exists(png));
}

fs::path screenshot_dir()
{
    const char* root = std::getenv("FORENSIC_BUILD_ROOT");
    REQUIRE_MESSAGE(root, "FORENSIC_BUILD_ROOT is not set (run through meson test)");
    return fs::path(root) / "screenshots";
}

} // namespace forensic::test
