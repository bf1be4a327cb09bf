// The iovsim command line: run a scenario, print the default scenario, or run the benchmark.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "model/core/scenario.h"
#include "model/platform/system.h"

namespace {

// The benchmark suite: fixed scenarios, each 20 ms of traffic on 82599 ports at 10 Gb/s
// (14.88 M frames/s of 64-byte frames at line rate). `iovsim bench` runs every case, each in a
// child process (SystemC elaborates once per process); `--case NAME` runs one in this process.
struct BenchCase {
  const char* name;
  const char* what;
  const char* yaml;
};
const BenchCase kBenchCases[] = {
    {"rx64", "64 B from the wire at line rate into 7 VFs", R"(
name: bench-rx64
duration_us: 20000
drain_us: 50
device: {preset: "82599", ports: 1, vfs_per_port: 7, link_gbps: 10}
host: {poll_interval_us: 10, rx_ring_entries: 512}
port0:
  wire: {pattern: constant, load: 1.0, frame_sizes: {64: 1}, destinations: {vfs: 1}}
)"},
    {"tx64", "7 VMs send 64 B to the wire at line rate (more is offered)", R"(
name: bench-tx64
duration_us: 20000
drain_us: 50
device: {preset: "82599", ports: 1, vfs_per_port: 7, link_gbps: 10}
host: {poll_interval_us: 10, tx_ring_entries: 512}
port0:
  wire: {pattern: off}
  vf0: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf1: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf2: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf3: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf4: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf5: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf6: {tx: {load_mbps: 1500, frame_bytes: 64}}
)"},
    {"bidir64", "rx64 and tx64 at once", R"(
name: bench-bidir64
duration_us: 20000
drain_us: 50
device: {preset: "82599", ports: 1, vfs_per_port: 7, link_gbps: 10}
host: {poll_interval_us: 10, rx_ring_entries: 512, tx_ring_entries: 512}
port0:
  wire: {pattern: constant, load: 1.0, frame_sizes: {64: 1}, destinations: {vfs: 1}}
  vf0: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf1: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf2: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf3: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf4: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf5: {tx: {load_mbps: 1500, frame_bytes: 64}}
  vf6: {tx: {load_mbps: 1500, frame_bytes: 64}}
)"},
    {"rx64-63vf", "64 B from the wire at line rate into 63 VFs", R"(
name: bench-rx64-63vf
duration_us: 20000
drain_us: 50
device: {preset: "82599", ports: 1, vfs_per_port: 63, link_gbps: 10}
host: {poll_interval_us: 10, rx_ring_entries: 256, vm_memory_kb: 1024}
port0:
  wire: {pattern: constant, load: 1.0, frame_sizes: {64: 1}, destinations: {vfs: 1}}
)"},
    {"imix", "IMIX (64/594/1518 B, 7:4:1) from the wire at line rate, 7 VMs send 594 B at 1 Gb/s each", R"(
name: bench-imix
duration_us: 20000
drain_us: 50
device: {preset: "82599", ports: 1, vfs_per_port: 7, link_gbps: 10}
host: {poll_interval_us: 10, rx_ring_entries: 512, tx_ring_entries: 512}
port0:
  wire: {pattern: constant, load: 1.0, frame_sizes: {64: 7, 594: 4, 1518: 1}, destinations: {vfs: 1}}
  vf0: {tx: {load_mbps: 1000, frame_bytes: 594}}
  vf1: {tx: {load_mbps: 1000, frame_bytes: 594}}
  vf2: {tx: {load_mbps: 1000, frame_bytes: 594}}
  vf3: {tx: {load_mbps: 1000, frame_bytes: 594}}
  vf4: {tx: {load_mbps: 1000, frame_bytes: 594}}
  vf5: {tx: {load_mbps: 1000, frame_bytes: 594}}
  vf6: {tx: {load_mbps: 1000, frame_bytes: 594}}
)"},
};

const BenchCase* bench_case(const std::string& name) {
  for (const BenchCase& c : kBenchCases)
    if (name == c.name) return &c;
  return nullptr;
}

// One case's figures from its metrics.
nlohmann::json bench_figures(const BenchCase& c, const nlohmann::json& m) {
  const double wall = m["wall_seconds"].get<double>();
  const double sim_s = m["sim_time_ns"].get<double>() / 1e9;
  const double frames = m["device_frames"].get<double>();
  return {{"case", c.name},
          {"what", c.what},
          {"simulated_ms", sim_s * 1e3},
          {"device_frames", frames},
          {"wall_seconds", wall},
          {"frames_per_wall_second", m["frames_per_wall_second"]},
          {"sim_wall_ratio", wall > 0 ? sim_s / wall : 0},
          {"host_ns_per_frame", frames > 0 ? wall * 1e9 / frames : 0}};
}

std::string bench_line(const nlohmann::json& f) {
  return fmt::format("{:<10} {:>9.3f} {:>12.0f} {:>8.3f} {:>10.3f} {:>9.4f} {:>10.0f}  {}\n",
                     f["case"].get<std::string>(), f["simulated_ms"].get<double>(),
                     f["device_frames"].get<double>(), f["wall_seconds"].get<double>(),
                     f["frames_per_wall_second"].get<double>() / 1e6,
                     f["sim_wall_ratio"].get<double>(), f["host_ns_per_frame"].get<double>(),
                     f["what"].get<std::string>());
}
const char* kBenchHeader =
    "case       sim ms     dev frames   wall s  M frm/s   sim/wall  host ns/fr  scenario\n";

// The register maps as the model builds them: one PF and one VF of each preset, elaborated
// (not simulated). docs/register-map.md is this with --markdown.
std::string register_maps(const std::vector<std::string>& presets,
                          const std::vector<std::string>& functions, bool markdown) {
  const auto format = markdown ? iovsim::regs::ListingFormat::Markdown : iovsim::regs::ListingFormat::Text;
  std::string out;
  if (markdown && presets.size() > 1 && functions.size() > 1)
    out += "# Register map\n\nGenerated by `iovsim regs --markdown` from the register declarations in\n"
           "`model/regs/` (do not edit: a test compares it with the model). What each register does\n"
           "and where its facts come from: [registers.md](registers.md).\n\n";
  for (const std::string& preset : presets) {
    iovsim::Scenario s = iovsim::load_scenario(
        fmt::format("device: {{preset: '{}', ports: 1, vfs_per_port: 1}}", preset), "regs");
    iovsim::System sys(("regs_" + preset).c_str(), s);  // one name per elaborated system
    for (const std::string& f : functions) out += iovsim::register_map(sys, f == "vf", format) + "\n";
  }
  return out;
}

// This program's own path, for the bench's child processes.
std::string self_path(const char* argv0) {
  char buf[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return argv0;
  buf[n] = 0;
  return buf;
}

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

  std::string regs_preset, regs_function;
  bool regs_markdown = false;
  auto* regs = app.add_subcommand("regs", "print the register maps (name, offset, reset, access, fields)");
  regs->add_option("--preset", regs_preset, "82576 or 82599 (default: both)")
      ->check(CLI::IsMember({"82576", "82599"}));
  regs->add_option("--function", regs_function, "pf or vf (default: both)")
      ->check(CLI::IsMember({"pf", "vf"}));
  regs->add_flag("--markdown", regs_markdown, "Markdown tables (docs/register-map.md)");

  double bench_us = 0;
  std::string bench_json;
  std::vector<std::string> bench_cases;
  auto* bench = app.add_subcommand(
      "bench", "simulator speed: frames per wall second, sim/wall ratio, host ns per frame");
  std::vector<std::string> case_names;
  for (const BenchCase& c : kBenchCases) case_names.push_back(c.name);
  bench->add_option("--case", bench_cases, "run only these cases (default: all)")
      ->check(CLI::IsMember(case_names));
  bench->add_option("--duration-us", bench_us, "simulated traffic time per case (default 20000)");
  bench->add_option("--json", bench_json, "write the figures (and each case's metrics) to FILE");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }

