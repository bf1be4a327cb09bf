// The remote side of QEMU's multi-process device protocol ("mpqemu", QEMU 7.2: hw/remote/
// mpqemu-link.c, proxy.c, proxy-memory-listener.c; include/hw/remote/mpqemu-link.h), written
// from its description, not from QEMU's code. A guest's `-device x-pci-proxy-dev,fd=N` forwards
// its config-space and BAR accesses over a UNIX stream socket; this end decodes them, answers
// the ones the proxy waits for, maps the guest's RAM from the memfds it is sent and keeps the
// INTx eventfds. Plain C++ over a file descriptor: no SystemC.
//
// On the wire (x86_64, native little-endian): a 16-byte header {int32 cmd, 4 bytes padding,
// uint64 size} with up to 8 descriptors as SCM_RIGHTS on its first byte, then `size` bytes of
// payload (at most 192). The proxy waits for an MPQEMU_CMD_RET (header + uint64) after config
// and BAR accesses and after a device reset; SYNC_SYSMEM and SET_IRQFD are not answered.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace iovsim::mpqemu {

enum class Cmd : std::int32_t {
  SyncSysmem = 0,
  Ret = 1,
  PciCfgWrite = 2,
  PciCfgRead = 3,
  BarWrite = 4,
  BarRead = 5,
  SetIrqfd = 6,
  DeviceReset = 7,
};
const char* cmd_name(Cmd c);

constexpr unsigned kHeaderBytes = 16;
constexpr unsigned kMaxPayload = 192;  // sizeof the message's data union
constexpr unsigned kMaxFds = 8;        // REMOTE_MAX_FDS

// One decoded request. Which fields are meaningful depends on `cmd`.
struct Message {
  Cmd cmd = Cmd::Ret;
  // PCI_CFGREAD / PCI_CFGWRITE: offset in the 256-byte config space, value, length 1/2/4.
  std::uint32_t cfg_addr = 0, cfg_val = 0;
  std::int32_t cfg_len = 0;
  // BAR_READ / BAR_WRITE: the absolute guest-physical (or I/O port) address, value, size.
  std::uint64_t bar_addr = 0, bar_val = 0;
  std::uint32_t bar_size = 0;
  bool bar_memory = true;  // memory space (false: I/O space)
  // SYNC_SYSMEM: one RAM section per descriptor.
  struct Section {
    std::uint64_t gpa = 0, size = 0, offset = 0;
  };
  std::vector<Section> sections;
  std::vector<int> fds;  // received descriptors, owned by the receiver of the message
};

// A protocol error: what was wrong, named for the user (the peer is a misbehaving proxy).
struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Link {
public:
  explicit Link(int fd) : fd_(fd) {}
  int fd() const { return fd_; }
  // Reads one message. Returns false when the peer closed the socket cleanly between
  // messages; throws ProtocolError on a malformed message (its descriptors are closed).
  bool receive(Message& m);
  // MPQEMU_CMD_RET with the 8-byte value (the proxy takes a read's value from it).
  void reply(std::uint64_t value);
  // For tests and tools: sends a request as the proxy does (header, payload, descriptors).
  static void send_request(int fd, const Message& m);

private:
  int fd_;
};

// The guest's RAM as the proxy describes it: each SYNC_SYSMEM replaces the whole map. Each
// section is mapped MAP_SHARED from its memfd at its offset, so DMA lands in the guest's own
// pages.
class GuestMemory {
public:
  GuestMemory() = default;
  ~GuestMemory();
  GuestMemory(const GuestMemory&) = delete;
  GuestMemory& operator=(const GuestMemory&) = delete;
  struct Region {
    std::uint64_t gpa = 0, size = 0;
    std::uint8_t* host = nullptr;
    std::uint64_t delta = 0;  // host - the mapping's start (a file offset inside a page)
  };
  // Maps the message's sections (closing its descriptors); throws ProtocolError naming the
  // section that lies outside its file or cannot be mapped (the previous map then stays).
  // Otherwise the previous map is released.
  void sync(Message& m);
  const std::vector<Region>& regions() const { return regions_; }
  std::uint8_t* translate(std::uint64_t gpa, std::uint64_t len) const;  // null when outside

private:
  void release();
  std::vector<Region> regions_;
};

}  // namespace iovsim::mpqemu
