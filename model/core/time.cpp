#include "model/core/time.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "model/core/scenario.h"

namespace iovsim {

void require_ps_resolution() {
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_PS))
    throw std::logic_error("iovsim needs the SystemC time resolution to be 1 ps");
}

ps_t parse_duration_ps(const std::string& text, const char* what) {
  const char* s = text.c_str();
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  const std::string unit(end ? end : "");
  static const std::pair<const char*, double> kUnits[] = {{"ps", 1}, {"ns", 1e3}, {"us", 1e6}, {"ms", 1e9}, {"s", 1e12}};
  for (const auto& [u, scale] : kUnits)
    if (end != s && unit == u && std::isfinite(v) && v >= 0 && v * scale < 9e18)
      return static_cast<ps_t>(std::llround(v * scale));
  throw ConfigError(fmt::format("{} '{}': give a non-negative time with its unit (ps, ns, us, ms, s), e.g. 1.5ms", what, text));
}

}  // namespace iovsim
