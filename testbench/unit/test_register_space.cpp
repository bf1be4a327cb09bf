// Register spaces: typed fields, arrays, unmapped and read-only accesses.
#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "model/regs/map_82576.h"
#include "model/regs/register_space.h"

using namespace iovsim::regs;

TEST_CASE("fields get and set their bits only") {
  using DEF_PL = Field<9, 7>;
  CHECK(DEF_PL::set(0xFFFFFFFF, 2) == (0xFFFFFFFFu & ~(7u << 7)) + (2u << 7));
  CHECK(DEF_PL::get(5u << 7) == 5);
  CHECK(Bit<31>::get(0x80000000u) == 1);
  CHECK(Field<31, 0>::get(0xDEADBEEF) == 0xDEADBEEF);
}

TEST_CASE("register arrays decode offset and stride, bad accesses are counted") {
  RegisterSpace rs("test");
  unsigned last_index = 99, last_value = 0;
  std::uint32_t* regs =
      rs.add_storage(reg("VMOLR", 0x5AD0).array(8, 4).reset_value(0x1234),
                     [&](unsigned i, std::uint32_t& v) { last_index = i, last_value = v; })
          .storage();
  rs.add(reg("STATUS", 0x8, Access::RO), [](unsigned) { return 0x80080783u; }, nullptr);
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
  CHECK_THROWS(rs.add(reg("X", 0x5AD4), nullptr, nullptr));  // overlap is a model bug
}

TEST_CASE("declared access policies: RO, WO, W1C, RC, aliases, split arrays") {
  RegisterSpace rs("test");
  auto ro = rs.add_storage(reg("RO", 0x0, Access::RO).reset_value(7));
  auto wo = rs.add_storage(reg("WO", 0x4, Access::WO));
  auto w1c = rs.add_storage(reg("W1C", 0x8, Access::W1C).reset_value(0xF0));
  auto rc = rs.add_storage(reg("RC", 0xC, Access::RC));
  std::uint32_t v = 0;
  CHECK(rs.write(0x0, 1));
  CHECK(ro.storage()[0] == 7);  // ignored
  CHECK(rs.read_only_writes() == 1);
  CHECK(rs.write(0x4, 0xAB));
  CHECK(wo.storage()[0] == 0xAB);
  CHECK(rs.read(0x4, v));
  CHECK(v == 0);  // write-only reads 0
  CHECK(rs.write(0x8, 0x30));
  CHECK(w1c.storage()[0] == 0xC0);  // the ones written are cleared
  rc.storage()[0] = 5;  // set by the hardware
  CHECK(rs.read(0xC, v));
  CHECK(v == 5);
  CHECK(rs.read(0xC, v));
  CHECK(v == 0);  // the first read cleared it
  // Aliases answer for the first elements of the primary.
  auto arr = rs.add_storage(reg("Q", 0x100).array(4, 0x40));
  rs.add_alias(reg("Q", 0x1000).array(2, 0x10), arr);
  CHECK(rs.write(0x1010, 9));
  CHECK(arr.storage()[1] == 9);
  CHECK(rs.describe(0x1010) == "Q[1]");
  CHECK_THROWS(rs.add_alias(reg("Q", 0x2000).array(5, 4), arr));  // more elements than Q has
  // The 82576's RAL: entries 0-15 at 0x5400 + 8n, 16-23 at 0x54E0 + 8(n - 16).
  CHECK(i82576::RAL::at(15) == 0x5478);
  CHECK(i82576::RAL::at(16) == 0x54E0);
  CHECK(i82576::RAH::at(23) == 0x551C);  // E1000_RAH(23) = 0x054E4 + 8 * 7
  rs.add_storage(i82576::RAL::decl());
  CHECK(rs.describe(0x54E8) == "RAL[17]");
  CHECK_THROWS(rs.add(reg("ODD", 0x2), nullptr, nullptr));  // not 32-bit aligned
}

