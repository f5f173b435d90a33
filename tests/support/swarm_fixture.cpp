#include "support/swarm_fixture.hpp"

#include <cstdlib>
#include <stdexcept>

namespace forensic::test {

std::filesystem::path swarm_fixture(const std::string& name)
{
    const char* root = std::getenv("FORENSIC_SOURCE_ROOT");
    if (!root || !*root) throw std::runtime_error("FORENSIC_SOURCE_ROOT is not set (run the tests through meson test)");
    return std::filesystem::path(root) / "tests/data/swarm" / name;
}

void abra_app_env(HostFixture& host)
{
    host.file("/home/ci/.abra/servers/cc-ci/disc-ae10f0.ci.commoninternet.net.env",
              "# discourse on cc-ci\n"
              "TYPE=discourse:0.9.0+3.5.0\n"
              "DOMAIN=disc-ae10f0.ci.commoninternet.net\n"
              "SECRET_DB_PASSWORD_VERSION=v1\n"
              "DISCOURSE_SMTP_PASSWORD=S3CR3T-envfile-smtp\n"
              "ADMIN_TOKEN='S3CR3T-envfile-quoted'\n"
              "TYPE_HINT=S3CR3T-envfile-prefix-trap\n",
              "2026-06-10T14:03:05.25Z");
}

} // namespace forensic::test
