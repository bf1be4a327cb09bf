// The management side of one 82576 port, as the real igb driver drives it (`iovsim serve`,
// docs/linux.md): the device reset (CTRL.RST, self-clearing, RAR[0] reloaded from the NVM),
// the NVM behind EERD (a 256-word image with the port's MAC and a checksum igb accepts), the
// internal copper PHY behind MDIC (an IGP3-class PHY: ID 0x02A8/0x0391, autonegotiation to
// 1000 Mb/s full duplex with the link partner at once), STATUS, the SWSM/SW_FW_SYNC semaphores
// and the MAC statistics registers (cleared on read, computed from the port's counters).
// Register layout: model/regs/management_82576.h. Plain C++ over the PF's register space.
#pragma once
#include <array>
#include <cstdint>
#include <functional>

#include "model/regs/management_82576.h"
#include "model/regs/register_space.h"

namespace iovsim {

class PortManagement {
public:
  static constexpr unsigned kNvmWords = 256;  // EECD.SIZE_EX 2
  static constexpr unsigned kPhyAddress = 1;  // the internal PHY (igb_get_phy_id_82575)
  // `mac`: the PF's station address (MacAddress layout: first octet in the low byte).
  PortManagement(unsigned port, std::uint64_t mac);

  // Declares the registers in the PF's space (82576 layout) and hooks CTRL, which the flow
  // control block declared.
  void map_registers(regs::RegisterSpace& pf);

  // The NVM image: words 0-2 the MAC, the rest of the 64-word checksummed area as a factory
  // image leaves it, word 0x3F such that words 0x00-0x3F sum to 0xBABA (igb_validate_nvm_checksum).
  const std::array<std::uint16_t, kNvmWords>& nvm() const { return nvm_; }
  static std::uint16_t nvm_sum(const std::array<std::uint16_t, kNvmWords>& w);  // words 0x00-0x3F

  bool link_up() const { return link_; }
  std::uint16_t phy(unsigned reg) const { return phy_[reg & 31]; }
  // The port's counters the statistics registers show (absolute; the registers clear on read).
  std::function<std::uint64_t(regs::i82576::PortStat)> counter;
  // The rest of the device's reset (rings, interrupts, filters), run at CTRL.RST.
  std::function<void()> on_reset;
  // A link change (the PF's ICR.LSC).
  std::function<void()> on_link_change;

  struct Stats {
    std::uint64_t resets = 0, phy_resets = 0, nvm_reads = 0, nvm_bad_reads = 0, phy_reads = 0, phy_writes = 0;
    std::uint64_t phy_errors = 0, link_changes = 0;
  };
  const Stats& stats() const { return stats_; }

  void reset();  // CTRL.RST (and the proxy's DEVICE_RESET)

private:
  void phy_reset();
  void set_link(bool up);
  std::uint32_t mdic_access(std::uint32_t v);
  std::uint32_t stat_read(unsigned i);
  regs::RegisterSpace* pf_ = nullptr;
  unsigned port_;
  std::uint64_t mac_;
  std::array<std::uint16_t, kNvmWords> nvm_{};
  std::array<std::uint16_t, 32> phy_{};
  bool link_ = false;
  std::uint32_t eerd_ = 0, mdic_ = 0, swsm_ = 0;
  static constexpr unsigned kStats = sizeof(regs::i82576::kPortStats) / sizeof(regs::i82576::kPortStats[0]);
  std::array<std::uint64_t, kStats> base_{};      // each register's counter value when it last cleared
  std::array<std::uint64_t, kStats> latched_{};   // low halves: the value latched by the low read
  std::array<bool, kStats> latched_valid_{};
  Stats stats_;
};

}  // namespace iovsim
