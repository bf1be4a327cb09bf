// Sweeps without running anything: the sweep file, its points, shards, metrics out of a run's
// JSON, the results' CSV and plot data. The expected values are written out or computed here,
// not taken from the code under test.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "model/sweep/runner.h"
#include "model/sweep/sweep.h"

using namespace iovsim::sweep;
using Catch::Matchers::Contains;

namespace {

const char* kDefault = "name: dflt\n";

Spec parse(const std::string& text) { return parse_spec(text, "t.yaml", kDefault); }

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const SpecError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("sweep: a product enumerates every combination, the last axis fastest", "[sweep]") {
  const Spec s = parse("axes:\n  a: [1, 2, 3]\n  b: [x, y]\nset: {duration_us: 100}\n");
  const auto p = points(s);
  REQUIRE(p.size() == 6);
  const std::vector<std::vector<std::string>> want{{"1", "x"}, {"1", "y"}, {"2", "x"}, {"2", "y"}, {"3", "x"}, {"3", "y"}};
  for (std::size_t i = 0; i < p.size(); ++i) {
    CHECK(p[i].index == i);
    CHECK(p[i].values == want[i]);
    CHECK(p[i].overrides == std::vector<std::string>{"duration_us=100", "a=" + want[i][0], "b=" + want[i][1]});
  }
  CHECK(s.base_text == kDefault);
  CHECK(s.base_path.empty());
  CHECK(s.metrics.size() == default_metrics().size());
}

TEST_CASE("sweep: zip pairs the axes' values, ranges by step and by count", "[sweep]") {
  const Spec z = parse("combine: zip\naxes:\n  a: {from: 0.2, to: 0.6, step: 0.2}\n  b: {from: 0, to: 1, count: 3}\n");
  const auto p = points(z);
  REQUIRE(p.size() == 3);
  CHECK(p[0].values == std::vector<std::string>{"0.2", "0"});
  CHECK(p[1].values == std::vector<std::string>{"0.4", "0.5"});
  CHECK(p[2].values == std::vector<std::string>{"0.6", "1"});
  const Spec i = parse("axes:\n  vfs: {from: 1, to: 7, step: 3}\n");
  CHECK(i.axes[0].values == std::vector<std::string>{"1", "4", "7"});
  const Spec down = parse("axes:\n  x: {from: 10, to: 0, step: -5}\n");
  CHECK(down.axes[0].values == std::vector<std::string>{"10", "5", "0"});
  // An axis setting several keys at once, by a list or a range.
  const Spec k = parse("axes:\n  flood_mbps: {keys: [port0.vf1.rate_limit_mbps, port0.vf4.rate_limit_mbps], "
                       "values: [0, 150]}\n  b: {keys: [x, y], from: 1, to: 2, step: 1}\n");
  const auto kp = points(k);
  REQUIRE(kp.size() == 4);
  CHECK(kp[1].values == std::vector<std::string>{"0", "2"});
  CHECK(kp[1].overrides ==
        std::vector<std::string>{"port0.vf1.rate_limit_mbps=0", "port0.vf4.rate_limit_mbps=0", "x=2", "y=2"});
  CHECK(spec_from_json(spec_to_json(k)).axes[0].keys == k.axes[0].keys);
  CHECK(fingerprint(spec_from_json(spec_to_json(k))) == fingerprint(k));
  // A value that is a map goes to --set as flow YAML.
  const Spec m = parse("axes:\n  port0.wire.frame_sizes: [{64: 1}, {64: 7, 1518: 1}]\n");
  CHECK(m.axes[0].values == std::vector<std::string>{"{64: 1}", "{64: 7, 1518: 1}"});
}

TEST_CASE("sweep: shards partition the points, deterministically", "[sweep]") {
  const Spec s = parse("axes:\n  a: {from: 1, to: 23, step: 1}\n");
  const auto all = points(s);
  for (unsigned n : {1u, 2u, 5u, 23u, 40u}) {
    std::set<unsigned> seen;
    for (unsigned i = 1; i <= n; ++i)
      for (const Point& p : shard(all, i, n)) {
        CHECK(p.index % n == i - 1);
        CHECK(seen.insert(p.index).second);  // in one shard only
      }
    CHECK(seen.size() == all.size());
  }
  CHECK(parse_shard("3/8") == std::pair<unsigned, unsigned>{3, 8});
  for (const char* bad : {"0/8", "9/8", "3", "3/0", "a/b", "3/8x", ""})
    CHECK_THROWS_WITH(parse_shard(bad), Contains("expected I/N"));
}

TEST_CASE("sweep: metrics out of a run's JSON: pointers, wildcards, selectors, folds, scale", "[sweep]") {
  const auto m = nlohmann::json::parse(R"({
    "conservation": {"dropped": 7},
    "ports": [{"wire_rx_gbps": 1.5}, {"wire_rx_gbps": 2.25}],
    "functions": [{"name": "port0.pf", "latency_ns": {"p99": 1000}},
                  {"name": "port0.vf0", "latency_ns": {"p99": 4000}},
                  {"name": "port0.vf1", "latency_ns": {"p99": 2500}},
                  {"name": "a/b", "flag": true}]})");
  auto x = [&](const std::string& path, const std::string& op, double scale = 1) {
    return extract(m, Metric{"m", path, op, scale});
  };
  CHECK(x("/conservation/dropped", "") == 7);
  CHECK(x("/ports/*/wire_rx_gbps", "sum") == 3.75);
  CHECK(x("/ports/1/wire_rx_gbps", "") == 2.25);
  CHECK(x("/functions/*/latency_ns/p99", "max", 1e-3) == 4.0);
  CHECK(x("/functions/*/latency_ns/p99", "min") == 1000);
  CHECK(x("/functions/*/latency_ns/p99", "mean") == 2500);
  CHECK(x("/functions/name=port0.vf1/latency_ns/p99", "") == 2500);
  CHECK(x("/functions/name=a~1b/flag", "") == 1);  // RFC 6901 escape, booleans as 0/1
  CHECK(std::isnan(x("/functions/name=port0.vf9/latency_ns/p99", "")));
  CHECK(std::isnan(x("/nothing/here", "")));
  CHECK(std::isnan(x("/ports/2/wire_rx_gbps", "")));
}

