#include "model/trace/pcap.h"

#include <pcap/pcap.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "model/core/scenario.h"

namespace iovsim {

namespace {
constexpr ps_t kPsPerSec = 1000 * kPsPerMs;
// A record's time (the reader opened the file at nanosecond precision).
ps_t record_time(const pcap_pkthdr& h) {
  return static_cast<ps_t>(h.ts.tv_sec) * kPsPerSec + static_cast<ps_t>(h.ts.tv_usec) * kPsPerNs;
}
}  // namespace

ps_t replay_offset(TraceTiming timing, double scale, ps_t since_first, ps_t line_rate_elapsed) {
  switch (timing) {
    case TraceTiming::keep: return since_first;
    case TraceTiming::scale: return static_cast<ps_t>(static_cast<double>(since_first) * scale + 0.5);
    case TraceTiming::line_rate: return line_rate_elapsed;
  }
  return since_first;
}

PcapWriter::PcapWriter(const std::string& path) : path_(path) {
  dead_ = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, 262144, PCAP_TSTAMP_PRECISION_NANO);
  if (!dead_) throw ConfigError(fmt::format("{}: libpcap cannot open a capture", path));
  dump_ = pcap_dump_open(dead_, path.c_str());
  if (!dump_) {
    const std::string why = pcap_geterr(dead_);
    pcap_close(dead_);
    throw ConfigError(fmt::format("{}: cannot write the capture ({})", path, why));
  }
}

PcapWriter::~PcapWriter() {
  if (dump_) pcap_dump_close(dump_);
  if (dead_) pcap_close(dead_);
}

void PcapWriter::flush() { pcap_dump_flush(dump_); }

void PcapWriter::frame(ps_t t, const std::uint8_t* data, unsigned len, int) {
  pcap_pkthdr h{};
  const ps_t ns = t / kPsPerNs;
  h.ts.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  h.ts.tv_usec = static_cast<suseconds_t>(ns % 1'000'000'000);  // nanoseconds: the file's precision
  h.caplen = h.len = len;
  pcap_dump(reinterpret_cast<u_char*>(dump_), &h, data);
  ++frames_;
}

PcapReader::PcapReader(const std::string& path) : path_(path) {
  open();
  // Check every record now: a run must not stop half-way on a bad one.
  std::uint64_t n = 0;
  for (;;) {
    long offset = pcap_file(p_) ? std::ftell(pcap_file(p_)) : -1;
    pcap_pkthdr* h = nullptr;
    const u_char* d = nullptr;
    const int rc = pcap_next_ex(p_, &h, &d);
    if (rc == PCAP_ERROR_BREAK) break;
    auto bad = [&](const std::string& why) { fail(fmt::format("record {} at byte offset {}: {}", n + 1, offset, why)); };
    if (rc != 1) bad(pcap_geterr(p_));
    const ps_t t = record_time(*h);
    if (h->len < 14 || h->caplen < 14) bad(fmt::format("{} bytes is shorter than an Ethernet header", h->caplen));
    if (h->len > kMaxFrame)
      bad(fmt::format("a {}-byte frame is larger than the model's largest ({} bytes without FCS)", h->len, kMaxFrame));
    if (h->caplen > h->len) bad(fmt::format("captured length {} exceeds the frame's length {}", h->caplen, h->len));
    if (n == 0) first_ = t;
    if (t < last_) bad("its timestamp is earlier than the record before it");
    last_ = t;
    max_len_ = std::max(max_len_, static_cast<unsigned>(h->len));
    ++n;
  }
  frames_ = n;
  if (!n) fail("the trace holds no frame");
  rewind();
}

void PcapReader::open() {
  char err[PCAP_ERRBUF_SIZE] = {};
  p_ = pcap_open_offline_with_tstamp_precision(path_.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
  if (!p_) throw ConfigError(fmt::format("{}: cannot read the trace ({})", path_, err));
  if (pcap_datalink(p_) != DLT_EN10MB) {
    const int lt = pcap_datalink(p_);
    const char* name = pcap_datalink_val_to_name(lt);
    fail(fmt::format("link type {} ({}) is not Ethernet (DLT_EN10MB): the model replays Ethernet frames", lt,
                     name ? name : "unknown"));
  }
}

void PcapReader::fail(const std::string& why) {
  pcap_close(p_);
  p_ = nullptr;
  throw ConfigError(fmt::format("{}: {}", path_, why));
}

void PcapReader::rewind() {
  if (p_) pcap_close(p_);
  p_ = nullptr;
  open();
}

PcapReader::~PcapReader() {
  if (p_) pcap_close(p_);
}

bool PcapReader::next(TraceFrame& f) {
  pcap_pkthdr* h = nullptr;
  const u_char* d = nullptr;
  if (pcap_next_ex(p_, &h, &d) != 1) return false;  // checked when opened: the end
  f.data = d;
  f.caplen = h->caplen;
  f.len = h->len;
  f.t = record_time(*h);
  return true;
}

}  // namespace iovsim
