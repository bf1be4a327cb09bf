// lspci's layout of the model's config spaces, held against pciutils' dump of a real 82576 PF
// (pciutils tests/cap-pcie-2: `lspci -vvxxxx` of 09:00.0, an 82576 with four VFs enabled) and
// against lspci 3.9's rules for what each field prints.
#include <catch2/catch.hpp>

#include <sstream>

#include "model/pcie/lspci.h"
#include "model/platform/system.h"

using namespace iovsim;
using namespace iovsim::pcicfg;

namespace {

// The programming the dumped machine's BIOS, PCI core and igb did: BARs, command, cache line,
// MSI-X on, four VFs with ARI.
void program_like_the_dump(ConfigSpace& c) {
  c.write(BAR0, 4, 0xB1A60000);
  c.write(BAR0 + 12, 4, 0xB1B04000);
  c.write(COMMAND, 2, CMD_IO | CMD_MEMORY | CMD_BUS_MASTER | CMD_INTX_DISABLE);
  c.write(CACHE_LINE, 1, 0x10);
  c.write(INT_LINE, 1, 0x0B);
  c.write(MSIX_CAP + MSIX_FLAGS, 2, MSIX_FLAGS_ENABLE);
  c.write(0x160 + SRIOV_NUM_VF, 2, 4);
  c.write(0x160 + SRIOV_BAR, 4, 0xB1A80000);
  c.write(0x160 + SRIOV_BAR + 12, 4, 0xB1A90000);
  c.write(0x160 + SRIOV_CTRL, 2, SRIOV_CTRL_VFE | SRIOV_CTRL_MSE | SRIOV_CTRL_ARI);
  c.set_serial(System::eui64(MacAddress::from_bytes({0x00, 0x1b, 0x21, 0x12, 0x17, 0x4c}).value()));
}

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}
bool has_line(const std::string& s, const std::string& line) {
  for (const std::string& l : lines(s))
    if (l == line) return true;
  return false;
}
std::vector<std::string> capabilities(const std::string& s) {
  std::vector<std::string> v;
  for (const std::string& l : lines(s))
    if (l.rfind("\tCapabilities: [", 0) == 0) v.push_back(l.substr(15, l.find(']') - 14));
  return v;
}

}  // namespace

TEST_CASE("the 82576 PF's config bytes are the dumped part's where the model holds them") {
  const DeviceProfile& prof = device_profile("82576");
  ConfigSpace c(prof, ConfigSpace::Kind::PF, 0, 7, 2);
  program_like_the_dump(c);
  // (offset, bytes of the dump) for the capabilities and header fields the model carries
  const std::vector<std::pair<std::uint32_t, std::vector<std::uint8_t>>> dump = {
      {0x00, {0x86, 0x80, 0xc9, 0x10, 0x07, 0x04, 0x10, 0x00, 0x01, 0x00, 0x00, 0x02, 0x10, 0x00, 0x80, 0x00}},
      {0x10, {0x00, 0x00, 0xa6, 0xb1}},
      {0x1c, {0x00, 0x40, 0xb0, 0xb1}},
      {0x34, {0x40}},
      {0x3c, {0x0b, 0x01}},
      {0x40, {0x01, 0x50, 0x23, 0xc8, 0x00, 0x20}},
      {0x50, {0x05, 0x70, 0x80, 0x01}},
      {0x70, {0x11, 0xa0, 0x09, 0x80, 0x03, 0x00, 0x00, 0x00, 0x03, 0x20, 0x00, 0x00}},
      {0xa0, {0x10, 0x00, 0x02, 0x00, 0xc2, 0x8c, 0x00, 0x10}},
      {0xac, {0x41, 0x6c, 0x03}},  // LnkCap but the port number
      {0xc4, {0x1f, 0x00, 0x00, 0x00}},
      {0x100, {0x01, 0x00, 0x01, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x11, 0x20, 0x06, 0x00}},
      {0x114, {0x00, 0x20, 0x00, 0x00}},
      {0x140, {0x03, 0x00, 0x01, 0x15, 0x4c, 0x17, 0x12, 0xff, 0xff, 0x21, 0x1b, 0x00}},
      {0x150, {0x0e, 0x00, 0x01, 0x16, 0x00, 0x01, 0x00, 0x00}},
      {0x160, {0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x19, 0x00, 0x00, 0x00, 0x08, 0x00, 0x08, 0x00}},
      {0x170, {0x04, 0x00, 0x00, 0x00, 0x80, 0x00, 0x02, 0x00, 0x00, 0x00, 0xca, 0x10, 0x53, 0x05, 0x00, 0x00}},
      {0x180, {0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0xa8, 0xb1, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}},
      {0x190, {0x04, 0x00, 0xa9, 0xb1}},
  };
  for (const auto& [at, bytes] : dump)
    for (unsigned i = 0; i < bytes.size(); ++i) {
      INFO("offset " << std::hex << at + i);
      CHECK(c.read(at + i, 1) == bytes[i]);
    }
}

