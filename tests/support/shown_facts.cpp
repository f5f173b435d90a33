#include "support/shown_facts.hpp"

#include "support/process.hpp"

#include "libforensic/util/utf8.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

namespace forensic::test {

std::map<std::string, std::string> shown_facts(const std::string& db, const std::string& snapshot)
{
    auto r = forensic_run({"show", snapshot, "--db", db, "--json"}, {}, std::chrono::seconds(120));
    INFO(r.err);
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.exit_code == 0);
    REQUIRE(is_valid_utf8(r.out));
    std::map<std::string, std::string> out;
    auto doc = nlohmann::json::parse(r.out); // named: a range over a temporary's member dangles
    for (const auto& f : doc["facts"])
        out[f["source"].get<std::string>() + " " + f["subject"].get<std::string>() + " " + f["key"].get<std::string>()] =
            f["value"].get<std::string>();
    return out;
}

void check_holds(const std::map<std::string, std::string>& facts, const std::string& name, const std::string& part)
{
    auto it = facts.find(name);
    INFO(name << " = " << (it == facts.end() ? "<absent>" : it->second.substr(0, 300)));
    CHECK((it != facts.end() && it->second.find(part) != std::string::npos));
}

} // namespace forensic::test
