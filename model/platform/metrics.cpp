// Metrics of a finished run: JSON (schema in docs/metrics.md) and the readable summary.
#include <fmt/format.h>

#include <algorithm>
#include <systemc>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <chrono>
#include <stdexcept>

#include "model/platform/traffic_generator.h"
#include "model/trace/pcap.h"
#include "model/core/check.h"
#include "model/platform/system.h"

namespace iovsim {

using nlohmann::json;

json System::metrics(double wall_seconds) const {
  json m = registry_.compose();
  m["scenario"] = s_.name;
  m["device"] = prof_.name;
  m["seed"] = s_.seed;
  m["sim_time_ns"] = static_cast<double>(now_ps()) / 1000.0;
  m["traffic_time_ns"] = s_.duration_us * 1000.0;
  m["warmup_ns"] = s_.warmup_us * 1000.0;
  m["traffic_start_ns"] = static_cast<double>(traffic_start()) / 1000.0;
  m["warmup_extended_ns"] = static_cast<double>(warmup_extension()) / 1000.0;
  m["wall_seconds"] = wall_seconds;
  json& c = m["conservation"];
  auto u = [&c](const char* k) { return c.contains(k) ? c[k].get<std::uint64_t>() : 0; };
  for (const char* k : {"injected_wire", "injected_host", "replicas", "delivered_host",
                        "delivered_wire", "dropped", "in_flight"})
    c[k] = u(k);
  const std::uint64_t injected = u("injected_wire") + u("injected_host") + u("replicas");
  const std::uint64_t delivered = u("delivered_host") + u("delivered_wire");
  c["injected"] = injected;
  c["delivered"] = delivered;
  c["balanced"] = injected == delivered + u("dropped") + u("in_flight");
  // Frames the device handled: from the wire, and from the hosts' Tx rings (frames a driver
  // could not post never reached the device).
  std::uint64_t device_frames = u("injected_wire");
  for (const json& p : m["ports"]) device_frames += p["tx_dma"]["frames"].get<std::uint64_t>();
  m["device_frames"] = device_frames;
  m["frames_per_wall_second"] = wall_seconds > 0 ? static_cast<double>(device_frames) / wall_seconds : 0;
  // The steady state: the device's frames of the traffic window over its wall-clock time.
  double window_fps = m["traffic"]["wire_frames_per_second"].get<double>();
  for (const json& p : m["ports"]) window_fps += p["tx_dma"]["frames_per_second"].get<double>();
  const double window_frames = window_fps * s_.duration_us / 1e6;
  const double traffic_wall = traffic_wall_seconds();
  m["traffic_wall_seconds"] = traffic_wall;
  m["window_frames_per_wall_second"] = traffic_wall > 0 ? window_frames / traffic_wall : 0;
  m["host_ns_per_frame"] = window_frames > 0 ? traffic_wall * 1e9 / window_frames : 0;
  // Queues that saw no traffic and no drop are left out.
  json queues = json::array();
  for (json& q : m["queues"])
    if (q["rx_frames"].get<std::uint64_t>() || q["tx_frames"].get<std::uint64_t>() ||
        q["rx_drops"].get<std::uint64_t>())
      queues.push_back(std::move(q));
  m["queues"] = std::move(queues);
  return m;
}

void check_conservation(const json& m) {
  const json& c = m.at("conservation");
  auto v = [&](const char* k) { return c.at(k).get<std::uint64_t>(); };
  if (v("injected") != v("delivered") + v("dropped") + v("in_flight"))
    invariant_failed("injected == delivered + dropped + in_flight", __FILE__, __LINE__, fmt::format(
        "frame conservation violated: injected {} != delivered {} + dropped {} + in flight {}",
        v("injected"), v("delivered"), v("dropped"), v("in_flight")));
}

std::string lspci_after_bring_up(const Scenario& s, const LspciOptions& opt, bool& complete) {
  require_ps_resolution();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(s.quantum_ns, sc_core::SC_NS));
  System sys("iovsim", s);
  sc_core::sc_start(to_sc(sys.traffic_start()));
  complete = sys.drivers_ready();
  return sys.lspci(opt);
}

