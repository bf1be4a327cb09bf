#include "model/sweep/runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

namespace iovsim::sweep {

namespace fs = std::filesystem;

namespace {

volatile sig_atomic_t g_interrupted = 0;
void on_signal(int) { g_interrupted = 1; }

std::string read_file(const fs::path& p) {  // "" when unreadable: the JSON parse then says so
  std::string text;
  read_whole_file(p.string(), text);
  return text;
}

// Written whole or not at all: a reader (a resume, a merge) never sees half a file.
void write_atomic(const fs::path& p, const std::string& text) {
  const fs::path tmp = p.string() + ".part";
  {
    std::ofstream out(tmp);
    out << text;
    if (!out) throw std::runtime_error(fmt::format("{}: cannot write", tmp.string()));
  }
  fs::rename(tmp, p);
}

fs::path point_dir(const std::string& out, unsigned i) { return fs::path(out) / "points" / std::to_string(i); }

std::string duration_text(double s) {
  if (s < 60) return fmt::format("{:.1f} s", s);
  const auto t = static_cast<long>(std::lround(s));
  return t < 3600 ? fmt::format("{}:{:02}", t / 60, t % 60) : fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60);
}

// The outcome a results directory holds for point `p`, if any (status "missing" otherwise).
Outcome read_outcome(const Spec& s, const std::string& dir, const Point& p) {
  Outcome o{p, "missing", "", 0, {}};
  const fs::path d = point_dir(dir, p.index);
  std::error_code ec;
  if (!fs::exists(d / "outcome.json", ec)) return o;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(read_file(d / "outcome.json"));
  } catch (const std::exception&) {
    return o;
  }
  if (j.value("overrides", std::vector<std::string>{}) != p.overrides) return o;  // another sweep's point
  o.status = j.value("status", "missing");
  o.error = j.value("error", "");
  o.seconds = j.value("wall_seconds", 0.0);
  if (o.status == "ok") {
    try {
      const nlohmann::json m = nlohmann::json::parse(read_file(d / "metrics.json"));
      for (const Metric& x : s.metrics) o.values.push_back(extract(m, x));
    } catch (const std::exception& e) {
      o.status = "failed";
      o.error = fmt::format("{}: unreadable metrics ({})", (d / "metrics.json").string(), e.what());
    }
  }
  return o;
}

void write_outcome(const std::string& dir, const Point& p, const std::string& status, const std::string& error,
                   double seconds) {
  nlohmann::json j = {{"point", p.index}, {"overrides", p.overrides}, {"status", status}, {"wall_seconds", seconds}};
  if (!error.empty()) j["error"] = error;
  fs::create_directories(point_dir(dir, p.index));
  write_atomic(point_dir(dir, p.index) / "outcome.json", j.dump(2) + "\n");
}

// The last line of a point's stderr that says something (its error message).
std::string last_error_line(const fs::path& f) {
  std::ifstream in(f);
  std::string line, last;
  while (std::getline(in, line))
    if (line.find_first_not_of(" \t") != std::string::npos) last = line;
  return last;
}

