// libFuzzer target: the trace reader (libpcap under it) and the replay's frame handling on
// arbitrary files. The input is written to a file, as a scenario's wire.trace names one;
// opening it either throws ConfigError (a bad file, named with its reason) or succeeds, and
// then every frame must stream back with sane lengths, and re-stamping and the checksum
// check must stay inside the frame (ASan and UBSan watch the rest).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "model/core/packet.h"
#include "model/core/scenario.h"
#include "model/trace/pcap.h"

using namespace iovsim;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string path = "/tmp/iovsim-fuzz-pcap-" + std::to_string(::getpid()) + ".pcap";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  } else {
    return 0;
  }
  try {
    PcapReader r(path);
    TraceFrame tf;
    std::uint64_t n = 0;
    static std::vector<std::uint8_t> frame(PcapReader::kMaxFrame);
    while (r.next(tf)) {
      if (tf.caplen > tf.len || tf.len > PcapReader::kMaxFrame || tf.len < 14) std::abort();
      std::memcpy(frame.data(), tf.data, tf.caplen);
      std::memset(frame.data() + tf.caplen, 0, tf.len - tf.caplen);
      restamp_packet(frame.data(), tf.len, 12345);
      packet_checksums_ok(frame.data(), tf.len);
      ++n;
    }
    if (n != r.frames()) std::abort();  // the check and the stream agree
  } catch (const ConfigError&) {
  }
  return 0;
}
