#include "model/sorter/sorter.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "model/core/regs_82576.h"
#include "model/core/regs_82599.h"

namespace iovsim {

using namespace regs;

hls::L2Header parse_l2(const Frame& f) {
  hls::L2Header h{};
  const std::uint8_t* d = f.data;
  h.da = hls::mac_from_bytes(d);
  h.sa = hls::mac_from_bytes(d + 6);
  h.frame_len = static_cast<std::uint16_t>(f.len);
  std::uint16_t et = static_cast<std::uint16_t>(d[12] << 8 | d[13]);
  if (et == 0x8100 && f.len >= 18) {
    h.tagged = true;
    std::uint16_t tci = static_cast<std::uint16_t>(d[14] << 8 | d[15]);
    h.vid = tci & 0xFFF;
    h.pcp = tci >> 13;
    et = static_cast<std::uint16_t>(d[16] << 8 | d[17]);
  }
  h.ethertype = et;
  return h;
}

bool parse_flow(const Frame& f, const hls::L2Header& h, std::uint32_t mrqc, hls::FlowTuple& t) {
  const unsigned l3 = h.tagged ? 18 : 14;
  const std::uint8_t* d = f.data;
  const unsigned len = f.len - kFcsBytes;
  unsigned l4 = 0, proto = 0;
  bool fragment = false;
  t = hls::FlowTuple{};
  if (h.ethertype == 0x0800) {
    if (len < l3 + 20 || (d[l3] >> 4) != 4) return false;
    if (!(mrqc & (MRQC_RSS_IPV4 | MRQC_RSS_IPV4_TCP | MRQC_RSS_IPV4_UDP))) return false;
    l4 = l3 + (d[l3] & 0xF) * 4u;
    proto = d[l3 + 9];
    fragment = ((d[l3 + 6] & 0x3F) << 8 | d[l3 + 7]) != 0 || (d[l3 + 6] & 0x20);
    std::memcpy(t.src_ip, d + l3 + 12, 4);
    std::memcpy(t.dst_ip, d + l3 + 16, 4);
    t.has_l4 = !fragment && len >= l4 + 4 &&
               ((proto == 6 && (mrqc & MRQC_RSS_IPV4_TCP)) ||
                (proto == 17 && (mrqc & MRQC_RSS_IPV4_UDP)));
    if (!t.has_l4 && !(mrqc & MRQC_RSS_IPV4)) return false;
  } else if (h.ethertype == 0x86DD) {
    if (len < l3 + 40 || (d[l3] >> 4) != 6) return false;
    if (!(mrqc & (MRQC_RSS_IPV6 | MRQC_RSS_IPV6_TCP | MRQC_RSS_IPV6_UDP))) return false;
    t.ipv6 = true;
    l4 = l3 + 40;
    proto = d[l3 + 6];  // extension headers are not walked (a documented simplification)
    std::memcpy(t.src_ip, d + l3 + 8, 16);
    std::memcpy(t.dst_ip, d + l3 + 24, 16);
    t.has_l4 = len >= l4 + 4 && ((proto == 6 && (mrqc & MRQC_RSS_IPV6_TCP)) ||
                                 (proto == 17 && (mrqc & MRQC_RSS_IPV6_UDP)));
    if (!t.has_l4 && !(mrqc & MRQC_RSS_IPV6)) return false;
  } else {
    return false;
  }
  if (t.has_l4) {
    t.src_port = static_cast<std::uint16_t>(d[l4] << 8 | d[l4 + 1]);
    t.dst_port = static_cast<std::uint16_t>(d[l4 + 2] << 8 | d[l4 + 3]);
  }
  return true;
}

Sorter::Sorter(sc_core::sc_module_name name, const DeviceProfile& prof, const PortLayout& layout,
               unsigned num_rar, unsigned num_vlvf, Stats& stats, RegisterSpace& pf_regs)
    : sc_module(name), rx_in("rx_in", this, &Sorter::receive),
      tx_in("tx_in", this, &Sorter::transmit), to_dma("to_dma"), to_wire("to_wire"),
      prof_(prof), p_(layout), stats_(stats) {
  t_.num_rar = std::min(num_rar, prof.num_rar);
  t_.num_pools = prof.num_pools;
  t_.num_vlvf = std::min(num_vlvf, prof.num_vlvf);
  map_registers(pf_regs);
}

void Sorter::add(const std::string& name, std::uint32_t off, unsigned count, std::uint32_t stride,
                 RegisterSpace::ReadFn read, RegisterSpace::WriteFn write) {
  // Every write to a filter register invalidates the Rx decision cache.
  regs_->add(name, off, count, stride, std::move(read),
             [this, write = std::move(write)](unsigned i, std::uint32_t v) {
               write(i, v);
               ++generation_;
             });
}

std::uint32_t Sorter::keep_pools(std::uint32_t v, unsigned first_pool) {
  const unsigned pools = prof_.num_pools;
  std::uint32_t valid = first_pool >= pools        ? 0
                        : pools - first_pool >= 32 ? 0xFFFFFFFFu
                                                   : (1u << (pools - first_pool)) - 1;
  if (v & ~valid) ++ignored_writes_;  // bits for pools that do not exist
  return v & valid;
}

hls::PoolMask Sorter::write_half(std::uint32_t* pair, unsigned half, std::uint32_t v) {
  pair[half] = keep_pools(v, 32 * half);
  return pair[0] | hls::PoolMask{pair[1]} << 32;
}

void Sorter::map_tables(std::uint32_t mta, std::uint32_t vfta, std::uint32_t uta,
                        std::uint32_t reta, std::uint32_t rssrk) {
  add("MTA", mta, 128, 4, [this](unsigned i) { return t_.mta[i]; },
      [this](unsigned i, std::uint32_t v) { t_.mta[i] = v; });
  add("VFTA", vfta, 128, 4, [this](unsigned i) { return t_.vfta[i]; },
      [this](unsigned i, std::uint32_t v) { t_.vfta[i] = v; });
  add("UTA", uta, 128, 4, [this](unsigned i) { return t_.uta[i]; },
      [this](unsigned i, std::uint32_t v) { t_.uta[i] = v; });
  map_rss_tables(reta, rssrk);
}

void Sorter::map_rss_tables(std::uint32_t reta, std::uint32_t rssrk) {
  add("RETA", reta, hls::kRetaEntries / 4, 4,
      [this](unsigned i) {
        return std::uint32_t{reta_[4 * i]} | reta_[4 * i + 1] << 8 | reta_[4 * i + 2] << 16 |
               std::uint32_t{reta_[4 * i + 3]} << 24;
      },
      [this](unsigned i, std::uint32_t v) {
        for (unsigned b = 0; b < 4; ++b) reta_[4 * i + b] = static_cast<std::uint8_t>(v >> (8 * b));
      });
  add("RSSRK", rssrk, hls::kRssKeyBytes / 4, 4,
      [this](unsigned i) {
        return std::uint32_t{rss_key_[4 * i]} | rss_key_[4 * i + 1] << 8 |
               rss_key_[4 * i + 2] << 16 | std::uint32_t{rss_key_[4 * i + 3]} << 24;
      },
      [this](unsigned i, std::uint32_t v) {
        for (unsigned b = 0; b < 4; ++b)
          rss_key_[4 * i + b] = static_cast<std::uint8_t>(v >> (8 * b));
      });
}

void Sorter::map_registers(RegisterSpace& regs) {
  regs_ = &regs;
  if (prof_.family == Family::i82576)
    map_registers_82576();
  else
    map_registers_82599();
  regs_ = nullptr;
}

void Sorter::map_registers_82576() {
  RegisterSpace& regs = *regs_;
  const unsigned pools = prof_.num_pools;
  add("RCTL", RCTL, 1, 0, [this](unsigned) { return rctl_; },
         [this](unsigned, std::uint32_t v) {
           rctl_ = v;
           t_.unicast_promisc = RCTL_UPE::get(v);
           t_.multicast_promisc = RCTL_MPE::get(v);
           t_.broadcast_accept = RCTL_BAM::get(v);
           t_.vlan_filter_enable = RCTL_VFE::get(v);
           t_.mta_shift = static_cast<std::uint8_t>(RCTL_MO::get(v));
         });
  add("MRQC", MRQC, 1, 0, [this](unsigned) { return mrqc_; },
         [this](unsigned, std::uint32_t v) {
           mrqc_ = v;
           unsigned e = MRQC_MRQE::get(v);
           t_.vmdq_enable = e == MRQE_VMDQ || e == MRQE_VMDQ_RSS;
           rss_on_ = e == MRQE_VMDQ_RSS;
         });
  add("VT_CTL", VT_CTL, 1, 0, [this](unsigned) { return vt_ctl_; },
         [this, pools](unsigned, std::uint32_t v) {
           vt_ctl_ = v;
           unsigned def = VT_CTL_DEF_PL::get(v);
           if (def >= pools) ++ignored_writes_;
           t_.default_pool = def < pools ? def : t_.default_pool;
           t_.disable_default_pool = VT_CTL_DIS_DEF_POOL::get(v);
           t_.replication_enable = VT_CTL_VM_REPL_EN::get(v);
         });
  for (unsigned n = 0; n < prof_.num_rar; ++n) {
    add(fmt::format("RAL{}", n), RAL(n), 1, 0, [this, n](unsigned) { return ral_[n]; },
           [this, n](unsigned, std::uint32_t v) {
             if (n >= t_.num_rar) ++ignored_writes_;  // beyond the table in use
             ral_[n] = v;
             t_.rar[n].mac = (t_.rar[n].mac & 0xFFFF00000000ull) | v;
           });
    add(fmt::format("RAH{}", n), RAH(n), 1, 0, [this, n](unsigned) { return rah_[n]; },
           [this, n](unsigned, std::uint32_t v) {
             if (n >= t_.num_rar) ++ignored_writes_;
             rah_[n] = v;
             t_.rar[n].mac = (t_.rar[n].mac & 0xFFFFFFFFull) |
                             (std::uint64_t{RAH_ADDR_HI::get(v)} << 32);
             t_.rar[n].valid = RAH_AV::get(v);
             t_.rar[n].pools = RAH_POOLSEL::get(v);
           });
  }
  map_tables(MTA, VFTA, 0xA000, RETA, RSSRK);
  add("VMOLR", VMOLR(0), pools, 4, [this](unsigned i) { return vmolr_[i]; },
         [this](unsigned i, std::uint32_t v) {
           vmolr_[i] = v;
           hls::PoolCfg& c = t_.pool[i];
           c.rlpml = static_cast<std::uint16_t>(VMOLR_RLPML::get(v));
           c.lpe = VMOLR_LPE::get(v);
           c.rsse = VMOLR_RSSE::get(v);
           rss_pools_ = (rss_pools_ & ~(hls::PoolMask{1} << i)) |
                        (hls::PoolMask{c.rsse} << i);
           c.aupe = VMOLR_AUPE::get(v);
           c.rompe = VMOLR_ROMPE::get(v);
           c.rope = VMOLR_ROPE::get(v);
           c.bam = VMOLR_BAM::get(v);
           c.mpe = VMOLR_MPME::get(v);
           c.strip_vlan = VMOLR_STRVLAN::get(v);
         });
  add("VLVF", VLVF(0), prof_.num_vlvf, 4, [this](unsigned i) { return vlvf_[i]; },
         [this](unsigned i, std::uint32_t v) {
           if (i >= t_.num_vlvf) ++ignored_writes_;
           vlvf_[i] = v;
           t_.vlvf[i].vid = static_cast<std::uint16_t>(v & 0xFFF);
           t_.vlvf[i].pools = keep_pools((v >> 12) & 0xFF, 0);
           t_.vlvf[i].enabled = v >> 31;
         });
  // WVBR is read to clear and written only by the hardware.
  regs.add("WVBR", WVBR, 1, 0,
           [this](unsigned) {
             std::uint32_t v = wvbr_;
             wvbr_ = 0;
             return v;
           },
           nullptr);
  add("VFRE", VFRE, 1, 0, [this](unsigned) { return vfre_; },
         [this, pools](unsigned, std::uint32_t v) {
           vfre_ = keep_pools(v, 0);
           for (unsigned i = 0; i < pools; ++i) t_.pool[i].rx_enabled = (vfre_ >> i) & 1;
         });
  add("VFTE", VFTE, 1, 0, [this](unsigned) { return vfte_; },
         [this, pools](unsigned, std::uint32_t v) {
           vfte_ = keep_pools(v, 0);
           for (unsigned i = 0; i < pools; ++i) t_.pool[i].tx_enabled = (vfte_ >> i) & 1;
         });
  add("DTXSWC", DTXSWC, 1, 0, [this](unsigned) { return dtxswc_; },
         [this, pools](unsigned, std::uint32_t v) {
           dtxswc_ = v;
           for (unsigned i = 0; i < pools && i < 8; ++i) {
             t_.pool[i].mac_antispoof = (DTXSWC_MAC_SPOOF::get(v) >> i) & 1;
             t_.pool[i].vlan_antispoof = (DTXSWC_VLAN_SPOOF::get(v) >> i) & 1;
             t_.pool[i].loopback_enable = (DTXSWC_LLE::get(v) >> i) & 1;
           }
           t_.global_loopback_enable = DTXSWC_LOOPBACK_EN::get(v);
         });
}

void Sorter::map_registers_82599() {
  namespace r = regs82599;
  const unsigned pools = prof_.num_pools;
  add("FCTRL", r::FCTRL, 1, 0, [this](unsigned) { return fctrl_; },
      [this](unsigned, std::uint32_t v) {
        fctrl_ = v;
        t_.unicast_promisc = r::FCTRL_UPE::get(v);
        t_.multicast_promisc = r::FCTRL_MPE::get(v);
        t_.broadcast_accept = r::FCTRL_BAM::get(v);
      });
  add("VLNCTRL", r::VLNCTRL, 1, 0, [this](unsigned) { return vlnctrl_; },
      [this](unsigned, std::uint32_t v) {
        vlnctrl_ = v;
        t_.vlan_filter_enable = r::VLNCTRL_VFE::get(v);
      });
  add("MCSTCTRL", r::MCSTCTRL, 1, 0, [this](unsigned) { return mcstctrl_; },
      [this](unsigned, std::uint32_t v) {
        mcstctrl_ = v;
        t_.mta_shift = static_cast<std::uint8_t>(r::MCSTCTRL_MO::get(v));
      });
  // The 82599 has no per-pool RSS enable: with MRQE = 64 pools + RSS every pool hashes.
  // MRQC, RETA and RSSRK also answer at the 82598 offsets the Linux ixgbe driver writes
  // (0x5818, 0x5C00, 0x5C80), which the 82599 keeps as aliases.
  for (std::uint32_t off : {r::MRQC, r::MRQC_ALIAS})
    add("MRQC", off, 1, 0, [this](unsigned) { return mrqc_; },
        [this, pools](unsigned, std::uint32_t v) {
          mrqc_ = v;
          rss_on_ = r::MRQC_MRQE::get(v) == r::MRQE_VMDQ_RSS;
          for (unsigned p = 0; p < pools; ++p) t_.pool[p].rsse = rss_on_;
          rss_pools_ = rss_on_ ? ~hls::PoolMask{0} : 0;
        });
  add("PFVTCTL", r::PFVTCTL, 1, 0, [this](unsigned) { return vt_ctl_; },
      [this, pools](unsigned, std::uint32_t v) {
        vt_ctl_ = v;
        t_.vmdq_enable = r::PFVTCTL_VT_ENA::get(v);
        unsigned def = r::PFVTCTL_DEF_PL::get(v);
        if (def >= pools) ++ignored_writes_;
        t_.default_pool = def < pools ? def : t_.default_pool;
        t_.disable_default_pool = r::PFVTCTL_DIS_DEFPL::get(v);
        t_.replication_enable = r::PFVTCTL_REPLEN::get(v);
      });
  for (unsigned n = 0; n < prof_.num_rar; ++n) {
    add(fmt::format("RAL{}", n), r::RAL(n), 1, 0, [this, n](unsigned) { return ral_[n]; },
        [this, n](unsigned, std::uint32_t v) {
          if (n >= t_.num_rar) ++ignored_writes_;
          ral_[n] = v;
          t_.rar[n].mac = (t_.rar[n].mac & 0xFFFF00000000ull) | v;
        });
    add(fmt::format("RAH{}", n), r::RAH(n), 1, 0, [this, n](unsigned) { return rah_[n]; },
        [this, n](unsigned, std::uint32_t v) {
          if (n >= t_.num_rar) ++ignored_writes_;
          rah_[n] = v;
          t_.rar[n].mac = (t_.rar[n].mac & 0xFFFFFFFFull) |
                          (std::uint64_t{r::RAH_ADDR_HI::get(v)} << 32);
          t_.rar[n].valid = r::RAH_AV::get(v);
        });
  }
  // MPSAR_LO/HI(n): the pools of receive address n (the 82576 keeps them in RAH.POOLSEL).
  add("MPSAR", r::MPSAR_LO(0), 2 * prof_.num_rar, 4, [this](unsigned i) { return mpsar_[i]; },
      [this](unsigned i, std::uint32_t v) {
        t_.rar[i / 2].pools = write_half(&mpsar_[i & ~1u], i % 2, v);
      });
  map_tables(r::MTA, r::VFTA, r::UTA, r::RETA, r::RSSRK);
  map_rss_tables(r::RETA_ALIAS, r::RSSRK_ALIAS);
  add("PFVML2FLT", r::PFVML2FLT(0), pools, 4, [this](unsigned i) { return vmolr_[i]; },
      [this](unsigned i, std::uint32_t v) {
        vmolr_[i] = v;
        hls::PoolCfg& c = t_.pool[i];
        c.aupe = r::PFVML2FLT_AUPE::get(v);
        c.rompe = r::PFVML2FLT_ROMPE::get(v);
        c.rope = r::PFVML2FLT_ROPE::get(v);
        c.bam = r::PFVML2FLT_BAM::get(v);
        c.mpe = r::PFVML2FLT_MPE::get(v);
        // no per-pool frame size limit: the MAC's (MAXFRS) is the only one
        c.lpe = true;
        c.rlpml = 0x3FFF;
      });
  add("VLVF", r::VLVF(0), prof_.num_vlvf, 4, [this](unsigned i) { return vlvf_[i]; },
      [this](unsigned i, std::uint32_t v) {
        if (i >= t_.num_vlvf) ++ignored_writes_;
        vlvf_[i] = v;
        t_.vlvf[i].vid = static_cast<std::uint16_t>(r::VLVF_VID::get(v));
        t_.vlvf[i].enabled = r::VLVF_VIEN::get(v);
      });
  add("VLVFB", r::VLVFB(0), 2 * prof_.num_vlvf, 4, [this](unsigned i) { return vlvfb_[i]; },
      [this](unsigned i, std::uint32_t v) {
        t_.vlvf[i / 2].pools = write_half(&vlvfb_[i & ~1u], i % 2, v);
      });
  add("PFVFRE", r::PFVFRE(0), 2, 4, [this](unsigned i) { return vfre2_[i]; },
      [this, pools](unsigned i, std::uint32_t v) {
        const hls::PoolMask on = write_half(vfre2_, i, v);
        for (unsigned p = 0; p < pools; ++p) t_.pool[p].rx_enabled = on >> p & 1;
      });
  add("PFVFTE", r::PFVFTE(0), 2, 4, [this](unsigned i) { return vfte2_[i]; },
      [this, pools](unsigned i, std::uint32_t v) {
        const hls::PoolMask on = write_half(vfte2_, i, v);
        for (unsigned p = 0; p < pools; ++p) t_.pool[p].tx_enabled = on >> p & 1;
      });
  add("PFDTXGSWC", r::PFDTXGSWC, 1, 0, [this](unsigned) { return dtxswc_; },
      [this](unsigned, std::uint32_t v) {
        dtxswc_ = v;
        t_.global_loopback_enable = r::PFDTXGSWC_VT_LBEN::get(v);
      });
  add("PFVFSPOOF", r::PFVFSPOOF(0), 8, 4, [this](unsigned i) { return spoof_[i]; },
      [this, pools](unsigned i, std::uint32_t v) {
        spoof_[i] = v;
        for (unsigned b = 0; b < 8 && 8 * i + b < pools; ++b) {
          t_.pool[8 * i + b].mac_antispoof = r::PFVFSPOOF_MAC::get(v) >> b & 1;
          t_.pool[8 * i + b].vlan_antispoof = r::PFVFSPOOF_VLAN::get(v) >> b & 1;
        }
      });
  regs_->add("SSVPC", r::SSVPC, 1, 0,
             [this](unsigned) {
               std::uint32_t v = ssvpc_;
               ssvpc_ = 0;
               return v;
             },
             nullptr);
}

void Sorter::count_drop(hls::RxVerdict v, int fn) {
  switch (v) {
    case hls::RxVerdict::DropVlanFilter: stats_.drop(Drop::VlanFilter, p_.port, fn); break;
    case hls::RxVerdict::DropSize: stats_.drop(Drop::PoolSize, p_.port, fn); break;
    case hls::RxVerdict::DropPoolDisabled: stats_.drop(Drop::PoolDisabled, p_.port, fn); break;
    default: stats_.drop(Drop::NoPool, p_.port, fn); break;
  }
}

void Sorter::deliver(FramePayload& p, const hls::L2Header& h, hls::PoolMask pools,
                     unsigned other_copies, sc_core::sc_time& delay) {
  unsigned n = static_cast<unsigned>(__builtin_popcountll(pools));
  if (n + other_copies > 1) {
    stats_.ledger().replicas += n + other_copies - 1;
    stats_.port(p_.port).replicated_frames++;
  }
  for (unsigned i = 1; i < n; ++i) p.pool->retain(p.handle);
  // RSS (MRQC.MRQE = VMDq + RSS): one hash per frame; pools with VMOLR.RSSE spread flows over
  // their queues through the RETA, the others use their first queue.
  bool hashed = false;
  p.rss_hash = 0;
  if (rss_on_ && (pools & rss_pools_)) {
    hls::FlowTuple ft;
    if (parse_flow(p.frame(), h, mrqc_, ft)) {
      p.rss_hash = hls::rss_hash(rss_key_, ft);
      hashed = true;
    }
  }
  for (hls::PoolMask m = pools; m; m &= m - 1) {
    auto pool = static_cast<unsigned>(__builtin_ctzll(m));
    FramePayload copy = p;
    copy.pool_id = static_cast<std::int16_t>(pool);
    unsigned q = hashed && t_.pool[pool].rsse
                     ? hls::rss_queue_in_pool(reta_, p.rss_hash, prof_.queues_per_pool)
                     : 0;
    copy.queue = static_cast<std::uint16_t>(prof_.queue_of(pool, q));
    sc_core::sc_time d = delay;
    to_dma.send(copy, d);
  }
}

const hls::RxDecision& Sorter::classify(const hls::L2Header& h) {
  std::uint64_t key = h.da * 0x9E3779B97F4A7C15ull ^ (std::uint64_t{h.vid} << 17) ^
                      (std::uint64_t{h.frame_len} << 31) ^ h.ethertype ^ (h.tagged ? 1u << 13 : 0);
  RxCacheEntry& e = rx_cache_[(key >> 40) % kRxCacheEntries];
  if (e.generation != generation_ || e.h.da != h.da || e.h.sa != h.sa || e.h.tagged != h.tagged ||
      e.h.vid != h.vid || e.h.pcp != h.pcp || e.h.ethertype != h.ethertype ||
      e.h.frame_len != h.frame_len) {
    e.h = h;
    e.d = hls::classify_rx(t_, h);
    e.generation = generation_;
    ++cache_misses_;
  }
  return e.d;
}

void Sorter::receive(FramePayload& p, sc_core::sc_time& delay) {
  const hls::L2Header h = parse_l2(p.frame());
  const hls::RxDecision& d = classify(h);
  if (d.verdict != hls::RxVerdict::Deliver || d.pools == 0) {
    count_drop(d.verdict, -1);
    p.pool->release(p.handle);
    return;
  }
  deliver(p, h, d.pools, 0, delay);
}

void Sorter::transmit(FramePayload& p, sc_core::sc_time& delay) {
  auto src = static_cast<unsigned>(p.pool_id);
  int fn = p_.function_of_pool(src);
  const hls::L2Header h = parse_l2(p.frame());
  hls::TxDecision d = hls::switch_tx(t_, src, h);
  if (d.spoof_mac || d.spoof_vlan) {
    wvbr_ |= 1u << (p.queue & 31);  // 82576: the PF sees which queue misbehaved (WVBR)
    ++ssvpc_;                       // 82599: a count of spoofed packets (SSVPC)
    ++spoof_events_;
  }
  if (d.drop || (!d.to_wire && d.loopback_pools == 0)) {
    stats_.drop(d.spoof_mac || d.spoof_vlan ? Drop::Spoof
                 : d.tx_disabled            ? Drop::PoolDisabled
                                            : Drop::NoPool,
                 p_.port, fn);
    p.pool->release(p.handle);
    return;
  }
  if (d.loopback_pools) {
    stats_.port(p_.port).loopback_frames += __builtin_popcountll(d.loopback_pools);
    if (d.to_wire) p.pool->retain(p.handle);  // the wire keeps one reference
    sc_core::sc_time d_lb = delay;
    deliver(p, h, d.loopback_pools, d.to_wire ? 1 : 0, d_lb);
  }
  if (d.to_wire) to_wire.send(p, delay);
}

}  // namespace iovsim
