// Recipe releases are tags "<recipe-version>+<upstream-version>", e.g.
// "0.7.0+3.3.1": a dotted numeric recipe version, '+', the upstream version.
#pragma once

#include <string_view>

namespace forensic::git {

bool is_release_tag(std::string_view name);

} // namespace forensic::git
