// The help of every command, compiled from docs/cli.md (see embed_help.py).
#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace forensic::cli {

// ("", overview) first, then (command, section) in the manual's order.
const std::vector<std::pair<std::string_view, std::string_view>>& help_sections();

} // namespace forensic::cli
