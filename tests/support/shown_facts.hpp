// A snapshot's facts as `forensic show --json` prints them, by
// "source subject key", for tests that drive the binary end to end.
#pragma once

#include <map>
#include <string>

namespace forensic::test {

// "source subject key" → value. Fails the test unless show exits 0 within
// two minutes with valid UTF-8 JSON.
std::map<std::string, std::string> shown_facts(const std::string& db, const std::string& snapshot = "latest");

// CHECKs that the fact `name` is there and holds `part`, showing its value.
void check_holds(const std::map<std::string, std::string>& facts, const std::string& name, const std::string& part);

} // namespace forensic::test
