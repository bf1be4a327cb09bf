// Compile-only check that the HLS cores stay in the subset an HLS tool accepts: this unit is
// built with -fno-exceptions -fno-rtti and __SYNTHESIS__ defined (the cores' HLS paths: their
// loops instead of compiler builtins), with the C heap functions poisoned below; then
// hls_subset_symbols.cmake fails the test if the object references operator new/delete, the C
// heap, exceptions, RTTI or any library function (the cores must be self-contained logic).
#include <cstdint>
#pragma GCC poison malloc calloc realloc free aligned_alloc posix_memalign
#include "hls/sorter/rss.cpp"          // the cores' own sources, compiled in this unit
#include "hls/sorter/sorter_core.cpp"
#include "hls/scheduler/scheduler_core.h"

// The scheduler at both parts' queue counts (the template is the top function).
namespace iovsim::hls {
template SchedDecision arbitrate<16>(const SchedConfig<16>&, SchedState<16>&, const SchedRequest<16>&);
template SchedDecision arbitrate<128>(const SchedConfig<128>&, SchedState<128>&, const SchedRequest<128>&);
template void sched_reset<16>(SchedState<16>&);
template void sched_reset<128>(SchedState<128>&);
}  // namespace iovsim::hls
