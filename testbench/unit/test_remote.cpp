// The remote end of QEMU's multi-process protocol (model/remote/mpqemu_link.h) against messages
// the test encodes by hand from the layout in QEMU 7.2's include/hw/remote/mpqemu-link.h
// (header: int32 cmd, 4 bytes padding, uint64 size; descriptors as SCM_RIGHTS), the guest RAM
// map from memfds, and `iovsim serve` end to end with this test as the proxy: the PF's config
// space, its BAR (NVM, STATUS), the guest memory map and a clean end when the proxy closes.
#include <catch2/catch.hpp>

#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "model/core/scenario.h"
#include "model/platform/remote_device.h"
#include "model/platform/system.h"
#include "model/remote/mpqemu_link.h"
#include "testbench/reg_offsets.h"

using namespace iovsim;
namespace mq = iovsim::mpqemu;

namespace {
struct Pair {
  int fd[2];
  Pair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == 0); }
  ~Pair() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
  void close_proxy() {
    ::close(fd[1]);
    fd[1] = -1;
  }
};
// The proxy's side, encoded here: header then payload, descriptors on the header.
void raw_send(int fd, std::int32_t cmd, const void* payload, std::uint64_t size, std::vector<int> fds = {}) {
  std::uint8_t b[16 + 256] = {};
  std::memcpy(b, &cmd, 4);
  std::memcpy(b + 8, &size, 8);
  if (size) std::memcpy(b + 16, payload, size);
  iovec iov{b, 16 + size};
  msghdr mh{};
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  alignas(cmsghdr) char ctrl[CMSG_SPACE(sizeof(int) * 8)];
  if (!fds.empty()) {
    mh.msg_control = ctrl;
    mh.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET, c->cmsg_type = SCM_RIGHTS, c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  REQUIRE(::sendmsg(fd, &mh, 0) == static_cast<ssize_t>(16 + size));
}
std::uint64_t raw_reply(int fd) {  // RET: cmd 1, size 8, the value
  std::uint8_t b[24];
  std::size_t got = 0;
  while (got < sizeof b) {
    const ssize_t r = ::read(fd, b + got, sizeof b - got);
    REQUIRE(r > 0);
    got += static_cast<std::size_t>(r);
  }
  std::int32_t cmd;
  std::uint64_t size, v;
  std::memcpy(&cmd, b, 4), std::memcpy(&size, b + 8, 8), std::memcpy(&v, b + 16, 8);
  CHECK(cmd == 1);
  CHECK(size == 8);
  return v;
}
struct Cfg {
  std::uint32_t addr, val;
  std::int32_t len;
};
struct Bar {
  std::uint64_t addr, val;
  std::uint32_t size;
  std::uint8_t memory, pad[3];
};
static_assert(sizeof(Cfg) == 12 && sizeof(Bar) == 24, "the proxy's payload layouts");
std::uint32_t cfg_read(int fd, std::uint32_t a, int len) {
  Cfg c{a, 0, len};
  raw_send(fd, 3, &c, sizeof c);
  return static_cast<std::uint32_t>(raw_reply(fd));
}
void cfg_write(int fd, std::uint32_t a, int len, std::uint32_t v) {
  Cfg c{a, v, len};
  raw_send(fd, 2, &c, sizeof c);
  raw_reply(fd);
}
std::uint64_t bar_read(int fd, std::uint64_t a, unsigned size = 4) {
  Bar b{a, 0, size, 1, {}};
  raw_send(fd, 5, &b, sizeof b);
  return raw_reply(fd);
}
void bar_write(int fd, std::uint64_t a, std::uint64_t v, unsigned size = 4) {
  Bar b{a, v, size, 1, {}};
  raw_send(fd, 4, &b, sizeof b);
  raw_reply(fd);
}
int memfd(std::size_t bytes) {
  const int fd = ::memfd_create("guest-ram", 0);
  REQUIRE(fd >= 0);
  REQUIRE(::ftruncate(fd, static_cast<off_t>(bytes)) == 0);
  return fd;
}
void sync_sysmem(int sock, int ram, std::uint64_t gpa0, std::uint64_t size0, std::uint64_t gpa1, std::uint64_t size1,
                 std::uint64_t off1) {
  std::uint64_t p[24] = {};
  p[0] = gpa0, p[1] = gpa1, p[8] = size0, p[9] = size1, p[16] = 0, p[17] = off1;
  raw_send(sock, 0, p, sizeof p, {ram, ram});
}
}  // namespace