std::uint64_t synthesize_trace(const Scenario& s, unsigned port, double duration_us, const std::string& path) {
  if (port >= s.device.ports)
    throw ConfigError(fmt::format("trace synth --port {}: the scenario has {} ports", port, s.device.ports));
  const WireCfg& w = s.port[port].wire;
  if (w.pattern == Pattern::off || w.load <= 0)
    throw ConfigError(fmt::format("trace synth: port{}.wire sends nothing (pattern off or load 0)", port));
  std::vector<std::uint64_t> vf_macs;
  for (unsigned v = 0; v < s.device.vfs_per_port; ++v) vf_macs.push_back(System::station_mac(s, port, static_cast<int>(v)));
  TrafficGenerator gen(port, w, s.device.link_gbps * 1e9, s.seed, vf_macs, System::station_mac(s, port, -1));
  PcapWriter out(path);
  auto f = std::make_unique<Frame>();  // one frame's storage, reused
  const auto end = static_cast<ps_t>(duration_us * kPsPerUs);
  for (ps_t t = 0; t < end;) {
    const unsigned len = gen.next_size();
    gen.fill(*f, len, t);
    out.frame(t, f->data, len - kFcsBytes, -1);
    t += gen.gap(len);
  }
  out.flush();
  return out.frames();
}

json run_scenario(const Scenario& s, const WatchdogLimits& limits, const TraceOptions& trace) {
  require_ps_resolution();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(
      sc_core::sc_time(s.quantum_ns, sc_core::SC_NS));
  System sys("iovsim", s, trace);
  auto t0 = std::chrono::steady_clock::now();
  {
    Watchdog dog(
        limits, [] { return sc_core::sc_time_stamp().value(); },
        [] {
          const sc_core::sc_process_b* p = sc_core::sc_get_current_process_b();
          return std::string(p ? p->name() : "the kernel (between processes)");
        });
    // The kernel's own notes ("Simulation stopped by user" at sc_stop) are not the tool's output.
    sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    sc_core::sc_start();  // until the system stops itself at the run's end (sc_stop)
  }
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  json m = sys.metrics(wall);
  if (trace.any() || !trace.rtl_trace.empty()) m["trace"] = sys.finish_trace();
  check_conservation(m);
  return m;
}

