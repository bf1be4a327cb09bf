// libFuzzer target: the scenario loader. Any text either loads or throws ConfigError (never
// another exception, a crash or a hang), and a scenario that loads survives the round trip:
// the dump of what was loaded loads again to the same dump.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "model/core/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  iovsim::Scenario s;
  try {
    s = iovsim::load_scenario(text, "fuzz");
  } catch (const iovsim::ConfigError&) {
    return 0;
  }
  const std::string dump = iovsim::dump_scenario(s);
  const std::string again = iovsim::dump_scenario(iovsim::load_scenario(dump, "fuzz dump"));
  if (again != dump) std::abort();  // the dump does not describe what was loaded
  return 0;
}
