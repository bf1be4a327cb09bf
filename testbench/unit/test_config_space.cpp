// PCI config space of the 82576 PF: IDs, SR-IOV capability values, BAR sizing, NumVFs rules.
#include <catch2/catch.hpp>

#include "model/pcie/config_space.h"
#include "model/pcie/endpoint.h"

using namespace iovsim;
using namespace iovsim::pcicfg;

TEST_CASE("82576 PF identity and SR-IOV capability carry the real values") {
  const DeviceProfile& prof = device_profile("82576");
  ConfigSpace c(prof, ConfigSpace::Kind::PF, 0, 7);
  CHECK(c.read(VENDOR_ID, 2) == 0x8086);
  CHECK(c.read(DEVICE_ID, 2) == 0x10C9);
  CHECK(c.read(CLASS_REV, 4) >> 8 == 0x020000);
  const std::uint32_t cap = 0x160;
  CHECK((c.read(cap, 4) & 0xFFFF) == 0x0010);  // SR-IOV extended capability ID
  CHECK(c.read(cap + SRIOV_TOTAL_VF, 2) == 8);
  CHECK(c.read(cap + SRIOV_INITIAL_VF, 2) == 8);
  CHECK(c.read(cap + SRIOV_VF_STRIDE, 2) == 2);
  CHECK(c.read(cap + SRIOV_VF_DID, 2) == 0x10CA);
  CHECK(c.read(cap + SRIOV_VF_OFFSET, 2) == 0x180);  // ARI clear
  c.write(cap + SRIOV_CTRL, 2, SRIOV_CTRL_ARI);
  CHECK(c.read(cap + SRIOV_VF_OFFSET, 2) == 0x80);   // ARI set: lspci shows 01:10.0
  // the extended capability chain of pciutils' 82576 dump: AER -> DSN -> ARI -> SR-IOV
  CHECK(c.read(0x100, 4) == 0x14010001);
  CHECK(c.read(0x140, 4) == 0x15010003);
  CHECK(c.read(0x150, 4) == 0x1601000E);
  CHECK(c.read(0x160, 4) >> 20 == 0);
  // the legacy chain: PM [40] -> MSI [50] -> MSI-X [70] -> PCIe [a0]
  CHECK(c.read(CAP_PTR, 1) == 0x40);
  CHECK(c.read(0x40, 4) == 0xC8235001);  // PM, PMC 0xC823
  CHECK(c.read(0x50, 4) == 0x01807005);  // MSI: 64-bit, maskable, one vector
  CHECK(c.read(0x70, 4) == 0x0009A011);  // MSI-X: 10 vectors, disabled
  CHECK(c.read(0x74, 4) == 0x00000003);  // table: BAR3 + 0
  CHECK(c.read(0x78, 4) == 0x00002003);  // PBA: BAR3 + 0x2000
  CHECK(c.read(0xA0, 4) == 0x00020010);  // PCIe v2 endpoint, last
  CHECK(c.read(0xA4, 4) == 0x10008CC2);  // DevCap: MPS 512, RBE, FLR
  CHECK(c.read(0xAC, 4) == 0x00036C41);  // LnkCap: 2.5 GT/s x4, ASPM L0s L1
  CHECK(c.read(0x154, 2) == 0x0000);     // ARI Next Function: 0 on a one-port device
  ConfigSpace c0(prof, ConfigSpace::Kind::PF, 0, 7, 2);  // port 0 of two
  CHECK(c0.read(0x154, 2) == 0x0100);    // next function 1, as the dump shows
  // a VF: MSI-X [70] with 3 vectors -> PCIe [a0]; AER [100] -> ARI [150]
  ConfigSpace v(prof, ConfigSpace::Kind::VF, 0, 0);
  CHECK(v.read(CAP_PTR, 1) == 0x70);
  CHECK(v.read(0x70, 4) == 0x0002A011);
  CHECK(v.read(0x100, 4) == 0x15010001);
  CHECK(v.read(0x150, 4) == 0x0001000E);
}

TEST_CASE("82599 PF: 64 MSI-X vectors in BAR4, VPD after PCIe, 64-bit prefetchable BARs") {
  ConfigSpace c(device_profile("82599"), ConfigSpace::Kind::PF, 0, 63);
  CHECK(c.read(0x70, 4) == 0x003FA011);  // 64 vectors
  CHECK(c.read(0x74, 4) == 0x00000004);  // BAR4 + 0
  CHECK(c.read(0x78, 4) == 0x00002004);
  CHECK(c.read(0xA0, 4) == 0x0002E010);  // PCIe -> VPD [e0]
  CHECK((c.read(0xE0, 4) & 0xFFFF) == 0x0003);
  CHECK(c.read(0xAC, 4) == 0x00036C82);  // 5 GT/s x8
  CHECK(c.read(BAR0, 4) == 0x0000000C);  // 64-bit prefetchable
  c.write(BAR0, 4, 0xFFFFFFFF);
  CHECK(c.read(BAR0, 4) == (~(512u * 1024 - 1) | 0xC));
  c.write(BAR0, 4, 0xF0000000);
  c.write(BAR0 + 4, 4, 0x1);
  CHECK(c.bar0() == 0x1F0000000ull);
}

