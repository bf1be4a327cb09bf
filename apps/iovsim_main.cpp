// The iovsim command line: run a scenario, print the default scenario, or run the benchmark.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "model/core/check.h"
#include "model/core/scenario.h"
#include "model/platform/system.h"
#include "model/platform/remote_device.h"
#include "model/sweep/runner.h"

namespace {

// The benchmark suite: fixed scenarios, each 20 ms of traffic on an 82599 port at 10 Gb/s
// (14.88 M frames/s of 64-byte frames at line rate; one case at 100 Gb/s, a what-if). `iovsim bench` runs every case, each in a
// child process (SystemC elaborates once per process); `--case NAME` runs one in this process.
struct BenchCase {
  const char* name;
  const char* what;
  std::string yaml;
};
// One 82599 port at `gbps` (10 unless given) with `vfs` VFs, `wire` traffic from the link
// partner (or none) and, with `tx_mbps`, every VM sending `tx_bytes`-byte frames to the wire.
std::string bench_scenario(const char* name, unsigned vfs, const char* wire, unsigned tx_mbps,
                           unsigned tx_bytes, const char* host, unsigned gbps = 10) {
  std::string y = fmt::format(
      "name: bench-{}\nduration_us: 20000\ndrain_us: 50\n"
      "device: {{preset: \"82599\", ports: 1, vfs_per_port: {}, link_gbps: {}}}\n"
      "host: {{poll_interval_us: 10, {}}}\nport0:\n  wire: {}\n",
      name, vfs, gbps, host, wire ? wire : "{pattern: off}");
  for (unsigned v = 0; tx_mbps && v < vfs; ++v)
    y += fmt::format("  vf{}: {{tx: {{load_mbps: {}, frame_bytes: {}}}}}\n", v, tx_mbps, tx_bytes);
  return y;
}
const std::vector<BenchCase>& bench_cases() {
  const char* rx64 = "{pattern: constant, load: 1.0, frame_sizes: {64: 1}, destinations: {vfs: 1}}";
  const char* imix =
      "{pattern: constant, load: 1.0, frame_sizes: {64: 7, 594: 4, 1518: 1}, destinations: {vfs: 1}}";
  const char* rx1518 = "{pattern: constant, load: 1.0, frame_sizes: {1518: 1}, destinations: {vfs: 1}}";
  const char* rings = "rx_ring_entries: 512, tx_ring_entries: 512";
  static const std::vector<BenchCase> k{
      {"rx64", "64 B from the wire at line rate into 7 VFs", bench_scenario("rx64", 7, rx64, 0, 0, rings)},
      {"tx64", "7 VMs send 64 B to the wire at line rate (more is offered)",
       bench_scenario("tx64", 7, nullptr, 1500, 64, rings)},
      {"bidir64", "rx64 and tx64 at once", bench_scenario("bidir64", 7, rx64, 1500, 64, rings)},
      {"rx64-63vf", "64 B from the wire at line rate into 63 VFs",
       bench_scenario("rx64-63vf", 63, rx64, 0, 0, "rx_ring_entries: 256, vm_memory_kb: 1024") +
           "warmup_us: 6000\n"},  // 63 VFs' mailbox bring-up takes about 5 ms
      {"imix", "IMIX (64/594/1518 B, 7:4:1) from the wire at line rate, 7 VMs send 594 B at 1 Gb/s each",
       bench_scenario("imix", 7, imix, 1000, 594, rings)},
      {"rx1518", "1518 B from the wire at line rate into 7 VFs", bench_scenario("rx1518", 7, rx1518, 0, 0, rings)},
      // 148.8 M frames/s: more than one 82599's DMA and seven VMs take (rx_buffer_full drops),
      // reported for the simulator's speed, not a part that exists.
      {"rx64-100g", "64 B at 100 Gb/s line rate into 7 VFs (a what-if: PCIe gen4 x16, 4096-entry rings)",
       bench_scenario("rx64-100g", 7, rx64, 0, 0, "rx_ring_entries: 4096, tx_ring_entries: 512, vm_memory_kb: 16384", 100) +
           "pcie: {gen: 4, lanes: 16}\n"},
  };
  return k;
}

const BenchCase* bench_case(const std::string& name) {
  for (const BenchCase& c : bench_cases())
    if (name == c.name) return &c;
  return nullptr;
}

// One case's figures from its metrics.
// The process's peak resident memory so far (each case runs in its own process): flat in the
// simulated time when nothing grows per frame.
double peak_rss_mb() {
  rusage u{};
  return ::getrusage(RUSAGE_SELF, &u) == 0 ? static_cast<double>(u.ru_maxrss) / 1024.0 : 0.0;  // ru_maxrss: KB
}

nlohmann::json bench_figures(const BenchCase& c, const nlohmann::json& m) {
  // The traffic window's frames over its wall-clock time (bring-up excluded), and the run's.
  const double wall = m["traffic_wall_seconds"].get<double>();
  const double sim_s = m["traffic_time_ns"].get<double>() / 1e9;
  return {{"case", c.name},
          {"what", c.what},
          {"simulated_ms", sim_s * 1e3},
          {"device_frames", m["device_frames"]},
          {"wall_seconds", wall},
          {"run_wall_seconds", m["wall_seconds"]},
          {"frames_per_wall_second", m["window_frames_per_wall_second"]},
          {"sim_wall_ratio", wall > 0 ? sim_s / wall : 0},
          {"host_ns_per_frame", m["host_ns_per_frame"]},
          {"peak_rss_mb", peak_rss_mb()}};
}

std::string bench_line(const nlohmann::json& f) {
  return fmt::format("{:<10} {:>9.3f} {:>12.0f} {:>8.3f} {:>10.3f} {:>9.4f} {:>10.0f} {:>8.0f}  {}\n",
                     f["case"].get<std::string>(), f["simulated_ms"].get<double>(),
                     f["device_frames"].get<double>(), f["wall_seconds"].get<double>(),
                     f["frames_per_wall_second"].get<double>() / 1e6,
                     f["sim_wall_ratio"].get<double>(), f["host_ns_per_frame"].get<double>(),
                     f.value("peak_rss_mb", 0.0), f["what"].get<std::string>());
}
const char* kBenchHeader =
    "case       sim ms     dev frames   wall s  M frm/s   sim/wall  host ns/fr   RSS MB  scenario\n";

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
  // Exit codes (README): 0 ok, 1 a failed invariant (or a run that made no progress), 2 bad
  // input or command line, 3 an internal error.
  CLI::App app{"iovsim: SystemC/TLM-2.0 simulator of an SR-IOV/VMDq Ethernet controller"};
  app.require_subcommand(1);

