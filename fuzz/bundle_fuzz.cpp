// Bundles as `forensic import` reads them: any bytes are refused with an
// InputError naming the file (by the parser or by import's rules,
// bundle_rules.hpp), or import into an empty store that then verifies,
// exports exactly what was imported, and takes the same bundle again as
// already present, changing nothing (its seal included).
#include "fuzz_input.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/bundle/bundle_rules.hpp"
#include "libforensic/store/maintenance.hpp"
#include "libforensic/util/error.hpp"

#include <limits>

using namespace forensic;

namespace {

// What a store gives back for a bundle: facts only of collectors that succeeded.
SnapshotInput as_stored(SnapshotInput input)
{
    for (auto& c : input.collectors)
        if (c.status != CollectorStatus::ok) c.facts.clear();
    bundle::normalise(input);
    return input;
}

bool same(const SnapshotInput& a, const SnapshotInput& b)
{
    return bundle::to_json(a) == bundle::to_json(b);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    SnapshotInput input;
    try {
        input = bundle::parse_bundle_text(fuzz::as_text(data, size), "fuzz.json");
    } catch (const InputError& e) {
        if (!std::string_view(e.what()).starts_with("fuzz.json: ")) fuzz::broken("an InputError names the file");
        return 0;
    }
    store::Store store(":memory:", store::Store::Access::write);
    bundle::ImportResult first{};
    try {
        first = bundle::import_snapshot(store, input, "fuzz.json", input.taken_at);
    } catch (const InputError& e) {
        // Import's rules: refused before anything is written.
        if (!std::string_view(e.what()).starts_with("fuzz.json: ")) fuzz::broken("an import InputError names the file");
        if (!store.snapshots().empty()) fuzz::broken("a refused bundle writes nothing");
        bool has_rule_broken = input.collectors.empty() || input.finished_at < input.taken_at;
        for (const auto& c : input.collectors) has_rule_broken |= c.status != CollectorStatus::ok && !c.facts.empty();
        if (!has_rule_broken) fuzz::broken("import refuses only a bundle that breaks a rule");
        return 0;
    }
    if (first.outcome != bundle::ImportOutcome::imported) fuzz::broken("an empty store imports the bundle");
    if (input.collectors.empty()) fuzz::broken("a bundle without collectors is refused");
    if (!first.warnings.empty()) fuzz::broken("a bundle dated now is not warned of");
    auto report = store::verify(store);
    if (!report.ok()) fuzz::broken("an imported bundle verifies");
    if (!same(bundle::snapshot_as_input(store, first.snapshot), as_stored(input)))
        fuzz::broken("an imported bundle exports as it was imported");
    if (bundle::import_snapshot(store, input, "fuzz.json", input.taken_at).outcome !=
        bundle::ImportOutcome::already_present)
        fuzz::broken("the same bundle again is already present");
    if (store::verify(store).heads.at(0).chain != report.heads.at(0).chain)
        fuzz::broken("importing the same bundle again changes nothing");
    // Dated past the importing clock: imported all the same, with a warning.
    if (input.taken_at > std::numeric_limits<TimeNs>::min() + 2 * bundle::future_margin) {
        store::Store later(":memory:", store::Store::Access::write);
        if (bundle::import_snapshot(later, input, "fuzz.json", input.taken_at - 2 * bundle::future_margin)
                .warnings.empty())
            fuzz::broken("a bundle dated after the clock is warned of");
    }
    return 0;
}
