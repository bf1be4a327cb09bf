#include "model/core/metrics_registry.h"

#include <map>
#include <set>
#include <unordered_map>

namespace iovsim {

const char* unit_name(Unit u) {
  switch (u) {
    case Unit::None: return "";
    case Unit::Frames: return "frames";
    case Unit::Bytes: return "bytes";
    case Unit::Events: return "events";
    case Unit::Count: return "count";
    case Unit::Nanoseconds: return "ns";
    case Unit::Gbps: return "Gb/s";
    case Unit::Mbps: return "Mb/s";
    case Unit::Ratio: return "ratio";
  }
  return "?";
}

void MetricsRegistry::counter(std::string path, const std::uint64_t& value, Unit unit,
                              const char* doc) {
  counters_.push_back({std::move(path), &value, unit, doc});
}

void MetricsRegistry::gauge(std::string path, std::function<std::uint64_t()> fn, Unit unit,
                            const char* doc) {
  gauges_.push_back({std::move(path), std::move(fn), unit, doc});
}

void MetricsRegistry::value(std::string path, std::function<nlohmann::json()> fn, Unit unit,
                            const char* doc) {
  values_.push_back({std::move(path), std::move(fn), unit, doc});
}

void MetricsRegistry::rate_gbps(std::string path, std::string bytes_path, const char* doc) {
  rates_.push_back({std::move(path), std::move(bytes_path), doc, 8e-9, Unit::Gbps});
}

void MetricsRegistry::rate_per_second(std::string path, std::string counter_path, const char* doc) {
  rates_.push_back({std::move(path), std::move(counter_path), doc, 1.0, Unit::Events});
}

void MetricsRegistry::traffic(const std::string& prefix, const std::uint64_t& frames,
                              const std::uint64_t& bytes, const char* doc) {
  counter(prefix + "_frames", frames, Unit::Frames, doc);
  counter(prefix + "_bytes", bytes, Unit::Bytes, "their frame bytes (DA through FCS)");
  rate_gbps(prefix + "_gbps", prefix + "_bytes", "their bytes over the traffic window");
}

void MetricsRegistry::mark_window_start() {
  for (const auto& s : settle_) s(now_ps());
  start_.clear();
  for (const Counter& c : counters_) start_.push_back(*c.v);
  started_ = true;
  window_start_ps_ = now_ps();
}

void MetricsRegistry::mark_sample(ps_t t) {
  if (!started_) return;
  if (rate_counters_.empty()) {  // the first mark: each rate's counters, found by their path
    std::unordered_map<std::string, std::vector<std::size_t>> by_path;
    for (std::size_t i = 0; i < counters_.size(); ++i) by_path[counters_[i].path].push_back(i);
    rate_counters_.reserve(rates_.size());
    for (const Rate& r : rates_) {
      auto it = by_path.find(r.bytes_path);
      rate_counters_.push_back(it == by_path.end() ? std::vector<std::size_t>{} : it->second);
    }
  }
  for (const auto& s : settle_) s(t);
  sample_t_.push_back(t);
  for (const std::vector<std::size_t>& idx : rate_counters_) {
    std::uint64_t v = 0;
    for (std::size_t i : idx) v += *counters_[i].v - start_[i];
    samples_.push_back(v);
  }
}

void MetricsRegistry::mark_window_end() {
  for (const auto& s : settle_) s(now_ps());
  end_.clear();
  for (const Counter& c : counters_) end_.push_back(*c.v);
  ended_ = true;
}

namespace {
// The value at `path` ("/a/0/b") in `j`, created on the way: numeric segments index arrays.
nlohmann::json& at(nlohmann::json& j, const std::string& path) {
  nlohmann::json* cur = &j;
  std::size_t i = 0;
  while (i < path.size()) {
    std::size_t e = path.find('/', i + 1);
    if (e == std::string::npos) e = path.size();
    const char* seg = path.data() + i + 1;
    const std::size_t len = e - i - 1;
    std::size_t index = 0;
    bool numeric = len > 0;
    for (std::size_t k = 0; k < len && numeric; ++k) {
      numeric = seg[k] >= '0' && seg[k] <= '9';
      index = index * 10 + static_cast<std::size_t>(seg[k] - '0');
    }
    if (numeric) {
      if (!cur->is_array()) *cur = nlohmann::json::array();
      while (cur->size() <= index) cur->push_back(nullptr);
      cur = &(*cur)[index];
    } else {
      cur = &(*cur)[std::string(seg, len)];
    }
    i = e;
  }
  return *cur;
}
}  // namespace

nlohmann::json MetricsRegistry::compose() const {
  using nlohmann::json;
  json j = json::object();
  for (const auto& s : settle_) s(~ps_t{0});
  std::map<std::string, std::uint64_t> sums, window;
  for (std::size_t i = 0; i < counters_.size(); ++i) {
    const Counter& c = counters_[i];
    sums[c.path] += *c.v;
    const std::uint64_t at_start = started_ ? start_[i] : 0;
    const std::uint64_t at_end = ended_ ? end_[i] : *c.v;
    window[c.path] += at_end - at_start;
  }
  for (const Gauge& g : gauges_) sums[g.path] += g.fn();
  for (const auto& [path, v] : sums) at(j, path) = v;
  for (const Value& v : values_) at(j, v.path) = v.fn();
  for (const Rate& r : rates_) {
    auto it = window.find(r.bytes_path);
    const std::uint64_t bytes = it == window.end() ? 0 : it->second;
    at(j, r.path) = window_s_ > 0 ? static_cast<double>(bytes) * r.scale / window_s_ : 0.0;
  }
  if (!sample_t_.empty()) {
    json t = json::array();
    for (ps_t s : sample_t_) t.push_back(static_cast<double>(s - window_start_ps_) / kPsPerUs);
    at(j, "/time_series/t_us") = std::move(t);
    const std::size_t nr = rates_.size();
    for (std::size_t r = 0; r < nr; ++r) {
      json series = json::array();
      ps_t prev_t = window_start_ps_;
      std::uint64_t prev = 0;
      for (std::size_t k = 0; k < sample_t_.size(); ++k) {
        const std::uint64_t v = samples_[k * nr + r];
        const double dt = static_cast<double>(sample_t_[k] - prev_t) / kPsPerUs * 1e-6;
        series.push_back(dt > 0 ? static_cast<double>(v - prev) * rates_[r].scale / dt : 0.0);
        prev = v, prev_t = sample_t_[k];
      }
      at(j, rates_[r].path + "_series") = std::move(series);
    }
  }
  return j;
}

std::vector<MetricsRegistry::Description> MetricsRegistry::describe() const {
  auto pattern = [](const std::string& path) {
    std::string out;
    std::size_t i = 0;
    while (i < path.size()) {
      std::size_t j = path.find('/', i + 1);
      if (j == std::string::npos) j = path.size();
      const std::string seg = path.substr(i + 1, j - i - 1);
      const bool index = !seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos;
      out += "/" + (index ? std::string("*") : seg);
      i = j;
    }
    return out;
  };
  std::vector<Description> d;
  std::set<std::string> seen;
  auto add = [&](const std::string& path, Unit u, const char* doc) {
    const std::string p = pattern(path);
    if (seen.insert(p).second) d.push_back({p, u, doc});
  };
  for (const Counter& c : counters_) add(c.path, c.unit, c.doc);
  for (const Gauge& g : gauges_) add(g.path, g.unit, g.doc);
  for (const Value& v : values_) add(v.path, v.unit, v.doc);
  for (const Rate& r : rates_) add(r.path, r.unit, r.doc);
  return d;
}

}  // namespace iovsim
