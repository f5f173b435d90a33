// Text and JSON forms of `forensic diff`.
#pragma once

#include "libforensic/analyze/diff.hpp"

#include <nlohmann/json.hpp>
#include <string>

namespace forensic::render {

// Summary line first, then one line per change: "* source subject key: before → after".
std::string diff_text(const analyze::DiffResult& diff);
// {"from": snapshot, "to": snapshot, "changes": [{source, subject, key, change, before, after, stamp_relevant}]}
nlohmann::ordered_json diff_json(const analyze::DiffResult& diff);

} // namespace forensic::render
