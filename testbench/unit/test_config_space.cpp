// PCI config space of the 82576 PF: IDs, SR-IOV capability values, BAR sizing, NumVFs rules.
#include <catch2/catch.hpp>

#include "model/pcie/config_space.h"

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
