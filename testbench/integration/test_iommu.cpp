// Isolation: a VF driver that posts buffers outside its VM's memory is stopped by the IOMMU.
#include <catch2/catch.hpp>

#include <algorithm>

#include "model/host/host_memory.h"
#include "model/pcie/endpoint.h"
#include "testbench/support.h"

using namespace iovsim;

TEST_CASE("the IOMMU blocks a VF's DMA into another VM's memory") {
  Scenario s = test::scenario(R"(
duration_us: 2000
device: {ports: 1, vfs_per_port: 3}
port0:
  wire: {pattern: constant, load: 0.3, frame_sizes: {256: 1}, destinations: {vf1: 1}}
  vf1: {bad_dma: true}
)");
  require_ps_resolution();
  System sys("sys", s);
  sc_core::sc_start(to_sc(sys.run_end()));
  nlohmann::json m = sys.metrics(0);
  check_conservation(m);
  const auto& vf1 = test::function(m, "port0.vf1");
  CHECK(test::u64(vf1, "rx_frames") == 0);
  CHECK(test::u64(vf1["drops"], "iommu_fault") > 100);
  CHECK(test::u64(vf1, "iommu_faults") == test::u64(vf1["drops"], "iommu_fault"));
  CHECK(sys.iommu().faults(sys.endpoint().vf_rid(0, 1)) == test::u64(vf1, "iommu_faults"));
  // Without the IOMMU the buffers (vf1 memory + its size) would be vf2's memory: untouched.
  const unsigned vf2 = sys.endpoint().function_index(0, 2);
  const std::uint64_t bytes = std::uint64_t{s.host.vm_memory_kb} * 1024;
  const std::uint8_t* mem = sys.memory().ptr(sys.function_memory_hpa(vf2), bytes);
  REQUIRE(mem);
  // vf2's rings are there, but no frame bytes anywhere in its Rx buffers
  const std::uint64_t rx_buf = 0x1000 + 3 * 4096;  // past its rings (default sizes)
  CHECK(std::all_of(mem + rx_buf, mem + rx_buf + 256 * 2048, [](std::uint8_t b) { return b == 0; }));
  CHECK(test::u64(test::function(m, "port0.vf2"), "rx_frames") == 0);
}

namespace {
struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> out{"out"};
  explicit Initiator(sc_core::sc_module_name n) : sc_module(n) {}
};
}  // namespace

TEST_CASE("DMA is translated per requester ID and refused outside the domain") {
  HostMemory mem("mem", 1 << 20);
  Iommu mmu("mmu");
  Initiator dev("dev");
  dev.out.bind(mmu.target);
  mmu.to_memory.bind(mem.target);
  mmu.map(0x180, 0, 0x10000, 0x1000);
  sc_core::sc_start(sc_core::SC_ZERO_TIME);  // finish elaboration
  tlm::tlm_generic_payload gp;
  auto* ext = new PcieExtension;
  gp.set_extension(ext);
  std::uint32_t v = 0xCAFEF00D;
  gp.set_write();
  gp.set_data_ptr(reinterpret_cast<unsigned char*>(&v));
  gp.set_data_length(4);
  gp.set_streaming_width(4);
  sc_core::sc_time d = sc_core::SC_ZERO_TIME;
  ext->requester_id = 0x180;
  gp.set_address(0x10);
  dev.out->b_transport(gp, d);
  CHECK(gp.is_response_ok());
  CHECK(*reinterpret_cast<std::uint32_t*>(mem.ptr(0x10010, 4)) == 0xCAFEF00D);
  gp.set_address(0xFFE);  // crosses the end of the domain
  dev.out->b_transport(gp, d);
  CHECK(gp.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  ext->requester_id = 0x182;  // another VF: no mapping at all
  gp.set_address(0x10);
  dev.out->b_transport(gp, d);
  CHECK(gp.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE);
  CHECK(mmu.faults(0x182) == 1);
  CHECK(mmu.faults(0x180) == 1);
  CHECK(mmu.total_faults() == 2);
}
