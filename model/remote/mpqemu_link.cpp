#include "model/remote/mpqemu_link.h"

#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace iovsim::mpqemu {

namespace {
// Payload layouts (offsets in bytes), as the proxy's structures lay them out on x86_64.
constexpr unsigned kCfgBytes = 12;   // u32 addr, u32 val, i32 len
constexpr unsigned kBarBytes = 24;   // u64 addr, u64 val, u32 size, u8 memory, 3 padding
constexpr unsigned kSyncBytes = 192; // u64 gpas[8], u64 sizes[8], u64 offsets[8]

template <class T>
T load(const std::uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class T>
void store(std::uint8_t* p, T v) {
  std::memcpy(p, &v, sizeof v);
}

void close_all(std::vector<int>& fds) {
  for (int fd : fds)
    if (fd >= 0) ::close(fd);
  fds.clear();
}

// Reads exactly n bytes; descriptors only with the first read. Returns false on a clean EOF
// before the first byte.
bool read_full(int fd, std::uint8_t* buf, std::size_t n, std::vector<int>* fds) {
  std::size_t got = 0;
  while (got < n) {
    iovec iov{buf + got, n - got};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    alignas(cmsghdr) char ctrl[CMSG_SPACE(sizeof(int) * 16)];
    if (fds && got == 0) {
      mh.msg_control = ctrl;
      mh.msg_controllen = sizeof ctrl;
    }
    const ssize_t r = ::recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
    if (r < 0) {
      if (errno == EINTR) continue;
      if (fds) close_all(*fds);
      throw ProtocolError(fmt::format("mpqemu: reading from the proxy's socket: {}", std::strerror(errno)));
    }
    if (fds && got == 0)
      for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
          const std::size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
          for (std::size_t i = 0; i < k; ++i) fds->push_back(load<int>(CMSG_DATA(c) + i * sizeof(int)));
        }
    if (fds && got == 0 && (mh.msg_flags & MSG_CTRUNC)) {
      close_all(*fds);
      throw ProtocolError("mpqemu: more descriptors with one message than a message may carry (truncated)");
    }
    if (r == 0) {
      if (got == 0 && fds) return false;
      if (fds) close_all(*fds);
      throw ProtocolError(fmt::format("mpqemu: the proxy closed the socket in the middle of a message ({} of {} bytes)", got, n));
    }
    got += static_cast<std::size_t>(r);
  }
  return true;
}

void write_full(int fd, const std::uint8_t* buf, std::size_t n, const std::vector<int>& fds) {
  std::size_t put = 0;
  while (put < n) {
    iovec iov{const_cast<std::uint8_t*>(buf + put), n - put};
    msghdr mh{};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    alignas(cmsghdr) char ctrl[CMSG_SPACE(sizeof(int) * kMaxFds)];
    if (put == 0 && !fds.empty()) {
      mh.msg_control = ctrl;
      mh.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
      cmsghdr* c = CMSG_FIRSTHDR(&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
      std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
    }
    const ssize_t r = ::sendmsg(fd, &mh, MSG_NOSIGNAL);
    if (r < 0) {
      if (errno == EINTR) continue;
      throw ProtocolError(fmt::format("mpqemu: writing to the proxy's socket: {}", std::strerror(errno)));
    }
    put += static_cast<std::size_t>(r);
  }
}
}  // namespace

const char* cmd_name(Cmd c) {
  switch (c) {
    case Cmd::SyncSysmem: return "SYNC_SYSMEM";
    case Cmd::Ret: return "RET";
    case Cmd::PciCfgWrite: return "PCI_CFGWRITE";
    case Cmd::PciCfgRead: return "PCI_CFGREAD";
    case Cmd::BarWrite: return "BAR_WRITE";
    case Cmd::BarRead: return "BAR_READ";
    case Cmd::SetIrqfd: return "SET_IRQFD";
    case Cmd::DeviceReset: return "DEVICE_RESET";
  }
  return "?";
}

bool Link::receive(Message& m) {
  m = Message{};
  std::uint8_t hdr[kHeaderBytes];
  if (!read_full(fd_, hdr, sizeof hdr, &m.fds)) return false;
  const auto cmd = load<std::int32_t>(hdr);
  const auto size = load<std::uint64_t>(hdr + 8);
  auto fail = [&m](const std::string& what) {
    close_all(m.fds);
    throw ProtocolError("mpqemu: " + what);
  };
  if (cmd < 0 || cmd > static_cast<std::int32_t>(Cmd::DeviceReset))
    fail(fmt::format("unknown command {} in a message header", cmd));
  if (size > kMaxPayload) fail(fmt::format("{} message with a {}-byte payload (at most {})", cmd_name(static_cast<Cmd>(cmd)), size, kMaxPayload));
  if (m.fds.size() > kMaxFds) fail(fmt::format("{} descriptors with one message (at most {})", m.fds.size(), kMaxFds));
  m.cmd = static_cast<Cmd>(cmd);
  std::uint8_t p[kMaxPayload] = {};
  if (size) {
    try {
      read_full(fd_, p, size, nullptr);
    } catch (...) {
      close_all(m.fds);
      throw;
    }
  }
  auto expect = [&](unsigned bytes, std::size_t nfds_min, std::size_t nfds_max) {
    if (size != bytes)
      fail(fmt::format("{} with a {}-byte payload (expected {})", cmd_name(m.cmd), size, bytes));
    if (m.fds.size() < nfds_min || m.fds.size() > nfds_max)
      fail(fmt::format("{} with {} descriptors (expected {}{})", cmd_name(m.cmd), m.fds.size(), nfds_min,
                       nfds_max != nfds_min ? fmt::format(" to {}", nfds_max) : std::string{}));
  };
  switch (m.cmd) {
    case Cmd::SyncSysmem:
      expect(kSyncBytes, 1, kMaxFds);
      for (std::size_t i = 0; i < m.fds.size(); ++i)
        m.sections.push_back({load<std::uint64_t>(p + 8 * i), load<std::uint64_t>(p + 64 + 8 * i),
                              load<std::uint64_t>(p + 128 + 8 * i)});
      break;
    case Cmd::PciCfgRead:
    case Cmd::PciCfgWrite:
      expect(kCfgBytes, 0, 0);
      m.cfg_addr = load<std::uint32_t>(p);
      m.cfg_val = load<std::uint32_t>(p + 4);
      m.cfg_len = load<std::int32_t>(p + 8);
      if (m.cfg_len != 1 && m.cfg_len != 2 && m.cfg_len != 4)
        fail(fmt::format("{} of length {} at {:#x} (1, 2 or 4)", cmd_name(m.cmd), m.cfg_len, m.cfg_addr));
      if (std::uint64_t{m.cfg_addr} + static_cast<unsigned>(m.cfg_len) > 256)  // conventional PCI: 256 bytes
        fail(fmt::format("{} at {:#x} (length {}) past the 256-byte config space", cmd_name(m.cmd), m.cfg_addr, m.cfg_len));
      break;
    case Cmd::BarRead:
    case Cmd::BarWrite:
      expect(kBarBytes, 0, 0);
      m.bar_addr = load<std::uint64_t>(p);
      m.bar_val = load<std::uint64_t>(p + 8);
      m.bar_size = load<std::uint32_t>(p + 16);
      m.bar_memory = p[20] != 0;
      if (m.bar_size != 1 && m.bar_size != 2 && m.bar_size != 4 && m.bar_size != 8)
        fail(fmt::format("{} of size {} at {:#x} (1, 2, 4 or 8)", cmd_name(m.cmd), m.bar_size, m.bar_addr));
      break;
    case Cmd::SetIrqfd: expect(0, 2, 2); break;
    case Cmd::DeviceReset: expect(0, 0, 0); break;
    case Cmd::Ret: fail("a RET message from the proxy (only the remote sends RET)"); break;
  }
  return true;
}

void Link::reply(std::uint64_t value) {
  std::uint8_t b[kHeaderBytes + 8] = {};
  store<std::int32_t>(b, static_cast<std::int32_t>(Cmd::Ret));
  store<std::uint64_t>(b + 8, 8);
  store<std::uint64_t>(b + 16, value);
  write_full(fd_, b, sizeof b, {});
}

void Link::send_request(int fd, const Message& m) {
  std::uint8_t b[kHeaderBytes + kMaxPayload] = {};
  std::uint64_t size = 0;
  std::uint8_t* p = b + kHeaderBytes;
  switch (m.cmd) {
    case Cmd::SyncSysmem:
      size = kSyncBytes;
      for (std::size_t i = 0; i < m.sections.size() && i < kMaxFds; ++i) {
        store(p + 8 * i, m.sections[i].gpa);
        store(p + 64 + 8 * i, m.sections[i].size);
        store(p + 128 + 8 * i, m.sections[i].offset);
      }
      break;
    case Cmd::PciCfgRead:
    case Cmd::PciCfgWrite:
      size = kCfgBytes;
      store(p, m.cfg_addr), store(p + 4, m.cfg_val), store(p + 8, m.cfg_len);
      break;
    case Cmd::BarRead:
    case Cmd::BarWrite:
      size = kBarBytes;
      store(p, m.bar_addr), store(p + 8, m.bar_val), store(p + 16, m.bar_size);
      p[20] = m.bar_memory ? 1 : 0;
      break;
    default: break;
  }
  store<std::int32_t>(b, static_cast<std::int32_t>(m.cmd));
  store<std::uint64_t>(b + 8, size);
  write_full(fd, b, kHeaderBytes + size, m.fds);
}

GuestMemory::~GuestMemory() { release(); }

void GuestMemory::release() {
  for (Region& r : regions_) ::munmap(r.host - r.delta, r.size + r.delta);
  regions_.clear();
}

void GuestMemory::sync(Message& m) {
  std::vector<Region> next;
  const long page = ::sysconf(_SC_PAGESIZE);
  std::string error;
  for (std::size_t i = 0; i < m.sections.size(); ++i) {
    const Message::Section& s = m.sections[i];
    if (!s.size) continue;
    struct stat st{};
    if (::fstat(m.fds[i], &st) != 0 || s.offset > static_cast<std::uint64_t>(st.st_size) ||
        s.size > static_cast<std::uint64_t>(st.st_size) - s.offset) {
      error = fmt::format("RAM section {} (guest-physical {:#x}, {} bytes at file offset {:#x}) lies outside its file ({} bytes)",
                          i, s.gpa, s.size, s.offset, static_cast<long long>(st.st_size));
      break;
    }
    const std::uint64_t delta = s.offset % static_cast<std::uint64_t>(page);  // mmap wants a page-aligned offset
    void* p = ::mmap(nullptr, s.size + delta, PROT_READ | PROT_WRITE, MAP_SHARED, m.fds[i], static_cast<off_t>(s.offset - delta));
    if (p == MAP_FAILED) {
      error = fmt::format("RAM section {} (guest-physical {:#x}, {} bytes, offset {:#x}) cannot be mapped: {} "
                          "(the guest's RAM must be a shared memory backend: -object memory-backend-memfd,...)",
                          i, s.gpa, s.size, s.offset, std::strerror(errno));
      break;
    }
    next.push_back({s.gpa, s.size, static_cast<std::uint8_t*>(p) + delta, delta});
  }
  close_all(m.fds);
  if (!error.empty()) {
    for (Region& r : next) ::munmap(r.host - r.delta, r.size + r.delta);
    throw ProtocolError("mpqemu: " + error);
  }
  release();
  regions_ = std::move(next);
}

std::uint8_t* GuestMemory::translate(std::uint64_t gpa, std::uint64_t len) const {
  for (const Region& r : regions_)
    if (gpa >= r.gpa && len <= r.size && gpa - r.gpa <= r.size - len) return r.host + (gpa - r.gpa);
  return nullptr;
}

}  // namespace iovsim::mpqemu
