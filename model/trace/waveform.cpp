#include "model/trace/waveform.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <numeric>

extern "C" {
#include <fstapi.h>
}

#include "model/core/scenario.h"

namespace iovsim {

namespace {

std::vector<std::string> split(const std::string& name) {
  std::vector<std::string> parts;
  std::size_t at = 0;
  for (std::size_t dot; (dot = name.find('.', at)) != std::string::npos; at = dot + 1)
    parts.push_back(name.substr(at, dot - at));
  parts.push_back(name.substr(at));
  return parts;
}

// Walks the probes in name order, opening and closing scopes around them.
template <class Open, class Close, class Var>
void hierarchy(const ProbeRecorder& rec, Open open, Close close, Var var) {
  const auto& probes = rec.probes();
  std::vector<std::uint32_t> order(probes.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return probes[a].name < probes[b].name; });
  std::vector<std::string> scope;
  for (std::uint32_t id : order) {
    std::vector<std::string> parts = split(probes[id].name);
    const std::string leaf = parts.back();
    parts.pop_back();
    std::size_t common = 0;
    while (common < scope.size() && common < parts.size() && scope[common] == parts[common]) ++common;
    while (scope.size() > common) close(), scope.pop_back();
    for (std::size_t i = common; i < parts.size(); ++i) open(parts[i]), scope.push_back(parts[i]);
    var(id, leaf);
  }
  while (!scope.empty()) close(), scope.pop_back();
}

// The value's bits, most significant first (a 1-bit probe shows whether it is non-zero).
std::string bits(std::int64_t v, unsigned width) {
  if (width == 1) return v ? "1" : "0";
  std::string s(width, '0');
  const auto u = static_cast<std::uint64_t>(v);
  for (unsigned i = 0; i < width && i < 64; ++i) s[width - 1 - i] = (u >> i & 1) ? '1' : '0';
  return s;
}

std::string vcd_id(std::uint32_t n) {
  std::string s;
  do {
    s += static_cast<char>('!' + n % 94);
    n /= 94;
  } while (n);
  return s;
}

void write_vcd(const std::string& path, const ProbeRecorder& rec) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw ConfigError(fmt::format("{}: cannot write the waveform", path));
  const auto& probes = rec.probes();
  fmt::print(f, "$date iovsim $end\n$version iovsim architectural probes $end\n$timescale 1ps $end\n");
  hierarchy(
      rec, [&](const std::string& s) { fmt::print(f, "$scope module {} $end\n", s); },
      [&] { fmt::print(f, "$upscope $end\n"); },
      [&](std::uint32_t id, const std::string& leaf) {
        const ProbeInfo& p = probes[id];
        fmt::print(f, "$var {} {} {} {} $end\n", p.is_signed ? "integer" : "wire", p.width, vcd_id(id), leaf);
      });
  fmt::print(f, "$enddefinitions $end\n");
  const std::vector<ProbeRecorder::Value> values = rec.resolve();
  auto emit = [&](const ProbeRecorder::Value& v) {
    const ProbeInfo& p = probes[v.id];
    if (p.width == 1)
      fmt::print(f, "{}{}\n", bits(v.v, 1), vcd_id(v.id));
    else
      fmt::print(f, "b{} {}\n", bits(v.v, p.width), vcd_id(v.id));
  };
  // resolve() gives every probe's value at the window's start first: the initial dump.
  ps_t now = rec.window().from;
  fmt::print(f, "#{}\n$dumpvars\n", now);
  std::size_t i = 0;
  for (; i < values.size() && i < probes.size(); ++i) emit(values[i]);
  fmt::print(f, "$end\n");
  for (; i < values.size(); ++i) {
    if (values[i].t != now) fmt::print(f, "#{}\n", values[i].t), now = values[i].t;
    emit(values[i]);
  }
  const bool ok = std::ferror(f) == 0;
  if (std::fclose(f) != 0 || !ok) throw ConfigError(fmt::format("{}: writing the waveform failed", path));
}

void write_fst(const std::string& path, const ProbeRecorder& rec) {
  void* ctx = fstWriterCreate(path.c_str(), 1);
  if (!ctx) throw ConfigError(fmt::format("{}: cannot write the waveform", path));
  fstWriterSetTimescale(ctx, -12);
  fstWriterSetVersion(ctx, "iovsim architectural probes");
  const auto& probes = rec.probes();
  std::vector<fstHandle> handle(probes.size());
  hierarchy(
      rec, [&](const std::string& s) { fstWriterSetScope(ctx, FST_ST_VCD_MODULE, s.c_str(), nullptr); },
      [&] { fstWriterSetUpscope(ctx); },
      [&](std::uint32_t id, const std::string& leaf) {
        const ProbeInfo& p = probes[id];
        handle[id] = fstWriterCreateVar(ctx, p.is_signed ? FST_VT_VCD_INTEGER : FST_VT_VCD_WIRE, FST_VD_IMPLICIT,
                                        p.width, leaf.c_str(), 0);
      });
  ps_t now = ~ps_t{0};
  for (const ProbeRecorder::Value& v : rec.resolve()) {
    if (v.t != now) fstWriterEmitTimeChange(ctx, v.t), now = v.t;
    fstWriterEmitValueChange(ctx, handle[v.id], bits(v.v, probes[v.id].width).c_str());
  }
  fstWriterClose(ctx);
}

}  // namespace

void write_waveform(const std::string& path, const ProbeRecorder& rec) {
  const bool fst = path.size() >= 4 && path.compare(path.size() - 4, 4, ".fst") == 0;
  if (fst)
    write_fst(path, rec);
  else
    write_vcd(path, rec);
}

}  // namespace iovsim
