// What a block may be observed by (--vcd, --pcap-dir, --log): each part null when off. The
// blocks declare their probes and keep the pointers at elaboration; with nothing on, the
// per-frame cost is one branch.
#pragma once
#include <functional>
#include <string>

#include "model/core/probes.h"
#include "model/core/transaction_log.h"

namespace iovsim {

struct Observer {
  ProbeRecorder* probes = nullptr;
  TransactionLog* log = nullptr;
  // The name of a model function ("port0.pf", "port0.vf3"), for probe names.
  std::function<std::string(int fn)> function_name;
  // A queue's probe scope: "<function>.q<port queue>", under the function that owns its pool.
  std::string queue_name(int fn, unsigned queue) const { return function_name(fn) + ".q" + std::to_string(queue); }
  bool any() const { return probes || log; }
};

}  // namespace iovsim
