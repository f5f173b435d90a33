// Every Nix generation's abra facts, to tell a generation that changed abra
// from one that only carried it over. Generations never change once made, but
// old ones are removed, so this reads every generation any snapshot saw.
#pragma once

#include "libforensic/store/store.hpp"

#include <map>
#include <optional>
#include <string>

namespace forensic::analyze {

class GenerationAbra {
public:
    GenerationAbra(store::Store& store, const std::string& host);

    // For a nix `generation/N` `abra.*` fact with `value`: whether it differs
    // from the same key of the generation before N (true when there is none).
    // nullopt for any other fact.
    std::optional<bool> differs_from_previous(const std::string& subject, const std::string& key,
                                              const std::string& value) const;

    // "generation/12" → 12
    static std::optional<long long> number(const std::string& subject);

private:
    std::map<long long, std::map<std::string, std::string>> generations_;
};

} // namespace forensic::analyze
