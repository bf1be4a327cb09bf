// An index drawn with probability proportional to its weight, in constant expected time.
//
// std::discrete_distribution (libstdc++) draws p = generate_canonical<double, 53> and
// binary-searches the cumulative probabilities: log2(n) dependent, badly predicted steps a
// frame, which the wire source pays for every frame (a destination among 63 VFs: about 50
// instructions). This draws the same p from the generator and builds the cumulative sums the
// same way (each weight over their sum, partial sums, the last one set to 1), then starts the
// search where a guide table points (Chen and Asau's indexed search: guide[j] is the first
// index whose cumulative sum reaches j / n), so it returns the same index as
// std::discrete_distribution for the same generator state, usually after one comparison.
// Fewer than two weights: always 0, as std::discrete_distribution.
#pragma once
#include <algorithm>
#include <limits>
#include <numeric>
#include <random>
#include <vector>

namespace iovsim {

class WeightedPick {
public:
  WeightedPick() = default;
  explicit WeightedPick(const std::vector<double>& weights) {
    if (weights.size() < 2) return;
    const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
    prob_.reserve(weights.size());
    for (const double w : weights) prob_.push_back(w / sum);
    cp_.reserve(prob_.size());
    std::partial_sum(prob_.begin(), prob_.end(), std::back_inserter(cp_));
    cp_.back() = 1.0;
    guide_.resize(cp_.size());
    const auto n = static_cast<double>(guide_.size());
    for (unsigned j = 0; j < guide_.size(); ++j)
      guide_[j] = static_cast<unsigned>(std::lower_bound(cp_.begin(), cp_.end(), j / n) - cp_.begin());
  }

  template <class Generator>
  unsigned operator()(Generator& g) const {
    if (cp_.empty()) return 0;
    const double p = std::generate_canonical<double, std::numeric_limits<double>::digits>(g);
    // p < 1, so p * n < n but for rounding; any j with j / n <= p gives a lower bound
    const auto slots = static_cast<unsigned>(guide_.size());
    unsigned i = guide_[std::min(static_cast<unsigned>(p * static_cast<double>(slots)), slots - 1)];
    while (cp_[i] < p) ++i;  // cp_.back() == 1 > p ends it
    return i;
  }

  // The normalised weights ({1} for fewer than two weights, as std::discrete_distribution).
  std::vector<double> probabilities() const { return prob_.empty() ? std::vector<double>{1.0} : prob_; }

private:
  std::vector<double> prob_, cp_;
  std::vector<unsigned> guide_;
};

}  // namespace iovsim
