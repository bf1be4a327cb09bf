// The functions' configuration spaces as `lspci` prints them (pciutils 3.9, Debian bookworm's:
// the terse line, -v, -vv and the -x hex dumps), so a scenario's device can be held against a
// real machine's output line by line. Everything printed is decoded from the config space the
// model holds; what lspci takes from the kernel instead (names from pci.ids, BAR sizes, the
// VFs' regions and IDs, the driver in use) comes from the entry. Plain C++: no kernel needed.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/core/device_profile.h"
#include "model/pcie/config_space.h"

namespace iovsim {

struct LspciOptions {
  unsigned verbose = 0;  // -v: 1, -vv: 2
  unsigned hex = 0;      // -x: 1 (64 bytes), -xxx: 3 (256), -xxxx: 4 (4096)
};

struct LspciEntry {
  std::uint16_t rid = 0;              // bus << 8 | device << 3 | function
  const ConfigSpace* cfg = nullptr;   // the function's own config space
  const ConfigSpace* pf = nullptr;    // a VF's PF (its SR-IOV capability); null for a PF
  unsigned vf = 0;                    // a VF's index within its PF
  unsigned irq = 0;                   // the legacy IRQ the host routed pin A to (0: none)
  std::string driver;                 // "Kernel driver in use" ("" none)
};

// The entries in the order given (lspci's: by bus, device, function).
std::string format_lspci(const std::vector<LspciEntry>& fns, const DeviceProfile& prof,
                         const LspciOptions& opt);

}  // namespace iovsim
