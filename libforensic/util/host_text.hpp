// Messages from libraries (libgit2, the C library) quote paths on this
// machine; facts carry host paths, so the --root prefix is taken out.
#pragma once

#include "libforensic/util/host_root.hpp"

#include <string>
#include <string_view>

namespace forensic {

// `text` with every "<root>/..." written as "/...". Unchanged for root "/".
std::string as_host_text(const HostRoot& root, std::string_view text);

} // namespace forensic
