// gcbench: GCBench on kamo-mem and on the peers a user would pick instead,
// side by side in one run. Each variant runs in its own forked process, so
// its peak memory is its own, several times; the table gives medians and
// each variant's ratio to Boehm GC.
//
//   gcbench [--size=small|standard|large] [--runs=N] [--only=a,b] [--json]
#include "bench/gcbench.h"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace {

using kamo::bench::GcBenchParams;
using kamo::bench::Variant;

constexpr char kUsage[] =
    "usage: gcbench [--size=small|standard|large] [--runs=N] [--only=NAME,...] "
    "[--json]\n"
    "  --size   GCBench parameters (default standard: stretch 18, long-lived "
    "16,\n"
    "           depths 4..16, array 500,000; large: stretch 20, long-lived "
    "18,\n"
    "           depths 4..18)\n"
    "  --runs   runs per variant, 1..100 (default 3); the table shows medians\n"
    "  --only   variants to run: boehm, kamo-value, kamo-node, new-delete,\n"
    "           shared-ptr, mimalloc (default all)\n"
    "  --json   machine-readable output\n";

struct Options {
  std::string size = "standard";
  GcBenchParams params{};
  int runs = 3;
  std::vector<const Variant*> variants;
  bool json = false;
};

// One run of one variant, as its child process measured it.
struct Sample {
  double wall_ms = 0;
  double cpu_ms = 0;
  double rss_mib = 0;
  std::int64_t collections = -1;
  double max_pause_ms = -1;
  double p99_pause_ms = -1;
};

[[noreturn]] void UsageError(const std::string& message) {
  std::fprintf(stderr, "gcbench: %s\n%s", message.c_str(), kUsage);
  std::exit(2);
}

Options ParseArgs(int argc, char** argv) {
  Options options;
  std::vector<std::string> only;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value_of = [&](std::string_view flag) -> std::optional<std::string> {
      if (arg.substr(0, flag.size() + 1) == std::string(flag) + "=") {
        return std::string(arg.substr(flag.size() + 1));
      }
      return std::nullopt;
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg == "--json") {
      options.json = true;
    } else if (auto size = value_of("--size")) {
      options.size = *size;
    } else if (auto runs = value_of("--runs")) {
      char* end = nullptr;
      const long n = std::strtol(runs->c_str(), &end, 10);
      if (runs->empty() || *end != '\0' || n < 1 || n > 100) {
        UsageError("--runs must be an integer from 1 to 100, got '" + *runs +
                   "'");
      }
      options.runs = static_cast<int>(n);
    } else if (auto names = value_of("--only")) {
      only = absl::StrSplit(*names, ',', absl::SkipEmpty());
      if (only.empty()) UsageError("--only needs at least one variant");
    } else {
      UsageError("unknown argument '" + std::string(arg) + "'");
    }
  }
  const auto params = kamo::bench::ParamsForSize(options.size);
  if (!params) UsageError("unknown size '" + options.size + "'");
  options.params = *params;
  for (const Variant& variant : kamo::bench::Variants()) {
    if (only.empty() ||
        std::find(only.begin(), only.end(), variant.name) != only.end()) {
      options.variants.push_back(&variant);
    }
  }
  for (const std::string& name : only) {
    const auto& all = kamo::bench::Variants();
    if (std::none_of(all.begin(), all.end(),
                     [&](const Variant& v) { return v.name == name; })) {
      UsageError("unknown variant '" + name + "'");
    }
  }
  return options;
}

double Percentile(std::vector<std::int64_t> values, double fraction) {
  if (values.empty()) return -1;
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(
      fraction * static_cast<double>(values.size() - 1) + 0.5);
  return static_cast<double>(values[index]) / 1e6;
}

