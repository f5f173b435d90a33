// Orders "generation/9" before "generation/10", as people read them.
#pragma once

#include <string_view>

namespace forensic {

bool natural_less(std::string_view a, std::string_view b);

} // namespace forensic
