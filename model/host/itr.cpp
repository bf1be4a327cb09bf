#include "model/host/itr.h"

#include <algorithm>

namespace iovsim {

namespace {

// igb/igbvf constants (igb.h, igbvf.h): microseconds << 2.
constexpr std::uint32_t kIgbStart = 648, kIgb4K = 980, kIgb20K = 196, kIgb70K = 56;
constexpr std::uint32_t kIgbvfStart = 488;
// ixgbe/ixgbevf (ixgbe.h): the same unit.
constexpr std::uint32_t kIxgbe100K = 40, kIxgbe20K = 200, kIxgbe12K = 336;

class FixedItr final : public ItrPolicy {
public:
  explicit FixedItr(std::uint32_t v) { itr_ = v; }
  bool update(const ItrSample&, ps_t) override { return false; }
};

// igb_update_ring_itr (used whenever VFs are allocated, and with several vectors).
class IgbRingItr final : public ItrPolicy {
public:
  IgbRingItr(bool conservative, double link_gbps) : conservative_(conservative), slow_(link_gbps < 1) {
    itr_ = kIgbStart;
  }
  bool update(const ItrSample& s, ps_t) override {
    std::uint32_t v;
    if (slow_) {
      v = kIgb4K;
    } else {
      const std::uint64_t rx = s.rx_packets ? s.rx_bytes / s.rx_packets : 0;
      const std::uint64_t tx = s.tx_packets ? s.tx_bytes / s.tx_packets : 0;
      std::uint64_t avg = std::max(rx, tx);
      if (!avg) return false;  // no packets: no change
      avg = std::min<std::uint64_t>(avg + 24, 3000);  // CRC, preamble, gap; cap for jumbo
      v = static_cast<std::uint32_t>(avg > 300 && avg < 1200 ? avg / 3 : avg / 2);
      if (v < kIgb20K && conservative_) v = kIgb20K;
    }
    if (v == itr_) return false;
    itr_ = v;
    return true;
  }

private:
  bool conservative_, slow_;
};

// igbvf_set_itr with igbvf_update_itr called on the register value (see the header).
class IgbvfItr final : public ItrPolicy {
public:
  IgbvfItr(std::uint32_t start, std::uint32_t requested) : requested_(requested) { itr_ = start; }
  bool update(const ItrSample&, ps_t) override {
    if (!(requested_ & 3)) return false;  // igbvf_poll: only when requested_itr & 3
    // igbvf_update_itr(itr_val, ...) returns itr_val (never a range 0-2), so
    // igbvf_range_to_itr takes its default: IGBVF_START_ITR.
    std::uint32_t v = kIgbvfStart;
    if (v == itr_) return false;
    v = v > itr_ ? std::min(itr_ + v / 4, v) : v;
    itr_ = v;
    return true;
  }

private:
  std::uint32_t requested_;
};

// ixgbe_update_itr / ixgbe_set_itr (the adaptive algorithm).
class IxgbeItr final : public ItrPolicy {
public:
  static constexpr std::uint32_t kMinUsecs = 10, kMaxUsecs = 84, kMinInc = 2, kLatency = 0x80,
                                 kBulk = 0;
  IxgbeItr(double link_gbps, bool rx_vector) : ten_gig_(link_gbps >= 10) {
    itr_ = rx_vector ? kIxgbe20K : kIxgbe12K;
  }
  bool update(const ItrSample& s, ps_t now) override {
    // A sample older than a jiffy (4 ms at HZ 250) is stale: the containers restart.
    const bool stale = last_ && now - last_ > 4 * kPsPerMs;
    last_ = now;
    const std::uint32_t rx = container(rx_itr_, s.rx_packets, s.rx_bytes, true, stale);
    const std::uint32_t tx = container(tx_itr_, s.tx_packets, s.tx_bytes, false, stale);
    rx_itr_ = rx, tx_itr_ = tx;
    const std::uint32_t v = (std::min(rx, tx) & ~kLatency) << 2;
    if (v == itr_) return false;
    itr_ = v;
    return true;
  }

private:
  std::uint32_t container(std::uint32_t ring_itr, std::uint64_t packets, std::uint64_t bytes,
                          bool rx, bool stale) const {
    std::uint32_t itr = kMinUsecs | kLatency;
    if (stale) return itr;
    std::uint64_t avg = 0;
    if (rx && packets && packets < 24 && bytes < 12112) {
      itr = kLatency;
      avg = std::clamp<std::uint64_t>((bytes + 24 * packets) * 2, 2560, 12800);
    } else if (packets < 48) {
      itr = std::min(itr_ / 4 + kMinInc, kMaxUsecs);
      itr += packets < 8 ? kLatency : (ring_itr & kLatency);
      return itr;
    } else if (packets < 96) {
      return itr_ / 4;
    } else if (packets < 256) {
      return std::max(itr_ / 8, kMinUsecs);
    } else {
      itr = kBulk;
      avg = bytes / packets;
      avg = avg <= 60 ? 5120 : avg <= 316 ? avg * 40 + 2720 : avg <= 1084 ? avg * 15 + 11452
            : avg < 1968 ? avg * 5 + 22420 : 32256;
    }
    if (ten_gig_) {
      itr += static_cast<std::uint32_t>((avg + kMinInc * 256 - 1) / (kMinInc * 256) * kMinInc);
    } else {
      avg = std::min<std::uint64_t>(avg, 8064);
      itr += static_cast<std::uint32_t>((avg + kMinInc * 64 - 1) / (kMinInc * 64) * kMinInc);
    }
    if ((itr & kLatency) && itr < ring_itr) itr = ring_itr - kMinInc;
    return std::min<std::uint32_t>(itr, 255);
  }
  bool ten_gig_;
  std::uint32_t rx_itr_ = kMaxUsecs | kLatency, tx_itr_ = kMaxUsecs | kLatency;
  ps_t last_ = 0;
};

// ixgbevf_update_itr / ixgbevf_set_itr.
class IxgbevfItr final : public ItrPolicy {
public:
  enum Range : std::uint8_t { lowest, low, bulk };
  explicit IxgbevfItr(bool rx_vector) { itr_ = rx_vector ? kIxgbe20K : kIxgbe12K; }
  bool update(const ItrSample& s, ps_t) override {
    rx_ = range(rx_, s.rx_packets, s.rx_bytes);
    tx_ = range(tx_, s.tx_packets, s.tx_bytes);
    const Range cur = std::max(rx_, tx_);
    std::uint32_t v = cur == lowest ? kIxgbe100K : cur == low ? kIxgbe20K : kIxgbe12K;
    if (v == itr_) return false;
    v = static_cast<std::uint32_t>((10ull * v * itr_) / (9ull * v + itr_));  // smoothing
    itr_ = v;
    return true;
  }

private:
  Range range(Range r, std::uint64_t packets, std::uint64_t bytes) const {
    if (!packets) return r;
    const std::uint64_t per_us = bytes / std::max<std::uint32_t>(itr_ >> 2, 1);  // "MB/s"
    switch (r) {
      case lowest: return per_us > 10 ? low : lowest;
      case low: return per_us > 20 ? bulk : per_us <= 10 ? lowest : low;
      case bulk: return per_us <= 20 ? low : bulk;
    }
    return r;
  }
  Range rx_ = low, tx_ = low;
};

}  // namespace

std::unique_ptr<ItrPolicy> make_itr_policy(Family f, bool vf, ItrMode mode, unsigned usecs,
                                           double link_gbps, bool rx_vector) {
  if (f == Family::i82576 && !vf) {
    switch (mode) {
      case ItrMode::off: return std::make_unique<FixedItr>(0);
      case ItrMode::fixed: return std::make_unique<FixedItr>(usecs << 2);
      case ItrMode::dynamic: return std::make_unique<IgbRingItr>(false, link_gbps);
      default: return std::make_unique<IgbRingItr>(true, link_gbps);  // igb's default: 3
    }
  }
  if (f == Family::i82576) {  // igbvf_set_coalesce
    switch (mode) {
      case ItrMode::off: return std::make_unique<IgbvfItr>(4, 1000000000u / (4 * 256));
      case ItrMode::fixed:
        return std::make_unique<IgbvfItr>(usecs << 2, 1000000000u / ((usecs << 2) * 256));
      case ItrMode::dynamic: return std::make_unique<IgbvfItr>(kIgbvfStart, 1);
      default: return std::make_unique<IgbvfItr>(kIgbvfStart, 3);  // requested_itr = 3
    }
  }
  switch (mode) {  // ixgbe / ixgbevf: 0 off, 1 adaptive (the default), else usecs
    case ItrMode::off: return std::make_unique<FixedItr>(0);
    case ItrMode::fixed: return std::make_unique<FixedItr>(usecs << 2);
    default:
      if (vf) return std::make_unique<IxgbevfItr>(rx_vector);
      return std::make_unique<IxgbeItr>(link_gbps, rx_vector);
  }
}

}  // namespace iovsim