TEST_CASE("mpqemu: requests decode from the proxy's layout, RET carries the value") {
  Pair s;
  mq::Link link(s.fd[0]);
  Cfg c{0x10, 0xFFFFFFFF, 4};
  raw_send(s.fd[1], 2, &c, sizeof c);
  mq::Message m;
  REQUIRE(link.receive(m));
  CHECK(m.cmd == mq::Cmd::PciCfgWrite);
  CHECK(m.cfg_addr == 0x10);
  CHECK(m.cfg_val == 0xFFFFFFFF);
  CHECK(m.cfg_len == 4);
  Bar b{0xfebc0008, 0, 4, 1, {}};
  raw_send(s.fd[1], 5, &b, sizeof b);
  REQUIRE(link.receive(m));
  CHECK(m.cmd == mq::Cmd::BarRead);
  CHECK(m.bar_addr == 0xfebc0008);
  CHECK(m.bar_size == 4);
  CHECK(m.bar_memory);
  link.reply(0x80083);
  CHECK(raw_reply(s.fd[1]) == 0x80083);
  const int e0 = ::eventfd(0, 0), e1 = ::eventfd(0, 0);
  raw_send(s.fd[1], 6, nullptr, 0, {e0, e1});
  REQUIRE(link.receive(m));
  CHECK(m.cmd == mq::Cmd::SetIrqfd);
  REQUIRE(m.fds.size() == 2);
  for (int f : m.fds) ::close(f);
  ::close(e0), ::close(e1);
  raw_send(s.fd[1], 7, nullptr, 0);
  REQUIRE(link.receive(m));
  CHECK(m.cmd == mq::Cmd::DeviceReset);
  s.close_proxy();
  CHECK_FALSE(link.receive(m));  // a clean end between messages
}

TEST_CASE("mpqemu: malformed messages are refused with the reason, a cut message too") {
  auto refused = [](auto send, const char* what) {
    Pair s;
    mq::Link link(s.fd[0]);
    send(s.fd[1]);
    mq::Message m;
    try {
      link.receive(m);
      FAIL("accepted: " << what);
    } catch (const mq::ProtocolError& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find(what) != std::string::npos);
    }
  };
  refused([](int fd) { raw_send(fd, 9, nullptr, 0); }, "unknown command 9");
  refused([](int fd) { Cfg c{0, 0, 4}; raw_send(fd, 3, &c, 8); }, "8-byte payload (expected 12)");
  refused([](int fd) { Bar b{0, 0, 3, 1, {}}; raw_send(fd, 5, &b, sizeof b); }, "of size 3");
  refused([](int fd) { Cfg c{0, 0, 3}; raw_send(fd, 3, &c, sizeof c); }, "of length 3");
  refused([](int fd) { Cfg c{0xFFFFFFFC, 0, 4}; raw_send(fd, 2, &c, sizeof c); }, "past the 256-byte config space");
  refused([](int fd) {
    const int e = ::eventfd(0, 0);
    raw_send(fd, 6, nullptr, 0, {e});
    ::close(e);
  }, "with 1 descriptors (expected 2)");
  refused([](int fd) { raw_send(fd, 1, nullptr, 0); }, "only the remote sends RET");
  refused([](int fd) {
    std::uint8_t b[16] = {};
    const std::int32_t cmd = 0;
    const std::uint64_t size = 4096;
    std::memcpy(b, &cmd, 4), std::memcpy(b + 8, &size, 8);
    REQUIRE(::write(fd, b, sizeof b) == 16);
  }, "4096-byte payload");
  refused([](int fd) {  // the proxy dies in the middle of a message
    std::uint8_t b[20] = {};
    const std::int32_t cmd = 3;
    const std::uint64_t size = 12;
    std::memcpy(b, &cmd, 4), std::memcpy(b + 8, &size, 8);
    REQUIRE(::write(fd, b, sizeof b) == 20);
    ::shutdown(fd, SHUT_WR);
  }, "in the middle of a message");
}

