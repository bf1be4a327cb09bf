#include "model/sweep/sweep.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>

namespace iovsim::sweep {

namespace {

[[noreturn]] void fail(const std::string& file, const YAML::Node& at, const std::string& what) {
  const YAML::Mark m = at.Mark();
  if (m.line >= 0) throw SpecError(fmt::format("{}:{}: {}", file, m.line + 1, what));
  throw SpecError(fmt::format("{}: {}", file, what));
}

// A YAML value as the flow text --set takes.
std::string flow_text(const YAML::Node& n) {
  if (n.IsScalar()) return n.Scalar();
  YAML::Emitter e;
  e << YAML::Flow << n;
  return e.c_str();
}

bool is_number(const YAML::Node& n, double& v) {
  if (!n.IsScalar()) return false;
  const std::string& s = n.Scalar();
  char* end = nullptr;
  v = std::strtod(s.c_str(), &end);
  return !s.empty() && end && *end == 0 && std::isfinite(v);
}

std::string number_text(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<long long>(v));
  return fmt::format("{:.12g}", v);
}

// A range {from, to, step} or {from, to, count} into its values (`to` included when on the
// grid, within a millionth of a step).
std::vector<std::string> range_values(const std::string& file, const std::string& key, const YAML::Node& r) {
  double from = 0, to = 0, step = 0, count = 0;
  for (const auto& kv : r) {
    const std::string k = kv.first.Scalar();
    if (k != "from" && k != "to" && k != "step" && k != "count")
      fail(file, kv.first, fmt::format("axes.{}: unknown range key '{}' (from, to, and step or count)", key, k));
  }
  auto num = [&](const char* k, double& out) {
    const YAML::Node n = r[k];
    if (!n) return false;
    if (!is_number(n, out)) fail(file, n, fmt::format("axes.{}.{}: '{}' is not a number", key, k, flow_text(n)));
    return true;
  };
  if (!num("from", from) || !num("to", to))
    fail(file, r, fmt::format("axes.{}: a range needs from and to (and step or count)", key));
  const bool has_step = num("step", step), has_count = num("count", count);
  if (has_step == has_count) fail(file, r, fmt::format("axes.{}: a range takes step or count, one of them", key));
  std::vector<std::string> out;
  if (has_count) {
    if (count < 1 || count != std::floor(count) || count > 100000)
      fail(file, r["count"], fmt::format("axes.{}.count: {} is not a whole number in 1..100000", key, count));
    const auto n = static_cast<unsigned>(count);
    for (unsigned i = 0; i < n; ++i) out.push_back(number_text(n == 1 ? from : from + (to - from) * i / (n - 1)));
    return out;
  }
  if (step == 0 || (to - from) / step < 0)
    fail(file, r["step"], fmt::format("axes.{}.step: {} does not lead from {} to {}", key, step, from, to));
  const double n = std::floor((to - from) / step + 1e-6);
  if (n > 100000) fail(file, r, fmt::format("axes.{}: {} values (at most 100000)", key, n + 1));
  for (unsigned i = 0; i <= static_cast<unsigned>(n); ++i) out.push_back(number_text(from + step * i));
  return out;
}

void check_keys(const std::string& file, const YAML::Node& map, const std::string& where,
                const std::set<std::string>& known) {
  for (const auto& kv : map)
    if (!known.count(kv.first.Scalar())) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      fail(file, kv.first, fmt::format("{}unknown key '{}' (known: {})", where, kv.first.Scalar(), list));
    }
}

std::uint64_t fnv1a(std::uint64_t h, const std::string& s) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return (h ^ 0xFF) * 1099511628211ull;  // a separator, so ("ab","c") differs from ("a","bc")
}

