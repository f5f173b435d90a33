// Reading a bundle's text, or its file a piece at a time, through
// BundleEvents (bundle_events.hpp): a whole host's bundle never has its
// document in memory, nor, read from a file, its text.
#pragma once

#include "libforensic/bundle/bundle_events.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace forensic::bundle {

// What bytes that are not UTF-8 make of a bundle: import refuses it
// (forensic writes UTF-8, so it is not a bundle); verify --bundle reads them
// as \xNN, as it reads any JSON evidence (json_text.hpp).
enum class NonUtf8 { refuse, escape };

// InputError names `origin` and the position (as parse_json_text says it)
// or the field.
ParsedBundle parse_bundle(std::string_view text, const std::string& origin, NonUtf8 bytes);

// The same of a file, named as given: "<file>: cannot be read" when it cannot.
ParsedBundle read_bundle(const std::filesystem::path& file, NonUtf8 bytes);

} // namespace forensic::bundle