TEST_CASE("register declarations carry their fields") {
  const RegDecl d = i82576::RCTL::decl();
  CHECK(std::string(d.info.name) == "RCTL");
  CHECK(d.info.offset == 0x0100);
  REQUIRE(d.nfields == 6);
  CHECK(std::string(d.fields[2].name) == "MO");
  CHECK(d.fields[2].hi == 13);
  CHECK(d.fields[2].lo == 12);
  CHECK(i82576::RCTL::MO::get(0x2000) == 2);
  CHECK(i82576::VLVF::POOLSEL::make(1) == 1u << 12);
}

TEST_CASE("add_store_hook: a second block's hook runs after the first's, through the register's aliases too") {
  RegisterSpace rs("t");
  std::vector<int> order;
  const RegDecl d{reg("R", 0x100).array(4, 4)};
  auto h = rs.add_storage(d, [&](unsigned, std::uint32_t&) { order.push_back(1); });
  rs.add_alias(reg("R_ALIAS", 0x800).array(4, 4), h);
  CHECK(rs.add_store_hook(0x104, [&](unsigned i, std::uint32_t& v) {
    order.push_back(2);
    v |= 0x80000000u | i;  // the hook may change what is stored
  }));
  CHECK_FALSE(rs.add_store_hook(0x200, [](unsigned, std::uint32_t&) {}));  // nothing there
  REQUIRE(rs.write(0x108, 0x10));
  std::uint32_t v = 0;
  rs.read(0x108, v);
  CHECK(v == 0x80000012u);
  REQUIRE(rs.write(0x80C, 0x20));  // through the alias: element 3
  rs.read(0x10C, v);
  CHECK(v == 0x80000023u);
  CHECK(order == std::vector<int>{1, 2, 1, 2});
}

TEST_CASE("randomized: accesses anywhere in a 512 KB BAR against a map of offsets to values") {
  // Registers scattered over pages (some pages hold none), arrays crossing a 4 KB boundary, the
  // BAR's last word; every access is checked against an independent model: a std::map of the
  // mapped offsets and what a read returns.
  std::vector<std::string> names;  // RegInfo keeps the name's pointer: no reallocation
  names.reserve(200);
  RegisterSpace rs("t");
  std::map<std::uint32_t, std::uint32_t> model;
  std::mt19937 rng(12345);
  const std::uint32_t kBar = 512 * 1024;
  for (unsigned r = 0; r < 200; ++r) {
    const std::uint32_t count = r == 0 ? 4 : r == 1 ? 1 : 1 + rng() % 8;
    const std::uint32_t off = r == 0 ? 0xFF8 : r == 1 ? kBar - 4 : (rng() % (kBar / 4 - 8)) * 4;
    bool free = true;
    for (std::uint32_t i = 0; i < count && free; ++i) free = off + 4 * i < kBar && !model.count(off + 4 * i);
    if (!free) continue;
    names.push_back("R" + std::to_string(r));
    rs.add_storage(reg(names.back().c_str(), off).array(count, 4).reset_value(r));
    for (std::uint32_t i = 0; i < count; ++i) model[off + 4 * i] = r;
  }
  std::uint64_t unmapped = 0;
  auto some_offset = [&]() -> std::uint32_t {
    switch (rng() % 4) {
      case 0: return std::next(model.begin(), rng() % model.size())->first;  // a register
      case 1: return std::next(model.begin(), rng() % model.size())->first + 1 + rng() % 3;  // unaligned
      case 2: return kBar + (rng() % 1024) * 4;  // past the BAR
      default: return (rng() % (kBar / 4)) * 4;  // anywhere
    }
  };
  for (int n = 0; n < 20000; ++n) {
    const std::uint32_t off = some_offset();
    const auto it = model.find(off);
    std::uint32_t v = 0xDEAD;
    if (rng() % 2) {
      const std::uint32_t w = rng();
      CHECK(rs.write(off, w) == (it != model.end()));
      if (it != model.end()) it->second = w;
    } else {
      CHECK(rs.read(off, v) == (it != model.end()));
      CHECK(v == (it != model.end() ? it->second : 0u));
    }
    CHECK(rs.mapped(off) == (it != model.end()));
    unmapped += it == model.end();
  }
  CHECK(rs.unmapped_accesses() == unmapped);
  CHECK(rs.describe(0xFF8) == "R0[0]");
  CHECK(rs.describe(kBar - 4) == "R1[0]");
}
