#include "model/mac/port_management.h"

#include "model/regs/map_82576.h"

#include <stdexcept>

namespace iovsim {

namespace {
using namespace regs::i82576;
// PHY registers (IEEE 802.3 clause 22, and the IGP3's port registers from 0x10), reset values
// as QEMU's igb_phy_reg_init and the 82576's internal PHY: autonegotiation enabled,
// advertising 10/100/1000 full and half duplex with pause.
constexpr unsigned kBmcr = 0x00, kBmsr = 0x01, kAnlpar = 0x05, kGtsr = 0x0A, kPageSelect = 0x1F;
constexpr std::uint16_t kBmcrReset = 0x8000, kBmcrRestartAn = 0x0200, kBmcrPowerDown = 0x0800;
constexpr std::uint16_t kBmsrLinkAn = 0x0024;  // link status (2), autonegotiation complete (5)
constexpr std::array<std::uint16_t, 32> kPhyReset = [] {
  std::array<std::uint16_t, 32> r{};
  r[0x00] = 0x1140;  // BMCR: AN enable, full duplex, 1000 Mb/s
  r[0x01] = 0x7949;  // BMSR: capabilities, extended status, no link yet
  r[0x02] = 0x02A8;  // PHY ID 1 (IGP03E1000_E_PHY_ID 0x02A80390 >> 16)
  r[0x03] = 0x0391;  // PHY ID 2 (model 0x39, revision 1)
  r[0x04] = 0x0DE1;  // ANAR: 10/100 half and full, pause, asymmetric pause
  r[0x06] = 0x0004;  // ANER
  r[0x09] = 0x0300;  // 1000BASE-T control: advertise 1000 full and half
  r[0x0F] = 0x3000;  // extended status: 1000BASE-T full and half
  r[0x10] = 0x0120;  // port configuration
  r[0x11] = 0xC000;  // port status: 1000 Mb/s
  r[0x19] = 0x0009;  // power management
  return r;
}();
// Registers a write does not change (status and ID registers).
constexpr std::uint32_t kPhyReadOnly = 1u << 0x01 | 1u << 0x02 | 1u << 0x03 | 1u << 0x05 | 1u << 0x06 |
                                       1u << 0x0A | 1u << 0x0F | 1u << 0x11 | 1u << 0x13;
constexpr std::uint32_t kCtrlRst = 1u << 26, kCtrlPhyRst = 1u << 31, kCtrlGioMasterDisable = 1u << 2;
}  // namespace

PortManagement::PortManagement(unsigned port, std::uint64_t mac) : port_(port), mac_(mac) {
  // The NVM as igb reads it (docs/linux.md): the MAC in words 0-2 (octets in order, low byte
  // first), everything else erased (0xFFFF: no alternate MAC at 0x37, default LEDs at 0x04, no
  // ETRACK at 0x42/0x43), a version word, a legacy PBA number, flow control none in the
  // initialization control word 2 (0x0F) and the checksum word 0x3F.
  nvm_.fill(0xFFFF);
  for (unsigned i = 0; i < 3; ++i)
    nvm_[i] = static_cast<std::uint16_t>((mac >> (16 * i)) & 0xFFFF);
  nvm_[0x05] = 0x2010;
  nvm_[0x08] = 0x1040, nvm_[0x09] = 0xFFFF;
  nvm_[0x0F] = 0x0000;
  nvm_[0x3F] = 0;
  nvm_[0x3F] = static_cast<std::uint16_t>(0xBABA - nvm_sum(nvm_));
  phy_reset();
}

std::uint16_t PortManagement::nvm_sum(const std::array<std::uint16_t, kNvmWords>& w) {
  std::uint16_t s = 0;
  for (unsigned i = 0; i <= 0x3F; ++i) s = static_cast<std::uint16_t>(s + w[i]);
  return s;
}

void PortManagement::phy_reset() {
  ++stats_.phy_resets;
  phy_ = kPhyReset;
  set_link(true);  // the link partner is always there: autonegotiation completes at once
}

void PortManagement::set_link(bool up) {
  if (up) {
    phy_[kBmsr] |= kBmsrLinkAn;
    phy_[kAnlpar] = 0x45E1;  // the partner: acknowledge, pause, 10/100 full and half
    phy_[kGtsr] = 0x3C00;    // partner 1000 full/half, local and remote receivers OK
  } else {
    phy_[kBmsr] &= static_cast<std::uint16_t>(~kBmsrLinkAn);
    phy_[kAnlpar] = 0, phy_[kGtsr] = 0;
  }
  if (up == link_) return;
  link_ = up;
  ++stats_.link_changes;
  if (on_link_change) on_link_change();
}

std::uint32_t PortManagement::mdic_access(std::uint32_t v) {
  const unsigned reg = MDIC::REGADD::get(v), op = MDIC::OP::get(v);
  if (MDIC::PHYADD::get(v) != kPhyAddress) {  // nobody at that address
    ++stats_.phy_errors;
    return v | MDIC::READY::kMask | MDIC::ERROR::kMask;
  }
  if (op == 2) {  // read
    ++stats_.phy_reads;
    return (v & ~MDIC::DATA::kMask) | phy_[reg] | MDIC::READY::kMask;
  }
  if (op == 1) {  // write
    ++stats_.phy_writes;
    const auto d = static_cast<std::uint16_t>(MDIC::DATA::get(v));
    if (reg == kBmcr) {
      if (d & kBmcrReset) {
        phy_reset();
      } else {
        phy_[kBmcr] = static_cast<std::uint16_t>(d & ~(kBmcrReset | kBmcrRestartAn));
        set_link(!(d & kBmcrPowerDown));  // power-down drops the link, power-up (or a restart) renegotiates
      }
    } else if (reg != kPageSelect && !(kPhyReadOnly >> reg & 1)) {
      phy_[reg] = d;
    }
  }
  return v | MDIC::READY::kMask;
}

std::uint32_t PortManagement::stat_read(unsigned i) {
  const StatDecl& d = kPortStats[i];
  const std::uint64_t now = counter && d.source != PortStat::None ? counter(d.source) : 0;
  switch (d.half) {
    case 1:  // the low half latches the pair's value
      latched_[i] = now - base_[i];
      latched_valid_[i] = true;
      return static_cast<std::uint32_t>(latched_[i]);
    case 2: {  // the high half of the pair declared just before; reading it clears the pair
      if (!latched_valid_[i - 1]) latched_[i - 1] = now - base_[i - 1];  // read alone (igb's TORH)
      latched_valid_[i - 1] = false;
      const std::uint64_t v = latched_[i - 1];
      base_[i - 1] += v;
      latched_[i - 1] = 0;
      return static_cast<std::uint32_t>(v >> 32);
    }
    default: {
      const std::uint64_t v = now - base_[i];
      base_[i] = now;
      return static_cast<std::uint32_t>(v);
    }
  }
}

void PortManagement::map_registers(regs::RegisterSpace& pf) {
  pf_ = &pf;
  pf.add(STATUS::decl(), [this](unsigned) {
    std::uint32_t ctrl = 0;
    pf_->read(CTRL::at(), ctrl);
    std::uint32_t v = STATUS::FUNC::make(port_);
    if (!(ctrl & kCtrlGioMasterDisable)) v |= STATUS::GIO_MASTER_ENABLE::kMask;
    if (link_) v |= STATUS::FD::kMask | STATUS::LU::kMask | STATUS::SPEED::make(2);
    return v;
  }, nullptr);
  pf.add(EECD::decl(), [](unsigned) {
    return EECD::PRES::kMask | EECD::AUTO_RD::kMask | EECD::SIZE_EX::make(2);
  }, nullptr);
  pf.add(EERD::decl(), [this](unsigned) { return eerd_; }, [this](unsigned, std::uint32_t v) {
    if (!EERD::START::get(v)) return;
    const unsigned a = EERD::ADDR::get(v);
    ++stats_.nvm_reads;
    std::uint16_t w = 0xFFFF;
    if (a < kNvmWords)
      w = nvm_[a];
    else
      ++stats_.nvm_bad_reads;  // past the part's NVM: reads as erased
    eerd_ = EERD::DATA::make(w) | EERD::ADDR::make(a) | EERD::DONE::kMask;
  });
  pf.add_storage(CTRL_EXT::decl());
  pf.add(MDIC::decl(), [this](unsigned) { return mdic_; }, [this](unsigned, std::uint32_t v) { mdic_ = mdic_access(v); });
  pf.add_storage(EEMNGCTL::decl());
  pf.add(SWSM::decl(), [this](unsigned) {
    const std::uint32_t v = swsm_;
    swsm_ |= SWSM::SMBI::kMask;  // the read takes the software semaphore
    return v;
  }, [this](unsigned, std::uint32_t v) { swsm_ = v & (SWSM::SMBI::kMask | SWSM::SWESMBI::kMask); });
  pf.add_storage(SW_FW_SYNC::decl());
  pf.add_storage(FWSM::decl());
  pf.add_storage(MANC::decl());
  for (const regs::RegDecl& d : {TCTL::decl(), TIPG::decl(), VET::decl(), WUC::decl(), WUFC::decl(), GCR::decl(),
                                 RXPBS::decl(), TXPBS::decl(), RLPML::decl(), RXCSUM::decl(), RPLOLR::decl(),
                                 DTXCTL::decl(), TSYNCRXCTL::decl(), TSYNCTXCTL::decl(), TIMINCA::decl(), LEDCTL::decl(),
                                 IAM::decl(), RFCTL::decl(), TSYNCRXCFG::decl(), ETQF3::decl(), FTQF3::decl(), SYSTIML::decl(),
                                 SYSTIMH::decl(), TXSTMPL::decl(), TXSTMPH::decl(), RXSTMPL::decl(), RXSTMPH::decl(), TSICR::decl()})
    pf.add_storage(d);
  for (unsigned i = 0; i < kStats; ++i) {
    const StatDecl& s = kPortStats[i];
    pf.add(regs::RegDecl{regs::reg(s.name, s.offset, regs::Access::RC).doc(s.doc), nullptr, 0},
           [this, i](unsigned) { return stat_read(i); }, nullptr);
  }
  // CTRL: the flow control block stores it; the reset bits act here.
  const bool hooked = pf.add_store_hook(CTRL::at(), [this](unsigned, std::uint32_t& v) {
    if (v & kCtrlPhyRst) phy_reset();
    if (v & kCtrlRst) {
      v &= ~(kCtrlRst | kCtrlPhyRst | kCtrlGioMasterDisable);  // self-clearing; the reset ends the master disable
      reset();
    }
  });
  if (!hooked) throw std::logic_error("PortManagement: CTRL must be declared (the flow control block) before the reset hooks it");
}

void PortManagement::reset() {
  ++stats_.resets;
  eerd_ = 0, mdic_ = 0, swsm_ = 0;
  for (unsigned i = 0; i < kStats; ++i)
    if (kPortStats[i].half != 2 && kPortStats[i].source != PortStat::None)
      base_[i] = counter ? counter(kPortStats[i].source) : 0, latched_[i] = 0, latched_valid_[i] = false;
  if (on_reset) on_reset();
  phy_reset();
  if (pf_) {  // the hardware's NVM auto-read: RAR[0] = the NVM's MAC, valid
    pf_->write(RAL::at(0), static_cast<std::uint32_t>(mac_));
    pf_->write(RAH::at(0), static_cast<std::uint32_t>(mac_ >> 32) | RAH::AV::kMask);
  }
}

}  // namespace iovsim