// In the child: runs the variant, measures it, writes one line, exits.
[[noreturn]] void RunChild(const Variant& variant, const GcBenchParams& params,
                           int fd) {
  const auto start = std::chrono::steady_clock::now();
  const kamo::bench::GcBenchReport report = variant.run(params);
  const auto end = std::chrono::steady_clock::now();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu_ms = (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
                        (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
  const std::string line = absl::StrFormat(
      "%d %.3f %.3f %.3f %d %.4f %.4f\n", report.valid ? 1 : 0,
      std::chrono::duration<double, std::milli>(end - start).count(), cpu_ms,
      usage.ru_maxrss / 1024.0, report.collections,
      Percentile(report.pauses_ns, 1.0), Percentile(report.pauses_ns, 0.99));
  const bool written =
      write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  _exit(written ? 0 : 1);
}

Sample RunInChild(const Variant& variant, const GcBenchParams& params) {
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
    RunChild(variant, params, fds[1]);
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

// A pause in ms, or "-" where there is none.
std::string PauseCell(double value) {
  return value < 0 ? "-" : absl::StrFormat("%.2f", value);
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = ParseArgs(argc, argv);
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
      samples[v].push_back(RunInChild(*options.variants[v], options.params));
    }
  }
  if (progress) std::fprintf(stderr, "\r\033[K");

  std::vector<Sample> medians;
  for (const auto& s : samples) medians.push_back(MedianOf(s));
  const Sample* boehm = nullptr;
  for (std::size_t v = 0; v < options.variants.size(); ++v) {
    if (options.variants[v]->name == "boehm") boehm = &medians[v];
  }

  if (options.json) {
    std::vector<std::string> rows;
    for (std::size_t v = 0; v < options.variants.size(); ++v) {
      const Sample& m = medians[v];
      rows.push_back(absl::StrFormat(
          "{\"variant\":\"%s\",\"wall_ms\":%.3f,\"cpu_ms\":%.3f,"
          "\"peak_rss_mib\":%.3f,\"collections\":%d,\"max_pause_ms\":%.4f,"
          "\"p99_pause_ms\":%.4f,\"wall_vs_boehm\":%s,\"rss_vs_boehm\":%s}",
          options.variants[v]->name, m.wall_ms, m.cpu_ms, m.rss_mib,
          m.collections, m.max_pause_ms, m.p99_pause_ms,
          boehm ? absl::StrFormat("%.3f", m.wall_ms / boehm->wall_ms) : "null",
          boehm ? absl::StrFormat("%.3f", m.rss_mib / boehm->rss_mib)
                : "null"));
    }
    std::printf("{\"size\":\"%s\",\"runs\":%d,\"results\":[%s]}\n",
                options.size.c_str(), options.runs,
                absl::StrJoin(rows, ",").c_str());
    return 0;
  }

  const GcBenchParams& p = options.params;
  std::printf(
      "GCBench %s (stretch %d, long-lived %d, depths %d..%d, array %d), "
      "median of %d runs\n\n",
      options.size.c_str(), p.stretch_depth, p.long_lived_depth, p.min_depth,
      p.max_depth, p.array_size, options.runs);
  std::printf("%-11s %9s %9s %9s %6s %10s %10s %8s %8s\n", "variant", "wall ms",
              "cpu ms", "RSS MiB", "GCs", "max pause", "p99 pause", "wall/gc",
              "RSS/gc");
  for (std::size_t v = 0; v < options.variants.size(); ++v) {
    const Sample& m = medians[v];
    std::printf(
        "%-11s %9.1f %9.1f %9.1f %6s %10s %10s %8s %8s\n",
        std::string(options.variants[v]->name).c_str(), m.wall_ms, m.cpu_ms,
        m.rss_mib,
        m.collections < 0 ? "-" : std::to_string(m.collections).c_str(),
        PauseCell(m.max_pause_ms).c_str(),
        PauseCell(m.p99_pause_ms).c_str(),
        boehm ? absl::StrFormat("%.2fx", m.wall_ms / boehm->wall_ms).c_str()
              : "-",
        boehm ? absl::StrFormat("%.2fx", m.rss_mib / boehm->rss_mib).c_str()
              : "-");
  }
  std::printf(
      "\nwall/gc and RSS/gc are ratios to Boehm GC in this run; "
      "pauses are in ms.\n");
  for (const Variant* variant : options.variants) {
    std::printf("  %-11s %s\n", std::string(variant->name).c_str(),
                std::string(variant->description).c_str());
  }
  return 0;
}
