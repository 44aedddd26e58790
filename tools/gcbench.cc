// gcbench: GCBench on kamo-mem and on the peers a user would pick instead,
// side by side in one run. Each variant runs in its own forked process, so
// its peak memory is its own, several times; the table gives medians and
// each variant's ratio to Boehm GC.
//
//   gcbench [--size=small|standard|large] [--runs=N] [--only=a,b] [--json]
//           [--trace=DIR] [--plot=FILE.svg]
#include "bench/gcbench.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "timeline/json_string.h"
#include "tools/gcbench_plot.h"

ABSL_FLAG(std::string, size, "standard",
          "GCBench parameters: small, standard (stretch 18, long-lived 16, "
          "depths 4..16, array 500,000) or large (stretch 20, long-lived 18, "
          "depths 4..18)");
ABSL_FLAG(int, runs, 3,
          "runs per variant, 1..100; the table shows medians");
ABSL_FLAG(std::vector<std::string>, only, {},
          "variants to run, comma-separated: boehm, kamo-value, kamo-node, "
          "kamo-value-full, kamo-node-full, kamo-value-incr, kamo-node-incr, "
          "kamo-value-both, kamo-node-both, new-delete, shared-ptr, mimalloc "
          "(default all)");
ABSL_FLAG(bool, json, false, "machine-readable output");
ABSL_FLAG(std::string, trace, "",
          "directory (created if missing) for one Trace Event Format trace "
          "per kamo-mem variant and run, <variant>-<size>-run<N>.json: open "
          "them in https://ui.perfetto.dev");
ABSL_FLAG(std::string, plot, "",
          "SVG file: heap held over time, each pause, and the pause "
          "distribution of the collectors' median runs (needs gnuplot)");

