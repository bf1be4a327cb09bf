// The 82576 management registers as the Linux igb driver uses them (the offsets and encodings
// from testbench/reg_offsets.h, copied from e1000_regs.h / e1000_defines.h): the NVM through
// EERD with a checksum igb_validate_nvm_checksum accepts, the PHY through MDIC, the SWSM
// semaphore, CTRL.RST, STATUS, the statistics registers' clear-on-read, and the PF's legacy
// interrupt line (ICR & IMS, INT_ASSERTED).
#include <catch2/catch.hpp>

#include <random>

#include "model/core/device_profile.h"
#include "model/mac/port_management.h"
#include "model/pcie/interrupts.h"
#include "model/pcie/msix.h"
#include "model/regs/map_82576.h"
#include "testbench/reg_offsets.h"

using namespace iovsim;
using namespace iovsim::test::t76;

namespace {
constexpr std::uint64_t kMac = 0x563412001b00ull;  // 00:1b:00:12:34:56 (first octet in the low byte)

struct Port {
  regs::RegisterSpace rs{"pf0"};
  PortManagement pm{0, kMac};
  unsigned resets = 0, link_changes = 0;
  std::uint64_t rx = 0, rx_octets = 0;
  Port() {
    rs.add_storage(regs::i82576::CTRL::decl());  // the flow control block's, in the model
    rs.add_storage(regs::i82576::RAL::decl());
    rs.add_storage(regs::i82576::RAH::decl());
    pm.map_registers(rs);
    pm.on_reset = [this] { ++resets; };
    pm.on_link_change = [this] { ++link_changes; };
    pm.counter = [this](regs::i82576::PortStat s) -> std::uint64_t {
      if (s == regs::i82576::PortStat::RxGoodFrames) return rx;
      if (s == regs::i82576::PortStat::RxGoodOctets) return rx_octets;
      return 0;
    };
  }
  std::uint32_t rd(std::uint32_t off) {
    std::uint32_t v = 0;
    REQUIRE(rs.read(off, v));
    return v;
  }
  void wr(std::uint32_t off, std::uint32_t v) { REQUIRE(rs.write(off, v)); }
  // igb_read_nvm_eerd: write the address with START, poll DONE, data in 31:16
  std::uint16_t nvm(unsigned word) {
    wr(EERD, (word << E1000_NVM_RW_ADDR_SHIFT) | E1000_NVM_RW_REG_START);
    const std::uint32_t v = rd(EERD);
    REQUIRE((v & E1000_NVM_RW_REG_DONE) != 0);
    return static_cast<std::uint16_t>(v >> E1000_NVM_RW_REG_DATA);
  }
  // igb_read_phy_reg_mdic at PHY address `phy`
  std::uint32_t mdic_read(unsigned reg, unsigned phy = 1) {
    wr(MDIC, (reg << E1000_MDIC_REG_SHIFT) | (phy << E1000_MDIC_PHY_SHIFT) | E1000_MDIC_OP_READ);
    return rd(MDIC);
  }
  void mdic_write(unsigned reg, std::uint16_t d) {
    wr(MDIC, d | (reg << E1000_MDIC_REG_SHIFT) | (1u << E1000_MDIC_PHY_SHIFT) | E1000_MDIC_OP_WRITE);
    REQUIRE((rd(MDIC) & E1000_MDIC_READY) != 0);
  }
};
}  // namespace

TEST_CASE("82576 NVM: EERD reads the MAC, the checksum words sum to NVM_SUM, EECD says present") {
  Port p;
  CHECK((p.rd(EECD) & (E1000_EECD_PRES | E1000_EECD_AUTO_RD)) == (E1000_EECD_PRES | E1000_EECD_AUTO_RD));
  const unsigned size_ex = (p.rd(EECD) >> 11) & 0xF;
  CHECK((1u << (size_ex + 6)) == 256);  // igb_init_nvm_params_82575: word_size = 1 << (SIZE_EX + 6)
  std::uint16_t sum = 0;
  for (unsigned w = 0; w <= NVM_CHECKSUM_REG; ++w) sum = static_cast<std::uint16_t>(sum + p.nvm(w));
  CHECK(sum == NVM_SUM);
  CHECK(p.nvm(0) == 0x1b00);  // octets 0-1, low byte first (e1000_read_mac_addr's order)
  CHECK(p.nvm(1) == 0x1200);
  CHECK(p.nvm(2) == 0x5634);
  CHECK(p.nvm(0x37) == 0xFFFF);  // no alternate MAC address
  CHECK(p.nvm(300) == 0xFFFF);   // past the part: erased
  CHECK(p.pm.stats().nvm_bad_reads == 1);
}

TEST_CASE("82576 PHY: MDIC answers at address 1 with the IGP3 ID, errors elsewhere, power-down drops the link") {
  Port p;
  const std::uint32_t id1 = p.mdic_read(2), id2 = p.mdic_read(3);
  CHECK((id1 & E1000_MDIC_READY) != 0);
  CHECK((id1 & E1000_MDIC_ERROR) == 0);
  CHECK((((id1 & 0xFFFF) << 16 | (id2 & 0xFFFF)) & PHY_REVISION_MASK) == IGP03E1000_E_PHY_ID);
  CHECK((p.mdic_read(2, 2) & E1000_MDIC_ERROR) != 0);  // nobody at PHY address 2
  CHECK((p.mdic_read(1) & 0x24) == 0x24);               // link up, autonegotiation complete
  CHECK((p.rd(STATUS) & (E1000_STATUS_LU | E1000_STATUS_FD | E1000_STATUS_SPEED_1000)) ==
        (E1000_STATUS_LU | E1000_STATUS_FD | E1000_STATUS_SPEED_1000));
  const unsigned before = p.link_changes;
  p.mdic_write(0, 0x1140 | 0x0800);  // BMCR power down
  CHECK((p.rd(STATUS) & E1000_STATUS_LU) == 0);
  CHECK((p.mdic_read(1) & 0x4) == 0);
  CHECK(p.link_changes == before + 1);
  p.mdic_write(0, 0x1140 | 0x0200);  // power up, restart autonegotiation
  CHECK((p.rd(STATUS) & E1000_STATUS_LU) != 0);
  CHECK(p.link_changes == before + 2);
  p.mdic_write(2, 0x1234);  // the ID is read-only
  CHECK((p.mdic_read(2) & 0xFFFF) == 0x02A8);
}

