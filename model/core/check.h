// Invariants that stay on in every build type (sc_assert is compiled out under NDEBUG, the
// Release default): IOVSIM_CHECK(cond, what) throws InvariantError naming the condition, the
// file and line and `what` (evaluated only when the check fails). For cold paths and for the
// few hot ones where a broken invariant would corrupt memory (a host-memory index).
#pragma once
#include <stdexcept>
#include <string>

namespace iovsim {

struct InvariantError : std::logic_error {
  using std::logic_error::logic_error;
};

// Records the failure (the command line reports it even when SystemC has wrapped the
// exception into its own report) and throws InvariantError.
[[noreturn]] void invariant_failed(const char* cond, const char* file, int line, const std::string& what);
// The last invariant that failed in this process ("" when none): what `iovsim` prints and
// why it exits 1.
const std::string& last_invariant_failure();

}  // namespace iovsim

#define IOVSIM_CHECK(cond, what)                                                \
  do {                                                                          \
    if (__builtin_expect(!(cond), 0))                                           \
      ::iovsim::invariant_failed(#cond, __FILE__, __LINE__, (what));            \
  } while (0)