  std::string scenario_file, json_file;
  std::vector<std::string> sets;
  std::string seed;  // checked as the scenario's seed key is: an unsigned 64-bit integer
  auto* run = app.add_subcommand("run", "run a scenario (the embedded default when none given)");
  run->add_option("scenario", scenario_file, "scenario YAML file");
  run->add_option("--set", sets, "override a key: --set port0.vf3.rate_limit_mbps=200");
  run->add_option("--json", json_file, "write the metrics as JSON to FILE");
  auto* seed_opt = run->add_option("--seed", seed, "random seed (overrides the scenario's)");
  iovsim::WatchdogLimits limits;
  run->add_option("--max-wall-s", limits.max_wall_s,
                  "end the run (exit 1) after this many wall-clock seconds, 0 = no limit")
      ->check(CLI::NonNegativeNumber);
  run->add_option("--stall-s", limits.stall_s,
                  "end the run (exit 1) when simulated time stands still this many wall seconds, 0 = never")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();

  iovsim::TraceOptions trace;
  std::string trace_from, trace_to;
  run->add_option("--vcd", trace.waveform,
                  "write a waveform of the architectural probes to FILE (FST when it ends in .fst)");
  run->add_option("--rtl-trace", trace.rtl_trace,
                  "write a VCD of each RTL block in the loop (sorter.impl / scheduler.impl rtl) to FILE.portN.BLOCK.vcd, clock edges at the platform's times");
  run->add_option("--probe", trace.probes, "probes in the waveform, by glob: --probe 'port0.vf3.*' (default: all)");
  run->add_option("--trace-from", trace_from, "waveform from this simulated time (e.g. 1.5ms, 200us, 800ns)");
  run->add_option("--trace-to", trace_to, "waveform up to this simulated time");
  run->add_option("--pcap-dir", trace.pcap_dir,
                  "write pcap files (nanosecond timestamps, simulated time) of each port's wire and each function's Rx and Tx to DIR");
  run->add_option("--log", trace.log, "write one line per transaction (MMIO, DMA, frames, interrupts, mailbox) to FILE");
  run->add_option("--log-filter", trace.log_filter,
                  "what the log shows: kinds (mmio, dma, frame, irq, mailbox) and function globs, comma-separated");