namespace {

using kamo::bench::CollectionSample;
using kamo::bench::GcBenchParams;
using kamo::bench::RunSettings;
using kamo::bench::Variant;
using kamo::timeline::JsonString;

constexpr char kUsage[] =
    "gcbench: GCBench on kamo-mem and its peers, side by side.\n"
    "usage: gcbench [--size=small|standard|large] [--runs=N] "
    "[--only=NAME,...] [--json] [--trace=DIR] [--plot=FILE.svg]";

struct Options {
  std::string size;
  GcBenchParams params{};
  int runs = 3;
  std::vector<const Variant*> variants;
  bool json = false;
  std::string trace_dir;  // empty: no traces
  std::string plot;       // empty: no plot
};

// One run of one variant, as its child process measured it.
struct Sample {
  double wall_ms = 0;
  double cpu_ms = 0;
  double rss_mib = 0;
  std::int64_t collections = -1;
  double max_pause_ms = -1;
  double p99_pause_ms = -1;
  std::vector<CollectionSample> timeline;
};

[[noreturn]] void UsageError(const std::string& message) {
  std::fprintf(stderr, "gcbench: %s\n%s (--help for more)\n", message.c_str(),
               kUsage);
  std::exit(2);
}

// Validates the flags (absl::ParseCommandLine has parsed them); a bad value
// is a usage error naming it.
Options OptionsFromFlags() {
  Options options;
  options.size = absl::GetFlag(FLAGS_size);
  options.runs = absl::GetFlag(FLAGS_runs);
  options.json = absl::GetFlag(FLAGS_json);
  const std::vector<std::string> only = absl::GetFlag(FLAGS_only);
  if (options.runs < 1 || options.runs > 100) {
    UsageError(absl::StrFormat("--runs must be from 1 to 100, got %d",
                               options.runs));
  }
  const auto params = kamo::bench::ParamsForSize(options.size);
  if (!params) UsageError("unknown size '" + options.size + "'");
  options.params = *params;
  const auto& all = kamo::bench::Variants();
  for (const std::string& name : only) {
    if (std::none_of(all.begin(), all.end(),
                     [&](const Variant& v) { return v.name == name; })) {
      UsageError("unknown variant '" + name + "'");
    }
  }
  options.trace_dir = absl::GetFlag(FLAGS_trace);
  if (!options.trace_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(options.trace_dir, error);
    if (error) {
      UsageError(absl::StrFormat("cannot create --trace directory '%s': %s",
                                 options.trace_dir, error.message()));
    }
  }
  options.plot = absl::GetFlag(FLAGS_plot);
  if (!options.plot.empty() && !std::ofstream(options.plot)) {
    UsageError(absl::StrFormat("cannot write --plot file '%s'", options.plot));
  }
  for (const Variant& variant : all) {
    if (only.empty() ||
        std::find(only.begin(), only.end(), variant.name) != only.end()) {
      options.variants.push_back(&variant);
    }
  }
  return options;
}

// A JSON number, or null where there is none (a ratio to a zero time).
std::string JsonNumber(double value, int decimals) {
  if (!std::isfinite(value)) return "null";
  return absl::StrFormat("%.*f", decimals, value);
}

double Percentile(const std::vector<CollectionSample>& timeline,
                  double fraction) {
  if (timeline.empty()) return -1;
  std::vector<std::int64_t> values;
  for (const CollectionSample& c : timeline) values.push_back(c.pause_ns);
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(
      fraction * static_cast<double>(values.size() - 1) + 0.5);
  return static_cast<double>(values[index]) / 1e6;
}

// In the child: runs the variant, measures it, writes one line and then
// one per collection ("start pause heap"), exits.
[[noreturn]] void RunChild(const Variant& variant, const GcBenchParams& params,
                           const RunSettings& settings, int fd) {
  const auto start = std::chrono::steady_clock::now();
  const kamo::bench::GcBenchReport report = variant.run(params, settings);
  const auto end = std::chrono::steady_clock::now();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu_ms = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
                        (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
  std::string line = absl::StrFormat(
      "%d %.3f %.3f %.3f %d %.4f %.4f\n", report.valid ? 1 : 0,
      std::chrono::duration<double, std::milli>(end - start).count(), cpu_ms,
      usage.ru_maxrss / 1024.0, report.collections,
      Percentile(report.timeline, 1.0), Percentile(report.timeline, 0.99));
  for (const CollectionSample& c : report.timeline) {
    absl::StrAppendFormat(&line, "%d %d %d\n", c.start_ns, c.pause_ns,
                          c.heap_bytes);
  }
  const bool written =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  _exit(written ? 0 : 1);
}

Sample RunInChild(const Variant& variant, const GcBenchParams& params,
                  const RunSettings& settings) {
  int fds[2];
  if (pipe(fds) != 0) {
    std::perror("gcbench: pipe");
    std::exit(1);
  }
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    std::perror("gcbench: fork");
    std::exit(1);
  }
  if (pid == 0) {
    close(fds[0]);
    RunChild(variant, params, settings, fds[1]);
  }
  close(fds[1]);
  std::string line;
  char buffer[256];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof(buffer))) > 0;) {
    line.append(buffer, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  Sample sample;
  int valid = 0;
  long long collections = -1;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
      std::sscanf(line.c_str(), "%d %lf %lf %lf %lld %lf %lf", &valid,
                  &sample.wall_ms, &sample.cpu_ms, &sample.rss_mib,
                  &collections, &sample.max_pause_ms,
                  &sample.p99_pause_ms) != 7) {
    std::fprintf(stderr, "gcbench: variant %s failed (status %d)\n",
                 std::string(variant.name).c_str(), status);
    std::exit(1);
  }
  if (!valid) {
    std::fprintf(stderr,
                 "gcbench: variant %s lost its long-lived data: a broken "
                 "collector\n",
                 std::string(variant.name).c_str());
    std::exit(1);
  }
  sample.collections = collections;
  const std::vector<std::string> lines =
      absl::StrSplit(line, '\n', absl::SkipEmpty());
  for (std::size_t i = 1; i < lines.size(); ++i) {
    CollectionSample c;
    long long start = 0, pause = 0, heap = 0;
    if (std::sscanf(lines[i].c_str(), "%lld %lld %lld", &start,
                    &pause, &heap) != 3) {
      std::fprintf(stderr, "gcbench: variant %s sent a bad timeline line\n",
                   std::string(variant.name).c_str());
      std::exit(1);
    }
    c.start_ns = start;
    c.pause_ns = pause;
    c.heap_bytes = heap;
    sample.timeline.push_back(c);
  }
  return sample;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

Sample MedianOf(const std::vector<Sample>& samples) {
  auto median = [&](auto field) {
    std::vector<double> values;
    for (const Sample& s : samples)
      values.push_back(static_cast<double>(s.*field));
    return Median(values);
  };
  Sample m;
  m.wall_ms = median(&Sample::wall_ms);
  m.cpu_ms = median(&Sample::cpu_ms);
  m.rss_mib = median(&Sample::rss_mib);
  m.collections = static_cast<std::int64_t>(median(&Sample::collections));
  m.max_pause_ms = median(&Sample::max_pause_ms);
  m.p99_pause_ms = median(&Sample::p99_pause_ms);
  return m;
}

// Plots, for each variant that collects, its run with the median wall
// time; exits with a message if the plot cannot be made.
void WritePlotOfMedianRuns(const Options& options,
                           const std::vector<std::vector<Sample>>& samples) {
  std::vector<kamo::tools::PlotSeries> series;
  for (std::size_t v = 0; v < options.variants.size(); ++v) {
    std::vector<Sample> runs = samples[v];
    if (runs.front().collections < 0) continue;  // no collector
    std::sort(runs.begin(), runs.end(), [](const Sample& a, const Sample& b) {
      return a.wall_ms < b.wall_ms;
    });
    const Sample& median = runs[runs.size() / 2];
    series.push_back({std::string(options.variants[v]->name), median.wall_ms,
                      median.timeline});
  }
  const std::string title =
      absl::StrFormat("GCBench %s, the median run of %d per collector",
                      options.size, options.runs);
  if (absl::Status s = kamo::tools::WritePlot(options.plot, title, series);
      !s.ok()) {
    std::fprintf(stderr, "gcbench: --plot: %s\n",
                 std::string(s.message()).c_str());
    std::exit(1);
  }
}

// A pause in ms, or "-" where there is none.
std::string PauseCell(double value) {
  return value < 0 ? "-" : absl::StrFormat("%.2f", value);
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(kUsage);
  const std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() > 1) {
    UsageError(absl::StrFormat("unexpected argument '%s'", positional[1]));
  }
  const Options options = OptionsFromFlags();
  const bool progress = isatty(STDERR_FILENO) && !options.json;
  std::vector<std::vector<Sample>> samples(options.variants.size());
  // Runs interleave the variants, so drift on a shared machine spreads
  // over all of them.
  for (int run = 0; run < options.runs; ++run) {
    for (std::size_t v = 0; v < options.variants.size(); ++v) {
      if (progress) {
        std::fprintf(stderr, "\r\033[Kgcbench %s: run %d/%d, %s",
                     options.size.c_str(), run + 1, options.runs,
                     std::string(options.variants[v]->name).c_str());
      }
      RunSettings settings;
      if (!options.trace_dir.empty()) {
        settings.trace_path = absl::StrFormat(
            "%s/%s-%s-run%d.json", options.trace_dir,
            options.variants[v]->name, options.size, run + 1);
      }
      samples[v].push_back(
          RunInChild(*options.variants[v], options.params, settings));
    }
  }
  if (progress) std::fprintf(stderr, "\r\033[K");

  std::vector<Sample> medians;
  for (const auto& s : samples) medians.push_back(MedianOf(s));
  if (!options.plot.empty()) WritePlotOfMedianRuns(options, samples);
  const Sample* boehm = nullptr;
  for (std::size_t v = 0; v < options.variants.size(); ++v) {
    if (options.variants[v]->name == "boehm") boehm = &medians[v];
  }

  if (options.json) {
    std::vector<std::string> rows;
    for (std::size_t v = 0; v < options.variants.size(); ++v) {
      const Sample& m = medians[v];
      const double nan = std::nan("");
      rows.push_back(absl::StrFormat(
          "{\"variant\":%s,\"wall_ms\":%s,\"cpu_ms\":%s,"
          "\"peak_rss_mib\":%s,\"collections\":%d,\"max_pause_ms\":%s,"
          "\"p99_pause_ms\":%s,\"wall_vs_boehm\":%s,\"rss_vs_boehm\":%s}",
          JsonString(options.variants[v]->name), JsonNumber(m.wall_ms, 3),
          JsonNumber(m.cpu_ms, 3), JsonNumber(m.rss_mib, 3), m.collections,
          JsonNumber(m.max_pause_ms, 4), JsonNumber(m.p99_pause_ms, 4),
          JsonNumber(boehm ? m.wall_ms / boehm->wall_ms : nan, 3),
          JsonNumber(boehm ? m.rss_mib / boehm->rss_mib : nan, 3)));
    }
    std::printf("{\"size\":%s,\"runs\":%d,\"results\":[%s]}\n",
                JsonString(options.size).c_str(), options.runs,
                absl::StrJoin(rows, ",").c_str());
    return 0;
  }

  const GcBenchParams& p = options.params;
  std::printf(
      "GCBench %s (stretch %d, long-lived %d, depths %d..%d, array %d), "
      "median of %d runs\n\n",
      options.size.c_str(), p.stretch_depth, p.long_lived_depth, p.min_depth,
      p.max_depth, p.array_size, options.runs);
  std::printf("%-14s %9s %9s %9s %6s %10s %10s %8s %8s\n", "variant", "wall ms",
              "cpu ms", "RSS MiB", "GCs", "max pause", "p99 pause", "wall/gc",
              "RSS/gc");
  for (std::size_t v = 0; v < options.variants.size(); ++v) {
    const Sample& m = medians[v];
    std::printf(
        "%-14s %9.1f %9.1f %9.1f %6s %10s %10s %8s %8s\n",
        std::string(options.variants[v]->name).c_str(), m.wall_ms, m.cpu_ms,
        m.rss_mib,
        m.collections < 0 ? "-" : std::to_string(m.collections).c_str(),
        PauseCell(m.max_pause_ms).c_str(), PauseCell(m.p99_pause_ms).c_str(),
        boehm ? absl::StrFormat("%.2fx", m.wall_ms / boehm->wall_ms).c_str()
              : "-",
        boehm ? absl::StrFormat("%.2fx", m.rss_mib / boehm->rss_mib).c_str()
              : "-");
  }
  std::printf(
      "\nwall/gc and RSS/gc are ratios to Boehm GC in this run; "
      "pauses are in ms.\n");
  for (const Variant* variant : options.variants) {
    std::printf("  %-14s %s\n", std::string(variant->name).c_str(),
                std::string(variant->description).c_str());
  }
  return 0;
}
