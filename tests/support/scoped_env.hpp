// Sets environment variables of this process until it goes out of scope, for
// library-level tests: a collector's programs inherit them (DOCKER_HOST).
#pragma once

#include <map>
#include <optional>
#include <string>

namespace forensic::test {

class ScopedEnv {
public:
    explicit ScopedEnv(const std::map<std::string, std::string>& values);
    ~ScopedEnv();
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    std::map<std::string, std::optional<std::string>> saved_;
};

} // namespace forensic::test
