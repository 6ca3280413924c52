#pragma once
// An environment for the cluster code's lookups, made of the variables a test names.
#include <map>
#include <optional>
#include <string>

#include "lab/cluster/shard.hpp"

namespace lab::cluster::test {

inline EnvironmentLookup environment_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

}  // namespace lab::cluster::test
