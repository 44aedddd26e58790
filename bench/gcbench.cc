#include "bench/gcbench.h"

namespace kamo::bench {

std::optional<GcBenchParams> ParamsForSize(std::string_view size) {
  if (size == "small") return GcBenchParams{14, 12, 100000, 4, 12};
  if (size == "standard") return GcBenchParams{18, 16, 500000, 4, 16};
  if (size == "large") return GcBenchParams{20, 18, 500000, 4, 18};
  return std::nullopt;
}

const std::vector<Variant>& Variants() {
  static const std::vector<Variant> variants = {
      {"boehm", "Boehm GC 8.2, GC_MALLOC, default settings", &RunBoehm},
      {"kamo-value", "kamo-mem, value/ Pairs and a Vector of doubles",
       &RunKamoValue},
      {"kamo-node", "kamo-mem, a typed Node through Mutator::Allocate",
       &RunKamoNode},
      {"kamo-value-full", "kamo-value, every collection full (no minors)",
       &RunKamoValueFull},
      {"kamo-node-full", "kamo-node, every collection full (no minors)",
       &RunKamoNodeFull},
      {"kamo-value-incr", "kamo-value, every collection full, in steps",
       &RunKamoValueIncremental},
      {"kamo-node-incr", "kamo-node, every collection full, in steps",
       &RunKamoNodeIncremental},
      {"kamo-value-both", "kamo-value, minors, and majors in steps",
       &RunKamoValueBoth},
      {"kamo-node-both", "kamo-node, minors, and majors in steps",
       &RunKamoNodeBoth},
      {"new-delete", "new/delete, each short-lived tree deleted",
       &RunNewDelete},
      {"shared-ptr", "std::shared_ptr nodes", &RunSharedPtr},
      {"mimalloc", "new/delete on mimalloc (the allocation floor)",
       &RunMimalloc},
  };
  return variants;
}

}  // namespace kamo::bench
