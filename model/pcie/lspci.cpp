#include "model/pcie/lspci.h"

#include <fmt/format.h>

#include <iterator>

namespace iovsim {

using namespace pcicfg;

namespace {

// The field layouts are the PCI Local Bus and PCI Express Base specifications' (register
// bit names as in Linux pci_regs.h); the wording and line breaks are pciutils 3.9's.
char flag(std::uint32_t v, std::uint32_t bit) { return (v & bit) ? '+' : '-'; }

class Out {
public:
  template <class... A>
  void operator()(fmt::format_string<A...> f, A&&... a) {
    fmt::format_to(std::back_inserter(s), f, std::forward<A>(a)...);
  }
  std::string s;
};

struct Reader {
  const ConfigSpace& c;
  std::uint32_t u8(std::uint32_t o) const { return c.read(o, 1); }
  std::uint32_t u16(std::uint32_t o) const { return c.read(o, 2); }
  std::uint32_t u32(std::uint32_t o) const { return c.read(o, 4); }
};

std::string size_text(std::uint64_t x) {
  static const char* const suffix[] = {"", "K", "M", "G", "T"};
  if (!x) return "";
  unsigned i = 0;
  for (; i < 4 && x % 1024 == 0; ++i) x /= 1024;
  return fmt::format(" [size={}{}]", x, suffix[i]);
}

const char* latency_l0s(unsigned v) {
  static const char* const l[] = {"<64ns", "<128ns", "<256ns", "<512ns", "<1us", "<2us", "<4us", "unlimited"};
  return l[v & 7];
}
const char* latency_l1(unsigned v) {
  static const char* const l[] = {"<1us", "<2us", "<4us", "<8us", "<16us", "<32us", "<64us", "unlimited"};
  return l[v & 7];
}
const char* link_speed(unsigned s) {
  static const char* const n[] = {"unknown", "2.5GT/s", "5GT/s", "8GT/s", "16GT/s", "32GT/s", "64GT/s"};
  return s < 7 ? n[s] : "unknown";
}
const char* aspm_support(unsigned c) {
  static const char* const n[] = {"not supported", "L0s", "L1", "L0s L1"};
  return n[c & 3];
}
const char* aspm_enabled(unsigned c) {
  static const char* const n[] = {"Disabled", "L0s Enabled", "L1 Enabled", "L0s L1 Enabled"};
  return n[c & 3];
}
const char* timeout_range(unsigned r) {
  switch (r) {
    case 0: return "Not Supported";
    case 1: return "Range A";
    case 2: return "Range B";
    case 3: return "Range AB";
    case 6: return "Range BC";
    case 7: return "Range ABC";
    case 14: return "Range BCD";
    case 15: return "Range ABCD";
    default: return "Unknown";
  }
}
const char* timeout_value(unsigned v) {
  switch (v) {
    case 0: return "50us to 50ms";
    case 1: return "50us to 100us";
    case 2: return "1ms to 10ms";
    case 5: return "16ms to 55ms";
    case 6: return "65ms to 210ms";
    case 9: return "260ms to 900ms";
    case 10: return "1s to 3.5s";
    case 13: return "4s to 13s";
    case 14: return "17s to 64s";
    default: return "Unknown";
  }
}
const char* obff_cap(unsigned v) {
  static const char* const n[] = {"Not Supported", "Via message", "Via WAKE#", "Via message/WAKE#"};
  return n[v & 3];
}
const char* obff_ctl(unsigned v) {
  static const char* const n[] = {"Disabled", "Via message A", "Via message B", "Via WAKE#"};
  return n[v & 3];
}
const char* epr(unsigned v) {
  static const char* const n[] = {"Not Supported", "Dev Specific", "Form Factor Dev Specific", "Reserved"};
  return n[v & 3];
}
const char* tph(unsigned v) {
  static const char* const n[] = {"TPHComp- ExtTPHComp-", "TPHComp+ ExtTPHComp-", "", "TPHComp+ ExtTPHComp+"};
  return n[v & 3];
}
const char* target_speed(unsigned s) { return s == 0 ? "2.5GT/s" : link_speed(s); }
const char* deemphasis(unsigned v) { return v ? "-3.5dB" : "-6dB"; }
const char* margin(unsigned v) {
  if (v == 0) return "Normal Operating Range";
  if (v == 1) return "800-1200mV(full-swing)/400-700mV(half-swing)";
  if (v <= 5) return "200-400mV(full-swing)/100-200mV(half-swing)";
  return "Unknown";
}
const char* compliance_preset(unsigned v) {
  static const char* const n[] = {
      "-6dB de-emphasis, 0dB preshoot",   "-3.5dB de-emphasis, 0dB preshoot",
      "-4.4dB de-emphasis, 0dB preshoot", "-2.5dB de-emphasis, 0dB preshoot",
      "0dB de-emphasis, 0dB preshoot",    "0dB de-emphasis, 1.9dB preshoot",
      "0dB de-emphasis, 2.5dB preshoot",  "-6.0dB de-emphasis, 3.5dB preshoot",
      "-3.5dB de-emphasis, 3.5dB preshoot", "0dB de-emphasis, 3.5dB preshoot"};
  return v < 10 ? n[v] : "Unknown";
}
const char* crosslink(unsigned v) {
  static const char* const n[] = {"unsupported", "Upstream Port", "Downstream Port", "incomplete"};
  return n[v & 3];
}
std::string power_limit(unsigned value, unsigned scale) {
  static const double scales[4] = {1.0, 0.1, 0.01, 0.001};
  if (scale == 0 && value == 0xFF) return ">600W";
  if (scale == 0 && value >= 0xF0 && value <= 0xFE) value = 250 + 25 * (value - 0xF0);
  return fmt::format("{:g}W", value * scales[scale & 3]);
}

std::string vendor_name(std::uint32_t v) {
  return v == 0x8086 ? "Intel Corporation" : fmt::format("Device {:04x}", v);
}

// One function's resources as the kernel reports them (sysfs): a PF's from its BARs, a VF's
// from its PF's SR-IOV BARs (the VF's own BARs read zero: lspci calls them virtual).
struct Resource {
  unsigned index;
  std::uint64_t addr, size;
  std::uint32_t flags;  // the BAR's low bits (I/O, 64-bit, prefetchable)
  bool is_virtual;
  std::uint32_t hw;     // the function's own BAR register (lspci: assigned but ignored when set)
};

std::vector<Resource> resources(const LspciEntry& e) {
  std::vector<Resource> r;
  const ConfigSpace& c = e.pf ? *e.pf : *e.cfg;
  const std::uint32_t base = e.pf ? c.sriov_offset() + SRIOV_BAR : BAR0;
  for (unsigned i = 0; i < 6; ++i) {
    const std::uint32_t o = base + 4 * i;
    const std::uint64_t size = c.bar_size(o);
    if (!size) continue;
    const std::uint32_t lo = c.read(o, 4);
    const bool io = lo & 1, is64 = !io && (lo & 0x6) == 0x4;
    std::uint64_t a = io ? (lo & ~3u) : (lo & ~0xFu);
    if (is64) a |= std::uint64_t{c.read(o + 4, 4)} << 32;
    if (e.pf && a) a += size * e.vf;
    const std::uint32_t hw = e.pf ? 0 : lo | (is64 ? c.read(o + 4, 4) : 0);
    r.push_back({i, a, size, lo & (io ? 1u : 0xFu), e.pf != nullptr && a != 0, hw});
    if (is64) ++i;
  }
  return r;
}

void show_bases(Out& out, const LspciEntry& e, const std::vector<Resource>& res, unsigned verbose) {
  const std::uint32_t cmd = e.cfg->read(COMMAND, 2);
  for (const Resource& r : res) {
    if (verbose > 1)
      out("\tRegion {}: ", r.index);
    else
      out("\t");
    if (r.flags & 1) {
      out("I/O ports at ");
      if (r.addr || (cmd & CMD_IO))
        out("{:04x}", r.addr);
      else
        out(r.hw ? "<ignored>" : "<unassigned>");
      if (r.is_virtual)
        out(" [virtual]");
      else if (!(cmd & CMD_IO))
        out(" [disabled]");
    } else {
      out("Memory at ");
      if (r.addr)
        out("{:08x}", r.addr);
      else
        out(r.hw ? "<ignored>" : "<unassigned>");
      out(" ({}, {}prefetchable)", (r.flags & 0x6) == 0x4 ? "64-bit" : "32-bit",
          (r.flags & 0x8) ? "" : "non-");
      if (r.is_virtual)
        out(" [virtual]");
      else if (!(cmd & CMD_MEMORY))
        out(" [disabled]");
    }
    out("{}\n", size_text(r.size));
  }
}

void cap_pm(Out& out, const Reader& d, std::uint32_t at, std::uint32_t cap, unsigned verbose) {
  static const int aux[8] = {0, 55, 100, 160, 220, 270, 320, 375};
  out("Power Management version {}\n", cap & 7);
  if (verbose < 2) return;
  out("\t\tFlags: PMEClk{} DSI{} D1{} D2{} AuxCurrent={}mA PME(D0{},D1{},D2{},D3hot{},D3cold{})\n",
      flag(cap, 0x8), flag(cap, 0x20), flag(cap, 0x200), flag(cap, 0x400), aux[(cap & 0x1C0) >> 6],
      flag(cap, 0x800), flag(cap, 0x1000), flag(cap, 0x2000), flag(cap, 0x4000), flag(cap, 0x8000));
  const std::uint32_t t = d.u16(at + 4);
  out("\t\tStatus: D{} NoSoftRst{} PME-Enable{} DSel={} DScale={} PME{}\n", t & 3, flag(t, 0x8),
      flag(t, 0x100), (t & 0x1E00) >> 9, (t & 0x6000) >> 13, flag(t, 0x8000));
  const std::uint32_t b = d.u8(at + 6);
  if (b) out("\t\tBridge: PM{} B3{}\n", flag(b, 0x80), flag(~b, 0x40));
}

void cap_msi(Out& out, const Reader& d, std::uint32_t at, std::uint32_t cap, unsigned verbose) {
  out("MSI: Enable{} Count={}/{} Maskable{} 64bit{}\n", flag(cap, 0x1), 1u << ((cap & 0x70) >> 4),
      1u << ((cap & 0xE) >> 1), flag(cap, 0x100), flag(cap, 0x80));
  if (verbose < 2) return;
  const bool is64 = cap & 0x80;
  out("\t\tAddress: ");
  if (is64) out("{:08x}", d.u32(at + 8));
  out("{:08x}  Data: {:04x}\n", d.u32(at + 4), d.u16(at + (is64 ? 12 : 8)));
  if (cap & 0x100)
    out("\t\tMasking: {:08x}  Pending: {:08x}\n", d.u32(at + (is64 ? 16 : 12)), d.u32(at + (is64 ? 20 : 16)));
}

void cap_msix(Out& out, const Reader& d, std::uint32_t at, std::uint32_t cap, unsigned verbose) {
  out("MSI-X: Enable{} Count={} Masked{}\n", flag(cap, MSIX_FLAGS_ENABLE), (cap & MSIX_FLAGS_QSIZE) + 1,
      flag(cap, MSIX_FLAGS_MASKALL));
  if (verbose < 2) return;
  std::uint32_t off = d.u32(at + MSIX_TABLE);
  out("\t\tVector table: BAR={} offset={:08x}\n", off & 7, off & ~7u);
  off = d.u32(at + MSIX_PBA);
  out("\t\tPBA: BAR={} offset={:08x}\n", off & 7, off & ~7u);
}

// An endpoint's PCI Express capability (the only type these functions have).
void cap_express(Out& out, const Reader& d, std::uint32_t at, std::uint32_t cap, unsigned verbose,
                 bool has_mem_bar, bool first_function) {
  const unsigned type = (cap & 0xF0) >> 4;
  out("Express ");
  if (verbose >= 2) out("(v{}) ", cap & 0xF);
  if (type == 0)
    out("Endpoint");
  else
    out("Unknown type {}", type);
  out(", MSI {:02x}\n", (cap & 0x3E00) >> 9);
  if (verbose < 2 || type != 0) return;
  // Device
  std::uint32_t t = d.u32(at + EXP_DEVCAP);
  out("\t\tDevCap:\tMaxPayload {} bytes, PhantFunc {}, Latency L0s {}, L1 {}\n", 128u << (t & 7),
      (1u << ((t & 0x18) >> 3)) - 1, latency_l0s((t & 0x1C0) >> 6), latency_l1((t & 0xE00) >> 9));
  out("\t\t\tExtTag{} AttnBtn{} AttnInd{} PwrInd{} RBE{} FLReset{} SlotPowerLimit {}\n", flag(t, 0x20),
      flag(t, 0x1000), flag(t, 0x2000), flag(t, 0x4000), flag(t, 0x8000), flag(t, 0x10000000),
      power_limit((t & 0x3FC0000) >> 18, (t & 0xC000000) >> 26));
  const bool flr = t & 0x10000000;
  std::uint32_t w = d.u16(at + EXP_DEVCTL);
  out("\t\tDevCtl:\tCorrErr{} NonFatalErr{} FatalErr{} UnsupReq{}\n", flag(w, 0x1), flag(w, 0x2),
      flag(w, 0x4), flag(w, 0x8));
  out("\t\t\tRlxdOrd{} ExtTag{} PhantFunc{} AuxPwr{} NoSnoop{}", flag(w, 0x10), flag(w, 0x100),
      flag(w, 0x200), flag(w, 0x400), flag(w, 0x800));
  if (flr) out(" FLReset{}", flag(w, 0x8000));
  out("\n\t\t\tMaxPayload {} bytes, MaxReadReq {} bytes\n", 128u << ((w & 0xE0) >> 5),
      128u << ((w & 0x7000) >> 12));
  w = d.u16(at + EXP_DEVSTA);
  out("\t\tDevSta:\tCorrErr{} NonFatalErr{} FatalErr{} UnsupReq{} AuxPwr{} TransPend{}\n", flag(w, 0x1),
      flag(w, 0x2), flag(w, 0x4), flag(w, 0x8), flag(w, 0x10), flag(w, 0x20));
  // Link
  t = d.u32(at + EXP_LNKCAP);
  const unsigned aspm = (t & 0xC00) >> 10, cap_speed = t & 0xF, cap_width = (t & 0x3F0) >> 4;
  out("\t\tLnkCap:\tPort #{}, Speed {}, Width x{}, ASPM {}", t >> 24, link_speed(cap_speed), cap_width,
      aspm_support(aspm));
  if (aspm) {
    out(", Exit Latency ");
    if (aspm & 1) out("L0s {}", latency_l0s((t & 0x7000) >> 12));
    if (aspm & 2) out("{}L1 {}", (aspm & 1) ? ", " : "", latency_l1((t & 0x38000) >> 15));
  }
  out("\n\t\t\tClockPM{} Surprise{} LLActRep{} BwNot{} ASPMOptComp{}\n", flag(t, 0x40000),
      flag(t, 0x80000), flag(t, 0x100000), flag(t, 0x200000), flag(t, 0x400000));
  w = d.u16(at + EXP_LNKCTL);
  out("\t\tLnkCtl:\tASPM {}; RCB {} bytes, Disabled{} CommClk{}\n", aspm_enabled(w & 3),
      (w & 0x8) ? 128 : 64, flag(w, 0x10), flag(w, 0x40));
  out("\t\t\tExtSynch{} ClockPM{} AutWidDis{} BWInt{} AutBWInt{}\n", flag(w, 0x80), flag(w, 0x100),
      flag(w, 0x200), flag(w, 0x400), flag(w, 0x800));
  w = d.u16(at + EXP_LNKSTA);
  const unsigned sta_speed = w & 0xF, sta_width = (w & 0x3F0) >> 4;
  const auto compare = [](unsigned sta, unsigned c) {
    return sta > c ? " (overdriven)" : sta == c ? "" : " (downgraded)";
  };
  out("\t\tLnkSta:\tSpeed {}{}, Width x{}{}\n", link_speed(sta_speed), compare(sta_speed, cap_speed),
      sta_width, compare(sta_width, cap_width));
  out("\t\t\tTrErr{} Train{} SlotClk{} DLActive{} BWMgmt{} ABWMgmt{}\n", flag(w, 0x400), flag(w, 0x800),
      flag(w, 0x1000), flag(w, 0x2000), flag(w, 0x4000), flag(w, 0x8000));
  if ((cap & 0xF) < 2) return;
  // Device 2
  t = d.u32(at + EXP_DEVCAP2);
  out("\t\tDevCap2: Completion Timeout: {}, TimeoutDis{} NROPrPrP{} LTR{}", timeout_range(t & 0xF),
      flag(t, 0x10), flag(t, 0x400), flag(t, 0x800));
  out("\n\t\t\t 10BitTagComp{} 10BitTagReq{} OBFF {}, ExtFmt{} EETLPPrefix{}", flag(t, 0x10000),
      flag(t, 0x20000), obff_cap((t >> 18) & 3), flag(t, 0x100000), flag(t, 0x200000));
  if (t & 0x200000) out(", MaxEETLPPrefixes {}", ((t >> 22) & 3) ? (t >> 22) & 3 : 4);
  out("\n\t\t\t EmergencyPowerReduction {}, EmergencyPowerReductionInit{}", epr((t >> 24) & 3),
      flag(t, 0x4000000));
  out("\n\t\t\t FRS{} {}\n", flag(t, 0x80000000), tph((t >> 12) & 3));
  if (has_mem_bar)
    out("\t\t\t AtomicOpsCap: 32bit{} 64bit{} 128bitCAS{}\n", flag(t, 0x80), flag(t, 0x100), flag(t, 0x200));
  w = d.u16(at + EXP_DEVCTL2);
  out("\t\tDevCtl2: Completion Timeout: {}, TimeoutDis{} LTR{} 10BitTagReq{} OBFF {},\n",
      timeout_value(w & 0xF), flag(w, 0x10), flag(w, 0x400), flag(w, 0x1000), obff_ctl((w >> 13) & 3));
  out("\t\t\t AtomicOpsCtl: ReqEn{}\n", flag(w, 0x40));
  // Link 2 (Link Capabilities/Control 2 only on function 0: reserved before PCIe r3.0)
  if (first_function) {
    t = d.u32(at + 0x2C);
    if (t)
      out("\t\tLnkCap2: Supported Link Speeds: {}, Crosslink{} Retimer{} 2Retimers{} DRS{}\n",
          (t >> 1) & 0x10   ? "2.5-32GT/s"
          : (t >> 1) & 0x08 ? "2.5-16GT/s"
          : (t >> 1) & 0x04 ? "2.5-8GT/s"
          : (t >> 1) & 0x02 ? "2.5-5GT/s"
          : (t >> 1) & 0x01 ? "2.5GT/s"
                            : "Unknown",
          flag(t, 0x100), flag(t, 0x800000), flag(t, 0x1000000), flag(t, 0x80000000));
    w = d.u16(at + 0x30);
    out("\t\tLnkCtl2: Target Link Speed: {}, EnterCompliance{} SpeedDis{}\n", target_speed(w & 0xF),
        flag(w, 0x10), flag(w, 0x20));
    out("\t\t\t Transmit Margin: {}, EnterModifiedCompliance{} ComplianceSOS{}\n", margin((w >> 7) & 7),
        flag(w, 0x400), flag(w, 0x800));
    out("\t\t\t Compliance Preset/De-emphasis: {}\n", compliance_preset((w >> 12) & 0xF));
  }
  w = d.u16(at + 0x32);
  out("\t\tLnkSta2: Current De-emphasis Level: {}, EqualizationComplete{} EqualizationPhase1{}\n",
      deemphasis(w & 1), flag(w, 0x2), flag(w, 0x4));
  out("\t\t\t EqualizationPhase2{} EqualizationPhase3{} LinkEqualizationRequest{}\n", flag(w, 0x8),
      flag(w, 0x10), flag(w, 0x20));
  out("\t\t\t Retimer{} 2Retimers{} CrosslinkRes: {}\n", flag(w, 0x40), flag(w, 0x80),
      crosslink((w >> 8) & 3));
}

void aer_uncorrectable(Out& out, const char* name, std::uint32_t l) {
  out("\t\t{}:\tDLP{} SDES{} TLP{} FCP{} CmpltTO{} CmpltAbrt{} UnxCmplt{} RxOF{} MalfTLP{} ECRC{} "
      "UnsupReq{} ACSViol{}\n",
      name, flag(l, 0x10), flag(l, 0x20), flag(l, 0x1000), flag(l, 0x2000), flag(l, 0x4000),
      flag(l, 0x8000), flag(l, 0x10000), flag(l, 0x20000), flag(l, 0x40000), flag(l, 0x80000),
      flag(l, 0x100000), flag(l, 0x200000));
}
void aer_correctable(Out& out, const char* name, std::uint32_t l) {
  out("\t\t{}:\tRxErr{} BadTLP{} BadDLLP{} Rollover{} Timeout{} AdvNonFatalErr{}\n", name, flag(l, 0x1),
      flag(l, 0x40), flag(l, 0x80), flag(l, 0x100), flag(l, 0x1000), flag(l, 0x2000));
}

void cap_aer(Out& out, const Reader& d, std::uint32_t at, unsigned verbose) {
  out("Advanced Error Reporting\n");
  if (verbose < 2) return;
  aer_uncorrectable(out, "UESta", d.u32(at + 4));
  aer_uncorrectable(out, "UEMsk", d.u32(at + 8));
  aer_uncorrectable(out, "UESvrt", d.u32(at + 0xC));
  aer_correctable(out, "CESta", d.u32(at + 0x10));
  aer_correctable(out, "CEMsk", d.u32(at + 0x14));
  const std::uint32_t l = d.u32(at + 0x18);
  out("\t\tAERCap:\tFirst Error Pointer: {:02x}, ECRCGenCap{} ECRCGenEn{} ECRCChkCap{} ECRCChkEn{}\n",
      l & 31, flag(l, 0x20), flag(l, 0x40), flag(l, 0x80), flag(l, 0x100));
  out("\t\t\tMultHdrRecCap{} MultHdrRecEn{} TLPPfxPres{} HdrLogCap{}\n", flag(l, 0x200), flag(l, 0x400),
      flag(l, 0x800), flag(l, 0x1000));
  out("\t\tHeaderLog: {:08x} {:08x} {:08x} {:08x}\n", d.u32(at + 0x1C), d.u32(at + 0x20), d.u32(at + 0x24),
      d.u32(at + 0x28));
}

void cap_sriov(Out& out, const Reader& d, std::uint32_t at, unsigned verbose) {
  out("Single Root I/O Virtualization (SR-IOV)\n");
  if (verbose < 2) return;
  std::uint32_t l = d.u32(at + SRIOV_CAP);
  out("\t\tIOVCap:\tMigration{} 10BitTagReq{} Interrupt Message Number: {:03x}\n", flag(l, 0x1),
      flag(l, 0x4), l >> 21);
  std::uint32_t w = d.u16(at + SRIOV_CTRL);
  out("\t\tIOVCtl:\tEnable{} Migration{} Interrupt{} MSE{} ARIHierarchy{} 10BitTagReq{}\n", flag(w, 0x1),
      flag(w, 0x2), flag(w, 0x4), flag(w, 0x8), flag(w, 0x10), flag(w, 0x20));
  out("\t\tIOVSta:\tMigration{}\n", flag(d.u16(at + SRIOV_STATUS), 0x1));
  out("\t\tInitial VFs: {}, Total VFs: {}, Number of VFs: {}, Function Dependency Link: {:02x}\n",
      d.u16(at + SRIOV_INITIAL_VF), d.u16(at + SRIOV_TOTAL_VF), d.u16(at + SRIOV_NUM_VF),
      d.u8(at + SRIOV_FUNC_LINK));
  out("\t\tVF offset: {}, stride: {}, Device ID: {:04x}\n", d.u16(at + SRIOV_VF_OFFSET),
      d.u16(at + SRIOV_VF_STRIDE), d.u16(at + SRIOV_VF_DID));
  out("\t\tSupported Page Size: {:08x}, System Page Size: {:08x}\n", d.u32(at + SRIOV_SUP_PGSIZE),
      d.u32(at + SRIOV_SYS_PGSIZE));
  for (unsigned i = 0; i < 6; ++i) {
    l = d.u32(at + SRIOV_BAR + 4 * i);
    if (l == 0xFFFFFFFFu) l = 0;
    if (!l) continue;
    out("\t\tRegion {}: Memory at ", i);
    const bool is64 = (l & 0x6) == 0x4;
    if (is64) out("{:08x}", d.u32(at + SRIOV_BAR + 4 * ++i));
    out("{:08x} ({}-bit, {}prefetchable)\n", l & ~0xFu, is64 ? "64" : "32", (l & 0x8) ? "" : "non-");
  }
  l = d.u32(at + 0x3C);
  out("\t\tVF Migration: offset: {:08x}, BIR: {:x}\n", l & 0xFFFFFFF8u, l & 7);
}

void show_ext_caps(Out& out, const Reader& d, unsigned verbose) {
  bool seen[0x1000 / 4] = {};
  for (std::uint32_t at = 0x100; at;) {
    const std::uint32_t header = d.u32(at);
    if (!header || header == 0xFFFFFFFFu) break;
    out("\tCapabilities: [{:03x}", at);
    if (verbose > 1) out(" v{}", (header >> 16) & 0xF);
    out("] ");
    if (seen[at / 4]) {
      out("<chain looped>\n");
      break;
    }
    seen[at / 4] = true;
    switch (header & 0xFFFF) {
      case EXT_ID_AER: cap_aer(out, d, at, verbose); break;
      case EXT_ID_DSN: {
        const std::uint32_t t1 = d.u32(at + 4), t2 = d.u32(at + 8);
        out("Device Serial Number {:02x}-{:02x}-{:02x}-{:02x}-{:02x}-{:02x}-{:02x}-{:02x}\n", t2 >> 24,
            (t2 >> 16) & 0xFF, (t2 >> 8) & 0xFF, t2 & 0xFF, t1 >> 24, (t1 >> 16) & 0xFF, (t1 >> 8) & 0xFF,
            t1 & 0xFF);
        break;
      }
      case EXT_ID_ARI: {
        out("Alternative Routing-ID Interpretation (ARI)\n");
        if (verbose < 2) break;
        std::uint32_t w = d.u16(at + 4);
        out("\t\tARICap:\tMFVC{} ACS{}, Next Function: {}\n", flag(w, 0x1), flag(w, 0x2), (w >> 8) & 0xFF);
        w = d.u16(at + 6);
        out("\t\tARICtl:\tMFVC{} ACS{}, Function Group: {}\n", flag(w, 0x1), flag(w, 0x2), (w >> 4) & 7);
        break;
      }
      case EXT_ID_SRIOV: cap_sriov(out, d, at, verbose); break;
      default: out("Extended Capability ID {:#x}\n", header & 0xFFFF);
    }
    at = (header >> 20) & ~3u;
  }
}

void show_caps(Out& out, const LspciEntry& e, unsigned verbose, bool has_mem_bar) {
  const Reader d{*e.cfg};
  if (!(d.u16(STATUS) & STATUS_CAP_LIST)) return;
  bool express = false, seen[256 / 4] = {};
  for (std::uint32_t at = d.u8(CAP_PTR) & ~3u; at;) {
    out("\tCapabilities: [{:02x}] ", at);
    if (seen[at / 4]) {
      out("<chain looped>\n");
      break;
    }
    seen[at / 4] = true;
    const std::uint32_t id = d.u8(at), next = d.u8(at + 1) & ~3u, cap = d.u16(at + 2);
    switch (id) {
      case CAP_ID_PM: cap_pm(out, d, at, cap, verbose); break;
      case CAP_ID_VPD:
        out("Vital Product Data\n");
        if (verbose >= 2) out("\t\tNot readable\n");  // the model's VPD has no contents
        break;
      case CAP_ID_MSI: cap_msi(out, d, at, cap, verbose); break;
      case CAP_ID_PCIE:
        cap_express(out, d, at, cap, verbose, has_mem_bar, (e.rid & 0xFF) == 0);
        express = true;
        break;
      case CAP_ID_MSIX: cap_msix(out, d, at, cap, verbose); break;
      default: out("Capability ID {:#04x} [{:04x}]\n", id, cap);
    }
    at = next;
  }
  if (express) show_ext_caps(out, d, verbose);
}

}  // namespace

std::string format_lspci(const std::vector<LspciEntry>& fns, const DeviceProfile& prof,
                         const LspciOptions& opt) {
  Out out;
  for (const LspciEntry& e : fns) {
    const Reader d{*e.cfg};
    // IDs as the kernel has them: a VF's vendor is its PF's, its device ID the SR-IOV VF
    // Device ID (the VF's own ID registers read FFFFh).
    const std::uint32_t vendor = e.pf ? e.pf->read(VENDOR_ID, 2) : d.u16(VENDOR_ID);
    const std::uint32_t device = e.pf ? e.pf->read(e.pf->sriov_offset() + SRIOV_VF_DID, 2) : d.u16(DEVICE_ID);
    const std::uint32_t cls = d.u32(CLASS_REV);
    out("{:02x}:{:02x}.{:x} ", e.rid >> 8, (e.rid >> 3) & 0x1F, e.rid & 7);
    if ((cls >> 16) == 0x0200)
      out("Ethernet controller: ");
    else
      out("Class {:04x}: ", cls >> 16);
    const char* name = device == prof.pf_device_id ? prof.pf_device_name
                       : device == prof.vf_device_id ? prof.vf_device_name
                                                     : nullptr;
    out("{} {}", vendor_name(vendor), name ? std::string(name) : fmt::format("Device {:04x}", device));
    if (cls & 0xFF) out(" (rev {:02x})", cls & 0xFF);
    out("\n");
    if (opt.verbose) {
      const std::uint32_t sv = d.u16(SUBSYS_VENDOR), sd = d.u16(SUBSYS_ID);
      if (sv && sv != 0xFFFF) {  // the pci.ids name of the part's board, else its number
        if (sv == prof.vendor_id && sd == prof.subsystem_id && name)
          out("\tSubsystem: {} {}\n", vendor_name(sv), prof.subsystem_name);
        else
          out("\tSubsystem: {} Device {:04x}\n", vendor_name(sv), sd);
      }
      const std::uint32_t cmd = d.u16(COMMAND), st = d.u16(STATUS);
      const char* devsel = ((st >> 9) & 3) == 0 ? "fast" : ((st >> 9) & 3) == 1 ? "medium"
                           : ((st >> 9) & 3) == 2 ? "slow" : "??";
      if (opt.verbose > 1) {
        out("\tControl: I/O{} Mem{} BusMaster{} SpecCycle{} MemWINV{} VGASnoop{} ParErr{} Stepping{} "
            "SERR{} FastB2B{} DisINTx{}\n",
            flag(cmd, 0x1), flag(cmd, 0x2), flag(cmd, 0x4), flag(cmd, 0x8), flag(cmd, 0x10),
            flag(cmd, 0x20), flag(cmd, 0x40), flag(cmd, 0x80), flag(cmd, 0x100), flag(cmd, 0x200),
            flag(cmd, 0x400));
        out("\tStatus: Cap{} 66MHz{} UDF{} FastB2B{} ParErr{} DEVSEL={} >TAbort{} <TAbort{} <MAbort{} "
            ">SERR{} <PERR{} INTx{}\n",
            flag(st, 0x10), flag(st, 0x20), flag(st, 0x40), flag(st, 0x80), flag(st, 0x100), devsel,
            flag(st, 0x800), flag(st, 0x1000), flag(st, 0x2000), flag(st, 0x4000), flag(st, 0x8000),
            flag(st, 0x8));
        if (cmd & CMD_BUS_MASTER) {
          out("\tLatency: {}", d.u8(0x0D));
          if (const std::uint32_t cl = d.u8(0x0C)) out(", Cache Line Size: {} bytes", cl * 4);
          out("\n");
        }
        const std::uint32_t pin = d.u8(INT_PIN);
        if (pin || e.irq) out("\tInterrupt: pin {} routed to IRQ {}\n", pin ? char('A' + pin - 1) : '?', e.irq);
      } else {
        out("\tFlags: {}{} devsel", (cmd & CMD_BUS_MASTER) ? "bus master, " : "", devsel);
        if (cmd & CMD_BUS_MASTER) out(", latency {}", d.u8(0x0D));
        if (e.irq) out(", IRQ {}", e.irq);
        out("\n");
      }
      const std::vector<Resource> res = resources(e);
      show_bases(out, e, res, opt.verbose);
      bool has_mem_bar = false;
      for (const Resource& r : res) has_mem_bar = has_mem_bar || !(r.flags & 1);
      show_caps(out, e, opt.verbose, has_mem_bar);
      if (!e.driver.empty()) out("\tKernel driver in use: {}\n\tKernel modules: {}\n", e.driver, e.driver);
    }
    if (opt.hex) {
      const unsigned n = opt.hex >= 4 ? 4096 : opt.hex >= 3 ? 256 : 64;
      for (unsigned i = 0; i < n; ++i) {
        if (!(i & 15)) out("{:02x}:", i);
        out(" {:02x}", d.u8(i));
        if ((i & 15) == 15) out("\n");
      }
    }
    if (opt.verbose || opt.hex) out("\n");
  }
  return out.s;
}

}  // namespace iovsim