TEST_CASE("82576 SWSM: the first read takes SMBI, the second sees it taken, a write releases it") {
  Port p;
  CHECK((p.rd(SWSM) & E1000_SWSM_SMBI) == 0);
  CHECK((p.rd(SWSM) & E1000_SWSM_SMBI) != 0);
  p.wr(SWSM, E1000_SWSM_SWESMBI);  // igb_get_hw_semaphore: SWESMBI latches
  CHECK((p.rd(SWSM) & E1000_SWSM_SWESMBI) != 0);
  p.wr(SWSM, 0);  // igb_put_hw_semaphore
  CHECK((p.rd(SWSM) & (E1000_SWSM_SMBI | E1000_SWSM_SWESMBI)) == 0);
}

TEST_CASE("82576 CTRL.RST: self-clears, resets the device and reloads RAR0 from the NVM") {
  Port p;
  p.wr(0x5400, 0), p.wr(0x5404, 0);
  p.wr(CTRL, 0x40 | E1000_CTRL_RST);
  CHECK((p.rd(CTRL) & E1000_CTRL_RST) == 0);
  CHECK((p.rd(CTRL) & 0x40) == 0x40);
  CHECK(p.resets == 1);
  CHECK(p.rd(0x5400) == 0x12001b00u);               // RAL0: octets 0-3
  CHECK(p.rd(0x5404) == (0x5634u | 0x80000000u));   // RAH0: octets 4-5, address valid
}

TEST_CASE("82576 statistics: 32-bit counters and octet pairs clear on read") {
  Port p;
  p.rx = 10, p.rx_octets = 0x1'0000'0040ull;
  CHECK(p.rd(GPRC) == 10);
  CHECK(p.rd(GPRC) == 0);
  p.rx = 15;
  CHECK(p.rd(GPRC) == 5);
  CHECK(p.rd(GORCL) == 0x40);  // the low read latches
  p.rx_octets += 8;
  CHECK(p.rd(GORCH) == 1);     // the latched pair's high half; the pair clears
  CHECK(p.rd(GORCL) == 8);
  CHECK(p.rd(GORCH) == 0);
  std::uint32_t v = 0;
  CHECK(p.rs.write(GPRC, 1));  // read-only: ignored and counted
  p.rs.read(GPRC, v);
  CHECK(v == 0);
}

TEST_CASE("82576 legacy interrupt: completions set RXT0 and TXDW, the line follows ICR and IMS, INT_ASSERTED") {
  const DeviceProfile& prof = device_profile("82576");
  MsixTable msix(10);
  FunctionInterrupts fi(10, msix);
  regs::RegisterSpace rs("pf0");
  prof.map().bind_interrupts(rs, regs::View::PF, prof.queues_per_port, fi.regs());
  std::vector<bool> line;
  fi.set_legacy_line([&](bool l) { line.push_back(l); }, prof.map().legacy_rx_cause(), prof.map().legacy_tx_cause());
  auto rd = [&](std::uint32_t off) {
    std::uint32_t v = 0;
    rs.read(off, v);
    return v;
  };
  // igb_irq_enable without MSI-X: IMS = RXT0 | TXDW | RXDMT0 | RXSEQ | LSC | DRSTA | DOUTSYNC
  rs.write(IMS, 0x5000009D);
  fi.raise_queue(0, 0, 100);  // an Rx write-back
  REQUIRE(!line.empty());
  CHECK(line.back());
  CHECK(fi.line());
  const std::uint32_t icr = rd(ICR);  // igb_intr
  CHECK((icr & E1000_ICR_RXT0) != 0);
  CHECK((icr & E1000_ICR_INT_ASSERTED) != 0);
  CHECK(!fi.line());  // read-to-clear lowered it
  fi.raise_queue(0, 1, 200);  // a Tx write-back
  CHECK(fi.line());
  CHECK((rd(ICR) & (E1000_ICR_TXDW | E1000_ICR_INT_ASSERTED)) == (E1000_ICR_TXDW | E1000_ICR_INT_ASSERTED));
  rs.write(IMC, 0xFFFFFFFF);  // masked: a cause does not raise the line, ICR has no INT_ASSERTED
  fi.raise_queue(0, 0, 300);
  CHECK(!fi.line());
  CHECK(rd(ICR) == E1000_ICR_RXT0);
  rs.write(ICS, E1000_ICR_LSC);  // software causes count too (the watchdog's ICS write)
  rs.write(IMS, E1000_ICR_LSC);
  CHECK(fi.line());
  rs.write(GPIE, 0x10);  // MSI-X mode: queue causes go to the vectors, not to ICR
  rd(ICR);
  fi.raise_queue(0, 0, 400);
  CHECK(rd(ICR) == 0);
}
