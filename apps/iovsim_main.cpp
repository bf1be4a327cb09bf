// The iovsim command line: run a scenario, print the default scenario, or run the benchmark.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "model/core/scenario.h"
#include "model/platform/system.h"

namespace {

// Fixed performance scenario: one 82599 10 Gb/s port at 64-byte line rate (14.88 M frames/s)
// into seven VFs, no host transmit. `iovsim bench` reports how fast the simulator runs it.
const char* kBenchScenario = R"(
name: bench-64B-10G
duration_us: 20000
drain_us: 50
device: {preset: "82599", ports: 1, vfs_per_port: 7, link_gbps: 10}
pcie: {gen: 2, lanes: 8}
host: {poll_interval_us: 10, rx_ring_entries: 512}
port0:
  wire: {pattern: constant, load: 1.0, frame_sizes: {64: 1}, destinations: {vfs: 1}}
)";

void write_json(const nlohmann::json& m, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error(fmt::format("{}: cannot write the metrics file", path));
  out << m.dump(2) << "\n";
}

}  // namespace

int sc_main(int argc, char** argv) {
  CLI::App app{"iovsim: SystemC/TLM-2.0 simulator of an SR-IOV/VMDq Ethernet controller"};
  app.require_subcommand(1);

  std::string scenario_file, json_file;
  std::vector<std::string> sets;
  std::uint64_t seed = 0;
  auto* run = app.add_subcommand("run", "run a scenario (the embedded default when none given)");
  run->add_option("scenario", scenario_file, "scenario YAML file");
  run->add_option("--set", sets, "override a key: --set port0.vf3.rate_limit_mbps=200");
  run->add_option("--json", json_file, "write the metrics as JSON to FILE");
  auto* seed_opt = run->add_option("--seed", seed, "random seed (overrides the scenario's)");

  auto* defaults = app.add_subcommand("defaults", "print the full default scenario as YAML");

  double bench_us = 0;
  std::string bench_json;
  auto* bench = app.add_subcommand("bench", "simulated frames per wall second, 64 B at 10 Gb/s");
  bench->add_option("--duration-us", bench_us, "simulated time (default 20000)");
  bench->add_option("--json", bench_json, "write the metrics as JSON to FILE");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*defaults) {
      std::cout << iovsim::dump_scenario(
          iovsim::load_scenario(iovsim::default_scenario_yaml(), "default scenario"));
      return 0;
    }
    if (*run) {
      std::string text = scenario_file.empty() ? iovsim::default_scenario_yaml()
                                               : iovsim::read_text_file(scenario_file);
      if (*seed_opt) sets.push_back(fmt::format("seed={}", seed));
      iovsim::Scenario s = iovsim::load_scenario(
          text, scenario_file.empty() ? "default scenario" : scenario_file, sets);
      nlohmann::json m = iovsim::run_scenario(s);
      std::cout << iovsim::summarize(m);
      if (!json_file.empty()) write_json(m, json_file);
      return 0;
    }
    if (*bench) {
      std::vector<std::string> o;
      if (bench_us > 0) o.push_back(fmt::format("duration_us={}", bench_us));
      iovsim::Scenario s = iovsim::load_scenario(kBenchScenario, "bench scenario", o);
      nlohmann::json m = iovsim::run_scenario(s);
      const double wall = m["wall_seconds"].get<double>();
      const double sim_s = m["sim_time_ns"].get<double>() / 1e9;
      std::cout << fmt::format(
          "bench: 64 B frames at line rate on one 10 Gb/s port (target 14.88 M frames/s)\n"
          "  simulated {:.3f} ms, {} frames, in {:.3f} s wall\n"
          "  {:.3f} M simulated frames per wall second\n"
          "  simulated/wall time ratio {:.4f} (1.0 = real time)\n",
          sim_s * 1e3, m["conservation"]["injected_wire"].get<std::uint64_t>(), wall,
          m["frames_per_wall_second"].get<double>() / 1e6, wall > 0 ? sim_s / wall : 0);
      if (!bench_json.empty()) write_json(m, bench_json);
      return 0;
    }
  } catch (const iovsim::ConfigError& e) {
    std::cerr << "iovsim: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "iovsim: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