// Every number the pointer `segs` (from `i`) reaches in `j`.
void collect(const nlohmann::json& j, const std::vector<std::string>& segs, std::size_t i, std::vector<double>& out) {
  if (i == segs.size()) {
    if (j.is_number()) out.push_back(j.get<double>());
    else if (j.is_boolean()) out.push_back(j.get<bool>() ? 1 : 0);
    return;
  }
  const std::string& s = segs[i];
  if (s == "*") {
    if (j.is_array() || j.is_object())
      for (const auto& e : j) collect(e, segs, i + 1, out);
    return;
  }
  const auto eq = s.find('=');
  if (eq != std::string::npos && j.is_array()) {
    const std::string k = s.substr(0, eq), v = s.substr(eq + 1);
    for (const auto& e : j) {
      if (!e.is_object() || !e.contains(k)) continue;
      const auto& f = e[k];
      const std::string text = f.is_string() ? f.get<std::string>() : f.dump();
      if (text == v) collect(e, segs, i + 1, out);
    }
    return;
  }
  if (j.is_object()) {
    const auto it = j.find(s);
    if (it != j.end()) collect(*it, segs, i + 1, out);
  } else if (j.is_array()) {
    char* end = nullptr;
    const unsigned long k = std::strtoul(s.c_str(), &end, 10);
    if (!s.empty() && *end == 0 && k < j.size()) collect(j[k], segs, i + 1, out);
  }
}

std::vector<std::string> split_pointer(const std::string& p) {
  std::vector<std::string> segs;
  std::string cur;
  for (std::size_t i = 1; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') {
      std::string s;  // RFC 6901 escapes
      for (std::size_t k = 0; k < cur.size(); ++k)
        if (cur[k] == '~' && k + 1 < cur.size()) s += cur[++k] == '1' ? '/' : '~';
        else s += cur[k];
      segs.push_back(s);
      cur.clear();
    } else {
      cur += p[i];
    }
  }
  return segs;
}

bool wild(const std::string& path) {
  for (const std::string& s : split_pointer(path))
    if (s == "*") return true;
  return false;
}

std::string value_text(double v) {
  if (std::isnan(v)) return "";
  return fmt::format("{:.12g}", v);  // twelve digits: no binary noise from a scale (5.568, not 5.5680000000000005)
}

int axis_index(const Spec& s, const std::string& key) {
  for (std::size_t i = 0; i < s.axes.size(); ++i)
    if (s.axes[i].key == key) return static_cast<int>(i);
  return -1;
}

}  // namespace

bool read_whole_file(const std::string& path, std::string& text) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  text = ss.str();
  return true;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::vector<Metric> default_metrics() {
  return {{"wire_rx_gbps", "/ports/*/wire_rx_gbps", "sum", 1},
          {"wire_tx_gbps", "/ports/*/wire_tx_gbps", "sum", 1},
          {"delivered", "/conservation/delivered", "", 1},
          {"dropped", "/conservation/dropped", "", 1},
          {"worst_rx_p99_us", "/functions/*/latency_ns/p99", "max", 1e-3},
          {"worst_tx_p99_us", "/functions/*/tx_latency_ns/p99", "max", 1e-3},
          {"pcie_upstream_utilization", "/pcie/upstream_utilization", "", 1}};
}

