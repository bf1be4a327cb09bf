// The transaction log (--log FILE, --log-filter): one line per transaction of the chosen
// kinds (MMIO, DMA, frames at each block boundary, interrupts, mailbox) with its simulated
// time, function and queue, for debugging a driver or a register sequence. Blocks hold a
// pointer, null when there is no log, and ask `wants` before formatting anything.
//
// Lines are written in the order the model makes the transactions; each carries its own
// simulated time, which can run ahead of the kernel's by up to a quantum (temporal
// decoupling), so two blocks' lines may interleave out of time order within a quantum.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "model/core/time.h"

namespace iovsim {

enum class LogKind : std::uint8_t { mmio, dma, frame, irq, mailbox, kCount };
const char* log_kind_name(LogKind k);

class TransactionLog {
public:
  // `functions`: the model's function names by index ("port0.pf", "port0.vf3"). `filter`:
  // kind names and function globs, comma-separated or one per entry (empty: everything).
  // Throws ConfigError for an entry that is neither, or a file it cannot write.
  TransactionLog(const std::string& path, const std::vector<std::string>& filter,
                 std::vector<std::string> functions);
  ~TransactionLog();
  TransactionLog(const TransactionLog&) = delete;
  TransactionLog& operator=(const TransactionLog&) = delete;

  // `fn`: a function index, or -1 for a port-level transaction (its port named in the text).
  bool wants(LogKind k, int fn) const {
    return kinds_ >> static_cast<unsigned>(k) & 1 && (fn < 0 ? port_level_ : fn_ok(fn));
  }
  template <class... A>
  void line(LogKind k, ps_t t, int fn, int queue, fmt::format_string<A...> f, A&&... a) {
    write(k, t, fn, queue, fmt::format(f, std::forward<A>(a)...));
  }
  std::uint64_t lines() const { return lines_; }
  const std::string& function_name(int fn) const;

private:
  bool fn_ok(int fn) const { return static_cast<unsigned>(fn) < fn_on_.size() && fn_on_[static_cast<unsigned>(fn)]; }
  void write(LogKind k, ps_t t, int fn, int queue, const std::string& text);
  std::FILE* out_ = nullptr;
  std::string path_;
  unsigned kinds_ = 0;
  bool port_level_ = true;  // lines of no function: shown unless a function glob is given
  std::vector<std::string> names_;
  std::vector<bool> fn_on_;
  std::uint64_t lines_ = 0;
};

}  // namespace iovsim