TEST_CASE("lspci -vv of the 82576 PF prints each capability as lspci 3.9 does") {
  const DeviceProfile& prof = device_profile("82576");
  ConfigSpace c(prof, ConfigSpace::Kind::PF, 0, 7, 2);
  program_like_the_dump(c);
  const std::string brief = format_lspci({{0x900, &c, nullptr, 0, 16, "igb"}}, prof, {});
  CHECK(brief == "09:00.0 Ethernet controller: Intel Corporation 82576 Gigabit Network Connection (rev 01)\n");
  const std::string vv = format_lspci({{0x900, &c, nullptr, 0, 16, "igb"}}, prof, {2, 0});
  for (const char* l : {
           "\tControl: I/O+ Mem+ BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx+",
           "\tStatus: Cap+ 66MHz- UDF- FastB2B- ParErr- DEVSEL=fast >TAbort- <TAbort- <MAbort- >SERR- <PERR- INTx-",
           "\tLatency: 0, Cache Line Size: 64 bytes",
           "\tInterrupt: pin A routed to IRQ 16",
           "\tRegion 0: Memory at b1a60000 (32-bit, non-prefetchable) [size=128K]",
           "\tRegion 3: Memory at b1b04000 (32-bit, non-prefetchable) [size=16K]",
           "\t\tFlags: PMEClk- DSI+ D1- D2- AuxCurrent=0mA PME(D0+,D1-,D2-,D3hot+,D3cold+)",
           "\t\tStatus: D0 NoSoftRst- PME-Enable- DSel=0 DScale=1 PME-",
           "\tCapabilities: [50] MSI: Enable- Count=1/1 Maskable+ 64bit+",
           "\tCapabilities: [70] MSI-X: Enable+ Count=10 Masked-",
           "\t\tVector table: BAR=3 offset=00000000",
           "\t\tPBA: BAR=3 offset=00002000",
           "\tCapabilities: [a0] Express (v2) Endpoint, MSI 00",
           "\t\tDevCap:\tMaxPayload 512 bytes, PhantFunc 0, Latency L0s <512ns, L1 <64us",
           "\t\tLnkCap:\tPort #0, Speed 2.5GT/s, Width x4, ASPM L0s L1, Exit Latency L0s <4us, L1 <64us",
           "\t\tDevCap2: Completion Timeout: Range ABCD, TimeoutDis+ NROPrPrP- LTR-",
           "\t\tUESvrt:\tDLP+ SDES- TLP- FCP+ CmpltTO- CmpltAbrt- UnxCmplt- RxOF+ MalfTLP+ ECRC- UnsupReq- ACSViol-",
           "\t\tCEMsk:\tRxErr- BadTLP- BadDLLP- Rollover- Timeout- AdvNonFatalErr+",
           "\tCapabilities: [140 v1] Device Serial Number 00-1b-21-ff-ff-12-17-4c",
           "\t\tARICap:\tMFVC- ACS-, Next Function: 1",
           "\t\tIOVCtl:\tEnable+ Migration- Interrupt- MSE+ ARIHierarchy+ 10BitTagReq-",
           "\t\tInitial VFs: 8, Total VFs: 8, Number of VFs: 4, Function Dependency Link: 00",
           "\t\tVF offset: 128, stride: 2, Device ID: 10ca",
           "\t\tSupported Page Size: 00000553, System Page Size: 00000001",
           "\t\tRegion 0: Memory at 00000000b1a80000 (64-bit, non-prefetchable)",
           "\t\tRegion 3: Memory at 00000000b1a90000 (64-bit, non-prefetchable)",
           "\tKernel driver in use: igb",
       }) {
    INFO(l);
    CHECK(has_line(vv, l));
  }
  CHECK(capabilities(vv) ==
        std::vector<std::string>{"[40]", "[50]", "[70]", "[a0]", "[100 v1]", "[140 v1]", "[150 v1]", "[160 v1]"});
  // -v: first lines only, ext caps without their version, no "Region N:"
  const std::string v = format_lspci({{0x900, &c, nullptr, 0, 16, "igb"}}, prof, {1, 0});
  CHECK(has_line(v, "\tFlags: bus master, fast devsel, latency 0, IRQ 16"));
  CHECK(has_line(v, "\tMemory at b1a60000 (32-bit, non-prefetchable) [size=128K]"));
  CHECK(has_line(v, "\tCapabilities: [100] Advanced Error Reporting"));
  CHECK_FALSE(has_line(v, "\t\tVector table: BAR=3 offset=00000000"));
}

