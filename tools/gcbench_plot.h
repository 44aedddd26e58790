// gcbench's --plot: one run of each collector drawn with gnuplot as an SVG
// of three panels on the run's time axis and below it: the heap the
// collector holds over time, each pause as a spike where it happened, and
// the distribution of pause lengths.
#ifndef KAMO_TOOLS_GCBENCH_PLOT_H_
#define KAMO_TOOLS_GCBENCH_PLOT_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "bench/gcbench.h"

namespace kamo::tools {

struct PlotSeries {
  std::string variant;
  double wall_ms = 0;  // the run's whole length, where its line ends
  std::vector<bench::CollectionSample> timeline;
};

// Writes the plot to `svg_path`, running gnuplot (found on PATH) on data
// files in a scratch directory beside it. An error names what failed:
// gnuplot missing or failing, or a file that could not be written.
absl::Status WritePlot(const std::string& svg_path, std::string_view title,
                       const std::vector<PlotSeries>& series);

}  // namespace kamo::tools

#endif  // KAMO_TOOLS_GCBENCH_PLOT_H_