Spec parse_spec(const std::string& text, const std::string& file, const std::string& default_scenario) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::ParserException& e) {
    throw SpecError(fmt::format("{}:{}: {}", file, e.mark.line + 1, e.msg));
  }
  if (!root.IsMap()) throw SpecError(file + ": a sweep file is a YAML map (base, set, axes, combine, metrics, plots)");
  check_keys(file, root, "", {"name", "base", "set", "combine", "axes", "metrics", "plots"});
  Spec s;
  s.file = file;
  s.name = root["name"] ? root["name"].Scalar() : std::filesystem::path(file).stem().string();
  const YAML::Node base = root["base"];
  if (!base || (base.IsScalar() && base.Scalar() == "default")) {
    s.base_text = default_scenario;
  } else if (base.IsMap()) {  // the scenario itself, inline
    YAML::Emitter e;
    e << base;
    s.base_text = std::string(e.c_str()) + "\n";
  } else {
    if (!base.IsScalar()) fail(file, base, "base: a scenario file (relative to the sweep file), 'default' or a scenario map");
    std::filesystem::path p = base.Scalar();
    if (p.is_relative()) p = std::filesystem::path(file).parent_path() / p;
    if (!read_whole_file(p.string(), s.base_text))
      fail(file, base, fmt::format("base: cannot read the scenario file {}", p.string()));
    s.base_path = std::filesystem::absolute(p).lexically_normal().string();
  }
  if (const YAML::Node set = root["set"]) {
    if (!set.IsMap()) fail(file, set, "set: a map of scenario keys and the values every point gets");
    for (const auto& kv : set) s.fixed.push_back(kv.first.Scalar() + "=" + flow_text(kv.second));
  }
  if (const YAML::Node c = root["combine"]) {
    if (!c.IsScalar() || (c.Scalar() != "product" && c.Scalar() != "zip"))
      fail(file, c, fmt::format("combine: '{}' (product or zip)", flow_text(c)));
    s.zip = c.Scalar() == "zip";
  }
  const YAML::Node axes = root["axes"];
  if (!axes || !axes.IsMap() || axes.size() == 0)
    fail(file, axes ? axes : root, "axes: a map of scenario keys, each with a list or a range of values");
  for (const auto& kv : axes) {
    Axis a;
    a.key = kv.first.Scalar();
    if (a.key.empty() || a.key.find('=') != std::string::npos)
      fail(file, kv.first, fmt::format("axes: '{}' is not a scenario key", a.key));
    if (axis_index(s, a.key) >= 0) fail(file, kv.first, fmt::format("axes.{}: given twice", a.key));
    const YAML::Node v = kv.second;
    if (v.IsSequence()) {
      for (const auto& e : v) {
        if (e.IsNull()) fail(file, e, fmt::format("axes.{}: an empty value", a.key));
        a.values.push_back(flow_text(e));
      }
    } else if (v.IsMap() && (v["values"] || v["keys"])) {  // {values | range, keys}
      YAML::Node range(YAML::NodeType::Map);
      for (const auto& e : v) {
        const std::string k = e.first.Scalar();
        if (k == "keys") {
          if (!e.second.IsSequence() || e.second.size() == 0)
            fail(file, e.second, fmt::format("axes.{}.keys: a list of the scenario keys the axis sets", a.key));
          for (const auto& x : e.second) a.keys.push_back(x.Scalar());
        } else if (k == "values") {
          if (!e.second.IsSequence()) fail(file, e.second, fmt::format("axes.{}.values: a list", a.key));
          for (const auto& x : e.second) {
            if (x.IsNull()) fail(file, x, fmt::format("axes.{}: an empty value", a.key));
            a.values.push_back(flow_text(x));
          }
        } else {
          range[k] = e.second;
        }
      }
      if (range.size()) {
        if (v["values"]) fail(file, v, fmt::format("axes.{}: values or a range, not both", a.key));
        a.values = range_values(file, a.key, range);
      }
    } else if (v.IsMap()) {
      a.values = range_values(file, a.key, v);
    } else {
      fail(file, v, fmt::format("axes.{}: a list of values or a range {{from, to, step|count}}", a.key));
    }
    if (a.values.empty()) fail(file, v, fmt::format("axes.{}: no values (an empty axis makes no points)", a.key));
    s.axes.push_back(std::move(a));
  }
  if (s.zip)
    for (const Axis& a : s.axes)
      if (a.values.size() != s.axes[0].values.size())
        fail(file, axes, fmt::format("combine: zip needs axes of one length ({} has {}, {} has {})", s.axes[0].key,
                                     s.axes[0].values.size(), a.key, a.values.size()));
  if (const YAML::Node m = root["metrics"]) {
    if (!m.IsMap() || m.size() == 0) fail(file, m, "metrics: a map of column names to JSON pointers (or {path, op, scale})");
    for (const auto& kv : m) {
      Metric x;
      x.name = kv.first.Scalar();
      const YAML::Node v = kv.second;
      if (v.IsScalar()) {
        x.path = v.Scalar();
      } else if (v.IsMap()) {
        check_keys(file, v, fmt::format("metrics.{}: ", x.name), {"path", "op", "scale"});
        if (!v["path"]) fail(file, v, fmt::format("metrics.{}: no path", x.name));
        x.path = v["path"].Scalar();
        if (v["op"]) x.op = v["op"].Scalar();
        if (v["scale"] && !is_number(v["scale"], x.scale))
          fail(file, v["scale"], fmt::format("metrics.{}.scale: not a number", x.name));
      } else {
        fail(file, v, fmt::format("metrics.{}: a JSON pointer or {{path, op, scale}}", x.name));
      }
      if (x.path.empty() || x.path[0] != '/')
        fail(file, v, fmt::format("metrics.{}: '{}' is not a JSON pointer (/ports/0/wire_rx_gbps)", x.name, x.path));
      if (!x.op.empty() && x.op != "sum" && x.op != "max" && x.op != "min" && x.op != "mean")
        fail(file, v, fmt::format("metrics.{}.op: '{}' (sum, max, min, mean)", x.name, x.op));
      if (x.op.empty() && wild(x.path))
        fail(file, v, fmt::format("metrics.{}: {} selects several values: give op (sum, max, min, mean)", x.name, x.path));
      for (const Metric& o : s.metrics)
        if (o.name == x.name) fail(file, kv.first, fmt::format("metrics.{}: given twice", x.name));
      s.metrics.push_back(x);
    }
  } else {
    s.metrics = default_metrics();
  }
  if (const YAML::Node pl = root["plots"]) {
    if (!pl.IsSequence()) fail(file, pl, "plots: a list of {x, y, series, where, title, logx, logy}");
    for (const auto& n : pl) {
      if (!n.IsMap()) fail(file, n, "plots: each plot is a map {x, y, ...}");
      check_keys(file, n, "plots: ", {"name", "x", "y", "series", "where", "title", "logx", "logy"});
      Plot p;
      if (!n["x"] || !n["y"]) fail(file, n, "plots: each plot needs x (an axis) and y (a metric)");
      p.x = n["x"].Scalar();
      p.y = n["y"].Scalar();
      if (axis_index(s, p.x) < 0) fail(file, n["x"], fmt::format("plots: x '{}' is not an axis of the sweep", p.x));
      if (std::none_of(s.metrics.begin(), s.metrics.end(), [&](const Metric& m) { return m.name == p.y; }))
        fail(file, n["y"], fmt::format("plots: y '{}' is not a metric of the sweep", p.y));
      if (const YAML::Node se = n["series"]) {
        const YAML::Node list = se.IsSequence() ? se : YAML::Node(YAML::NodeType::Sequence);
        if (se.IsScalar()) p.series.push_back(se.Scalar());
        for (const auto& e : list) p.series.push_back(e.Scalar());
        for (const std::string& k : p.series)
          if (axis_index(s, k) < 0 || k == p.x)
            fail(file, se, fmt::format("plots: series '{}' is not another axis of the sweep", k));
      }
      if (const YAML::Node w = n["where"]) {
        if (!w.IsMap()) fail(file, w, "plots: where is a map of axis keys and values");
        for (const auto& kv : w) {
          const int ai = axis_index(s, kv.first.Scalar());
          if (ai < 0) fail(file, kv.first, fmt::format("plots: where '{}' is not an axis", kv.first.Scalar()));
          const std::string v = flow_text(kv.second);
          const auto& vals = s.axes[static_cast<std::size_t>(ai)].values;
          if (std::find(vals.begin(), vals.end(), v) == vals.end())
            fail(file, kv.second, fmt::format("plots: where {}: '{}' is not one of its values", kv.first.Scalar(), v));
          p.where.emplace_back(kv.first.Scalar(), v);
        }
      }
      if (!n["series"] && !s.zip)  // every other axis that varies and `where` does not fix
        for (const Axis& a : s.axes)
          if (a.key != p.x && a.values.size() > 1 &&
              std::none_of(p.where.begin(), p.where.end(), [&](const auto& w) { return w.first == a.key; }))
            p.series.push_back(a.key);
      p.title = n["title"] ? n["title"].Scalar() : fmt::format("{}: {} against {}", s.name, p.y, p.x);
      p.logx = n["logx"] && n["logx"].as<bool>(false);
      p.logy = n["logy"] && n["logy"].as<bool>(false);
      p.name = n["name"] ? n["name"].Scalar() : fmt::format("{}-vs-{}", p.y, p.x);
      for (char& c : p.name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') c = '_';
      for (const Plot& o : s.plots)
        if (o.name == p.name) fail(file, n, fmt::format("plots: two plots named '{}' (give one a name)", p.name));
      s.plots.push_back(p);
    }
  }
  return s;
}