TEST_CASE("NumVFs is writable only while VF Enable is clear and within range") {
  ConfigSpace c(device_profile("82576"), ConfigSpace::Kind::PF, 0, 7);
  const std::uint32_t cap = 0x160;
  CHECK(c.write(cap + SRIOV_NUM_VF, 2, 7));
  CHECK(c.num_vfs() == 7);
  CHECK_FALSE(c.write(cap + SRIOV_NUM_VF, 2, 8));  // beyond what is modelled
  CHECK(c.write(cap + SRIOV_CTRL, 2, SRIOV_CTRL_VFE | SRIOV_CTRL_MSE));
  CHECK(c.vf_enable());
  CHECK_FALSE(c.write(cap + SRIOV_NUM_VF, 2, 3));  // VF Enable set: refused
  CHECK(c.num_vfs() == 7);
  CHECK(c.rejected_writes() == 2);
  CHECK_FALSE(c.write(0x11, 2, 0));  // misaligned
}

TEST_CASE("BARs answer the sizing protocol") {
  ConfigSpace c(device_profile("82576"), ConfigSpace::Kind::PF, 0, 7);
  c.write(BAR0, 4, 0xFFFFFFFF);
  CHECK(c.read(BAR0, 4) == ~(128u * 1024 - 1));  // 128 KB
  c.write(0x160 + SRIOV_BAR, 4, 0xFFFFFFFF);
  CHECK(c.read(0x160 + SRIOV_BAR, 4) == (~(16u * 1024 - 1) | 0x4));  // 16 KB per VF, 64-bit
  c.write(BAR0, 4, 0xF0000000);
  CHECK(c.bar0() == 0xF0000000);
  CHECK(c.read(VENDOR_ID, 2) == 0x8086);  // read-only
  c.write(VENDOR_ID, 2, 0x1234);
  CHECK(c.read(VENDOR_ID, 2) == 0x8086);
}

TEST_CASE("a VF's vendor and device IDs read FFFFh") {
  ConfigSpace v(device_profile("82576"), ConfigSpace::Kind::VF, 0, 0);
  CHECK(v.read(VENDOR_ID, 2) == 0xFFFF);
  CHECK(v.read(DEVICE_ID, 2) == 0xFFFF);
  CHECK(v.read(CLASS_REV, 4) >> 8 == 0x020000);
}

TEST_CASE("MMIO decodes only with Memory Space Enable, DMA only with Bus Master Enable") {
  const DeviceProfile& prof = device_profile("82576");
  PcieEndpoint ep("ep", prof, 1, 2, PcieLinkParams{});
  ConfigSpace& pf = ep.pf_config(0);
  const std::uint32_t cap = prof.sriov_cap_offset;
  pf.write(BAR0, 4, 0xF0000000);
  std::uint32_t off = 0;
  CHECK(ep.decode(0xF0000010, off) == nullptr);  // Command.MSE clear: no decode
  pf.write(COMMAND, 2, CMD_MEMORY);
  CHECK(ep.decode(0xF0000010, off) == &ep.pf_regs(0));
  CHECK(off == 0x10);
  CHECK_FALSE(ep.bus_master(0));  // BME clear: no DMA for the PF
  pf.write(COMMAND, 2, CMD_MEMORY | CMD_BUS_MASTER);
  CHECK(ep.bus_master(0));
  // VF 1's slice of the VF BAR0 window: VF Enable and VF MSE needed
  pf.write(cap + SRIOV_BAR, 4, 0xE0000000);
  pf.write(cap + SRIOV_CTRL, 2, SRIOV_CTRL_ARI);
  pf.write(cap + SRIOV_NUM_VF, 2, 2);
  pf.write(cap + SRIOV_CTRL, 2, SRIOV_CTRL_ARI | SRIOV_CTRL_VFE);
  CHECK(ep.decode(0xE0000000 + 16 * 1024 + 8, off) == nullptr);  // VF MSE clear
  pf.write(cap + SRIOV_CTRL, 2, SRIOV_CTRL_ARI | SRIOV_CTRL_VFE | SRIOV_CTRL_MSE);
  CHECK(ep.decode(0xE0000000 + 16 * 1024 + 8, off) == &ep.vf_regs(0, 1));
  CHECK(off == 8);
  // a VF's own BME, in its own Command register; the PF's does not stand for it
  const unsigned vf1 = ep.function_index(0, 1);
  CHECK_FALSE(ep.bus_master(vf1));
  ep.vf_config(0, 1).write(COMMAND, 2, CMD_BUS_MASTER | CMD_MEMORY);
  CHECK(ep.bus_master(vf1));
  CHECK((ep.vf_config(0, 1).command() & CMD_MEMORY) == 0);  // a VF's MSE reads 0
  pf.write(cap + SRIOV_CTRL, 2, SRIOV_CTRL_ARI);  // VF Enable cleared: the VF is gone
  CHECK_FALSE(ep.bus_master(vf1));
  // a refused DMA sends nothing
  ps_t t = 0;
  std::uint8_t buf[4];
  CHECK(ep.write(vf1, 0x1000, buf, 4, TlpKind::Data, t) == DmaStatus::BusMaster);
  CHECK(ep.link().upstream_bytes() == 0);
}