  auto* trace_cmd = app.add_subcommand("trace", "workload traces");
  trace_cmd->require_subcommand(1);
  std::string synth_file, synth_out;
  std::vector<std::string> synth_sets;
  unsigned synth_port = 0;
  double synth_us = 0;
  auto* synth = trace_cmd->add_subcommand(
      "synth", "write a port's link-partner traffic (its wire keys: IMIX, destinations over the VMs, spacing) to a pcap, without simulating");
  synth->add_option("scenario", synth_file, "scenario YAML file (default: the embedded one)");
  synth->add_option("--set", synth_sets, "override a key, as for run");
  synth->add_option("--port", synth_port, "the port whose wire traffic to write (default 0)");
  synth->add_option("--duration-us", synth_us, "simulated time to write (default: the scenario's duration_us)")
      ->check(CLI::PositiveNumber);
  synth->add_option("--out", synth_out, "the pcap file to write")->required();

  std::string serve_file, serve_json;
  std::vector<std::string> serve_sets;
  iovsim::RemoteOptions serve_opt;
  iovsim::TraceOptions serve_trace;
  auto* serve = app.add_subcommand(
      "serve", "be the remote PCI device of a QEMU guest (x-pci-proxy-dev): port 0's PF, driven by the guest's driver (docs/linux.md)");
  serve->add_option("scenario", serve_file, "scenario YAML file (default: the embedded one)");
  serve->add_option("--set", serve_sets, "override a key, as for run");
  serve->add_option("--mpqemu-fd", serve_opt.fd, "the proxy's socket: an inherited descriptor (one end of a socketpair)")->required();
  serve->add_option("--pace", serve_opt.pace, "simulated seconds per wall-clock second (default 1: real time)")
      ->check(CLI::PositiveNumber);
  serve->add_option("--traffic-us", serve_opt.traffic_us,
                    "the wire sources' (and VMs') traffic lasts this long from the start (default: the whole session)")
      ->check(CLI::PositiveNumber);
  serve->add_option("--json", serve_json, "write the session's metrics (with its register accesses: remote.registers) to FILE");
  serve->add_option("--log", serve_trace.log, "write one line per transaction to FILE, as for run");
  serve->add_option("--log-filter", serve_trace.log_filter, "what the log shows, as for run");
  serve->add_option("--pcap-dir", serve_trace.pcap_dir, "write pcap files, as for run");

  auto* defaults = app.add_subcommand("defaults", "print the full default scenario as YAML");

  std::string lspci_file;
  std::vector<std::string> lspci_sets;
  int lspci_v = 0, lspci_x = 0;
  auto* lspci = app.add_subcommand(
      "lspci", "print every function's config space after bring-up, as lspci does (default scenario when none given)");
  lspci->add_option("scenario", lspci_file, "scenario YAML file");
  lspci->add_option("--set", lspci_sets, "override a key, as for run");
  lspci->add_flag("-v", lspci_v, "verbose: -v as lspci -v, -vv decodes every capability");
  lspci->add_flag("-x", lspci_x, "hex dump: -x the first 64 bytes, -xxx 256, -xxxx all 4096");

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
  std::vector<std::string> chosen;
  auto* bench = app.add_subcommand(
      "bench", "simulator speed: frames per wall second, sim/wall ratio, host ns per frame");
  std::vector<std::string> case_names;
  for (const BenchCase& c : bench_cases()) case_names.push_back(c.name);
  bench->add_option("--case", chosen, "run only these cases (default: all)")
      ->check(CLI::IsMember(case_names));
  bench->add_option("--duration-us", bench_us, "simulated traffic time per case (default 20000)");
  bench->add_option("--json", bench_json, "write the figures (and each case's metrics) to FILE");
  unsigned bench_runs = 1;
  bench->add_option("--runs", bench_runs,
                    "run each case N times, the cases in turn (each run in its own process), and print each case's median run")
      ->check(CLI::Range(1u, 100u));

