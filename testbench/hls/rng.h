// The scoreboards' random source: splitmix64, seeded, so every run is the same.
#pragma once
#include <cstdint>
#include <vector>

namespace iovsim::test {

class Rng {
public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  unsigned below(unsigned n) { return n == 0 ? 0 : static_cast<unsigned>(next() % n); }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[below(static_cast<unsigned>(v.size()))]; }

private:
  std::uint64_t s_;
};

}  // namespace iovsim::test