TEST_CASE("sweep: results CSV quotes as RFC 4180 and leaves missing values empty", "[sweep]") {
  const Spec s = parse("axes:\n  port0.wire.frame_sizes: [{64: 1, 1518: 1}, '\"q\"']\n"
                       "metrics:\n  d: /conservation/dropped\n  'a,b': /x\n");
  const auto p = points(s);
  std::vector<Outcome> o{{p[0], "ok", "", 1.0, {3, std::nan("")}}, {p[1], "failed", "exit 1", 0, {}}};
  CHECK(results_csv(s, o) ==
        "point,port0.wire.frame_sizes,status,d,\"a,b\"\n"
        "0,\"{64: 1, 1518: 1}\",ok,3,\n"
        "1,\"\"\"q\"\"\",failed,,\n");
  const auto j = results_json(s, o);
  CHECK(j["points"][0]["metrics"]["d"] == 3);
  CHECK(j["points"][0]["metrics"]["a,b"].is_null());
  CHECK(j["points"][1]["error"] == "exit 1");
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("line\nbreak") == "\"line\nbreak\"");
}

TEST_CASE("sweep: plot data has one block per series, x in axis order", "[sweep]") {
  const Spec s = parse("axes:\n  load: [0.5, 0.1]\n  kind: [rr, dwrr]\nmetrics:\n  y: /y\n"
                       "plots:\n  - {x: load, y: y}\n  - {x: kind, y: y, where: {load: 0.5}}\n");
  REQUIRE(s.plots.size() == 2);
  CHECK(s.plots[0].series == std::vector<std::string>{"kind"});
  std::vector<Outcome> o;
  double y = 10;
  for (const Point& p : points(s)) o.push_back({p, "ok", "", 0, {y++}});  // (0.5,rr)=10 (0.5,dwrr)=11 (0.1,rr)=12 (0.1,dwrr)=13
  std::string data, script, why;
  REQUIRE(plot_files(s, s.plots[0], o, "d.dat", "p.png", "p.svg", data, script, why));
  CHECK(data == "# kind=rr\n0.1 12\n0.5 10\n\n\n# kind=dwrr\n0.1 13\n0.5 11\n");  // numeric x sorted
  CHECK_THAT(script, Contains("set output 'p.png'") && Contains("set output 'p.svg'") && Contains("index 1"));
  REQUIRE(plot_files(s, s.plots[1], o, "d.dat", "p.png", "p.svg", data, script, why));
  CHECK(data == "# y\n0 \"rr\" 10\n1 \"dwrr\" 11\n");  // categories in axis order, only load 0.5
  CHECK_THAT(script, Contains("xticlabels(2)"));
  for (Outcome& x : o) x.status = "failed";
  CHECK_FALSE(plot_files(s, s.plots[0], o, "d.dat", "p.png", "p.svg", data, script, why));
  CHECK_THAT(why, Contains("no point has a value"));
}