  auto* sweep_cmd = app.add_subcommand("sweep", "run a what-if sweep: a base scenario over axes of keys (docs/sweeps.md)");
  std::string sweep_file, sweep_out, sweep_shard, sweep_slurm;
  unsigned sweep_jobs = std::max(1u, std::thread::hardware_concurrency()), sweep_shards = 0, sweep_cpus = 1;
  double sweep_wall = 0;
  sweep_cmd->add_option("sweep", sweep_file, "sweep YAML file")->required();
  sweep_cmd->add_option("--out", sweep_out, "results directory (default: NAME-results, or NAME-shard-I-of-N)");
  sweep_cmd->add_option("-j,--jobs", sweep_jobs, "points run at once (default: all cores)")->check(CLI::Range(1u, 1024u));
  sweep_cmd->add_option("--shard", sweep_shard, "run only shard I of N (I/N, 1-based): the points whose index % N == I-1");
  sweep_cmd->add_option("--max-wall-s", sweep_wall, "wall-clock limit per point (run --max-wall-s)");
  sweep_cmd->add_option("--emit-slurm", sweep_slurm,
                        "write a Slurm job array (one task per shard) and a dependent merge job into DIR; run nothing");
  sweep_cmd->add_option("--shards", sweep_shards, "--emit-slurm: array tasks (default: the points, at most 8)")
      ->check(CLI::Range(1u, 100000u));
  sweep_cmd->add_option("--cpus-per-task", sweep_cpus, "--emit-slurm: cores per task (its -j)")->check(CLI::Range(1u, 1024u));
  auto* merge_cmd = app.add_subcommand("merge", "merge sweep results directories (the shards of a sweep) into one");
  std::vector<std::string> merge_dirs;
  std::string merge_out;
  merge_cmd->add_option("dirs", merge_dirs, "results directories")->required();
  merge_cmd->add_option("--out", merge_out, "where to write results.csv, results.json and plots/")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is not an error
  }

  try {
    if (*regs) {
      std::vector<std::string> presets{"82576", "82599"}, functions{"pf", "vf"};
      if (!regs_preset.empty()) presets = {regs_preset};
      if (!regs_function.empty()) functions = {regs_function};
      std::cout << register_maps(presets, functions, regs_markdown);
      return 0;
    }
    if (*synth) {
      const std::string text = synth_file.empty() ? iovsim::default_scenario_yaml() : iovsim::read_text_file(synth_file);
      const iovsim::Scenario s =
          iovsim::load_scenario(text, synth_file.empty() ? "default scenario" : synth_file, synth_sets);
      const double us = synth_us > 0 ? synth_us : s.duration_us;
      const std::uint64_t n = iovsim::synthesize_trace(s, synth_port, us, synth_out);
      std::cout << fmt::format("{}: {} frames, {} us of port{}'s wire traffic\n", synth_out, n, us, synth_port);
      return 0;
    }
    if (*serve) {
      const std::string text = serve_file.empty() ? iovsim::default_scenario_yaml() : iovsim::read_text_file(serve_file);
      const iovsim::Scenario s = iovsim::load_scenario(text, serve_file.empty() ? "default scenario" : serve_file, serve_sets);
      std::cerr << "iovsim serve: " << iovsim::serve_adjustments(s);
      nlohmann::json m;
      try {
        m = iovsim::serve_scenario(s, serve_opt, serve_trace);
      } catch (const std::invalid_argument& e) {
        throw iovsim::ConfigError(e.what());
      }
      if (!serve_json.empty()) write_json(m, serve_json);
      const std::string err = m["remote"]["error"].get<std::string>();
      std::cerr << fmt::format("iovsim serve: the guest closed the session after {:.3f} s ({} requests){}\n",
                               m["wall_seconds"].get<double>(), m["remote"]["messages"].get<std::uint64_t>(),
                               err.empty() ? "" : ": " + err);
      return err.empty() ? 0 : 2;
    }
    if (*defaults) {
      std::cout << iovsim::dump_scenario(
          iovsim::load_scenario(iovsim::default_scenario_yaml(), "default scenario"));
      return 0;
    }
    if (*lspci) {
      const std::string text = lspci_file.empty() ? iovsim::default_scenario_yaml()
                                                  : iovsim::read_text_file(lspci_file);
      const iovsim::Scenario s = iovsim::load_scenario(
          text, lspci_file.empty() ? "default scenario" : lspci_file, lspci_sets);
      bool complete = false;
      std::cout << iovsim::lspci_after_bring_up(
          s, {static_cast<unsigned>(lspci_v), static_cast<unsigned>(lspci_x)}, complete);
      if (!complete)
        std::cerr << "iovsim: warning: some drivers had not finished bring-up at the end of "
                     "warm-up (warmup_us): their functions show an earlier state\n";
      return 0;
    }
    if (*run) {
      std::string text = scenario_file.empty() ? iovsim::default_scenario_yaml()
                                               : iovsim::read_text_file(scenario_file);
      if (*seed_opt) sets.push_back(fmt::format("seed={}", seed));
      iovsim::Scenario s = iovsim::load_scenario(
          text, scenario_file.empty() ? "default scenario" : scenario_file, sets);
      if (!trace_from.empty()) trace.window.from = iovsim::parse_duration_ps(trace_from, "--trace-from");
      if (!trace_to.empty()) trace.window.to = iovsim::parse_duration_ps(trace_to, "--trace-to");
      if (trace.window.to < trace.window.from)
        throw iovsim::ConfigError(fmt::format("--trace-to {} is before --trace-from {}", trace_to, trace_from));
      if ((!trace.probes.empty() || !trace_from.empty() || !trace_to.empty()) && trace.waveform.empty())
        throw iovsim::ConfigError("--probe, --trace-from and --trace-to choose what --vcd FILE shows: give --vcd");
      if (!trace.log_filter.empty() && trace.log.empty())
        throw iovsim::ConfigError("--log-filter chooses what --log FILE shows: give --log");
      nlohmann::json m = iovsim::run_scenario(s, limits, trace);
      std::cout << iovsim::summarize(m);
      if (!json_file.empty()) write_json(m, json_file);
      return 0;
    }
    if (*sweep_cmd) {
      namespace sw = iovsim::sweep;
      const sw::Spec spec = sw::parse_spec_file(sweep_file, iovsim::default_scenario_yaml());
      std::vector<sw::Point> pts = sw::points(spec);
      if (!sweep_slurm.empty()) {
        if (!sweep_shard.empty()) throw iovsim::ConfigError("--emit-slurm writes every shard's job: leave out --shard");
        const unsigned n = sweep_shards ? sweep_shards : static_cast<unsigned>(std::min<std::size_t>(pts.size(), 8));
        const std::string cmd = sw::emit_slurm(spec, sweep_file, self_path(argv[0]), sweep_slurm, n, sweep_cpus);
        std::cout << fmt::format("{}: {} points in {} array tasks; submit with: {}\n", sweep_slurm, pts.size(), n, cmd);
        return 0;
      }
      sw::RunOptions o;
      o.self = self_path(argv[0]);
      o.jobs = sweep_jobs;
      o.max_wall_s = sweep_wall;
      o.out_dir = sweep_out.empty() ? spec.name + "-results" : sweep_out;
      if (!sweep_shard.empty()) {
        const auto [i, n] = sw::parse_shard(sweep_shard);
        pts = sw::shard(pts, i, n);
        o.plots = false;  // the merge draws them
        o.label = fmt::format("shard {}/{}", i, n);
        if (sweep_out.empty()) o.out_dir = fmt::format("{}-shard-{}-of-{}", spec.name, i, n);
      }
      const std::string origin = spec.base_path.empty() ? "default scenario" : spec.base_path;
      o.validate = [&spec, &origin](const sw::Point& p) -> std::string {
        try {
          iovsim::load_scenario(spec.base_text, origin, p.overrides);
          return {};
        } catch (const iovsim::ConfigError& e) {
          return e.what();
        }
      };
      return sw::run_points(spec, pts, o, std::cerr);
    }
    if (*merge_cmd) return iovsim::sweep::merge(merge_dirs, merge_out, std::cerr);
    if (*bench) {
      if (chosen.size() == 1 && bench_runs == 1) {  // one case, in this process
        const BenchCase& c = *bench_case(chosen[0]);
        std::vector<std::string> o;
        if (bench_us > 0) o.push_back(fmt::format("duration_us={}", bench_us));
        nlohmann::json m = iovsim::run_scenario(iovsim::load_scenario(c.yaml, fmt::format("bench case {}", c.name), o));
        const nlohmann::json f = bench_figures(c, m);
        std::cout << kBenchHeader << bench_line(f);
        if (!bench_json.empty()) write_json({{"cases", {f}}, {"metrics", {{c.name, m}}}}, bench_json);
        return 0;
      }
      // Every case (or the ones named), each run in a child process of this program. With
      // --runs N the cases take turns N times (a drift in the machine's speed then reaches
      // every case alike) and each case's line is its median run's, by host ns per frame.
      if (chosen.empty()) chosen = case_names;
      std::cout << kBenchHeader;
      std::vector<std::vector<nlohmann::json>> runs(chosen.size());
      nlohmann::json all = {{"cases", nlohmann::json::array()}, {"metrics", nlohmann::json::object()}};
      for (unsigned run = 0; run < bench_runs; ++run)
        for (std::size_t i = 0; i < chosen.size(); ++i) {
          const std::string& name = chosen[i];
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
          if (bench_runs == 1) std::cout << bench_line(r["cases"][0]) << std::flush;
          if (run == 0) all["metrics"][name] = r["metrics"][name];  // every run's are the same
          runs[i].push_back(r["cases"][0]);
        }
      for (std::size_t i = 0; i < chosen.size(); ++i) {
        std::vector<nlohmann::json>& r = runs[i];
        std::sort(r.begin(), r.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
          return a["host_ns_per_frame"].get<double>() < b["host_ns_per_frame"].get<double>();
        });
        nlohmann::json f = r[(r.size() - 1) / 2];  // the median (the lower of the middle two)
        if (bench_runs > 1) {
          f["runs"] = bench_runs;
          f["host_ns_per_frame_min"] = r.front()["host_ns_per_frame"];
          f["host_ns_per_frame_max"] = r.back()["host_ns_per_frame"];
          std::cout << bench_line(f);
        }
        all["cases"].push_back(f);
      }
      if (bench_runs > 1) {
        std::cout << fmt::format("median of {} runs a case; host ns per frame min-max:", bench_runs);
        for (const nlohmann::json& f : all["cases"])
          std::cout << fmt::format(" {} {:.0f}-{:.0f}", f["case"].get<std::string>(),
                                   f["host_ns_per_frame_min"].get<double>(), f["host_ns_per_frame_max"].get<double>());
        std::cout << "\n";
      }
      if (!bench_json.empty()) write_json(all, bench_json);
      return 0;
    }
  } catch (const iovsim::sweep::SpecError& e) {
    std::cerr << "iovsim: " << e.what() << "\n";
    return 2;
  } catch (const iovsim::ConfigError& e) {
    std::cerr << "iovsim: " << e.what() << "\n";
    return 2;
  } catch (const iovsim::InvariantError& e) {
    std::cerr << "iovsim: " << e.what() << "\n";
    return 1;
  } catch (const sc_core::sc_report& e) {
    // An exception inside a SystemC process reaches here wrapped in the kernel's report.
    if (!iovsim::last_invariant_failure().empty()) {
      std::cerr << "iovsim: " << iovsim::last_invariant_failure() << "\n";
      return 1;
    }
    std::cerr << "iovsim: internal error: " << e.get_msg()
              << (e.get_process_name() && *e.get_process_name() ? fmt::format(" (in {})", e.get_process_name()) : "")
              << "\n";
    return 3;
  } catch (const std::exception& e) {
    std::cerr << "iovsim: internal error: " << e.what() << "\n";
    return 3;
  }
  return 0;
}

// The program's entry: SystemC's banner off (the tool's output is its own), then the kernel's
// usual start-up, which calls sc_main.
int main(int argc, char** argv) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}
