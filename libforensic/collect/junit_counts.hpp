// Test counts of a JUnit XML report (as pytest writes them beside a CI run's
// results.json). A tolerant reader of <testsuite> attributes, not an XML
// parser: the counts are all the runs collector records.
#pragma once

#include <string>
#include <string_view>

namespace forensic::collect {

struct JunitCounts {
    long long tests = 0, failures = 0, errors = 0, skipped = 0;
};

// Sums the outermost <testsuite> elements; a report with only a
// <testsuites> root uses its attributes. Comments, CDATA and processing
// instructions are skipped. Throws InputError "<origin>: ... at line L" when
// there is no such element or a count is not a number.
JunitCounts read_junit_counts(std::string_view xml, const std::string& origin);

// "tests=3 failures=1 errors=0 skipped=0"
std::string format_junit_counts(const JunitCounts& counts);

} // namespace forensic::collect