  try {
    if (*regs) {
      std::vector<std::string> presets{"82576", "82599"}, functions{"pf", "vf"};
      if (!regs_preset.empty()) presets = {regs_preset};
      if (!regs_function.empty()) functions = {regs_function};
      std::cout << register_maps(presets, functions, regs_markdown);
      return 0;
    }
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
      if (bench_cases.size() == 1) {  // one case, in this process
        const BenchCase& c = *bench_case(bench_cases[0]);
        std::vector<std::string> o;
        if (bench_us > 0) o.push_back(fmt::format("duration_us={}", bench_us));
        nlohmann::json m = iovsim::run_scenario(iovsim::load_scenario(c.yaml, fmt::format("bench case {}", c.name), o));
        const nlohmann::json f = bench_figures(c, m);
        std::cout << kBenchHeader << bench_line(f);
        if (!bench_json.empty()) write_json({{"cases", {f}}, {"metrics", {{c.name, m}}}}, bench_json);
        return 0;
      }
      // Every case (or the ones named), each in a child process of this program.
      if (bench_cases.empty()) bench_cases = case_names;
      std::cout << kBenchHeader;
      nlohmann::json all = {{"cases", nlohmann::json::array()}, {"metrics", nlohmann::json::object()}};
      for (const std::string& name : bench_cases) {
        const std::string tmp = fmt::format("/tmp/iovsim-bench-{}-{}.json", ::getpid(), name);
        std::string cmd = fmt::format("'{}' bench --case {} --json '{}'", self_path(argv[0]), name, tmp);
        if (bench_us > 0) cmd += fmt::format(" --duration-us {}", bench_us);
        cmd += " > /dev/null";
        if (std::system(cmd.c_str()) != 0) {
          std::remove(tmp.c_str());
          throw std::runtime_error(fmt::format("bench case {} failed ({})", name, cmd));
        }
        std::ifstream in(tmp);
        nlohmann::json r = nlohmann::json::parse(in);
        std::remove(tmp.c_str());
        std::cout << bench_line(r["cases"][0]) << std::flush;
        all["cases"].push_back(r["cases"][0]);
        all["metrics"][name] = r["metrics"][name];
      }
      if (!bench_json.empty()) write_json(all, bench_json);
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
