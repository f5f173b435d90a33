// `forensic report` as one self-contained HTML page (no script, no external
// asset) and as Markdown for an issue comment: the same content in the same
// order — symptom, verdict, its evidence chain, a picture of the window, the
// other hypotheses, the blast radius, how to re-run it.
#pragma once

#include "libforensic/analyze/report.hpp"

#include <string>

namespace forensic::render {

std::string report_html(const analyze::Report& report);
std::string report_markdown(const analyze::Report& report);

// The sentences both forms open with.
std::string symptom_sentence(const analyze::Report& report);
std::string verdict_sentence(const analyze::Report& report);
// "When: 2026-06-10 05:50:12.390 (UpdateStatus CompletedAt): service X rolled back: …"; "" without a verdict.
std::string when_sentence(const analyze::Report& report);

} // namespace forensic::render
