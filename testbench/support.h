// Helpers for model tests: build a scenario from YAML text, run it, find things in metrics.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/core/scenario.h"
#include "model/platform/system.h"

namespace iovsim::test {

inline Scenario scenario(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  return load_scenario(yaml, "test scenario", sets);
}

inline nlohmann::json run(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  return run_scenario(scenario(yaml, sets));
}

inline const nlohmann::json& function(const nlohmann::json& m, const std::string& name) {
  for (const auto& f : m.at("functions"))
    if (f.at("name") == name) return f;
  throw std::runtime_error("no function " + name + " in the metrics");
}

inline std::uint64_t u64(const nlohmann::json& j, const char* key) {
  return j.at(key).get<std::uint64_t>();
}

}  // namespace iovsim::test
