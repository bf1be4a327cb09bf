// Why a frame was dropped. Every frame the model does not deliver is counted under exactly one
// of these, at the block that dropped it.
#pragma once
#include <cstdint>

namespace iovsim {

enum class Drop : std::uint8_t {
  Runt,            // MAC: shorter than 64 bytes
  Giant,           // MAC: longer than the port's max frame size
  FcsError,        // MAC: bad frame check sequence
  RxBufferFull,    // on-chip Rx packet buffer had no room
  NoPool,          // sorter: no pool accepted the frame (e.g. unmatched unicast, default pool off)
  VlanFilter,      // sorter: VLAN not in the VLAN filter table
  PoolSize,        // sorter: frame longer than the pool's max frame size (VMOLR.RLPML)
  PoolDisabled,    // sorter: pool Rx/Tx not enabled (VFRE/VFTE)
  Spoof,           // sorter Tx: source MAC or VLAN not the sending VF's
  QueueDisabled,   // DMA: ring not enabled (RXDCTL/TXDCTL.ENABLE clear)
  NoDescriptor,    // DMA: Rx ring empty (SRRCTL.DROP_EN semantics)
  IommuFault,      // host: IOMMU refused the DMA address
  BusMaster,       // DMA: the function's Bus Master Enable is clear (no DMA allowed)
  BadDescriptor,   // DMA: descriptor malformed (zero length, over the buffer)
  TxRingFull,      // host driver: no free Tx descriptor for a frame the VM sent
  FramePoolEmpty,  // model capacity: no frame slot free (raise device.frame_pool)
  kCount
};
constexpr unsigned kDropReasons = static_cast<unsigned>(Drop::kCount);

const char* drop_name(Drop d);

}  // namespace iovsim
