// The PCIe endpoint of the controller: one PF per port, each with up to `max_vfs` VFs behind
// its SR-IOV capability. Port shape (DESIGN.md idiom 4): a config target (ECAM-style address:
// routing ID << 12 | register), an MMIO target that decodes the PF BAR0s and VF BAR0 windows
// into a function and forwards to that function's regs::RegisterSpace, a DMA target the device's
// engines use, and one DMA initiator towards the host that carries the function's requester
// ID in a PcieExtension. Link timing is booked on per-direction timelines in PcieLinkTiming:
// no thread, no event per transfer.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_target_socket.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/core/observer.h"
#include "model/core/device_profile.h"
#include "model/core/metrics_registry.h"
#include "model/core/pcie_extension.h"
#include "model/core/dma_port.h"
#include "model/core/interrupt_sink.h"
#include "model/regs/register_space.h"
#include "model/pcie/config_space.h"
#include "model/pcie/interrupts.h"
#include "model/pcie/link_timing.h"
#include "model/pcie/msix.h"

namespace iovsim {

class PcieEndpoint : public sc_core::sc_module, public DmaPort {
public:
  SC_HAS_PROCESS(PcieEndpoint);
  tlm_utils::multi_passthrough_target_socket<PcieEndpoint> cfg;
  tlm_utils::multi_passthrough_target_socket<PcieEndpoint> mmio;
  tlm_utils::multi_passthrough_target_socket<PcieEndpoint> dma_in;
  tlm_utils::simple_initiator_socket<PcieEndpoint> dma_out;

  PcieEndpoint(sc_core::sc_module_name name, const DeviceProfile& prof, unsigned ports,
               unsigned max_vfs, const PcieLinkParams& link, unsigned bus = 1);

  unsigned ports() const { return ports_; }
  unsigned max_vfs() const { return max_vfs_; }
  // Model function index: port * (max_vfs + 1), then its VFs.
  unsigned function_index(unsigned port, int vf) const {
    return port * (max_vfs_ + 1) + static_cast<unsigned>(vf + 1);
  }
  unsigned functions() const { return ports_ * (max_vfs_ + 1); }
  std::uint16_t pf_rid(unsigned port) const { return make_rid(bus_, 0, port); }
  std::uint16_t vf_rid(unsigned port, unsigned vf) const;
  std::uint16_t rid_of(unsigned fn) const { return rid_by_fn_[fn]; }
  static std::string bdf(std::uint16_t rid);  // "01:10.2"
  bool vf_visible(unsigned port, unsigned vf) const;
  // The function's Command.Bus Master Enable (a VF's own; a VF that is not enabled has none).
  // DMA of a function without it is refused before any TLP: TLM_COMMAND_ERROR_RESPONSE.
  bool bus_master(unsigned fn) const { return bme_[fn]; }
  // The device's own DMA, as the engines issue it: the same path as a transaction on dma_in
  // (BME, link timing, the IOMMU window by DMI or the TLM path to the IOMMU) without a payload
  // per transfer. The DMA engines use this DmaPort; their dma sockets stay bound to dma_in
  // and carry the same transfers when an engine is built without it (tests).
  DmaStatus transfer(unsigned fn, std::uint64_t addr, void* data, unsigned len, TlpKind kind,
                     bool write, ps_t& t) override;
  // The host line a DMA read will fetch, brought towards the cache (the function's direct
  // window only; outside it, nothing).
  void prefetch(unsigned fn, std::uint64_t addr, bool for_write = false) override {
    const DmiWindow& w = dmi_[fn];
    if (!w.contains(addr, 1)) return;
    if (for_write)
      __builtin_prefetch(w.ptr + (addr - w.start), 1);
    else
      __builtin_prefetch(w.ptr + (addr - w.start));
  }

  regs::RegisterSpace& pf_regs(unsigned port) { return *pf_regs_[port]; }
  regs::RegisterSpace& vf_regs(unsigned port, unsigned vf) { return *vf_regs_[port * max_vfs_ + vf]; }
  const regs::RegisterSpace& regs_of(unsigned fn) const;
  ConfigSpace& pf_config(unsigned port) { return *pf_cfg_[port]; }
  ConfigSpace& vf_config(unsigned port, unsigned vf) { return *vf_cfg_[port * max_vfs_ + vf]; }
  // The MMIO target's BAR decode: the register space an address falls in (PF BAR0 with Memory
  // Space Enable; a VF's slice of the VF BAR0 window with VF Enable and VF MSE), else null.
  regs::RegisterSpace* decode(std::uint64_t addr, std::uint32_t& offset);
  PcieLinkTiming& link() { return link_; }
  // Each function's interrupt logic and MSI-X table; where its messages go (the host's
  // interrupt controller): a posted write upstream on the link, then `target.message`.
  FunctionInterrupts& interrupts(unsigned fn) { return *irq_[fn].logic; }
  MsixTable& msix(unsigned fn) { return *irq_[fn].msix; }
  void set_msi_target(MsiTarget* t) { msi_target_ = t; }
  std::uint64_t msi_refused() const { return msi_refused_; }

