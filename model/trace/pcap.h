// Packet captures through libpcap: a writer (a FrameTap: nanosecond-resolution pcap, link
// type Ethernet, simulated time from 0) and a reader of pcap and pcapng traces that checks a
// file completely before a run uses it.
#pragma once
#include <cstdint>
#include <string>

#include "model/core/frame_tap.h"
#include "model/core/scenario.h"

struct pcap;
struct pcap_dumper;

namespace iovsim {

// A pcap file of the frames one tap sees (no FCS: as a NIC captures them).
class PcapWriter : public FrameTap {
public:
  explicit PcapWriter(const std::string& path);  // throws ConfigError when it cannot write
  ~PcapWriter() override;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  void frame(ps_t t, const std::uint8_t* data, unsigned len, int queue) override;
  std::uint64_t frames() const { return frames_; }
  const std::string& path() const { return path_; }
  void flush();

private:
  std::string path_;
  ::pcap* dead_ = nullptr;
  ::pcap_dumper* dump_ = nullptr;
  std::uint64_t frames_ = 0;
};

// One frame of a trace: its bytes as captured, its length on the wire without FCS and its
// timestamp in picoseconds (the file's own, nanosecond or microsecond resolution).
struct TraceFrame {
  const std::uint8_t* data = nullptr;
  unsigned caplen = 0, len = 0;
  ps_t t = 0;
};

// When a trace frame is sent, relative to the replay's start: its capture time since the
// trace's first frame (`keep`), that times `scale` (`scale`), or `line_rate_elapsed`, the
// frame times of the frames before it at the link rate (`line_rate`).
ps_t replay_offset(TraceTiming timing, double scale, ps_t since_first, ps_t line_rate_elapsed);

// A pcap or pcapng file (libpcap reads both), link type Ethernet. `open` checks the whole
// file once (every record readable, lengths sane) and throws ConfigError naming the file
// and, for a bad record, its number and byte offset; then `next` streams the frames.
class PcapReader {
public:
  static constexpr unsigned kMaxFrame = 9728 - 4;  // the model's largest frame, without FCS
  explicit PcapReader(const std::string& path);
  ~PcapReader();
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;
  bool next(TraceFrame& f);  // false at the end
  void rewind();
  std::uint64_t frames() const { return frames_; }  // in the file
  ps_t first_time() const { return first_; }
  ps_t last_time() const { return last_; }
  unsigned max_len() const { return max_len_; }  // the longest frame, without FCS
  const std::string& path() const { return path_; }

private:
  void open();
  [[noreturn]] void fail(const std::string& why);  // closes the file, throws ConfigError naming it
  std::string path_;
  ::pcap* p_ = nullptr;
  std::uint64_t frames_ = 0;
  ps_t first_ = 0, last_ = 0;
  unsigned max_len_ = 0;
};

}  // namespace iovsim
