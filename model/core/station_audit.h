// Which unicast addresses each function may receive: the isolation check the model makes
// where a frame is delivered (not a guess by the driver that reads it). A function owns the
// station address it was assigned (the scenario's MAC, or the one it asked for if nobody
// else has it); the PF, the default pool, also owns every unicast address no function has
// (and, in VMDq mode, its VMs' addresses). A unicast frame written into a function's memory
// that it does not own is counted as not addressed to it: a stolen MAC, a sorter error.
#pragma once
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

namespace iovsim {

class StationAudit {
public:
  void add(unsigned fn, std::uint64_t mac) {
    if (fn >= primary_.size()) primary_.resize(fn + 1, kNone), default_.resize(fn + 1, false);
    if (primary_[fn] == kNone) primary_[fn] = mac;
    owners_.emplace_back(mac, fn);
  }
  void set_default(unsigned fn) {
    if (fn >= primary_.size()) primary_.resize(fn + 1, kNone), default_.resize(fn + 1, false);
    default_[fn] = true;
  }
  // Is the unicast `da` fn's to receive? Its own address is the hot path.
  bool addressed(unsigned fn, std::uint64_t da) const {
    return (fn < primary_.size() && primary_[fn] == da) || addressed_slow(fn, da);
  }

private:
  [[gnu::noinline]] bool addressed_slow(unsigned fn, std::uint64_t da) const {
    bool owned = false;
    for (const auto& [mac, f] : owners_)
      if (mac == da) {
        if (f == fn) return true;
        owned = true;
      }
    return !owned && fn < default_.size() && default_[fn];
  }

  static constexpr std::uint64_t kNone = ~std::uint64_t{0};
  std::vector<std::uint64_t> primary_;  // per function: its assigned address
  std::vector<bool> default_;           // per function: receives what nobody owns
  std::vector<std::pair<std::uint64_t, unsigned>> owners_;
};

}  // namespace iovsim