// Starts `iovsim run` for point `p`; returns its pid.
pid_t launch(const RunOptions& o, const Point& p) {
  const fs::path d = point_dir(o.out_dir, p.index);
  fs::create_directories(d);
  fs::remove(d / "metrics.json");
  std::vector<std::string> args{o.self, "run"};
  args.push_back((fs::path(o.out_dir) / "base.yaml").string());  // the text the sweep read (file, inline or default)
  for (const std::string& ov : p.overrides) args.insert(args.end(), {"--set", ov});
  args.insert(args.end(), {"--json", (d / "metrics.json.part").string()});
  if (o.max_wall_s > 0) args.insert(args.end(), {"--max-wall-s", fmt::format("{}", o.max_wall_s)});
  const std::string out = (d / "stdout.txt").string(), err = (d / "stderr.txt").string();
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    const int fo = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int fe = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int fi = ::open("/dev/null", O_RDONLY);
    if (fo < 0 || fe < 0 || fi < 0) ::_exit(126);
    ::dup2(fi, 0), ::dup2(fo, 1), ::dup2(fe, 2);
    ::signal(SIGINT, SIG_DFL), ::signal(SIGTERM, SIG_DFL);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int draw_plots(const Spec& s, const std::vector<Outcome>& outcomes, const std::string& out_dir, std::ostream& log) {
  if (s.plots.empty()) return kExitOk;
  const fs::path pd = fs::path(out_dir) / "plots";
  fs::create_directories(pd);
  int rc = kExitOk;
  for (const Plot& p : s.plots) {
    std::string data, script, why;
    const fs::path dat = pd / (p.name + ".dat"), gp = pd / (p.name + ".gp");
    if (!plot_files(s, p, outcomes, dat.string(), (pd / (p.name + ".png")).string(), (pd / (p.name + ".svg")).string(),
                    data, script, why)) {
      log << "iovsim sweep: " << why << "\n";
      rc = kExitPointsFailed;
      continue;
    }
    write_atomic(dat, data);
    write_atomic(gp, script);
    const std::string cmd = fmt::format("gnuplot '{}' > '{}' 2>&1", gp.string(), (pd / (p.name + ".log")).string());
    const int st = std::system(cmd.c_str());
    if (st != 0) {
      log << fmt::format("iovsim sweep: plot {}: gnuplot failed (exit {}; {}); its data and script are in {}\n",
                         p.name, WIFEXITED(st) ? WEXITSTATUS(st) : -1,
                         WIFEXITED(st) && WEXITSTATUS(st) == 127 ? "not installed: scripts/install-deps.sh installs gnuplot-nox"
                                                                 : "see " + (pd / (p.name + ".log")).string(),
                         pd.string());
      rc = kExitPointsFailed;
    }
  }
  return rc;
}

int write_results(const Spec& s, const std::vector<Outcome>& outcomes, const std::string& out_dir, bool plots,
                  std::ostream& log) {
  fs::create_directories(out_dir);
  write_atomic(fs::path(out_dir) / "results.csv", results_csv(s, outcomes));
  write_atomic(fs::path(out_dir) / "results.json", results_json(s, outcomes).dump(2) + "\n");
  int rc = kExitOk;
  unsigned bad = 0;
  for (const Outcome& o : outcomes)
    if (o.status != "ok") {
      ++bad;
      log << fmt::format("iovsim sweep: point {} ({}): {}{}\n", o.point.index, fmt::join(o.point.overrides, " "),
                         o.status, o.error.empty() ? "" : ": " + o.error);
    }
  if (bad) rc = kExitPointsFailed;
  if (plots) {
    const int prc = draw_plots(s, outcomes, out_dir, log);
    if (prc != kExitOk) rc = prc;
  }
  log << fmt::format("iovsim sweep: {} points, {} ok, {} not; results in {}\n", outcomes.size(),
                     outcomes.size() - bad, bad, (fs::path(out_dir) / "results.csv").string());
  return rc;
}

// The fingerprint a results directory's sweep.json records (a SpecError when it is not one).
std::string stored_fingerprint(const std::string& dir) {
  const fs::path sj = fs::path(dir) / "sweep.json";
  try {
    return nlohmann::json::parse(read_file(sj)).value("fingerprint", "");
  } catch (const nlohmann::json::exception& e) {
    throw SpecError(fmt::format("{}: not a sweep's results ({})", sj.string(), e.what()));
  }
}

void write_sweep_json(const Spec& s, const std::string& dir) {
  nlohmann::json j = spec_to_json(s);
  j["fingerprint"] = fingerprint(s);
  write_atomic(fs::path(dir) / "sweep.json", j.dump(2) + "\n");
}

void prepare_dir(const Spec& s, const std::string& out_dir) {
  std::error_code ec;
  if (fs::exists(fs::path(out_dir) / "sweep.json", ec)) {
    if (stored_fingerprint(out_dir) != fingerprint(s))
      throw SpecError(fmt::format("{} holds the results of another sweep (its base scenario or its points differ): "
                                  "give another --out, or remove it",
                                  out_dir));
    return;
  }
  fs::create_directories(fs::path(out_dir) / "points");
  write_atomic(fs::path(out_dir) / "base.yaml", s.base_text);
  write_sweep_json(s, out_dir);
}

}  // namespace

