#include "model/core/probes.h"

#include <fnmatch.h>

#include <algorithm>

namespace iovsim {

ProbeRecorder::ProbeRecorder(std::vector<std::string> globs, ProbeWindow window, std::size_t max_changes)
    : globs_(std::move(globs)), window_(window), max_changes_(max_changes) {}

Probe ProbeRecorder::declare(const std::string& name, unsigned width, ProbeKind kind, const char* what,
                             bool is_signed) {
  Probe p;
  bool selected = globs_.empty();
  for (const std::string& g : globs_) selected = selected || ::fnmatch(g.c_str(), name.c_str(), 0) == 0;
  if (!selected) return p;
  p.rec_ = this;
  p.id_ = static_cast<std::uint32_t>(probes_.size());
  probes_.push_back({name, width, kind, is_signed, what});
  base_.emplace_back();
  return p;
}

void ProbeRecorder::record_before(std::uint32_t id, ps_t t, std::int64_t v, bool delta) {
  Base& b = base_[id];
  if (delta) {
    b.v += v;
  } else if (!b.set || t >= b.t) {
    b = {v, t, true};
  }
}

std::vector<ProbeRecorder::Value> ProbeRecorder::resolve() const {
  std::vector<Change>& c = changes_;  // in place: a copy would double the memory
  std::stable_sort(c.begin(), c.end(), [](const Change& a, const Change& b) { return a.t < b.t; });
  std::vector<std::int64_t> v(probes_.size()), shown(probes_.size());
  std::vector<Value> out;
  out.reserve(c.size() + probes_.size());
  for (std::uint32_t id = 0; id < probes_.size(); ++id) {
    v[id] = shown[id] = base_[id].v;
    out.push_back({window_.from, id, v[id]});
  }
  std::vector<std::uint32_t> touched;
  for (std::size_t i = 0; i < c.size();) {
    const ps_t t = c[i].t;
    touched.clear();
    for (; i < c.size() && c[i].t == t; ++i) {
      v[c[i].id] = c[i].delta ? v[c[i].id] + c[i].v : c[i].v;
      touched.push_back(c[i].id);
    }
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (std::uint32_t id : touched)
      if (v[id] != shown[id]) {
        shown[id] = v[id];
        out.push_back({t, id, v[id]});
      }
  }
  return out;
}

}  // namespace iovsim
