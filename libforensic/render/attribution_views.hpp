// Text, JSON and Markdown forms of `forensic attribute` and `forensic blast-radius`.
#pragma once

#include "libforensic/analyze/attribution.hpp"
#include "libforensic/analyze/blast_radius.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace forensic::render {

// {recipe, expected, observed, observed_commit, observed_is, verdict,
//  hypotheses: [{id, status, summary, evidence: [...]}], window: {good, bad}}
nlohmann::ordered_json attribution_json(const analyze::Attribution& attribution);
std::string attribution_text(const analyze::Attribution& attribution);

// {"recipes": [{recipe, status, latest_evidence, signature, evidence}]}
nlohmann::ordered_json blast_radius_json(const analyze::BlastRadius& radius);
std::string blast_radius_text(const analyze::BlastRadius& radius);
std::string blast_radius_markdown(const analyze::BlastRadius& radius);

nlohmann::ordered_json evidence_json(const analyze::Evidence& evidence);

// A blast-radius row's cells: status, recipe, latest upgrade, signature, evidence.
std::vector<std::string> blast_row_cells(const analyze::BlastRow& row);
std::string latest_text(const analyze::BlastRow& row);

} // namespace forensic::render