  std::uint64_t unsupported_requests() const { return unsupported_; }
  // Called after every change of the VFs' routing IDs or visibility (SR-IOV capability).
  std::function<void()> on_routing_change;
  // Each function's bdf, the link's totals and the register accesses the device ignored.
  void publish(MetricsRegistry& m) const;

  // Observation: the link's busy probes and every function's MSI-X vectors (--vcd); MMIO,
  // DMA and interrupt lines (--log).
  void observe(const Observer& o);

private:
  TransactionLog* log_ = nullptr;
  std::unordered_map<const regs::RegisterSpace*, int> space_fn_;  // --log: whose registers
  [[gnu::always_inline]] DmaStatus transfer_raw(unsigned fn, std::uint64_t a, void* data, unsigned len, TlpKind kind,
                                                bool write, ps_t& t);
  [[gnu::noinline]] DmaStatus transfer_logged(unsigned fn, std::uint64_t a, void* data, unsigned len, TlpKind kind,
                                              bool write, ps_t& t);
  void cfg_b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void mmio_b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  void dma_b_transport(int id, tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  tlm::tlm_generic_payload gp_;  // the device's DMA towards the IOMMU when DMI does not cover it
  PcieExtension* ext_;
  void update_rids();  // after any SR-IOV capability change (ARI, offsets)
  void update_bus_master();  // after any Command register or SR-IOV change
  void invalidate_dmi(sc_dt::uint64 start, sc_dt::uint64 end);
  // Per function: the host memory window the IOMMU granted for direct access (IO-virtual
  // addresses). Accesses inside it are copied directly; others take the full TLM path,
  // where the IOMMU checks (and refuses) them.
  struct DmiWindow {
    bool asked = false, valid = false;
    std::uint64_t start = 0, end = 0;
    unsigned char* ptr = nullptr;
    bool contains(std::uint64_t a, unsigned len) const {  // [a, a + len) inside [start, end]
      return valid && len && a >= start && a - start <= end - start && len - 1 <= end - a;
    }
  };
  std::vector<DmiWindow> dmi_;
  // Per port: the PF's decode windows (0: not decoded), reloaded after a write to its config.
  struct Windows {
    std::uint64_t seen = ~std::uint64_t{0};  // the config space's write count when loaded
    std::uint64_t bar0 = 0, msix = 0, vf_bar0 = 0, vf_bar3 = 0;
    unsigned num_vfs = 0;
    void load(const ConfigSpace& c, const DeviceProfile& prof);
  };
  std::vector<Windows> windows_;

  const DeviceProfile& prof_;
  unsigned ports_, max_vfs_, bus_;
  std::vector<std::unique_ptr<ConfigSpace>> pf_cfg_, vf_cfg_;
  std::vector<std::unique_ptr<regs::RegisterSpace>> pf_regs_, vf_regs_;
  PcieLinkTiming link_;
  std::vector<std::uint16_t> rid_by_fn_;
  std::vector<bool> bme_;  // per function: Bus Master Enable in effect
  std::uint64_t unsupported_ = 0, bme_refused_ = 0, msi_refused_ = 0, transfers_ = 0;
  unsigned vf_bar0_shift_ = 0;  // log2 of the VF BAR0 size (checked a power of two)
  std::uint64_t wrapped_refused_ = 0;  // DMA ranges past the top of the 64-bit space
  void send_msi(unsigned fn, unsigned vector, std::uint64_t addr, std::uint32_t data, ps_t at);
  struct FnIrq {
    std::unique_ptr<MsixTable> msix;
    std::unique_ptr<regs::RegisterSpace> msix_regs;  // the MSI-X BAR
    std::unique_ptr<FunctionInterrupts> logic;
  };
  std::vector<FnIrq> irq_;
  MsiTarget* msi_target_ = nullptr;
  // Messages EITR held back, signalled when their time comes (a min-heap on the time; at most
  // one per vector, so its storage is reserved up front).
  struct HeldMsi {
    ps_t at;
    unsigned fn, vector;
    bool operator<(const HeldMsi& o) const { return at > o.at; }  // earliest on top
  };
  std::vector<HeldMsi> held_;
  sc_core::sc_event held_due_;
  static constexpr ps_t kNoneHeld = ~ps_t{0};
  ps_t held_due_at_ = kNoneHeld;  // the time of held_due_'s pending notification
  void hold_msi(unsigned fn, unsigned vector, ps_t at);
  void release_held();  // method, on held_due_
};

}  // namespace iovsim