TEST_CASE("a VF shows its PF's IDs, its slice of the VF BARs as virtual regions, and its own caps") {
  const DeviceProfile& prof = device_profile("82576");
  ConfigSpace pf(prof, ConfigSpace::Kind::PF, 0, 7, 2);
  program_like_the_dump(pf);
  ConfigSpace vf(prof, ConfigSpace::Kind::VF, 0, 0);
  vf.write(COMMAND, 2, CMD_BUS_MASTER);
  vf.write(MSIX_CAP + MSIX_FLAGS, 2, MSIX_FLAGS_ENABLE);
  const std::string vv = format_lspci({{0x982, &vf, &pf, 1, 0, "igbvf"}}, prof, {2, 1});
  const auto l = lines(vv);
  REQUIRE(!l.empty());
  CHECK(l[0] == "09:10.2 Ethernet controller: Intel Corporation 82576 Virtual Function (rev 01)");
  CHECK(has_line(vv, "\tControl: I/O- Mem- BusMaster+ SpecCycle- MemWINV- VGASnoop- ParErr- Stepping- SERR- FastB2B- DisINTx-"));
  CHECK(has_line(vv, "\tRegion 0: Memory at b1a84000 (64-bit, non-prefetchable) [virtual] [size=16K]"));
  CHECK(has_line(vv, "\tRegion 3: Memory at b1a94000 (64-bit, non-prefetchable) [virtual] [size=16K]"));
  CHECK(has_line(vv, "\tCapabilities: [70] MSI-X: Enable+ Count=3 Masked-"));
  CHECK(capabilities(vv) == std::vector<std::string>{"[70]", "[a0]", "[100 v1]", "[150 v1]"});
  CHECK(has_line(vv, "00: ff ff ff ff 04 00 10 00 01 00 00 02 00 00 00 00"));  // the VF's own IDs
  CHECK(l.back().empty());  // a blank line closes each verbose entry
}

TEST_CASE("the 82599 PF: 64 vectors in BAR4, VPD, 64-bit prefetchable regions, and the hex dump sizes") {
  const DeviceProfile& prof = device_profile("82599");
  ConfigSpace c(prof, ConfigSpace::Kind::PF, 0, 63);
  c.write(BAR0, 4, 0xF0000000);
  c.write(BAR0 + 16, 4, 0xF0800000);
  c.write(COMMAND, 2, CMD_MEMORY | CMD_BUS_MASTER);
  const std::string vv = format_lspci({{0x100, &c, nullptr, 0, 0, "ixgbe"}}, prof, {2, 0});
  CHECK(has_line(vv, "01:00.0 Ethernet controller: Intel Corporation 82599ES 10-Gigabit SFI/SFP+ Network Connection (rev 01)"));
  CHECK(has_line(vv, "\tRegion 0: Memory at f0000000 (64-bit, prefetchable) [size=512K]"));
  CHECK(has_line(vv, "\tRegion 4: Memory at f0800000 (64-bit, prefetchable) [size=16K]"));
  CHECK(has_line(vv, "\tCapabilities: [70] MSI-X: Enable- Count=64 Masked-"));
  CHECK(has_line(vv, "\t\tVector table: BAR=4 offset=00000000"));
  CHECK(has_line(vv, "\tCapabilities: [e0] Vital Product Data"));
  CHECK(has_line(vv, "\t\tLnkCap:\tPort #0, Speed 5GT/s, Width x8, ASPM L0s L1, Exit Latency L0s <4us, L1 <64us"));
  CHECK(capabilities(vv) == std::vector<std::string>{"[40]", "[50]", "[70]", "[a0]", "[e0]", "[100 v1]",
                                                     "[140 v1]", "[150 v1]", "[160 v1]"});
  for (const auto& [hex, rows] : {std::pair{1u, 4u}, {3u, 16u}, {4u, 256u}}) {
    const auto l = lines(format_lspci({{0x100, &c, nullptr, 0, 0, ""}}, prof, {0, hex}));
    CHECK(l.size() == 1 + rows + 1);  // the terse line, the dump, the blank line
  }
}
