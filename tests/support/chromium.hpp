// Headless Chromium as a person's browser: a page loaded at a window size,
// measured from its DOM (a copy of the page with a measuring script added:
// the page itself has none and needs none), and a screenshot kept for a
// person to look at.
#pragma once

#include "support/temp_dir.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace forensic::test {

struct PageLoad {
    std::string dom;
    std::vector<std::string> console_errors;
};

// Loads a file; returns the DOM after load and every console error or
// uncaught exception Chromium logged.
PageLoad load_in_chromium(const TempDir& dir, const std::filesystem::path& page, int width = 1280, int height = 900);

// At `width` × `height`: {"scrollWidth", "clientWidth", "innerHeight",
// "scrollHeight", "charts" (the SVG charts displayed), "labels": [{"id",
// "text", "visible"}] (each text.label of those charts: laid out, inside its
// chart and the viewport's width), "overlaps" (pairs of labels that intersect),
// "verdict": {"top", "bottom"} of #verdict strong, when there is one}.
nlohmann::json measure_page(const TempDir& dir, const std::filesystem::path& page, int width, int height);

// A screenshot of the whole page (as tall as it is) at `width`, to `png`.
void screenshot_page(const TempDir& dir, const std::filesystem::path& page, int width, int height,
                     const std::filesystem::path& png);

// Where screenshots for people go: <build>/screenshots (FORENSIC_BUILD_ROOT).
std::filesystem::path screenshot_dir();

} // namespace forensic::test
