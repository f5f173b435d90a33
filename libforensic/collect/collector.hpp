// A collector reads one source of stamp-relevant host state and returns facts,
// in the spirit of an osquery table: one class per source, one file each,
// listed in registry.cpp. The store and the CLI know nothing about sources.
#pragma once

#include "libforensic/model/fact.hpp"
#include "libforensic/util/host_root.hpp"
#include "libforensic/util/parallel_map.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forensic::git {
class TagMemo;
}

namespace forensic::collect {

// Where to look. Host paths are resolved under `root` (see util/host_root.hpp);
// evidence files and remote URLs are used as given.
struct CollectOptions {
    HostRoot root;
    std::string profiles_dir = "/nix/var/nix/profiles";
    std::string current_system = "/run/current-system";
    std::vector<std::string> abra_paths = {"/run/current-system/sw/bin/abra", "~/.local/bin/abra"};
    std::string abra_dir = "~/.abra";
    std::string runs_dir{};         // CI run evidence; empty: the runs collector has nothing to read
    // The docker client to run (honouring DOCKER_HOST). Empty: `docker` when
    // reading this machine (root "/"); under another root the local daemon is
    // not that host's, so the swarm collector is skipped unless one is named.
    std::string docker_command{};
    std::string docker_json{};      // a saved `docker service inspect` array instead of the live client
    std::string docker_events{};    // a saved `docker events --format '{{json .}}'` output instead of the buffer
    // When the host's Docker events were last read into the store (the
    // previous capture): the backfill reads the buffer from then on, and says
    // so when the buffer does not reach back that far. None: no capture yet.
    std::optional<TimeNs> events_since{};
    std::string mirror_url_template{}; // e.g. https://git.example.org/mirrors/{recipe}.git; empty: origin
    bool offline = false;           // no live mirror listing
    // Threads for work that is CPU on local files (reading the recipe
    // checkouts): this machine's cores. A first snapshot, written while it is
    // collected, leaves one of them to the write (capture/snapshot_session.cpp).
    unsigned local_workers = default_workers();
    // Tag objects read by earlier snapshots (the store's tag_object table);
    // new ones are added to it. None: every tag object is read.
    git::TagMemo* tag_memo = nullptr;
};

class Collector {
public:
    virtual ~Collector() = default;

    // The fact source name stored with every fact ("nix", "recipes", ...).
    virtual std::string_view name() const = 0;
    // One line for `forensic collectors` and the docs.
    virtual std::string_view summary() const = 0;

    // What a successful run observes (model/fact.hpp): the whole source, or
    // only the facts it reports (an event buffer that forgets).
    virtual Coverage coverage() const { return Coverage::full; }
    // The collector whose selection selects this one too (`--only swarm`
    // backfills swarm-events); empty for none. `--skip` still names it alone.
    virtual std::string_view companion_of() const { return {}; }
    // Where its run goes in a snapshot's write, which starts while the other
    // collectors still read (collection.hpp): lower ranks first, ties in
    // registry order. A fixed order, not the order runs finish in, so the same
    // host gives the same store; a collector that is usually the last to
    // finish ranks after the rest, so the write need not wait for it.
    virtual int write_rank() const { return 0; }

    // Reads the host. A subject that cannot be read completely gets an
    // `error` fact (its other keys are then carried, not closed); a collector
    // that cannot read anything throws a forensic::Error.
    virtual std::vector<Fact> collect(const CollectOptions& options) const = 0;
};

// Every collector, in the order they run. Explicit rather than registered by
// static constructors, which a linker may drop from a static library.
const std::vector<std::unique_ptr<Collector>>& registry();

// nullptr when no collector has that name.
const Collector* find_collector(std::string_view name);

} // namespace forensic::collect