std::string summarize(const json& m) {
  std::string out = fmt::format(
      "iovsim: scenario '{}' on {} — {:.3f} ms simulated in {:.3f} s wall ({:.2f} M frames/s)\n",
      m["scenario"].get<std::string>(), m["device"].get<std::string>(),
      m["sim_time_ns"].get<double>() / 1e6, m["wall_seconds"].get<double>(),
      m["frames_per_wall_second"].get<double>() / 1e6);
  auto drops_text = [](const json& d) {
    std::string s;
    for (auto& [k, v] : d.items())
      if (v.get<std::uint64_t>()) s += fmt::format("{}{}={}", s.empty() ? "" : " ", k, v.get<std::uint64_t>());
    return s.empty() ? std::string("-") : s;
  };
  out += fmt::format("\n{:<6} {:>12} {:>9} {:>12} {:>9} {:>9} {:>9}  {}\n", "port", "rx frames",
                     "rx Gb/s", "tx frames", "tx Gb/s", "loopback", "replic.", "drops");
  for (const json& p : m["ports"])
    out += fmt::format("{:<6} {:>12} {:>9.4f} {:>12} {:>9.4f} {:>9} {:>9}  {}\n",
                       p["port"].get<unsigned>(), p["wire_rx_frames"].get<std::uint64_t>(),
                       p["wire_rx_gbps"].get<double>(), p["wire_tx_frames"].get<std::uint64_t>(),
                       p["wire_tx_gbps"].get<double>(), p["loopback_frames"].get<std::uint64_t>(),
                       p["replicated_frames"].get<std::uint64_t>(), drops_text(p["drops"]));
  // Two latencies per function: the device's (wire to descriptor write-back) and the
  // software's (the frame's origin to its driver handing it up: interrupt moderation in).
  out += fmt::format("\n{:<11} {:<8} {:>10} {:>9} {:>10} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8}  {}\n",
                     "function", "bdf", "rx frames", "rx Gb/s", "tx frames", "tx Gb/s", "dev p50",
                     "dev p99", "sw p50", "sw p99", "irq/s", "drops");
  const auto us = [](const json& l, const char* q) { return fmt::format("{:.1f}", l[q].get<double>() / 1e3); };
  for (const json& f : m["functions"])
    out += fmt::format("{:<11} {:<8} {:>10} {:>9.4f} {:>10} {:>9.4f} {:>8} {:>8} {:>8} {:>8} {:>8.0f}  {}\n",
                       f["name"].get<std::string>(), f["bdf"].get<std::string>(),
                       f["rx_frames"].get<std::uint64_t>(), f["rx_gbps"].get<double>(),
                       f["tx_frames"].get<std::uint64_t>(), f["tx_gbps"].get<double>(),
                       us(f["latency_ns"], "p50"), us(f["latency_ns"], "p99"),
                       us(f["sw_latency_ns"], "p50"), us(f["sw_latency_ns"], "p99"),
                       f["driver"]["interrupts_per_second"].get<double>(), drops_text(f["drops"]));
  out += "(latencies in us: dev = wire to descriptor write-back, sw = origin to the driver handing the frame up)\n";
  if (m.contains("vms")) {
    out += fmt::format("\n{:<11} {:<18} {:>9} {:>10}  {}\n", "vm", "mac", "netqueue", "rx frames",
                       "queues used (frames)");
    for (const json& v : m["vms"]) {
      std::string qs;
      for (const json& q : v["queues"])
        qs += fmt::format("{}{}{}={}", qs.empty() ? "" : " ", q["queue"].get<unsigned>(),
                          q["default_queue"].get<bool>() ? " (default)" : "",
                          q["rx_frames"].get<std::uint64_t>());
      out += fmt::format("{:<11} {:<18} {:>9} {:>10}  {}\n", v["name"].get<std::string>(),
                         v["mac"].get<std::string>(), v["netqueue"].get<bool>() ? "yes" : "no",
                         v["rx_frames"].get<std::uint64_t>(), qs.empty() ? "-" : qs);
    }
  }
  const json& c = m["conservation"];
  out += fmt::format(
      "\nconservation: injected {} (wire {} + host {} + replicas {}) = delivered {} + dropped {} "
      "+ in flight {}  [{}]\n",
      c["injected"].get<std::uint64_t>(), c["injected_wire"].get<std::uint64_t>(),
      c["injected_host"].get<std::uint64_t>(), c["replicas"].get<std::uint64_t>(),
      c["delivered"].get<std::uint64_t>(), c["dropped"].get<std::uint64_t>(),
      c["in_flight"].get<std::uint64_t>(), c["balanced"].get<bool>() ? "ok" : "VIOLATED");
  std::uint64_t ignored = 0;
  std::string parts;
  for (auto& [k, v] : m["register_errors"].items())
    if (v.get<std::uint64_t>()) {
      ignored += v.get<std::uint64_t>();
      parts += fmt::format("{}{}={}", parts.empty() ? "" : " ", k, v.get<std::uint64_t>());
    }
  if (ignored) out += fmt::format("register accesses ignored by the hardware: {} ({})\n", ignored, parts);
  const json& pc = m["pcie"];
  out += fmt::format("pcie gen{} x{}: upstream {:.1f} % busy, downstream {:.1f} % busy, "
                     "{} IOMMU faults, {} unsupported requests\n",
                     pc["gen"].get<unsigned>(), pc["lanes"].get<unsigned>(),
                     100 * pc["upstream_utilization"].get<double>(),
                     100 * pc["downstream_utilization"].get<double>(),
                     pc["iommu_faults"].get<std::uint64_t>(),
                     pc["unsupported_requests"].get<std::uint64_t>());
  if (m.contains("host") && m["host"].contains("cpu")) {
    const json& c = m["host"]["cpu"];
    double busiest = 0, total = 0;
    for (const json& u : c["utilization"]) busiest = std::max(busiest, u.get<double>()), total += u.get<double>();
    out += fmt::format("host cpu {} x {} GHz: {:.0f} cycles per delivered frame, {:.2f} copies per frame, "
                       "{:.2f} cores busy (busiest {:.0f} %), {} backlog drops, {} KB peak in the hypervisor\n",
                       c["cores"].get<unsigned>(), c["clock_ghz"].get<double>(), c["cycles_per_frame"].get<double>(),
                       c["copies_per_frame"].get<double>(), total, 100 * busiest,
                       c["backlog_drops"].get<std::uint64_t>(), (c["peak_hypervisor_bytes"].get<std::uint64_t>() + 1023) / 1024);
  }
  if (m.contains("bond") && !m["bond"]["link_down_ns"].is_null()) {
    const json& b = m["bond"];
    out += fmt::format("bond: port 0's link failed at {:.1f} us, failover at {:.1f} us, traffic back after {:.1f} us\n",
                       b["link_down_ns"].get<double>() / 1e3, b["failover_ns"].get<double>() / 1e3,
                       b["recovery_ns"].is_null() ? 0.0 : b["recovery_ns"].get<double>() / 1e3);
  }
  if (m["warmup_extended_ns"].get<double>() > 0)
    out += fmt::format("warning: traffic started {:.1f} us after warmup_us: drivers were still bringing "
                       "their functions up (raise warmup_us)\n",
                       m["warmup_extended_ns"].get<double>() / 1000.0);
  std::string late;
  for (const json& f : m["functions"])
    if (f.contains("ready_at_traffic_start") && !f["ready_at_traffic_start"].get<bool>())
      late += (late.empty() ? "" : ", ") + f["name"].get<std::string>();
  if (!late.empty()) out += fmt::format("warning: not up when traffic started: {}\n", late);
  return out;
}

}  // namespace iovsim
