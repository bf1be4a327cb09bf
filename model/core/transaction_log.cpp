#include "model/core/transaction_log.h"

#include <fnmatch.h>

#include <sstream>

#include "model/core/scenario.h"

namespace iovsim {

namespace {
constexpr const char* kKindNames[] = {"mmio", "dma", "frame", "irq", "mailbox"};
static_assert(sizeof kKindNames / sizeof *kKindNames == static_cast<unsigned>(LogKind::kCount));
}  // namespace

const char* log_kind_name(LogKind k) { return kKindNames[static_cast<unsigned>(k)]; }

TransactionLog::TransactionLog(const std::string& path, const std::vector<std::string>& filter,
                               std::vector<std::string> functions)
    : path_(path), names_(std::move(functions)), fn_on_(names_.size(), true) {
  std::vector<std::string> entries;
  for (const std::string& f : filter) {
    std::stringstream ss(f);
    for (std::string e; std::getline(ss, e, ',');)
      if (!e.empty()) entries.push_back(e);
  }
  std::vector<std::string> globs;
  for (const std::string& e : entries) {
    bool kind = false;
    for (unsigned k = 0; k < static_cast<unsigned>(LogKind::kCount); ++k)
      if (e == kKindNames[k]) kinds_ |= 1u << k, kind = true;
    if (kind) continue;
    bool matches = false;
    for (const std::string& n : names_) matches = matches || ::fnmatch(e.c_str(), n.c_str(), 0) == 0;
    if (!matches)
      throw ConfigError(fmt::format(
          "--log-filter: '{}' is neither a kind (mmio, dma, frame, irq, mailbox) nor a glob matching a "
          "function (port0.pf, port0.vf3, port1.vf*, ...)", e));
    globs.push_back(e);
  }
  if (!kinds_) kinds_ = (1u << static_cast<unsigned>(LogKind::kCount)) - 1;
  if (!globs.empty()) {
    port_level_ = false;
    for (std::size_t i = 0; i < names_.size(); ++i) {
      bool on = false;
      for (const std::string& g : globs) on = on || ::fnmatch(g.c_str(), names_[i].c_str(), 0) == 0;
      fn_on_[i] = on;
    }
  }
  out_ = std::fopen(path.c_str(), "w");
  if (!out_) throw ConfigError(fmt::format("{}: cannot write the log file", path));
  fmt::print(out_, "# iovsim transaction log: time_ns kind function queue what\n");
}

TransactionLog::~TransactionLog() {
  if (out_) std::fclose(out_);
}

const std::string& TransactionLog::function_name(int fn) const {
  static const std::string none = "-";
  return fn >= 0 && static_cast<unsigned>(fn) < names_.size() ? names_[static_cast<unsigned>(fn)] : none;
}

void TransactionLog::write(LogKind k, ps_t t, int fn, int queue, const std::string& text) {
  fmt::print(out_, "{:>14.3f} {:<7} {:<11} {:<3} {}\n", static_cast<double>(t) / 1000, log_kind_name(k),
             function_name(fn), queue < 0 ? std::string("-") : fmt::format("q{}", queue), text);
  ++lines_;
}

}  // namespace iovsim
