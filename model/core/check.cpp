#include "model/core/check.h"

#include <fmt/format.h>

namespace iovsim {

namespace {
std::string& last() {
  static std::string s;
  return s;
}
}  // namespace

void invariant_failed(const char* cond, const char* file, int line, const std::string& what) {
  const std::string f = file;  // the path in the repository, not the build machine's
  const std::size_t at = f.rfind("model/");
  last() = fmt::format("invariant failed: {} ({}:{}: {})", what,
                       at == std::string::npos ? f : f.substr(at), line, cond);
  throw InvariantError(last());
}

const std::string& last_invariant_failure() { return last(); }

}  // namespace iovsim
