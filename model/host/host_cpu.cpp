#include "model/host/host_cpu.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "model/core/metrics_registry.h"

namespace iovsim {

const char* cpu_work_name(CpuWork w) {
  switch (w) {
    case CpuWork::rx_frame: return "rx_frame";
    case CpuWork::tx_frame: return "tx_frame";
    case CpuWork::interrupt: return "interrupt";
    case CpuWork::vm_exit: return "vm_exit";
    case CpuWork::virq: return "virtual_interrupt";
    case CpuWork::lookup: return "lookup";
    case CpuWork::copy: return "copy";
    case CpuWork::flip: return "page_flip";
    case CpuWork::kCount: break;
  }
  return "?";
}

HostCpu::DoneQueue::DoneQueue(unsigned capacity) {
  unsigned n = 1;
  while (n < capacity + 1) n <<= 1;
  t_.resize(n);  // allocated once: no allocation per frame
  mask_ = n - 1;
}

void HostCpu::DoneQueue::push(ps_t done) {
  unsigned i = n_++;
  while (i && t_[(head_ + i - 1) & mask_] > done) {  // its place, from the back
    t_[(head_ + i) & mask_] = t_[(head_ + i - 1) & mask_];
    --i;
  }
  t_[(head_ + i) & mask_] = done;
}

HostCpu::HostCpu(unsigned cores, double clock_ghz, const CpuCosts& costs, unsigned backlog_frames)
    : ghz_(clock_ghz), ps_per_cycle_(1000.0 / clock_ghz), costs_(costs), backlog_(std::max(1u, backlog_frames)) {
  cores_.reserve(std::max(1u, cores));
  for (unsigned c = 0; c < std::max(1u, cores); ++c) cores_.emplace_back(backlog_);
  held_.reserve(std::size_t{backlog_} * cores_.size() + 1);
}

double HostCpu::cost(CpuWork w, unsigned bytes) const {
  switch (w) {
    case CpuWork::rx_frame: return costs_.rx_frame;
    case CpuWork::tx_frame: return costs_.tx_frame;
    case CpuWork::interrupt: return costs_.interrupt;
    case CpuWork::vm_exit: return costs_.vm_exit;
    case CpuWork::virq: return costs_.virq;
    case CpuWork::lookup: return costs_.lookup;
    case CpuWork::copy: return costs_.copy_setup + costs_.copy_per_byte * bytes;
    case CpuWork::flip: return costs_.flip;
    case CpuWork::kCount: break;
  }
  return 0;
}


ps_t HostCpu::run(unsigned core, ps_t at, CpuWork kind, unsigned bytes) {
  Core& c = cores_[core];
  const double cyc = cost(kind, bytes);
  const auto dur = static_cast<ps_t>(cyc * ps_per_cycle_ + 0.5);
  const bool counted = in_window(at);
  if (counted) {
    cycles_[static_cast<unsigned>(kind)] += cyc;
    ++count_[static_cast<unsigned>(kind)];
    if (kind == CpuWork::copy) copied_bytes_ += bytes;
  }
  if (dur == 0) return at;
  const ps_t end = c.line.reserve(at, dur);
  if (counted) {  // the booking's part inside the window [start, end)
    const ps_t s = std::max(end - dur, window_->start), e = std::min(end, window_->end);
    if (e > s) c.window_busy += static_cast<double>(e - s);
  }
  if (c.line.intervals() > Timeline::kCapacity / 2) c.line.forget_before(at > 1000000000 ? at - 1000000000 : 0);
  return end;
}

bool HostCpu::admit(unsigned core, ps_t at) {
  Core& c = cores_[core];
  c.pending.pop_done(at);
  if (c.pending.size() >= backlog_) {
    if (in_window(at)) ++backlog_drops_;
    return false;
  }
  return true;
}

void HostCpu::queued(unsigned core, ps_t done) { cores_[core].pending.push(done); }

void HostCpu::hold(ps_t at, ps_t release, unsigned bytes) {
  auto later = [](const std::pair<ps_t, unsigned>& a, const std::pair<ps_t, unsigned>& b) { return a.first > b.first; };
  while (!held_.empty() && held_.front().first <= at) {
    held_bytes_ -= held_.front().second;
    std::pop_heap(held_.begin(), held_.end(), later);
    held_.pop_back();
  }
  if (release <= at) return;
  held_.emplace_back(release, bytes);
  std::push_heap(held_.begin(), held_.end(), later);
  held_bytes_ += bytes;
  peak_held_ = std::max(peak_held_, held_bytes_);
}

double HostCpu::total_cycles() const {
  double t = 0;
  for (double c : cycles_) t += c;
  return t;
}

void HostCpu::publish(MetricsRegistry& m) const {
  m.value("/host/cpu/cores", [this] { return cores(); }, Unit::Count, "host cores (host.cpu.cores)");
  m.value("/host/cpu/clock_ghz", [this] { return ghz_; }, Unit::None, "their clock (host.cpu.clock_ghz)");
  m.value("/host/cpu/utilization", [this] {
            nlohmann::json u = nlohmann::json::array();
            const double w = window_ && window_->end > window_->start ? static_cast<double>(window_->end - window_->start) : 0;
            for (const Core& c : cores_) u.push_back(w > 0 ? c.window_busy / w : 0.0);
            return u;
          },
          Unit::Ratio, "per core, the share of the traffic window it spent on the modelled software work");
  m.value("/host/cpu/cycles", [this] {
            nlohmann::json j = nlohmann::json::object();
            for (unsigned k = 0; k < static_cast<unsigned>(CpuWork::kCount); ++k)
              j[cpu_work_name(static_cast<CpuWork>(k))] = {{"count", count_[k]}, {"cycles", cycles_[k]}};
            return j;
          },
          Unit::None, "per kind of work in the traffic window: how often and how many cycles");
  m.value("/host/cpu/total_cycles", [this] { return total_cycles(); }, Unit::Count, "every core's cycles of modelled work in the window");
  m.value("/host/cpu/app_frames", [this] { return delivered_; }, Unit::Frames,
          "frames handed to the VMs' (and the host's) applications in the window");
  m.value("/host/cpu/cycles_per_frame", [this] { return delivered_ ? total_cycles() / static_cast<double>(delivered_) : 0.0; },
          Unit::None, "host cycles per frame handed to an application (all cores, all kinds)");
  m.value("/host/cpu/copies", [this] { return copies(); }, Unit::Count, "frame copies by the virtualization layer (vswitch, vmdq with copy)");
  m.value("/host/cpu/copies_per_frame", [this] { return delivered_ ? static_cast<double>(copies()) / static_cast<double>(delivered_) : 0.0; },
          Unit::None, "copies per frame handed to an application");
  m.counter("/host/cpu/copied_bytes", copied_bytes_, Unit::Bytes, "bytes those copies moved");
  m.value("/host/cpu/peak_hypervisor_bytes", [this] { return peak_held_; }, Unit::Bytes,
          "peak bytes of frames held in the hypervisor's buffers waiting for their hand-off to a VM");
  m.counter("/host/cpu/backlog_drops", backlog_drops_, Unit::Frames,
            "frames dropped because a core's queue was full (host.cpu.backlog_frames: a saturated core)");
}

}  // namespace iovsim
