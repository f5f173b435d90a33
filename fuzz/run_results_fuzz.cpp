// results.json as the runs collector reads it: any bytes give facts of the
// run (times that parse back to their event times) or an InputError naming
// the file — never a crash, undefined behaviour or another exception.
#include "fuzz_input.hpp"

#include "libforensic/collect/run_results.hpp"
#include "libforensic/util/error.hpp"

using namespace forensic;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto text = fuzz::as_text(data, size);
    try {
        auto results = collect::read_run_results(text, "results.json", "run/fuzz");
        for (const auto& fact : results.facts) {
            if (fact.subject != "run/fuzz") fuzz::broken("every fact is of the run read");
            if ((fact.key == "started" || fact.key == "finished") && parse_rfc3339(fact.value) != fact.event_time)
                fuzz::broken("a run's time parses back to its event time");
        }
        for (const auto& error : results.errors)
            if (!error.starts_with("results.json: ")) fuzz::broken("an error names the file");
    } catch (const InputError& e) {
        if (!std::string_view(e.what()).starts_with("results.json: ")) fuzz::broken("an InputError names the file");
    }
    if (auto hc1 = collect::find_hc1_mismatch(text))
        if (hc1->observed.find('\'') != std::string::npos) fuzz::broken("an HC1 stamp holds no quote");
    return 0;
}
