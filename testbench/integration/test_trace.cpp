// Observation end to end (issue: see inside): packet captures read back through libpcap
// against the metrics and the wire timing, replayed traces against the counts their
// addresses predict, waveforms parsed back against the metrics, the transaction log.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

extern "C" {
#include <fstapi.h>
}

#include "model/core/packet.h"
#include "model/trace/pcap.h"
#include "testbench/support.h"

using namespace iovsim;
using namespace iovsim::test;

namespace {

std::string temp_dir(const char* what) {
  const auto d = std::filesystem::temp_directory_path() / fmt::format("iovsim-test-{}-{}", what, ::getpid());
  std::filesystem::remove_all(d);
  std::filesystem::create_directories(d);
  return d.string();
}

struct Capture {
  std::uint64_t frames = 0, bytes = 0;  // bytes with the FCS, as the metrics count them
  std::vector<ps_t> times;
  std::vector<unsigned> lens;
  unsigned bad_checksums = 0;
};
Capture read_capture(const std::string& path) {
  Capture c;
  if (std::filesystem::file_size(path) == 24) return c;  // the pcap header alone: no frame
  PcapReader r(path);
  TraceFrame f;
  while (r.next(f)) {
    ++c.frames;
    c.bytes += f.len + kFcsBytes;
    c.times.push_back(f.t);
    c.lens.push_back(f.len);
    if (!packet_checksums_ok(f.data, f.caplen)) ++c.bad_checksums;
  }
  return c;
}

// One 82576 port at 1 Gb/s, two VFs: the link partner sends 64-byte frames back to back to
// both, VF 0's VM sends to the wire.
const char* kTwoVfs = R"(
device: {ports: 1, vfs_per_port: 2, link_gbps: 1}
warmup_us: 1000
duration_us: 400
drain_us: 200
port0:
  wire: {pattern: constant, load: 1.0, frame_sizes: {64: 1}, destinations: {vfs: 1}}
  vf0: {tx: {load_mbps: 100, frame_bytes: 300, l4: tcp}}
)";

// A minimal VCD reader: every variable's value changes (as integers) and their times.
struct Vcd {
  std::map<std::string, std::string> id_of;                      // full dotted name -> id
  std::map<std::string, std::vector<std::pair<ps_t, std::int64_t>>> changes;  // id -> (t, v)
  ps_t last_time = 0;
  std::int64_t final_value(const std::string& name) const { return changes.at(id_of.at(name)).back().second; }
  // Time the value was non-zero, from `from` to `to`.
  ps_t nonzero_time(const std::string& name, ps_t to) const {
    const auto& c = changes.at(id_of.at(name));
    ps_t sum = 0;
    for (std::size_t i = 0; i < c.size(); ++i) {
      const ps_t end = i + 1 < c.size() ? c[i + 1].first : to;
      if (c[i].second) sum += end - c[i].first;
    }
    return sum;
  }
};
Vcd read_vcd(const std::string& path) {
  Vcd v;
  std::ifstream in(path);
  std::vector<std::string> scope;
  std::string line;
  ps_t t = 0;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string w;
    ls >> w;
    if (w == "$scope") {
      std::string kind, name;
      ls >> kind >> name;
      scope.push_back(name);
    } else if (w == "$upscope") {
      scope.pop_back();
    } else if (w == "$var") {
      std::string type, id, name;
      unsigned width;
      ls >> type >> width >> id >> name;
      std::string full;
      for (const auto& s : scope) full += s + ".";
      v.id_of[full + name] = id;
    } else if (!w.empty() && w[0] == '#') {
      t = std::stoull(w.substr(1));
      v.last_time = t;
    } else if (!w.empty() && w[0] == 'b') {
      std::string id;
      ls >> id;
      v.changes[id].push_back({t, static_cast<std::int64_t>(std::stoull(w.substr(1), nullptr, 2))});
    } else if (!w.empty() && (w[0] == '0' || w[0] == '1') && w.size() > 1) {
      v.changes[w.substr(1)].push_back({t, w[0] - '0'});
    }
  }
  return v;
}

}  // namespace

