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
  // the extended capability chain: AER -> ARI -> SR-IOV
  CHECK((c.read(0x100, 4) & 0xFFFF) == 0x0001);
  CHECK(c.read(0x100, 4) >> 20 == 0x150);
  CHECK(c.read(0x150, 4) >> 20 == 0x160);
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
  CHECK(c.read(0x160 + SRIOV_BAR, 4) == ~(16u * 1024 - 1));  // 16 KB per VF
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

TEST_CASE("MMIO decodes only with Memory Space Enable; DMA only with Bus Master Enable") {
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
