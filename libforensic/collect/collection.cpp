#include "libforensic/collect/collection.hpp"

#include "libforensic/util/error.hpp"
#include "libforensic/util/secrets.hpp"
#include "libforensic/util/url_credentials.hpp"
#include "libforensic/util/utf8.hpp"
#include "libforensic/version.hpp"

#include <algorithm>

namespace forensic::collect {
namespace {

CollectorRun run_one(const Collector& collector, const CollectOptions& options)
{
    CollectorRun run{std::string(collector.name()), CollectorStatus::ok, {}, {}, collector.coverage()};
    try {
        run.facts = collector.collect(options);
        sanitise_facts(run.facts);
    } catch (const CollectorSkipped& e) {
        run = CollectorRun{run.name, CollectorStatus::skipped, e.what(), {}};
    } catch (const Error& e) {
        // The row names the collector; deeper context the error gathered stays.
        run = CollectorRun{run.name, CollectorStatus::failed, e.describe(), {}};
    } catch (const std::exception& e) {
        run = CollectorRun{run.name, CollectorStatus::failed, e.what(), {}};
    }
    // Messages quote host paths and inputs: the same rules as fact values.
    run.error = scrub_secret_assignments(strip_url_credentials(to_valid_utf8(run.error)));
    return run;
}

} // namespace

Collection::Collection(const CollectOptions& options, const Selection& selection, const std::string& host,
                       std::optional<TimeNs> taken_at)
{
    validate_selection(selection);
    input_.host = host;
    started_ = last_finished_ = std::chrono::steady_clock::now();
    input_.taken_at = taken_at ? *taken_at : now();
    input_.tool_version = forensic_version;

    const auto& collectors = registry();
    for (const auto& collector : collectors) {
        if (!is_selected(selection, std::string(collector->name()))) {
            std::promise<Finished> skipped;
            skipped.set_value({CollectorRun{std::string(collector->name()), CollectorStatus::skipped, {}, {}}, started_});
            running_.push_back(skipped.get_future());
            continue;
        }
        running_.push_back(std::async(std::launch::async, [&options, &collector = *collector] {
            auto run = run_one(collector, options);
            return Finished{std::move(run), std::chrono::steady_clock::now()};
        }));
    }
    input_.collectors.resize(collectors.size());
    for (std::size_t i = 0; i < collectors.size(); ++i) order_.push_back(i);
    std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) {
        return collectors[a]->write_rank() < collectors[b]->write_rank();
    });
}

Collection::~Collection()
{
    for (auto& running : running_)
        if (running.valid()) running.wait();
}

const CollectorRun* Collection::next()
{
    if (done()) return nullptr;
    auto i = order_[handed_++];
    auto finished = running_[i].get();
    input_.collectors[i] = std::move(finished.run);
    last_finished_ = std::max(last_finished_, finished.at);
    // With --at, the snapshot keeps its given time and the real duration.
    if (done()) input_.finished_at = input_.taken_at + std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                           last_finished_ - started_).count();
    return &input_.collectors[i];
}

SnapshotInput Collection::finish() &&
{
    while (next()) {
    }
    return std::move(input_);
}

} // namespace forensic::collect