TEST_CASE("mpqemu: SYNC_SYSMEM maps the guest's RAM sections from its memfd") {
  Pair s;
  mq::Link link(s.fd[0]);
  const int ram = memfd(2 << 20);
  const char hello[] = "guest page";
  REQUIRE(::pwrite(ram, hello, sizeof hello, (1 << 20) + 0x100) == static_cast<ssize_t>(sizeof hello));
  // RAM below the VGA hole and above 1 MB, one file (pc's "ram-below-4g" as the listener sends it)
  sync_sysmem(s.fd[1], ram, 0, 0xA0000, 0x100000, 0x100000, 0x100000);
  mq::Message m;
  REQUIRE(link.receive(m));
  REQUIRE(m.sections.size() == 2);
  mq::GuestMemory g;
  g.sync(m);
  CHECK(m.fds.empty());  // the descriptors are the map's now (closed after mmap)
  REQUIRE(g.regions().size() == 2);
  const std::uint8_t* p = g.translate(0x100100, sizeof hello);
  REQUIRE(p);
  CHECK(std::memcmp(p, hello, sizeof hello) == 0);
  std::uint8_t* w = g.translate(0x1000, 4);  // a DMA write lands in the guest's page
  REQUIRE(w);
  std::memcpy(w, "dma!", 4);
  char back[4];
  REQUIRE(::pread(ram, back, 4, 0x1000) == 4);
  CHECK(std::memcmp(back, "dma!", 4) == 0);
  CHECK(g.translate(0xA0000, 1) == nullptr);     // the hole
  CHECK(g.translate(0x1FFFFE, 4) == nullptr);    // across the end
  // a file offset inside a page maps from the page below
  sync_sysmem(s.fd[1], ram, 0, 0x1000, 0x7000, 0x1000, (1 << 20) + 0x100);
  REQUIRE(link.receive(m));
  g.sync(m);
  const std::uint8_t* q = g.translate(0x7000, sizeof hello);
  REQUIRE(q);
  CHECK(std::memcmp(q, hello, sizeof hello) == 0);
  // a section past the end of its file is refused, naming it, and the previous map stays
  sync_sysmem(s.fd[1], ram, 0, 0x1000, 0x2000, 0x1000, 2 << 20);
  REQUIRE(link.receive(m));
  CHECK_THROWS_WITH(g.sync(m), Catch::Contains("lies outside its file"));
  CHECK(g.translate(0x7000, 1) != nullptr);
  ::close(ram);
}

