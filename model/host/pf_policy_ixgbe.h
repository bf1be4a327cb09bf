// The ixgbe side of the PF/VF mailbox (82599): the PfVfPolicy of model/host/pf_policy.h over
// the 82599 register layout (model/regs/map_82599.h); the handlers are in pf_policy_ixgbe.cpp.
#pragma once
#include "model/host/pf_policy.h"

namespace iovsim {

class IxgbePfPolicy final : public PfVfPolicy {
public:
  IxgbePfPolicy(regs::RegAccess pf_bar, unsigned num_vfs, unsigned num_rar, unsigned num_vlvf);

private:
  unsigned reset_msg(unsigned vf, std::uint32_t* reply) override;  // ixgbe_vf_reset_msg
  int set_mac_addr(unsigned vf, const std::uint32_t* w) override;
  int set_multicasts(unsigned vf, const std::uint32_t* w) override;
  int set_lpe(unsigned vf, std::uint32_t max_frame) override;
  int set_vlan(unsigned vf, std::uint32_t vid, bool add) override {
    // ixgbe_set_vf_vlan, which does not touch VLAN stripping (the VF sets RXDCTL.VME)
    return vfta_set(vid, vf, add);
  }
  int message_6(unsigned vf, std::uint32_t* w) override;  // ixgbe_set_vf_macvlan_msg
  void vf_reset_event(unsigned vf) override {
    // ixgbe_check_for_rst -> ixgbe_vf_reset_event: filters reset and the RAR entry removed;
    // vf_mac_addresses and clear_to_send are left as they are (the VF's next RESET
    // re-programs the MAC).
    vf_reset(vf);
  }
  void program_vf_mac(unsigned vf, std::uint64_t mac) override;  // ixgbe_set_vf_mac
  void rebuild_mta() override;  // ixgbe_set_rx_mode + ixgbe_restore_vf_multicasts
  bool trust_change_revokes_cts() const override { return true; }
  unsigned reply_words() const override { return regs::mbx::WORDS; }

  void vf_reset(unsigned vf);                             // ixgbe_vf_reset_event
  void clear_vf_rar(unsigned vf);                         // ixgbe_del_mac_filter
  int vfta_set(std::uint32_t vid, unsigned pool, bool on);  // ixgbe_set_vfta_generic
  int find_vlvf_slot(std::uint32_t vid);                  // ixgbe_find_vlvf_slot
  void clear_vf_vlans(unsigned vf);                       // ixgbe_clear_vf_vlans
  void set_vmolr(unsigned vf);                            // ixgbe_set_vmolr(aupe)
};

}  // namespace iovsim
