// Bundles as `forensic import` reads them: any bytes are refused with an
// InputError naming the file, or import into an empty store that then
// verifies, exports exactly what was imported, and takes the same bundle
// again as already present.
#include "fuzz_input.hpp"

#include "libforensic/bundle/bundle.hpp"
#include "libforensic/store/maintenance.hpp"
#include "libforensic/util/error.hpp"

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
    auto first = bundle::import_snapshot(store, input, "fuzz.json");
    if (first.outcome != bundle::ImportOutcome::imported) fuzz::broken("an empty store imports the bundle");
    if (!store::verify(store).ok()) fuzz::broken("an imported bundle verifies");
    if (!same(bundle::snapshot_as_input(store, first.snapshot), as_stored(input)))
        fuzz::broken("an imported bundle exports as it was imported");
    if (bundle::import_snapshot(store, input, "fuzz.json").outcome != bundle::ImportOutcome::already_present)
        fuzz::broken("the same bundle again is already present");
    return 0;
}