TEST_CASE("pcap captures of the wire and of each function match the metrics and the wire timing", "[trace]") {
  const std::string dir = temp_dir("pcap");
  TraceOptions t;
  t.pcap_dir = dir;
  const auto m = run_scenario(scenario(kTwoVfs), {}, t);
  const auto& port = m.at("ports").at(0);
  const Capture rx = read_capture(dir + "/port0-wire-rx.pcap");
  REQUIRE(rx.frames == u64(port, "wire_rx_frames"));
  REQUIRE(rx.frames > 500);
  CHECK(rx.bytes == u64(port, "wire_rx_bytes"));
  CHECK(rx.bad_checksums == 0);
  // Back to back at 1 Gb/s: 64 + 8 + 12 bytes = 672 ns from one frame's start to the next.
  for (std::size_t i = 1; i < rx.times.size(); ++i) REQUIRE(rx.times[i] - rx.times[i - 1] == 672 * kPsPerNs);
  const Capture tx = read_capture(dir + "/port0-wire-tx.pcap");
  CHECK(tx.frames == u64(port, "wire_tx_frames"));
  CHECK(tx.bytes == u64(port, "wire_tx_bytes"));
  CHECK(tx.bad_checksums == 0);
  for (std::size_t i = 1; i < tx.times.size(); ++i) REQUIRE(tx.times[i] >= tx.times[i - 1]);
  for (const char* fn : {"port0.pf", "port0.vf0", "port0.vf1"}) {
    const auto& f = function(m, fn);
    const Capture frx = read_capture(dir + "/" + fn + "-rx.pcap");
    const Capture ftx = read_capture(dir + "/" + fn + "-tx.pcap");
    INFO(fn);
    CHECK(frx.frames == u64(f, "rx_frames"));
    CHECK(frx.bytes == u64(f, "rx_bytes"));
    CHECK(ftx.frames == u64(f, "tx_frames"));
    CHECK(ftx.bytes == u64(f, "tx_bytes"));
    CHECK(frx.bad_checksums + ftx.bad_checksums == 0);
  }
  CHECK(u64(function(m, "port0.vf0"), "tx_frames") > 10);
  const auto& files = m.at("trace").at("pcap");
  CHECK(files.size() == 2 + 2 * 3);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a replayed pcap delivers the frames its addresses predict, at its own times", "[trace]") {
  const std::string dir = temp_dir("replay");
  const std::string path = dir + "/t.pcap";
  // 30 frames to VF 0, 20 to VF 1, 7 to the PF, 4 to nobody's address (the PF's default pool
  // takes unmatched unicast), every 20 us, sizes 64..1518.
  Scenario s = scenario("device: {ports: 1, vfs_per_port: 2}\nport0: {wire: {trace: '" + path + "'}}\nduration_us: 1500\n");
  {
    PcapWriter w(path);
    PacketSpec spec;
    spec.sa = 0x0000DDCCBBAA00ull;
    spec.src_ip = {192, 168, 7, 0};
    spec.dst_ip = {10, 0, 0, 9};
    PacketBuilder b(spec);
    std::uint8_t buf[1514];
    const std::uint64_t dest[] = {System::station_mac(s, 0, 0), System::station_mac(s, 0, 1),
                                  System::station_mac(s, 0, -1), 0x0000FFEEDD02ull};
    const unsigned count[] = {30, 20, 7, 4};
    ps_t t = 5 * kPsPerUs;
    for (unsigned d = 0, i = 0; d < 4; ++d)
      for (unsigned k = 0; k < count[d]; ++k, ++i) {
        const unsigned len = 60 + (i * 97) % 1455;
        PacketVars v;
        v.da = dest[d];
        v.ip_id = static_cast<std::uint16_t>(i);
        b.build(buf, len, v, t);
        w.frame(t, buf, len, -1);
        t += 20 * kPsPerUs;
      }
  }
  TraceOptions o;
  o.pcap_dir = dir + "/out";
  const auto m = run_scenario(s, {}, o);
  CHECK(u64(function(m, "port0.vf0"), "rx_frames") == 30);
  CHECK(u64(function(m, "port0.vf1"), "rx_frames") == 20);
  CHECK(u64(function(m, "port0.pf"), "rx_frames") == 11);
  CHECK(u64(m.at("ports").at(0), "wire_rx_frames") == 61);
  // Time kept: the wire sees the frames 20 us apart (each takes at most 12.3 us at 1 Gb/s).
  const Capture rx = read_capture(dir + "/out/port0-wire-rx.pcap");
  REQUIRE(rx.frames == 61);
  for (std::size_t i = 1; i < rx.times.size(); ++i) REQUIRE(rx.times[i] - rx.times[i - 1] == 20 * kPsPerUs);
  CHECK(rx.bad_checksums == 0);  // restamped frames keep valid checksums
  std::filesystem::remove_all(dir);
}

