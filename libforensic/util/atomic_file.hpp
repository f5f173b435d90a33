// Writes a file so that readers see the old or the new contents, never half.
#pragma once

#include <filesystem>
#include <string_view>

namespace forensic {

// Writes to a temporary file beside `file`, fsyncs, renames over it. Throws
// InputError naming the file.
void write_file_atomically(const std::filesystem::path& file, std::string_view contents);

} // namespace forensic