nlohmann::json spec_to_json(const Spec& s) {
  nlohmann::json axes = nlohmann::json::array(), metrics = nlohmann::json::array(), plots = nlohmann::json::array();
  for (const Axis& a : s.axes) axes.push_back({{"key", a.key}, {"keys", a.keys}, {"values", a.values}});
  for (const Metric& m : s.metrics) metrics.push_back({{"name", m.name}, {"path", m.path}, {"op", m.op}, {"scale", m.scale}});
  for (const Plot& p : s.plots) {
    nlohmann::json w = nlohmann::json::array();
    for (const auto& [k, v] : p.where) w.push_back({k, v});
    plots.push_back({{"name", p.name}, {"title", p.title}, {"x", p.x}, {"y", p.y}, {"series", p.series},
                     {"where", w}, {"logx", p.logx}, {"logy", p.logy}});
  }
  return {{"name", s.name}, {"file", s.file}, {"base_path", s.base_path}, {"base_text", s.base_text},
          {"set", s.fixed}, {"zip", s.zip}, {"axes", axes}, {"metrics", metrics}, {"plots", plots}};
}

Spec spec_from_json(const nlohmann::json& j) {
  Spec s;
  s.name = j.at("name").get<std::string>();
  s.file = j.at("file").get<std::string>();
  s.base_path = j.at("base_path").get<std::string>();
  s.base_text = j.at("base_text").get<std::string>();
  s.fixed = j.at("set").get<std::vector<std::string>>();
  s.zip = j.at("zip").get<bool>();
  for (const auto& a : j.at("axes"))
    s.axes.push_back({a.at("key"), a.at("values").get<std::vector<std::string>>(),
                      a.at("keys").get<std::vector<std::string>>()});
  for (const auto& m : j.at("metrics")) s.metrics.push_back({m.at("name"), m.at("path"), m.at("op"), m.at("scale")});
  for (const auto& p : j.at("plots")) {
    Plot x;
    x.name = p.at("name"), x.title = p.at("title"), x.x = p.at("x"), x.y = p.at("y");
    x.series = p.at("series").get<std::vector<std::string>>();
    for (const auto& w : p.at("where")) x.where.emplace_back(w[0].get<std::string>(), w[1].get<std::string>());
    x.logx = p.at("logx"), x.logy = p.at("logy");
    s.plots.push_back(x);
  }
  return s;
}

Spec load_spec(const std::string& dir) {
  const fs::path sj = fs::path(dir) / "sweep.json";
  std::error_code ec;
  if (!fs::exists(sj, ec)) throw SpecError(fmt::format("{}: no sweep.json (not a sweep's results directory)", dir));
  try {
    return spec_from_json(nlohmann::json::parse(read_file(sj)));
  } catch (const nlohmann::json::exception& e) {
    throw SpecError(fmt::format("{}: not a sweep's results ({})", sj.string(), e.what()));
  }
}

