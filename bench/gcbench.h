// GCBench (Boehm, Ellis, Kovac), one faithful version per memory manager.
//
// Each variant builds, with the same parameters: a stretch tree (built and
// dropped), a long-lived tree (top-down) and a long-lived array of doubles,
// then for depths min..max in steps of 2, NumIters(depth) trees built
// top-down (Populate) and as many bottom-up (MakeTree), each dropped at
// once; at the end it checks that the long-lived tree and the array are
// intact. A variant reports its collections and pause times; the caller
// measures time and memory around it.
#ifndef KAMO_BENCH_GCBENCH_H_
#define KAMO_BENCH_GCBENCH_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kamo::bench {

struct GcBenchParams {
  int stretch_depth;
  int long_lived_depth;
  int array_size;
  int min_depth;
  int max_depth;
};

// small, standard (Boehm's parameters) or large; nullopt for another name.
std::optional<GcBenchParams> ParamsForSize(std::string_view size);

inline int TreeSize(int depth) { return (1 << (depth + 1)) - 1; }
inline int NumIters(const GcBenchParams& p, int depth) {
  return 2 * TreeSize(p.stretch_depth) / TreeSize(depth);
}

// One pause on a run's timeline (a collection, or a step of an incremental
// one), in nanoseconds from the run's start.
struct CollectionSample {
  std::int64_t start_ns = 0;
  std::int64_t pause_ns = 0;
  std::int64_t heap_bytes = 0;  // held by the collector after it
};

struct GcBenchReport {
  bool valid = false;              // the long-lived data survived
  std::int64_t collections = -1;   // -1 where there is no collector
  std::vector<CollectionSample> timeline;  // one per pause, if known
};

struct RunSettings {
  // Not empty: the kamo-mem variants write their collections there as a
  // Trace Event Format trace (timeline/trace_event_writer.h).
  std::string trace_path;
};

struct Variant {
  std::string_view name;
  std::string_view description;
  GcBenchReport (*run)(const GcBenchParams&, const RunSettings&);
};

// Every variant, Boehm GC first (the others' ratios are to it).
const std::vector<Variant>& Variants();

GcBenchReport RunKamoValue(const GcBenchParams& p, const RunSettings& s);
GcBenchReport RunKamoNode(const GcBenchParams& p, const RunSettings& s);
// RunKamoValue and RunKamoNode use the default, generational heap; these
// the full one, the incremental one and the generational-incremental one
// (mem::CollectionMode).
GcBenchReport RunKamoValueFull(const GcBenchParams& p, const RunSettings& s);
GcBenchReport RunKamoNodeFull(const GcBenchParams& p, const RunSettings& s);
GcBenchReport RunKamoValueIncremental(const GcBenchParams& p,
                                      const RunSettings& s);
GcBenchReport RunKamoNodeIncremental(const GcBenchParams& p,
                                     const RunSettings& s);
GcBenchReport RunKamoValueBoth(const GcBenchParams& p, const RunSettings& s);
GcBenchReport RunKamoNodeBoth(const GcBenchParams& p, const RunSettings& s);
GcBenchReport RunBoehm(const GcBenchParams& p, const RunSettings& s);
GcBenchReport RunNewDelete(const GcBenchParams& p, const RunSettings& s);
GcBenchReport RunSharedPtr(const GcBenchParams& p, const RunSettings& s);
GcBenchReport RunMimalloc(const GcBenchParams& p, const RunSettings& s);

}  // namespace kamo::bench

#endif  // KAMO_BENCH_GCBENCH_H_
