// The clock of a Verilated `--cc` model stepped by a transactor: one tick is a falling and a
// rising edge at the platform's time `now` (ps), kept strictly increasing (edges within one
// platform instant one picosecond apart), and the optional VCD dump of both edges.
#pragma once
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "verilated.h"
#include "verilated_vcd_c.h"

namespace iovsim::rtl {

template <class V>
class Clock {
public:
  explicit Clock(std::unique_ptr<V>& top) : top_(top) {}
  ~Clock() {
    if (vcd_) vcd_->close();
  }
  void tick(std::uint64_t now) {
    top_->clk = 0;
    top_->eval();
    dump(now);
    top_->clk = 1;
    top_->eval();
    dump(now);
  }
  void trace(const std::string& file) {
    top_->contextp()->traceEverOn(true);
    vcd_ = std::make_unique<VerilatedVcdC>();
    top_->trace(vcd_.get(), 99);
    vcd_->set_time_unit("1ps");
    vcd_->set_time_resolution("1ps");
    vcd_->open(file.c_str());
    if (!vcd_->isOpen()) throw std::runtime_error("--rtl-trace: cannot write " + file);
  }

private:
  void dump(std::uint64_t now) {
    t_ = now > t_ ? now : t_ + 1;
    if (vcd_) vcd_->dump(t_);
  }
  std::unique_ptr<V>& top_;
  std::unique_ptr<VerilatedVcdC> vcd_;
  std::uint64_t t_ = 0;
};

}  // namespace iovsim::rtl