TEST_CASE("a replayed pcap forced to line rate arrives back to back", "[trace]") {
  const std::string dir = temp_dir("linerate");
  const std::string path = dir + "/t.pcap";
  {
    PcapWriter w(path);
    PacketBuilder b;
    std::uint8_t buf[600];
    for (unsigned i = 0; i < 40; ++i) {
      PacketVars v;
      v.da = 0x0000FFEEDD02ull;
      b.build(buf, 590, v, 0);
      w.frame(i * 3 * kPsPerMs, buf, 590, -1);  // 3 ms apart as captured
    }
  }
  TraceOptions o;
  o.pcap_dir = dir + "/out";
  const auto m = run_scenario(scenario("device: {ports: 1, vfs_per_port: 1}\nduration_us: 500\nport0: {wire: {trace: '" +
                                       path + "', trace_timing: line_rate}}\n"),
                              {}, o);
  const Capture rx = read_capture(dir + "/out/port0-wire-rx.pcap");
  REQUIRE(rx.frames == 40);
  const ps_t slot = serialization_ps(594 + 8 + 12, 1e9);
  for (std::size_t i = 1; i < rx.times.size(); ++i) REQUIRE(rx.times[i] - rx.times[i - 1] == slot / kPsPerNs * kPsPerNs);
  CHECK(u64(m.at("ports").at(0), "wire_rx_frames") == 40);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the waveform's final values and busy times match the metrics", "[trace]") {
  const std::string dir = temp_dir("vcd");
  TraceOptions t;
  t.waveform = dir + "/w.vcd";
  const auto m = run_scenario(scenario(kTwoVfs), {}, t);
  const Vcd v = read_vcd(t.waveform);
  REQUIRE(v.id_of.count("port0.vf0.rx_bytes"));
  for (const char* fn : {"port0.pf", "port0.vf0", "port0.vf1"}) {
    INFO(fn);
    const auto& f = function(m, fn);
    CHECK(v.final_value(std::string(fn) + ".rx_bytes") == static_cast<std::int64_t>(u64(f, "rx_bytes")));
    CHECK(v.final_value(std::string(fn) + ".tx_bytes") == static_cast<std::int64_t>(u64(f, "tx_bytes")));
  }
  // Everything received has left the buffers by the end of the drain.
  CHECK(v.final_value("port0.rx_buffer_bytes") == 0);
  CHECK(v.final_value("port0.tx_buffer_bytes") == 0);
  // Wire busy: each frame's preamble and bytes at 1 Gb/s.
  const auto& port = m.at("ports").at(0);
  const ps_t end = static_cast<ps_t>(m.at("sim_time_ns").get<double>() * kPsPerNs);
  const double rx_busy = static_cast<double>(8 * u64(port, "wire_rx_frames") + u64(port, "wire_rx_bytes")) * 8000;
  CHECK_THAT(static_cast<double>(v.nonzero_time("port0.wire.rx_busy", end)), Catch::Matchers::WithinRel(rx_busy, 1e-9));
  const double tx_busy = static_cast<double>(8 * u64(port, "wire_tx_frames") + u64(port, "wire_tx_bytes")) * 8000;
  CHECK_THAT(static_cast<double>(v.nonzero_time("port0.wire.tx_busy", end)), Catch::Matchers::WithinRel(tx_busy, 1e-9));
  // PCIe: the busy time over the run is the utilisation the metrics report.
  for (const char* dir_name : {"upstream", "downstream"}) {
    INFO(dir_name);
    const double util = m.at("pcie").at(std::string(dir_name) + "_utilization").get<double>();
    CHECK_THAT(static_cast<double>(v.nonzero_time(std::string("pcie.") + dir_name + "_busy", end)) / static_cast<double>(end),
               Catch::Matchers::WithinAbs(util, 1e-4));
  }
  CHECK(m.at("trace").at("waveform").at("probes").get<unsigned>() == v.id_of.size());
  std::filesystem::remove_all(dir);
}