TEST_CASE("iovsim serve: the proxy sees the 82576 PF, its NVM and link, guest RAM becomes its DMA domain") {
  Pair s;
  const int ram = memfd(4 << 20);
  const int irq = ::eventfd(0, EFD_NONBLOCK), resample = ::eventfd(0, EFD_NONBLOCK);
  std::uint32_t vendor_device = 0, class_rev = 0, bar0_size_mask = 0, status = 0, eecd = 0, nvm0 = 0, intx = 0;
  std::thread proxy([&] {
    const int fd = s.fd[1];
    sync_sysmem(fd, ram, 0, 0xA0000, 0x100000, 0x300000, 0x100000);
    raw_send(fd, 6, nullptr, 0, {irq, resample});
    vendor_device = cfg_read(fd, 0x00, 4);
    class_rev = cfg_read(fd, 0x08, 4);
    cfg_write(fd, 0x10, 4, 0xFFFFFFFF);  // BAR0 sizing, as probe_pci_info does
    bar0_size_mask = cfg_read(fd, 0x10, 4);
    cfg_write(fd, 0x10, 4, 0xFEBC0000);
    cfg_write(fd, 0x04, 2, 0x0006);  // memory space, bus master
    status = static_cast<std::uint32_t>(bar_read(fd, 0xFEBC0000 + test::t76::STATUS));
    eecd = static_cast<std::uint32_t>(bar_read(fd, 0xFEBC0000 + test::t76::EECD));
    bar_write(fd, 0xFEBC0000 + test::t76::EERD, (0u << 2) | 1u);
    nvm0 = static_cast<std::uint32_t>(bar_read(fd, 0xFEBC0000 + test::t76::EERD));
    // legacy interrupt: enable LSC and set it by ICS; the proxy's irqfd is written
    bar_write(fd, 0xFEBC0000 + test::t76::IMS, test::t76::E1000_ICR_LSC);
    bar_write(fd, 0xFEBC0000 + test::t76::ICS, test::t76::E1000_ICR_LSC);
    std::uint64_t n = 0;
    for (int i = 0; i < 200 && ::read(irq, &n, 8) != 8; ++i) ::usleep(1000);
    intx = static_cast<std::uint32_t>(n);
    bar_read(fd, 0xFEBC0000 + 0x1234, 8);  // an 8-byte access: split into two dwords
    s.close_proxy();
  });
  Scenario sc = load_scenario(
      "device: {preset: \"82576\", ports: 1, vfs_per_port: 2}\nport0:\n  wire: {pattern: off, destinations: {pf: 1}}\n",
      "test");
  RemoteOptions o;
  o.fd = s.fd[0];
  const nlohmann::json m = serve_scenario(sc, o, TraceOptions{});
  proxy.join();
  CHECK(vendor_device == 0x10C98086u);
  CHECK((class_rev >> 8) == 0x020000u);
  CHECK((bar0_size_mask & 0xFFFFFFF0u) == 0xFFFE0000u);  // 128 KB, 32-bit
  CHECK((status & 0x83) == 0x83);                        // link up, 1000 Mb/s, full duplex
  CHECK((eecd & 0x300) == 0x300);
  CHECK((nvm0 & 2) != 0);
  CHECK((nvm0 >> 16) == (System::station_mac(sc, 0, -1) & 0xFFFF));
  CHECK(intx == 1);
  const nlohmann::json& r = m["remote"];
  CHECK(r["error"] == "");
  CHECK(r["memory_syncs"] == 1);
  CHECK(r["guest_ram"].size() == 2);
  CHECK(r["split_8_byte"] == 1);
  CHECK(r["intx_signals"].get<int>() >= 1);
  CHECK(r["unmapped_accesses"].get<int>() >= 1);  // 0x1234 is reserved: read as 0, counted
  CHECK(m["functions"].size() == 1);  // the VFs are gone: the proxy exposes the PF only
  ::close(ram), ::close(irq), ::close(resample);
}

TEST_CASE("iovsim serve: a descriptor that is not a socket, or a preset it cannot serve, is refused by name") {
  Scenario sc = load_scenario("device: {preset: \"82576\", ports: 1, vfs_per_port: 0}\nport0:\n  wire: {pattern: off, destinations: {pf: 1}}\n",
                              "test");
  int p[2];
  REQUIRE(::pipe(p) == 0);
  RemoteOptions o;
  o.fd = p[0];  // a pipe, not a socket
  CHECK_THROWS_WITH(serve_scenario(sc, o, TraceOptions{}), Catch::Contains("is not an open socket"));
  o.fd = 1000;  // not open
  CHECK_THROWS_WITH(serve_scenario(sc, o, TraceOptions{}), Catch::Contains("--mpqemu-fd 1000 is not an open socket"));
  ::close(p[0]), ::close(p[1]);
  Scenario x = load_scenario("device: {preset: \"82599\", ports: 1, vfs_per_port: 0}\nport0:\n  wire: {pattern: off, destinations: {pf: 1}}\n",
                             "test");
  Pair s;
  o.fd = s.fd[0];
  CHECK_THROWS_WITH(serve_scenario(x, o, TraceOptions{}), Catch::Contains("preset '82599' is not served"));
}
