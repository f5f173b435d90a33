// No secrets, all sources and all outputs at once: a full host with a
// recognisable secret in every field docs/collectors.md says is never stored
// (service Env, secrets, configs and every other ContainerSpec field; the
// docker client's registry auth; app .env values; credentials in mirror URLs,
// FETCH_HEAD, reflog messages, catalogue URLs, labels and CI failure texts;
// a checkout's git config, untracked and modified files' contents; the abra
// binary's bytes; tokens in URL query strings, secret-named labels and
// NAME=value assignments, unknown results.json fields) is snapshotted twice — through the real docker client and
// from a saved array — and then the database file, its live WAL, the bundles
// and every output format of every command are searched for them.
#include "support/docker_replay.hpp"
#include "support/full_host.hpp"
#include "support/host_fixture.hpp"
#include "support/process.hpp"
#include "support/swarm_fixture.hpp"
#include "support/temp_dir.hpp"

#include "libforensic/store/store.hpp"

#include <doctest/doctest.h>
#include <fstream>

using namespace forensic;
using namespace forensic::test;

namespace {

constexpr std::chrono::seconds bound{120};

class Outputs {
public:
    // Runs forensic and keeps everything it printed under `name`.
    ProcessResult run(const std::string& name, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {})
    {
        auto r = forensic_run(args, env, bound);
        INFO(name << ": " << r.out << r.err);
        REQUIRE_FALSE(r.timed_out);
        texts_[name] = r.out + r.err;
        return r;
    }
    void add(const std::string& name, const std::string& text) { texts_[name] = text; }
    const std::string& operator[](const std::string& name) const { return texts_.at(name); }
    const std::map<std::string, std::string>& all() const { return texts_; }

private:
    std::map<std::string, std::string> texts_;
};

} // namespace

TEST_CASE("no planted secret reaches the database, its WAL, a bundle or any output of any command")
{
    FullHost full;
    DockerReplay replay(swarm_fixture("updating.json"));
    std::ofstream(replay.config_dir() / "config.json")
        << R"({"auths": {"registry.example.org": {"auth": "Y2k6UzNDUjNULXJlZ2lzdHJ5LXBhc3N3b3Jk",
                                                  "identitytoken": "S3CR3T-identity-token"}},
               "HttpHeaders": {"X-Registry-Auth": "S3CR3T-registry-auth-header"}})";
    TempDir dir("forensic-secrets");
    auto db = (dir / "f.db").string();
    // A connection held open keeps the writers' WAL on disk to be searched
    // (the last one to close would checkpoint and remove it).
    store::Store holder(db, store::Store::Access::write);

    Outputs out;
    auto live = full.snapshot_args(db, "2026-06-10T14:03:20Z", false);
    live.insert(live.end(), {"--docker", "docker"});
    CHECK(out.run("snapshot 1", live, replay.env()).exit_code == 3); // n8n's mirror: an error fact
    CHECK(out.run("snapshot 2", full.snapshot_args(db, "2026-06-11T06:00:00Z")).exit_code == 3);
    for (const std::string s : {"1", "2"}) {
        CHECK(out.run("show " + s, {"show", s, "--db", db}).exit_code == 0);
        CHECK(out.run("show --json " + s, {"show", s, "--db", db, "--json"}).exit_code == 0);
        CHECK(out.run("export " + s, {"export", s, "--db", db}).exit_code == 0);
    }
    CHECK(out.run("list", {"list", "--db", db, "--json"}).exit_code == 0);
    CHECK(out.run("diff", {"diff", "1", "2", "--db", db}).exit_code == 0);
    CHECK(out.run("diff --json", {"diff", "1", "2", "--db", db, "--json"}).exit_code == 0);
    for (const std::string format : {"text", "json", "md", "html"})
        CHECK(out.run("timeline " + format, {"timeline", "--db", db, "--from", "2026-05-01", "--to", "2026-06-30",
                                             "--format", format})
                  .exit_code == 0);
    CHECK(out.run("attribute", {"attribute", "--db", db, "--recipe", "discourse", "--run", "450"}).exit_code == 0);
    CHECK(out.run("attribute --json", {"attribute", "--db", db, "--recipe", "discourse", "--run", "450", "--json"})
              .exit_code == 0);
    for (const std::string format : {"text", "json", "md"})
        CHECK(out.run("blast-radius " + format, {"blast-radius", "--db", db, "--format", format}).exit_code == 0);
    out.add("database", read_bytes(db));
    REQUIRE(std::filesystem::exists(db + "-wal"));
    out.add("wal", read_bytes(db + "-wal"));

    // The outputs are real: they hold what was recorded, URLs without credentials.
    CHECK(out["show 1"].find("7ae7b0f7+U") != std::string::npos);
    CHECK(out["show --json 2"].find("s3://minio.example.org/backups") != std::string::npos);
    CHECK(out["export 2"].find("https://git.example.org/discourse.git") != std::string::npos);
    CHECK(out["show 2"].find("compose.ccci.yml") != std::string::npos);
    CHECK(out["timeline html"].find("<svg") != std::string::npos);
    CHECK(out["attribute --json"].find("\"verdict\"") != std::string::npos);
    CHECK(out["blast-radius md"].find("discourse") != std::string::npos);
    CHECK(out["wal"].find("eb96de94+U") != std::string::npos);
    // What is withheld is still seen to be there.
    CHECK(out["show 2"].find("spec.label:DB_PASSWORD") != std::string::npos);
    CHECK(out["show 2"].find("(withheld: secret-named label)") != std::string::npos);
    CHECK(out["show 2"].find("PGPASSWORD=*** pg_dump") != std::string::npos);
    CHECK(out["show 2"].find("?ref=main&access_token=***") != std::string::npos);
    CHECK(out["show --json 2"].find("\"extra:attempt\"") != std::string::npos);
    CHECK(out["show 2"].find("extra:deploy_token") != std::string::npos);
    CHECK(out["show 2"].find("(withheld: secret-named field)") != std::string::npos);
    CHECK(out["show 2"].find("(withheld: a string)") != std::string::npos);
    for (const auto& entry : out.all()) {
        for (const auto& secret : FullHost::secrets()) {
            INFO(entry.first << " holds " << secret);
            CHECK(entry.second.find(secret) == std::string::npos);
        }
    }
}
