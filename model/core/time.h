// Simulated time helpers. The model keeps its own bookkeeping (busy-until times, token
// levels) in integer picoseconds, the kernel's default resolution, and converts to sc_time
// only at socket boundaries: integer arithmetic is exact and cheap in the per-frame path.
#pragma once
#include <cstdint>
#include <string>
#include <systemc>
#include <fmt/ostream.h>

namespace iovsim {

using ps_t = std::uint64_t;
constexpr ps_t kPsPerNs = 1000;
constexpr ps_t kPsPerUs = 1000 * kPsPerNs;
constexpr ps_t kPsPerMs = 1000 * kPsPerUs;

// sc_time::from_value is out of line in the library; scaling a 1 ps sc_time is inline and
// exact below 2^53 ps (104 days of simulated time). Resolution is 1 ps (require_ps_resolution).
inline sc_core::sc_time to_sc(ps_t v) {
  static const sc_core::sc_time one_ps = sc_core::sc_time::from_value(1);
  return one_ps * static_cast<double>(v);
}
inline ps_t to_ps(const sc_core::sc_time& t) { return t.value(); }
// sc_time_stamp() is out of line in the library (a call through the PLT); what it returns,
// the current context's time, is inline in the header. The context exists once anything was
// elaborated; sc_get_curr_simcontext() (which the compiler keeps out of line) makes it if not.
inline ps_t now_ps() {
  const sc_core::sc_simcontext* c = sc_core::sc_curr_simcontext;
  return (__builtin_expect(c != nullptr, 1) ? c : sc_core::sc_get_curr_simcontext())->time_stamp().value();
}

// The time of the register access the device is serving. An initiator that runs ahead of the
// kernel (a temporally decoupled CPU, TLM-2.0 LT) annotates its accesses with its local time;
// the target serves them within an AccessScope of that time, and whatever a register write
// sets off (a doorbell, an interrupt re-arm) takes access_time() as its time. Kernel time
// outside an access.
namespace detail {
inline ps_t access_at = ~ps_t{0};
}
inline ps_t access_time() { return detail::access_at != ~ps_t{0} ? detail::access_at : now_ps(); }
class AccessScope {
public:
  explicit AccessScope(ps_t t) : saved_(detail::access_at) { detail::access_at = t; }
  ~AccessScope() { detail::access_at = saved_; }
  AccessScope(const AccessScope&) = delete;
  AccessScope& operator=(const AccessScope&) = delete;

private:
  ps_t saved_;
};

// A simulated time given as text: a number and a unit (ps, ns, us, ms, s), e.g. "1.5ms",
// "200us". Throws ConfigError naming `what` when it is not one.
ps_t parse_duration_ps(const std::string& text, const char* what);

// Time to move `bytes` at `bits_per_second`, rounded to the nearest picosecond.
inline ps_t serialization_ps(std::uint64_t bytes, double bits_per_second) {
  return static_cast<ps_t>(static_cast<double>(bytes) * 8.0e12 / bits_per_second + 0.5);
}

// Checks, once at start-up, that the kernel counts in picoseconds as the helpers assume.
void require_ps_resolution();

}  // namespace iovsim

template <> struct fmt::formatter<sc_core::sc_time> : fmt::ostream_formatter {};
