// A CI run's results.json (recipe, ref, pr, level, tiers, rungs, times,
// teardown and leak flags, failure texts) as facts of subject run/<id>, with
// HC1 stamp mismatches parsed out of the failure texts.
#pragma once

#include "libforensic/model/fact.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forensic::collect {

// What HC1 printed: "upgrade deployed chaos commit '<observed>', not the
// intended PR-head '<expected>'".
struct Hc1Mismatch {
    std::string observed;
    std::string expected;
};

std::optional<Hc1Mismatch> find_hc1_mismatch(std::string_view failure_text);

struct RunResults {
    std::vector<Fact> facts;
    std::vector<std::string> errors; // fields of the wrong type, naming the file and field
};

// Facts of a parsed results.json. Throws InputError naming `origin` when the
// text is not JSON or not an object.
RunResults read_run_results(std::string_view text, const std::string& origin, const std::string& subject);

} // namespace forensic::collect