int run_points(const Spec& s, const std::vector<Point>& todo, const RunOptions& o, std::ostream& progress) {
  prepare_dir(s, o.out_dir);
  const bool tty = &progress == &std::cerr && ::isatty(2);
  std::vector<Outcome> outcomes;
  std::vector<const Point*> queue;
  unsigned done = 0, failed = 0, reused = 0;
  for (const Point& p : todo) {
    Outcome prev = read_outcome(s, o.out_dir, p);
    if (prev.status == "ok") {
      ++reused, ++done;
    } else if (std::string why = o.validate ? o.validate(p) : std::string(); !why.empty()) {
      write_outcome(o.out_dir, p, "invalid", why, 0);
      ++done, ++failed;
    } else {
      queue.push_back(&p);
    }
  }
  const std::string who = o.label.empty() ? s.name : s.name + " " + o.label;
  progress << fmt::format("iovsim sweep {}: {} points, {} done before, {} invalid, {} to run, {} at once\n", who,
                          todo.size(), reused, failed, queue.size(), std::max(1u, o.jobs));

  struct sigaction sa {}, old_int {}, old_term {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  g_interrupted = 0;
  ::sigaction(SIGINT, &sa, &old_int);
  ::sigaction(SIGTERM, &sa, &old_term);

  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  std::map<pid_t, std::pair<const Point*, clock::time_point>> running;
  std::size_t next = 0;
  double run_seconds = 0;
  unsigned ran = 0;
  auto say = [&](const std::string& what) {
    const double elapsed = std::chrono::duration<double>(clock::now() - t0).count();
    const std::size_t left = queue.size() - next + running.size();
    std::string eta = "-";
    if (ran && left) eta = duration_text(run_seconds / ran * static_cast<double>(left) / std::max(1u, o.jobs));
    const std::string line = fmt::format("sweep {}: {}/{} done, {} running, {} failed, {} elapsed, ETA {}  {}", who,
                                         done, todo.size(), running.size(), failed, duration_text(elapsed), eta, what);
    progress << (tty ? "\r\033[K" + line : line + "\n") << std::flush;
  };
  while ((next < queue.size() && !g_interrupted) || !running.empty()) {
    while (!g_interrupted && next < queue.size() && running.size() < std::max(1u, o.jobs)) {
      const Point* p = queue[next++];
      running[launch(o, *p)] = {p, clock::now()};
    }
    int st = 0;
    const pid_t pid = ::waitpid(-1, &st, WNOHANG);
    if (pid <= 0) {
      if (g_interrupted)
        for (const auto& r : running) ::kill(r.first, SIGTERM);
      ::usleep(20000);
      continue;
    }
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const Point& p = *it->second.first;
    const double secs = std::chrono::duration<double>(clock::now() - it->second.second).count();
    running.erase(it);
    const fs::path d = point_dir(o.out_dir, p.index);
    std::error_code ec;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && fs::exists(d / "metrics.json.part", ec)) {
      fs::rename(d / "metrics.json.part", d / "metrics.json");
      write_outcome(o.out_dir, p, "ok", "", secs);
      ++done, ++ran;
      run_seconds += secs;
      say(fmt::format("point {} ok in {}", p.index, duration_text(secs)));
    } else if (g_interrupted && WIFSIGNALED(st)) {
      say(fmt::format("point {} interrupted", p.index));  // no outcome: a resume runs it
    } else {
      std::string why = WIFSIGNALED(st) ? fmt::format("killed by signal {} ({})", WTERMSIG(st), ::strsignal(WTERMSIG(st)))
                                        : fmt::format("exit {}", WEXITSTATUS(st));
      const std::string line = last_error_line(d / "stderr.txt");
      if (!line.empty()) why += ": " + line;
      write_outcome(o.out_dir, p, "failed", why, secs);
      ++done, ++failed;
      say(fmt::format("point {} failed ({})", p.index, why));
    }
  }
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
  if (tty) progress << "\n";
  for (const Point& p : todo) outcomes.push_back(read_outcome(s, o.out_dir, p));
  const int rc = write_results(s, outcomes, o.out_dir, o.plots && !g_interrupted, progress);
  if (g_interrupted) {
    progress << fmt::format("iovsim sweep: interrupted; the finished points are kept in {}: run the same command to "
                            "resume\n",
                            o.out_dir);
    return kExitInterrupted;
  }
  return rc;
}

