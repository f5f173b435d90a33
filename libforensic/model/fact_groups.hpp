// A collector's facts by subject, for the checks made per subject: repeated
// names (collect/snapshot_runner.cpp) and the store's digests
// (store/appending_writer.cpp).
#pragma once

#include "libforensic/model/fact.hpp"

#include <string_view>
#include <vector>

namespace forensic {

struct FactsOfSubject {
    std::string_view subject;
    std::vector<const Fact*> facts; // in the order reported
};

// Subjects in order of first appearance. Collectors report a subject's facts
// together, so a subject is looked up once per run of them, not per fact.
// The result points into `facts`.
std::vector<FactsOfSubject> group_by_subject(const std::vector<Fact>& facts);

} // namespace forensic