TEST_CASE("sweep: bad sweep files name the file, the line and what is wrong", "[sweep]") {
  CHECK_THAT(error_of("axis:\n  a: [1]\n"), Contains("t.yaml:1: unknown key 'axis'"));
  CHECK_THAT(error_of("name: x\n"), Contains("axes: a map of scenario keys"));
  CHECK_THAT(error_of("axes:\n  a: []\n"), Contains("t.yaml:2: axes.a: no values"));
  CHECK_THAT(error_of("axes:\n  a: 3\n"), Contains("axes.a: a list of values or a range"));
  CHECK_THAT(error_of("axes:\n  a: {from: 1, to: 2}\n"), Contains("step or count"));
  CHECK_THAT(error_of("axes:\n  a: {from: 1, to: 2, step: 1, count: 2}\n"), Contains("step or count, one of them"));
  CHECK_THAT(error_of("axes:\n  a: {from: 1, to: x, step: 1}\n"), Contains("axes.a.to: 'x' is not a number"));
  CHECK_THAT(error_of("axes:\n  a: {from: 0, to: 1, step: -1}\n"), Contains("does not lead from 0 to 1"));
  CHECK_THAT(error_of("axes:\n  a: {from: 0, to: 1, stp: 1}\n"), Contains("unknown range key 'stp'"));
  CHECK_THAT(error_of("axes:\n  a: [1, ~]\n"), Contains("axes.a: an empty value"));
  CHECK_THAT(error_of("axes:\n  a: {keys: [], values: [1]}\n"), Contains("axes.a.keys: a list"));
  CHECK_THAT(error_of("axes:\n  a: {keys: [x], values: [1], from: 1, to: 2, step: 1}\n"), Contains("not both"));
  CHECK_THAT(error_of("combine: zip\naxes:\n  a: [1, 2]\n  b: [1]\n"), Contains("zip needs axes of one length"));
  CHECK_THAT(error_of("combine: both\naxes:\n  a: [1]\n"), Contains("combine: 'both' (product or zip)"));
  CHECK_THAT(error_of("axes:\n  a: [1]\nmetrics:\n  m: ports/0\n"), Contains("is not a JSON pointer"));
  CHECK_THAT(error_of("axes:\n  a: [1]\nmetrics:\n  m: /ports/*/x\n"), Contains("give op"));
  CHECK_THAT(error_of("axes:\n  a: [1]\nmetrics:\n  m: {path: /x, op: median}\n"), Contains("'median' (sum, max"));
  CHECK_THAT(error_of("axes:\n  a: [1]\nmetrics:\n  m: /x\nplots:\n  - {x: b, y: m}\n"), Contains("x 'b' is not an axis"));
  CHECK_THAT(error_of("axes:\n  a: [1]\nmetrics:\n  m: /x\nplots:\n  - {x: a, y: n}\n"), Contains("y 'n' is not a metric"));
  CHECK_THAT(error_of("axes:\n  a: [1]\nmetrics:\n  m: /x\nplots:\n  - {x: a, y: m, where: {a: 2}}\n"),
             Contains("'2' is not one of its values"));
  CHECK_THAT(error_of("base: /no/such/scenario.yaml\naxes:\n  a: [1]\n"), Contains("cannot read the scenario file"));
  CHECK_THAT(error_of("axes: [unclosed\n"), Contains("t.yaml:"));
}

TEST_CASE("sweep: the base scenario is read relative to the sweep file", "[sweep]") {
  namespace fs = std::filesystem;
  const fs::path d = fs::temp_directory_path() / "iovsim-test-sweep-base";
  fs::create_directories(d / "sub");
  std::ofstream(d / "base.yaml") << "name: from-file\n";
  const Spec s = parse_spec("base: ../base.yaml\naxes:\n  a: [1]\n", (d / "sub" / "s.yaml").string(), kDefault);
  CHECK(s.base_text == "name: from-file\n");
  CHECK(s.base_path == (d / "base.yaml").string());
  CHECK(s.name == "s");
  const Spec inl = parse("base:\n  device: {preset: '82599'}\naxes:\n  a: [1]\n");
  CHECK(inl.base_path.empty());
  CHECK(inl.base_text == "device: {preset: 82599}\n");  // yaml-cpp's emitter: the loader reads it as the same text
  fs::remove_all(d);
}

TEST_CASE("sweep: the fingerprint follows the base and every point, the spec round-trips", "[sweep]") {
  const std::string text = "axes:\n  a: [1, 2]\n  b: [x]\nmetrics:\n  m: {path: /x, op: sum, scale: 2}\n"
                           "plots:\n  - {x: a, y: m, where: {b: x}, logy: true}\n";
  const Spec s = parse(text);
  CHECK(fingerprint(s) == fingerprint(parse(text)));
  CHECK(fingerprint(s) != fingerprint(parse("axes:\n  a: [1, 3]\n  b: [x]\n")));
  CHECK(fingerprint(s) != fingerprint(parse_spec(text, "t.yaml", "name: other\n")));
  const Spec r = spec_from_json(spec_to_json(s));
  CHECK(fingerprint(r) == fingerprint(s));
  CHECK(results_csv(r, {}) == results_csv(s, {}));
  REQUIRE(r.plots.size() == 1);
  CHECK(r.plots[0].where == s.plots[0].where);
  CHECK(r.plots[0].logy);
  CHECK(r.metrics[0].scale == 2);
}
