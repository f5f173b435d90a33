// Golden-file checks in the manner of Nix's characterization tests: expected
// outputs live in tests/golden/; FORENSIC_UPDATE_GOLDEN=1 rewrites them.
#pragma once

#include <string>

namespace forensic::test {

// Fails the current test (with a diff hint) when `actual` differs from the file.
void check_golden(const std::string& name, const std::string& actual);

} // namespace forensic::test
