// Register spaces: typed fields, arrays, unmapped and read-only accesses.
#include <catch2/catch.hpp>

#include "model/core/register_space.h"

using namespace iovsim;

TEST_CASE("fields get and set their bits only") {
  using DEF_PL = Field<9, 7>;
  CHECK(DEF_PL::set(0xFFFFFFFF, 2) == (0xFFFFFFFFu & ~(7u << 7)) + (2u << 7));
  CHECK(DEF_PL::get(5u << 7) == 5);
  CHECK(Bit<31>::get(0x80000000u) == 1);
  CHECK(Field<31, 0>::get(0xDEADBEEF) == 0xDEADBEEF);
}

TEST_CASE("register arrays decode offset and stride; bad accesses are counted") {
  RegisterSpace rs("test");
  unsigned last_index = 99, last_value = 0;
  std::uint32_t* regs = rs.add_storage("VMOLR", 0x5AD0, 8, 4, 0x1234,
                                       [&](unsigned i, std::uint32_t v) { last_index = i, last_value = v; });
  rs.add("STATUS", 0x8, 1, 0, [](unsigned) { return 0x80080783u; }, nullptr);
  std::uint32_t v = 0;
  CHECK(rs.read(0x5AD0 + 4 * 3, v));
  CHECK(v == 0x1234);
  CHECK(rs.write(0x5AD0 + 4 * 5, 0xAB));
  CHECK(regs[5] == 0xAB);
  CHECK(last_index == 5);
  CHECK(last_value == 0xAB);
  CHECK_FALSE(rs.read(0x5AF0, v));  // just past the array
  CHECK(v == 0);
  CHECK_FALSE(rs.write(0x1, 1));
  CHECK(rs.unmapped_accesses() == 2);
  CHECK(rs.write(0x8, 0));  // read-only: accepted, ignored, counted
  CHECK(rs.read_only_writes() == 1);
  CHECK(rs.describe(0x5AD8) == "VMOLR[2]");
  CHECK_THROWS(rs.add("X", 0x5AD4, 1, 0, nullptr, nullptr));  // overlap is a model bug
}
