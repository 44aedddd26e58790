#include "tools/gcbench_plot.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace kamo::tools {
namespace {

namespace fs = std::filesystem;

// One color per variant, the same in every panel: the key names them once.
constexpr const char* kColors[] = {"#1b6ac9", "#d9480f", "#2b8a3e", "#862e9c",
                                   "#495057"};

// gnuplot quotes: a title in single quotes, with quotes doubled.
std::string Quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// Columns: time ms, heap MiB, pause ms; a last row at the run's end keeps
// the heap's step line going to where the run stopped.
absl::Status WriteTimeline(const fs::path& path, const PlotSeries& s) {
  std::ofstream out(path);
  for (const bench::CollectionSample& c : s.timeline) {
    out << absl::StrFormat("%.4f %.4f %.4f\n", c.start_ns / 1e6,
                           c.heap_bytes / 1048576.0, c.pause_ns / 1e6);
  }
  if (!s.timeline.empty()) {
    out << absl::StrFormat("%.4f %.4f 0\n", s.wall_ms,
                           s.timeline.back().heap_bytes / 1048576.0);
  }
  out.close();
  if (!out) return absl::InternalError("cannot write " + path.string());
  return absl::OkStatus();
}

// Columns: pause ms (ascending), share of pauses at most that long.
absl::Status WriteDistribution(const fs::path& path, const PlotSeries& s) {
  std::vector<double> pauses;
  for (const bench::CollectionSample& c : s.timeline) {
    pauses.push_back(c.pause_ns / 1e6);
  }
  std::sort(pauses.begin(), pauses.end());
  std::ofstream out(path);
  for (std::size_t i = 0; i < pauses.size(); ++i) {
    out << absl::StrFormat("%.4f %.4f\n", pauses[i],
                           (i + 1) / static_cast<double>(pauses.size()));
  }
  out.close();
  if (!out) return absl::InternalError("cannot write " + path.string());
  return absl::OkStatus();
}

// Runs `gnuplot script`; gnuplot's own messages go to stderr.
absl::Status RunGnuplot(const fs::path& script) {
  const pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    execlp("gnuplot", "gnuplot", script.c_str(), static_cast<char*>(nullptr));
    std::fprintf(stderr,
                 "gcbench: cannot run gnuplot (install gnuplot-nox; ./bazelw "
                 "does)\n");
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(absl::StrFormat(
        "gnuplot failed (status %d) on %s", status, script.string()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WritePlot(const std::string& svg_path, std::string_view title,
                       const std::vector<PlotSeries>& series) {
  const fs::path data = fs::path(svg_path).concat(".data");
  std::error_code error;
  fs::create_directories(data, error);
  if (error) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "cannot create %s: %s", data.string(), error.message()));
  }
  std::vector<std::string> heap, pauses, distribution;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const PlotSeries& s = series[i];
    const fs::path timeline = data / (s.variant + ".timeline");
    const fs::path sorted = data / (s.variant + ".pauses");
    if (absl::Status st = WriteTimeline(timeline, s); !st.ok()) return st;
    if (absl::Status st = WriteDistribution(sorted, s); !st.ok()) return st;
    const std::string style =
        absl::StrFormat("lc rgb '%s' title %s", kColors[i % std::size(kColors)],
                        Quoted(s.variant));
    heap.push_back(absl::StrFormat("%s using 1:2 with steps lw 2 %s",
                                   Quoted(timeline.string()), style));
    // Pauses as spikes on the same time axis; the run's end row has none.
    pauses.push_back(absl::StrFormat("%s using 1:3 with impulses lw 1.5 %s",
                                     Quoted(timeline.string()), style));
    distribution.push_back(absl::StrFormat("%s using 1:2 with steps lw 2 %s",
                                           Quoted(sorted.string()), style));
  }
  const fs::path script = data / "plot.gp";
  std::ofstream out(script);
  out << "set terminal svg size 960,1080 dynamic font 'sans,12' "
         "background rgb 'white'\n"
      << "set output " << Quoted(svg_path) << "\n"
      << "set multiplot layout 3,1 title " << Quoted(title) << "\n"
      << "set grid\nset key outside top center horizontal\n"
      << "set title 'Heap held by the collector'\n"
      << "set xlabel 'time since the run began (ms)'\n"
      << "set ylabel 'MiB'\n"
      << "plot " << absl::StrJoin(heap, ", \\\n  ") << "\n"
      << "set title 'Collections: each pause at the time it happened'\n"
      << "set ylabel 'pause (ms)'\n"
      << "plot " << absl::StrJoin(pauses, ", \\\n  ") << "\n"
      << "set title 'Pause distribution'\n"
      << "set xlabel 'pause (ms)'\nset ylabel 'share of pauses at most x'\n"
      << "set yrange [0:1]\n"
      << "plot " << absl::StrJoin(distribution, ", \\\n  ") << "\n"
      << "unset multiplot\n";
  out.close();
  if (!out) return absl::InternalError("cannot write " + script.string());
  if (absl::Status st = RunGnuplot(script); !st.ok()) return st;
  fs::remove_all(data, error);
  return absl::OkStatus();
}

}  // namespace kamo::tools