int merge(const std::vector<std::string>& dirs, const std::string& out_dir, std::ostream& progress) {
  // A directory without results (a shard that never started) leaves its points missing; one
  // holding another sweep's results is an error.
  std::vector<std::string> have;
  std::error_code ec;
  for (const std::string& d : dirs)
    if (fs::exists(fs::path(d) / "sweep.json", ec)) have.push_back(d);
    else progress << fmt::format("iovsim merge: {}: no results (a shard that did not run?)\n", d);
  if (have.empty()) throw SpecError("merge: none of the directories holds a sweep's results (sweep.json)");
  const Spec s = load_spec(have[0]);
  const std::string fp = fingerprint(s);
  for (const std::string& d : have)
    if (stored_fingerprint(d) != fp)
      throw SpecError(fmt::format("merge: {} holds another sweep's results than {}", d, have[0]));
  std::vector<Outcome> outcomes;
  for (const Point& p : points(s)) {
    Outcome best{p, "missing", "", 0, {}};
    for (const std::string& d : have) {
      Outcome o = read_outcome(s, d, p);
      if (o.status == "ok") {
        best = o;
        break;
      }
      if (best.status == "missing") best = o;
    }
    outcomes.push_back(std::move(best));
  }
  if (fs::path(out_dir) != fs::path(have[0])) {
    fs::create_directories(out_dir);
    write_sweep_json(s, out_dir);
  }
  return write_results(s, outcomes, out_dir, true, progress);
}

std::string emit_slurm(const Spec& s, const std::string& sweep_file, const std::string& self, const std::string& dir,
                       unsigned shards, unsigned cpus_per_task) {
  const fs::path d = fs::absolute(dir).lexically_normal();
  fs::create_directories(d / "logs");
  const std::string file = fs::absolute(sweep_file).lexically_normal().string();
  auto q = [](const std::string& t) {  // shell single quotes
    std::string r = "'";
    for (char c : t) r += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return r + "'";
  };
  const std::string name = "iovsim-" + s.name;
  std::string array = fmt::format(
      "#!/bin/bash\n# The {} sweep's {} points in {} shards, one array task each (iovsim sweep --emit-slurm).\n"
      "#SBATCH --job-name={}\n#SBATCH --array=1-{}\n#SBATCH --cpus-per-task={}\n#SBATCH --output={}/shard-%a.out\n"
      "set -eu\nexec {} sweep {} --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\" --out {}\"/shard-${{SLURM_ARRAY_TASK_ID}}\" "
      "-j \"${{SLURM_CPUS_PER_TASK:-1}}\"\n",
      s.name, points(s).size(), shards, name, shards, cpus_per_task, (d / "logs").string(), q(self), q(file), shards,
      q(d.string()));
  std::string shard_dirs;
  for (unsigned i = 1; i <= shards; ++i) shard_dirs += " " + q((d / fmt::format("shard-{}", i)).string());
  std::string merge_job = fmt::format(
      "#!/bin/bash\n# Merges the shards' results into {}/results (CSV, JSON, plots), as a local run writes them.\n"
      "#SBATCH --job-name={}-merge\n#SBATCH --output={}/merge.out\nset -eu\nexec {} merge --out {}{}\n",
      d.string(), name, (d / "logs").string(), q(self), q((d / "results").string()), shard_dirs);
  std::string submit = fmt::format(
      "#!/bin/sh\n# Submits the shards as a job array and the merge as a job that runs after all of them\n"
      "# (afterany: the merge reports the points a failed shard left missing).\nset -eu\ncd {}\n"
      "array=$(sbatch --parsable sweep.sbatch)\narray=${{array%%;*}}\n"
      "merge=$(sbatch --parsable --dependency=afterany:$array merge.sbatch)\nmerge=${{merge%%;*}}\n"
      "echo \"array job $array, merge job $merge: results in {}/results\"\n",
      q(d.string()), d.string());
  write_atomic(d / "sweep.sbatch", array);
  write_atomic(d / "merge.sbatch", merge_job);
  write_atomic(d / "submit.sh", submit);
  fs::permissions(d / "submit.sh", fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                  fs::perm_options::add);
  return "sh " + q((d / "submit.sh").string());
}

}  // namespace iovsim::sweep