Spec parse_spec_file(const std::string& path, const std::string& default_scenario) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) throw SpecError(path + ": is a directory, not a sweep file");
  std::string text;
  if (!read_whole_file(path, text)) throw SpecError(path + ": cannot read the sweep file (no such file, or not readable)");
  return parse_spec(text, path, default_scenario);
}

std::vector<Point> points(const Spec& s) {
  std::vector<Point> out;
  std::size_t n = 1;
  if (s.zip) n = s.axes[0].values.size();
  else
    for (const Axis& a : s.axes) n *= a.values.size();
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    Point p;
    p.index = static_cast<unsigned>(i);
    p.overrides = s.fixed;
    std::size_t rest = i;
    p.values.resize(s.axes.size());
    for (std::size_t k = s.axes.size(); k-- > 0;) {  // the last axis varies fastest
      const Axis& a = s.axes[k];
      const std::size_t v = s.zip ? i : rest % a.values.size();
      if (!s.zip) rest /= a.values.size();
      p.values[k] = a.values[v];
    }
    for (std::size_t k = 0; k < s.axes.size(); ++k) {
      const Axis& a = s.axes[k];
      if (a.keys.empty()) p.overrides.push_back(a.key + "=" + p.values[k]);
      for (const std::string& key : a.keys) p.overrides.push_back(key + "=" + p.values[k]);
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<Point> shard(const std::vector<Point>& all, unsigned i, unsigned n) {
  std::vector<Point> out;
  for (const Point& p : all)
    if (p.index % n == i - 1) out.push_back(p);
  return out;
}

std::pair<unsigned, unsigned> parse_shard(const std::string& text) {
  unsigned i = 0, n = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%u/%u%c", &i, &n, &extra) != 2 || n == 0 || i == 0 || i > n)
    throw SpecError(fmt::format("--shard {}: expected I/N with 1 <= I <= N (e.g. 2/8)", text));
  return {i, n};
}

std::string fingerprint(const Spec& s) {
  std::uint64_t h = 1469598103934665603ull;
  h = fnv1a(h, s.base_text);
  for (const Point& p : points(s))
    for (const std::string& o : p.overrides) h = fnv1a(h, o);
  return fmt::format("{:016x}", h);
}

double extract(const nlohmann::json& metrics, const Metric& m) {
  std::vector<double> v;
  collect(metrics, split_pointer(m.path), 0, v);
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  double r = v[0];
  if (m.op == "sum" || m.op == "mean") {
    r = 0;
    for (double x : v) r += x;
    if (m.op == "mean") r /= static_cast<double>(v.size());
  } else if (m.op == "max") {
    r = *std::max_element(v.begin(), v.end());
  } else if (m.op == "min") {
    r = *std::min_element(v.begin(), v.end());
  }
  return r * m.scale;
}

std::string results_csv(const Spec& s, const std::vector<Outcome>& outcomes) {
  std::string out = "point";
  for (const Axis& a : s.axes) out += "," + csv_field(a.key);
  out += ",status";
  for (const Metric& m : s.metrics) out += "," + csv_field(m.name);
  out += "\n";
  for (const Outcome& o : outcomes) {
    out += std::to_string(o.point.index);
    for (const std::string& v : o.point.values) out += "," + csv_field(v);
    out += "," + o.status;
    for (std::size_t k = 0; k < s.metrics.size(); ++k)
      out += "," + (k < o.values.size() ? value_text(o.values[k]) : std::string());
    out += "\n";
  }
  return out;
}

nlohmann::json results_json(const Spec& s, const std::vector<Outcome>& outcomes) {
  nlohmann::json axes = nlohmann::json::array(), metrics = nlohmann::json::array(), pts = nlohmann::json::array();
  for (const Axis& a : s.axes)
    axes.push_back({{"key", a.key}, {"keys", a.keys.empty() ? std::vector<std::string>{a.key} : a.keys}, {"values", a.values}});
  for (const Metric& m : s.metrics)
    metrics.push_back({{"name", m.name}, {"path", m.path}, {"op", m.op.empty() ? "value" : m.op}, {"scale", m.scale}});
  for (const Outcome& o : outcomes) {
    nlohmann::json p = {{"point", o.point.index}, {"status", o.status}, {"axes", nlohmann::json::object()}};
    for (std::size_t k = 0; k < s.axes.size(); ++k) p["axes"][s.axes[k].key] = o.point.values[k];
    if (!o.error.empty()) p["error"] = o.error;
    if (o.status == "ok") {
      p["wall_seconds"] = o.seconds;
      p["metrics"] = nlohmann::json::object();
      for (std::size_t k = 0; k < s.metrics.size() && k < o.values.size(); ++k)
        p["metrics"][s.metrics[k].name] = std::isnan(o.values[k]) ? nlohmann::json() : nlohmann::json(o.values[k]);
    }
    pts.push_back(std::move(p));
  }
  return {{"sweep", s.name}, {"base", s.base_path.empty() ? "default" : s.base_path}, {"set", s.fixed},
          {"combine", s.zip ? "zip" : "product"}, {"axes", axes}, {"metrics", metrics}, {"points", pts}};
}

bool plot_files(const Spec& s, const Plot& p, const std::vector<Outcome>& outcomes, const std::string& dat_path,
                const std::string& png_path, const std::string& svg_path, std::string& data,
                std::string& script, std::string& why) {
  const auto xi = static_cast<std::size_t>(axis_index(s, p.x));
  std::size_t yi = 0;
  while (s.metrics[yi].name != p.y) ++yi;
  std::vector<std::size_t> si;
  for (const std::string& k : p.series) si.push_back(static_cast<std::size_t>(axis_index(s, k)));
  // x positions: numeric when every x value is a number, else the values in axis order.
  const std::vector<std::string>& xs = s.axes[xi].values;
  bool numeric = true;
  for (const std::string& v : xs) {
    char* end = nullptr;
    std::strtod(v.c_str(), &end);
    numeric = numeric && !v.empty() && *end == 0;
  }
  std::vector<std::string> order;  // series titles in first-seen order
  std::map<std::string, std::vector<std::pair<std::size_t, double>>> lines;  // title -> (x index, y)
  for (const Outcome& o : outcomes) {
    if (o.status != "ok" || yi >= o.values.size() || std::isnan(o.values[yi])) continue;
    bool match = true;
    for (const auto& [k, v] : p.where) match = match && o.point.values[static_cast<std::size_t>(axis_index(s, k))] == v;
    if (!match) continue;
    std::string title;
    for (std::size_t k = 0; k < si.size(); ++k)
      title += (k ? ", " : "") + p.series[k] + "=" + o.point.values[si[k]];
    if (title.empty()) title = p.y;
    if (!lines.count(title)) order.push_back(title);
    const std::size_t x = static_cast<std::size_t>(std::find(xs.begin(), xs.end(), o.point.values[xi]) - xs.begin());
    lines[title].emplace_back(x, o.values[yi]);
  }
  if (order.empty()) {
    why = fmt::format("plot {}: no point has a value of {}", p.name, p.y);
    return false;
  }
  data.clear();
  for (std::size_t b = 0; b < order.size(); ++b) {
    auto& pts = lines[order[b]];
    std::sort(pts.begin(), pts.end(), [&](const auto& a, const auto& c) {
      return numeric ? std::strtod(xs[a.first].c_str(), nullptr) < std::strtod(xs[c.first].c_str(), nullptr)
                     : a.first < c.first;
    });
    data += fmt::format("{}# {}\n", b ? "\n\n" : "", order[b]);
    for (const auto& [x, y] : pts)
      data += numeric ? fmt::format("{} {:.12g}\n", xs[x], y) : fmt::format("{} \"{}\" {:.12g}\n", x, xs[x], y);
  }
  auto quote = [](const std::string& t) {
    std::string q;
    for (char c : t) q += c == '\'' ? std::string("''") : std::string(1, c);
    return "'" + q + "'";
  };
  std::string plot;
  for (std::size_t b = 0; b < order.size(); ++b)
    plot += fmt::format("{}{} index {} using {} with linespoints title {}", b ? ", \\\n     " : "plot ",
                        b ? "''" : quote(dat_path), b, numeric ? "1:2" : "1:3:xticlabels(2)",
                        quote(order[b]));
  std::string common = fmt::format(
      "set title {} noenhanced\nset xlabel {} noenhanced\nset ylabel {} noenhanced\nset grid\n"
      "set key outside right top noenhanced\nset datafile missing ''\n{}{}",
      quote(p.title), quote(p.x), quote(p.y), p.logx ? "set logscale x\n" : "", p.logy ? "set logscale y\n" : "");
  if (!numeric) common += "set offsets 0.25, 0.25, 0, 0\n";
  script = fmt::format(
      "# {} — drawn by iovsim sweep from {}\n{}set terminal pngcairo size 960,600 noenhanced\nset output {}\n{}\n"
      "set terminal svg size 960,600 noenhanced\nset output {}\nreplot\nunset output\n",
      p.name, dat_path, common, quote(png_path), plot, quote(svg_path));
  return true;
}

}  // namespace iovsim::sweep