TEST_CASE("a probe glob and a window keep the waveform small, FST is read back by fstapi", "[trace]") {
  const std::string dir = temp_dir("fst");
  TraceOptions t;
  t.waveform = dir + "/w.fst";
  t.probes = {"port0.vf1.*"};
  t.window = {1100 * kPsPerUs, 1200 * kPsPerUs};
  const auto m = run_scenario(scenario(kTwoVfs), {}, t);
  void* r = fstReaderOpen(t.waveform.c_str());
  REQUIRE(r != nullptr);
  CHECK(fstReaderGetTimescale(r) == -12);
  CHECK(fstReaderGetStartTime(r) >= t.window.from);
  CHECK(fstReaderGetEndTime(r) <= t.window.to);
  const auto vars = fstReaderGetVarCount(r);
  CHECK(vars == m.at("trace").at("waveform").at("probes").get<std::uint64_t>());
  fstReaderIterateHierRewind(r);
  unsigned seen = 0;
  std::string scope;
  for (fstHier* h; (h = fstReaderIterateHier(r));)
    if (h->htyp == FST_HT_VAR) ++seen;
  CHECK(seen == vars);
  fstReaderClose(r);
  // Only VF 1's probes: its queues' rings and buffers, its bytes, its MSI-X vectors.
  CHECK(vars >= 5);
  CHECK(vars < 40);
  std::filesystem::remove_all(dir);
}

TEST_CASE("the transaction log shows the chosen kinds and functions", "[trace]") {
  const std::string dir = temp_dir("log");
  TraceOptions t;
  t.log = dir + "/run.log";
  t.log_filter = {"mmio,mailbox", "port0.vf1"};
  const auto m = run_scenario(scenario(kTwoVfs), {}, t);
  std::ifstream in(t.log);
  std::string line;
  std::getline(in, line);  // the header
  std::map<std::string, unsigned> kinds;
  unsigned lines = 0;
  bool wrote_vfte = false;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string time, kind, fn;
    ls >> time >> kind >> fn;
    ++kinds[kind];
    ++lines;
    REQUIRE(fn == "port0.vf1");
    wrote_vfte = wrote_vfte || line.find("write V2PMAILBOX[0]") != std::string::npos;
  }
  CHECK(kinds.size() == 2);
  CHECK(kinds["mmio"] > 10);
  CHECK(kinds["mailbox"] >= 2);  // at least the reset request and its answer
  CHECK(wrote_vfte);             // the VF driver's mailbox: register names, not offsets
  CHECK(lines == m.at("trace").at("log").at("lines").get<unsigned>());
  std::filesystem::remove_all(dir);
}

