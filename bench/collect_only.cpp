// Runs collectors the way `forensic snapshot` does, without storing what they
// return: the benchmark's measure of collection alone, apart from the store.
//
// Usage: collect_only ROOT HOME COLLECTOR[,COLLECTOR...] [RUNS_DIR [DOCKER_JSON [MIRROR_URL]]]
#include "libforensic/collect/snapshot_runner.hpp"

#include <cstdio>
#include <sstream>

int main(int argc, char** argv)
{
    if (argc < 4 || argc > 7) {
        std::fprintf(stderr, "usage: %s ROOT HOME COLLECTOR[,COLLECTOR...] [RUNS_DIR [DOCKER_JSON [MIRROR_URL]]]\n",
                     argv[0]);
        return 2;
    }
    forensic::collect::CollectOptions options{forensic::HostRoot(argv[1], argv[2])};
    if (argc > 4) options.runs_dir = argv[4];
    if (argc > 5) options.docker_json = argv[5];
    if (argc > 6) options.mirror_url_template = argv[6];
    forensic::collect::Selection selection;
    std::istringstream names(argv[3]);
    for (std::string name; std::getline(names, name, ',');) selection.only.push_back(name);
    auto snapshot = forensic::collect::collect_snapshot(options, selection, "bench", std::nullopt);
    std::size_t facts = 0;
    for (const auto& run : snapshot.collectors) {
        facts += run.facts.size();
        if (run.status == forensic::CollectorStatus::failed) std::fprintf(stderr, "%s\n", run.error.c_str());
    }
    std::printf("%zu facts\n", facts);
    return 0;
}
