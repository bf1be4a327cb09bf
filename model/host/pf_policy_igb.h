// The igb side of the PF/VF mailbox (82576): the PfVfPolicy of model/host/pf_policy.h over
// the 82576 register layout (model/regs/map_82576.h); the handlers are in pf_policy_igb.cpp.
#pragma once
#include "model/host/pf_policy.h"

namespace iovsim {

class IgbPfPolicy final : public PfVfPolicy {
public:
  IgbPfPolicy(regs::RegAccess pf_bar, unsigned num_vfs, unsigned num_rar, unsigned num_vlvf);

private:
  unsigned reset_msg(unsigned vf, std::uint32_t* reply) override;
  int set_mac_addr(unsigned vf, const std::uint32_t* w) override;
  int set_multicasts(unsigned vf, const std::uint32_t* w) override;
  int set_lpe(unsigned vf, std::uint32_t size) override;  // igb_set_vf_rlpml
  int set_vlan(unsigned vf, std::uint32_t vid, bool add) override {
    const int ret = vfta_set(vid, vf, add);  // igb_set_vf_vlan without the PF's own VLANs
    if (!ret) set_vlan_strip(vf, vid != 0);
    return ret;
  }
  int message_6(unsigned vf, std::uint32_t* w) override;  // igb_set_vf_promisc
  void vf_reset_event(unsigned vf) override {
    // igb_vf_reset_event: "clear mac address as we were hotplug removed/added"
    if (!vf_[vf].pf_set_mac) vf_[vf].mac = 0;
    vf_reset(vf);
  }
  void program_vf_mac(unsigned vf, std::uint64_t mac) override;
  void rebuild_mta() override;
  bool trust_change_revokes_cts() const override { return false; }
  unsigned reply_words() const override { return 1; }

  void vf_reset(unsigned vf);                  // igb_vf_reset
  int vfta_set(std::uint32_t vid, unsigned pool, bool on);  // igb_vfta_set (VT mode)
  int find_vlvf_slot(std::uint32_t vid);                    // igb_find_vlvf_slot
  void clear_vf_vfta(unsigned vf);                          // igb_clear_vf_vfta
  void set_vlan_strip(unsigned vf, bool on);                // igb_set_vf_vlan_strip
  void set_vmolr(unsigned vf);                              // igb_set_vmolr(aupe = true)
};

}  // namespace iovsim