TEST_CASE("the transaction log without a filter shows every kind", "[trace]") {
  const std::string dir = temp_dir("logall");
  TraceOptions t;
  t.log = dir + "/run.log";
  run_scenario(scenario(kTwoVfs), {}, t);
  std::ifstream in(t.log);
  std::string line;
  std::map<std::string, unsigned> kinds;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string time, kind;
    ls >> time >> kind;
    ++kinds[kind];
  }
  for (const char* k : {"mmio", "dma", "frame", "irq", "mailbox"}) {
    INFO(k);
    CHECK(kinds[k] > 0);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a bad trace input names the file and the reason", "[trace]") {
  const std::string dir = temp_dir("bad");
  auto error_of = [&](const std::string& path) -> std::string {
    try {
      run_scenario(scenario("device: {ports: 1, vfs_per_port: 1}\nport0: {wire: {trace: '" + path + "'}}\n"));
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  };
  const std::string e = error_of(dir + "/missing.pcap");
  CHECK(e.find("port0.wire.trace") != std::string::npos);
  CHECK(e.find("missing.pcap") != std::string::npos);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a VM replays a pcap as its application's traffic, with its own source MAC", "[trace]") {
  const std::string dir = temp_dir("txreplay");
  const std::string path = dir + "/vm.pcap";
  Scenario s = scenario("device: {ports: 1, vfs_per_port: 2}\nduration_us: 1000\nport0: {wire: {pattern: off}, vf0: {tx: {trace: '" + path + "'}}}\n");
  const std::uint64_t vf0 = System::station_mac(s, 0, 0), vf1 = System::station_mac(s, 0, 1);
  {
    PcapWriter w(path);
    PacketSpec spec;
    spec.sa = 0x0000334455667702ull;  // not the VF's: replaced (tx.trace_own_mac)
    PacketBuilder b(spec);
    std::uint8_t buf[1000];
    for (unsigned i = 0; i < 25; ++i) {
      PacketVars v;
      v.da = i < 15 ? 0x0000DDCCBBAA00ull : vf1;  // the link partner, or VF 1 (switched by the VEB)
      b.build(buf, 100 + 30 * i, v, 0);
      w.frame(i * 30 * kPsPerUs, buf, 100 + 30 * i, -1);
    }
  }
  TraceOptions o;
  o.pcap_dir = dir + "/out";
  const auto m = run_scenario(s, {}, o);
  CHECK(u64(function(m, "port0.vf0"), "tx_frames") == 25);
  CHECK(u64(function(m, "port0.vf1"), "rx_frames") == 10);
  CHECK(u64(function(m, "port0.vf1"), "rx_loopback_frames") == 10);
  CHECK(u64(m.at("ports").at(0), "wire_tx_frames") == 15);
  std::uint64_t dropped = 0;
  for (const auto& [why, n] : m.at("ports").at(0).at("drops").items()) dropped += n.get<std::uint64_t>();
  CHECK(dropped == 0);
  const Capture tx = read_capture(dir + "/out/port0-wire-tx.pcap");
  REQUIRE(tx.frames == 15);
  CHECK(tx.bad_checksums == 0);
  {
    PcapReader r(dir + "/out/port0-wire-tx.pcap");
    TraceFrame f;
    while (r.next(f)) {
      std::uint64_t sa = 0;
      std::memcpy(&sa, f.data + 6, 6);
      REQUIRE(sa == vf0);
    }
  }
  // Time kept: 30 us apart as captured, within the application's hand-over period (20 us).
  for (std::size_t i = 1; i < tx.times.size(); ++i) {
    const auto gap = static_cast<double>(tx.times[i] - tx.times[i - 1]) / kPsPerUs;
    REQUIRE(gap > 30 - 20.5);
    REQUIRE(gap < 30 + 20.5);
  }
  std::filesystem::remove_all(dir);
}
