// Metrics of a finished run: JSON (schema in docs/metrics.md) and the readable summary.
#include <fmt/format.h>
#include <systemc>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <chrono>
#include <stdexcept>

#include "model/dma/rx_dma.h"
#include "model/dma/tx_dma.h"
#include "model/host/driver.h"
#include "model/host/host_memory.h"
#include "model/pcie/endpoint.h"
#include "model/platform/system.h"
#include "model/qos/tx_scheduler.h"
#include "model/sorter/sorter.h"

namespace iovsim {

using nlohmann::json;

namespace {
json drops_json(const DropCounts& d) {
  json j = json::object();
  for (unsigned r = 0; r < kDropReasons; ++r) j[drop_name(static_cast<Drop>(r))] = d[r];
  return j;
}
double gbps(std::uint64_t bytes, double seconds) {
  return seconds > 0 ? static_cast<double>(bytes) * 8 / seconds / 1e9 : 0;
}
}  // namespace

json System::metrics(double wall_seconds) const {
  const double traffic_s = s_.duration_us / 1e6;
  const unsigned P = s_.device.ports, V = ep_->max_vfs();
  json m;
  m["scenario"] = s_.name;
  m["device"] = prof_.name;
  m["seed"] = s_.seed;
  m["sim_time_ns"] = static_cast<double>(now_ps()) / 1000.0;
  m["traffic_time_ns"] = s_.duration_us * 1000.0;
  m["warmup_ns"] = s_.warmup_us * 1000.0;
  m["wall_seconds"] = wall_seconds;
  const Ledger& L = stats_.ledger();
  m["frames_per_wall_second"] =
      wall_seconds > 0 ? static_cast<double>(L.injected_wire + L.injected_host) / wall_seconds : 0;

  json ports = json::array();
  for (unsigned p = 0; p < P; ++p) {
    const PortStats& ps = stats_.port(p);
    const Port& port = ports_[p];
    ports.push_back({{"port", p},
                     {"link_gbps", s_.device.link_gbps},
                     {"wire_rx_frames", ps.wire_rx_frames},
                     {"wire_rx_bytes", ps.wire_rx_bytes},
                     {"wire_rx_gbps", gbps(window_end_.port(p).wire_rx_bytes - window_start_.port(p).wire_rx_bytes, traffic_s)},
                     {"wire_tx_frames", ps.wire_tx_frames},
                     {"wire_tx_bytes", ps.wire_tx_bytes},
                     {"wire_tx_gbps", gbps(window_end_.port(p).wire_tx_bytes - window_start_.port(p).wire_tx_bytes, traffic_s)},
                     {"loopback_frames", ps.loopback_frames},
                     {"replicated_frames", ps.replicated_frames},
                     {"rx_packet_buffer_peak_bytes", port.rx->packet_buffer_peak()},
                     {"spoof_events", port.sorter->spoof_events()},
                     {"drops", drops_json(ps.drops)}});
  }
  m["ports"] = ports;

  json fns = json::array();
  for (unsigned p = 0; p < P; ++p)
    for (int v = -1; v < static_cast<int>(V); ++v) {
      const unsigned fn = ep_->function_index(p, v);
      const FunctionStats& f = stats_.fn(fn);
      const std::uint16_t rid = v < 0 ? ep_->pf_rid(p) : ep_->vf_rid(p, static_cast<unsigned>(v));
      const unsigned pool = v < 0 ? s_.device.vfs_per_port : static_cast<unsigned>(v);
      fns.push_back({{"name", v < 0 ? fmt::format("port{}.pf", p) : fmt::format("port{}.vf{}", p, v)},
                     {"bdf", PcieEndpoint::bdf(rid)},
                     {"kind", v < 0 ? "pf" : "vf"},
                     {"port", p},
                     {"pool", pool},
                     {"mac", MacAddress(drivers_[fn]->mac()).str()},
                     {"rx_frames", f.rx_frames},
                     {"rx_bytes", f.rx_bytes},
                     {"rx_gbps", gbps(window_end_.fn(fn).rx_bytes - window_start_.fn(fn).rx_bytes, traffic_s)},
                     {"rx_loopback_frames", f.loopback_frames},
                     {"tx_frames", f.tx_frames},
                     {"tx_bytes", f.tx_bytes},
                     {"tx_gbps", gbps(window_end_.fn(fn).tx_bytes - window_start_.fn(fn).tx_bytes, traffic_s)},
                     {"driver_rx_frames", drivers_[fn]->rx_harvested()},
                     {"driver_rx_foreign_unicast", drivers_[fn]->rx_foreign()},
                     {"iommu_faults", iommu_->faults(rid)},
                     {"register_errors", drivers_[fn]->mmio_errors()},
                     // 82576: per VF from WVBR; 82599: SSVPC's count, on the PF's entry
                     {"spoof_events_seen_by_pf",
                      v < 0 ? drivers_[fn]->spoofed_packets()
                            : drivers_[ep_->function_index(p, -1)]->spoof_events(
                                  static_cast<unsigned>(v))},
                     {"rx_queues_used", rx_queues_used(p, v)},
                     {"mailbox", mailbox_json(p, v)},
                     {"drops", drops_json(f.drops)},
                     {"latency_ns",
                      {{"count", f.latency.count()},
                       {"mean", f.latency.mean_ns()},
                       {"p50", f.latency.quantile_ns(0.50)},
                       {"p99", f.latency.quantile_ns(0.99)},
                       {"max", f.latency.max_ns()}}}});
    }
  m["functions"] = fns;

  json queues = json::array();
  for (unsigned p = 0; p < P; ++p)
    for (unsigned q = 0; q < prof_.queues_per_port; ++q) {
      const QueueStats& qs = stats_.queue(p, q);
      if (!qs.rx_frames && !qs.tx_frames && !qs.rx_drops) continue;
      const unsigned pool = prof_.pool_of_queue(q);
      int fn = port_layout(p).function_of_pool(pool);
      queues.push_back({{"port", p},
                        {"queue", q},
                        {"pool", pool},
                        {"function", fn >= 0 ? fns[fn]["name"] : json(nullptr)},
                        {"rx_frames", qs.rx_frames},
                        {"rx_bytes", qs.rx_bytes},
                        {"rx_drops", qs.rx_drops},
                        {"tx_frames", qs.tx_frames},
                        {"tx_bytes", qs.tx_bytes},
                        {"tx_rate_limit_mbps", port_rate_mbps(p, q)}});
    }
  m["queues"] = queues;

  // VMDq mode: which queue each VM's frames used (the hypervisor sorts them by MAC).
  if (s_.device.mode == Mode::vmdq) {
    json vms = json::array();
    for (unsigned p = 0; p < P; ++p) {
      const Driver& hv = *drivers_[ep_->function_index(p, -1)];
      for (unsigned v = 0; v < s_.device.vfs_per_port; ++v) {
        json qs = json::array();
        std::uint64_t total = 0;
        for (unsigned i = 0; i < hv.rx_queues(); ++i) {
          std::uint64_t n = hv.vm_rx(v, i);
          total += n;
          if (n) qs.push_back({{"queue", hv.rx_queue_hw(i)}, {"rx_frames", n},
                               {"default_queue", i == 0}});
        }
        vms.push_back({{"name", fmt::format("port{}.vm{}", p, v)},
                       {"mac", MacAddress(mac_of(p, static_cast<int>(v))).str()},
                       {"netqueue", s_.port[p].vf[v].netqueue},
                       {"rx_frames", total},
                       {"queues", qs}});
      }
    }
    m["vms"] = vms;
  }

  // Register accesses the hardware ignored: a misbehaving driver is visible, never fatal.
  json regs = json::object();
  std::uint64_t unmapped = 0, read_only = 0, ring = 0, sorter = 0;
  for (unsigned fn = 0; fn < ep_->functions(); ++fn) {
    unmapped += ep_->regs_of(fn).unmapped_accesses();
    read_only += ep_->regs_of(fn).read_only_writes();
  }
  for (unsigned p = 0; p < P; ++p) {
    sorter += ports_[p].sorter->ignored_writes();
    for (unsigned q = 0; q < prof_.queues_per_port; ++q)
      ring += ports_[p].rx->ring(q).bad_writes + ports_[p].tx->ring(q).bad_writes;
  }
  std::uint64_t cfg_rejected = 0;
  for (unsigned p = 0; p < P; ++p) cfg_rejected += ep_->pf_config(p).rejected_writes();
  m["register_errors"] = {{"unmapped_accesses", unmapped},
                          {"read_only_writes", read_only},
                          {"ring_register_writes_ignored", ring},
                          {"filter_writes_ignored", sorter},
                          {"config_writes_rejected", cfg_rejected},
                          {"unsupported_requests", ep_->unsupported_requests()}};

  const PcieLinkTiming& link = ep_->link();
  const double run_ps = static_cast<double>(now_ps());
  m["pcie"] = {{"gen", s_.pcie.gen},
               {"lanes", s_.pcie.lanes},
               {"upstream_bytes", link.upstream_bytes()},
               {"downstream_bytes", link.downstream_bytes()},
               {"upstream_utilization", run_ps > 0 ? link.upstream_busy_ps() / run_ps : 0},
               {"downstream_utilization", run_ps > 0 ? link.downstream_busy_ps() / run_ps : 0},
               {"unsupported_requests", ep_->unsupported_requests()},
               {"iommu_faults", iommu_->total_faults()}};

  const std::uint64_t injected = L.injected_wire + L.injected_host + L.replicas;
  const std::uint64_t delivered = L.delivered_host + L.delivered_wire;
  const std::uint64_t flight = in_flight();
  m["conservation"] = {{"injected", injected},
                       {"injected_wire", L.injected_wire},
                       {"injected_host", L.injected_host},
                       {"replicas", L.replicas},
                       {"delivered", delivered},
                       {"delivered_host", L.delivered_host},
                       {"delivered_wire", L.delivered_wire},
                       {"dropped", L.dropped},
                       {"in_flight", flight},
                       {"frame_slots_in_use", pool_.in_use()},
                       {"balanced", injected == delivered + L.dropped + flight}};
  return m;
}

json System::rx_queues_used(unsigned port, int vf) const {
  json q = json::array();
  const unsigned pool = vf < 0 ? s_.device.vfs_per_port : static_cast<unsigned>(vf);
  for (unsigned i = 0; i < prof_.queues_per_pool; ++i) {
    const unsigned hwq = prof_.queue_of(pool, i);
    if (stats_.queue(port, hwq).rx_frames)
      q.push_back({{"queue", hwq}, {"rx_frames", stats_.queue(port, hwq).rx_frames}});
  }
  return q;
}

json System::mailbox_json(unsigned port, int vf) const {
  const Driver& d = *drivers_[ep_->function_index(port, vf)];
  if (vf < 0) {  // the PF's service: messages handled, grants and refusals of its policy
    const PfVfPolicy* pol = d.policy();
    return {{"messages_handled", d.mailbox_messages_handled()},
            {"granted", pol ? pol->grants_total() : 0},
            {"refused", pol ? pol->refusals_total() : 0}};
  }
  const Driver::MailboxStats& s = d.mailbox_stats();
  const std::uint64_t answered = s.acks + s.nacks;
  return {{"requests", s.requests},
          {"acks", s.acks},
          {"nacks", s.nacks},
          {"timeouts", s.timeouts},
          {"latency_ns_mean", answered ? static_cast<double>(s.latency_total) / answered / 1000 : 0.0},
          {"latency_ns_max", static_cast<double>(s.latency_max) / 1000}};
}

double System::port_rate_mbps(unsigned port, unsigned q) const {
  return ports_[port].sched->programmed_rate_bps(q) / 1e6;
}

void check_conservation(const json& m) {
  const json& c = m.at("conservation");
  auto v = [&](const char* k) { return c.at(k).get<std::uint64_t>(); };
  if (v("injected") != v("delivered") + v("dropped") + v("in_flight"))
    throw std::runtime_error(fmt::format(
        "frame conservation violated: injected {} != delivered {} + dropped {} + in flight {}",
        v("injected"), v("delivered"), v("dropped"), v("in_flight")));
}

json run_scenario(const Scenario& s) {
  require_ps_resolution();
  tlm_utils::tlm_quantumkeeper::set_global_quantum(
      sc_core::sc_time(s.quantum_ns, sc_core::SC_NS));
  System sys("iovsim", s);
  auto t0 = std::chrono::steady_clock::now();
  sc_core::sc_start(to_sc(sys.run_end()));
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  json m = sys.metrics(wall);
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
  out += fmt::format("\n{:<11} {:<8} {:>10} {:>9} {:>10} {:>9} {:>10} {:>10}  {}\n", "function",
                     "bdf", "rx frames", "rx Gb/s", "tx frames", "tx Gb/s", "p50 ns", "p99 ns",
                     "drops");
  for (const json& f : m["functions"])
    out += fmt::format("{:<11} {:<8} {:>10} {:>9.4f} {:>10} {:>9.4f} {:>10.0f} {:>10.0f}  {}\n",
                       f["name"].get<std::string>(), f["bdf"].get<std::string>(),
                       f["rx_frames"].get<std::uint64_t>(), f["rx_gbps"].get<double>(),
                       f["tx_frames"].get<std::uint64_t>(), f["tx_gbps"].get<double>(),
                       f["latency_ns"]["p50"].get<double>(), f["latency_ns"]["p99"].get<double>(),
                       drops_text(f["drops"]));
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
  return out;
}

}  // namespace iovsim
