// JUnit XML as the runs collector counts it: any bytes give counts (never
// negative) or an InputError naming the file — never a crash, an overflow or
// a hang.
#include "fuzz_input.hpp"

#include "libforensic/collect/junit_counts.hpp"
#include "libforensic/util/error.hpp"

using namespace forensic;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        auto counts = collect::read_junit_counts(fuzz::as_text(data, size), "report.xml");
        if (counts.tests < 0 || counts.failures < 0 || counts.errors < 0 || counts.skipped < 0)
            fuzz::broken("counts are never negative");
        (void)collect::format_junit_counts(counts);
    } catch (const InputError& e) {
        if (!std::string_view(e.what()).starts_with("report.xml: ")) fuzz::broken("an InputError names the file");
    }
    return 0;
}
