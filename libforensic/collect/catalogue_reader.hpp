// abra's recipes.json read as a stream of parse events into facts per recipe,
// never built as a document: the catalogue lists every release of every recipe
// (12 MB for 200 recipes of 300 releases) and a document of it costs more
// than reading it.
//
// The file is an object of recipes by name (a repeated name keeps its last
// entry) or an array of recipes each naming itself ("name"; one without is
// skipped). A recipe is an object with `repository`, `default_branch` and
// `versions`: a list of {"<version>": {"<service>": {image, tag, digest}}}
// (an object of versions works too). Its facts: repository, default_branch,
// version:<v>:<service> = <image>:<tag>@<digest> (the parts it has).
//
// A value of the wrong shape is an error of that recipe only, naming where it
// is ("<file>: recipe 'x'.versions[0].1.0.0+1 is not an object of services");
// the recipe's other values are still read.
#pragma once

#include "libforensic/model/fact.hpp"
#include "libforensic/util/host_root.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace forensic::collect {

// Throws CollectorError for malformed JSON (file and position, never the
// text) or a file that is neither an object nor an array of recipes.
std::vector<Fact> read_catalogue_recipes(const HostRoot& root, std::string_view text, const std::string& host_path);

} // namespace forensic::collect
