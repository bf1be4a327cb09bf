// Helpers for model tests: build a scenario from YAML text, run it, find things in metrics.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/core/scenario.h"
#include "model/platform/system.h"

namespace iovsim::test {

inline Scenario scenario(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  return load_scenario(yaml, "test scenario", sets);
}

// Every function's statistics registers (VFGPRC ... or its pool's PVFG* element) against the
// model's own counts, wrapped at the registers' widths; in VMDq mode the PF spans several
// pools and only the VFs... none exist, so nothing of the PF is compared there. A VF entry
// whose VM the PF hosts in its pool (mode vmdq) leaves the pool's registers counting the PF's
// traffic there: neither that PF nor that VF is compared. Returns the first disagreement, or "".
// The message a scenario's loading fails with, or "no error".
inline std::string scenario_error(const std::string& yaml) {
  try {
    scenario(yaml);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "no error";
}

inline std::string stats_register_mismatch(const nlohmann::json& m, const Scenario& s) {
  const std::uint64_t octet_mask = s.device.preset == "82599" ? (1ull << 36) - 1 : (1ull << 32) - 1;
  const std::uint64_t packet_mask = (1ull << 32) - 1;
  for (const auto& f : m.at("functions")) {
    if (f.at("kind") == "pf" && s.device.mode == Mode::vmdq) continue;
    const auto& pc = s.port.at(f.at("port").get<unsigned>());
    bool hosted_pool = false;  // the PF hosts a VM in some pool of this port
    for (const auto& vf : pc.vf) hosted_pool = hosted_pool || vf.vm_mode == Mode::vmdq;
    if (f.at("kind") == "pf" && hosted_pool) continue;
    if (f.at("kind") == "vf") {
      const std::string n = f.at("name");
      const unsigned vf = static_cast<unsigned>(std::stoul(n.substr(n.rfind(".vf") + 3)));
      if (pc.vf.at(vf).vm_mode == Mode::vmdq) continue;
    }
    const auto& r = f.at("stats_registers");
    const std::pair<const char*, std::pair<const char*, std::uint64_t>> pairs[] = {
        {"rx_packets", {"rx_frames", packet_mask}},        {"rx_octets", {"rx_bytes", octet_mask}},
        {"rx_multicast", {"rx_multicast_frames", packet_mask}}, {"tx_packets", {"tx_frames", packet_mask}},
        {"tx_octets", {"tx_bytes", octet_mask}}};
    for (const auto& [reg, model] : pairs) {
      const std::uint64_t want = f.at(model.first).get<std::uint64_t>() & model.second;
      if (r.at(reg).get<std::uint64_t>() != want)
        return f.at("name").get<std::string>() + " " + reg + " = " + std::to_string(r.at(reg).get<std::uint64_t>()) +
               ", the model counts " + std::to_string(want);
    }
  }
  return "";
}

// Runs a scenario; every run also checks the statistics registers against the model's counts.
inline nlohmann::json run(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  const Scenario s = scenario(yaml, sets);
  nlohmann::json m = run_scenario(s);
  const std::string bad = stats_register_mismatch(m, s);
  if (!bad.empty()) throw std::runtime_error("statistics registers disagree with the model: " + bad);
  return m;
}

// `run` in a child process, its metrics back on a pipe: a test that compares two runs makes one
// of them here (SystemC elaborates once per process; fork before this process elaborates).
inline nlohmann::json run_in_child(const std::string& yaml, const std::vector<std::string>& sets = {}) {
  int fd[2];
  if (::pipe(fd) != 0) throw std::runtime_error("run_in_child: pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("run_in_child: fork failed");
  if (pid == 0) {
    ::close(fd[0]);
    int rc = 0;
    try {
      const std::string out = run(yaml, sets).dump();
      for (std::size_t at = 0; at < out.size();) {
        const ssize_t n = ::write(fd[1], out.data() + at, out.size() - at);
        if (n <= 0) ::_exit(2);
        at += static_cast<std::size_t>(n);
      }
    } catch (...) {
      rc = 3;
    }
    ::_exit(rc);
  }
  ::close(fd[1]);
  std::string text;
  char buf[65536];
  for (ssize_t n; (n = ::read(fd[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<std::size_t>(n));
  ::close(fd[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error("run_in_child: the child run failed (status " + std::to_string(status) + ")");
  return nlohmann::json::parse(text);
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
