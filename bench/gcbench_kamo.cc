// GCBench on kamo-mem: value/ Pairs (car = left, cdr = right) with a value/
// Vector of doubles, and a typed Node through the generic arena API.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "bench/gcbench.h"
#include "mem/external_memory.h"
#include "mem/member.h"
#include "mem/mutator.h"
#include "timeline/trace_event_writer.h"
#include "value/heap.h"

namespace kamo::bench {
namespace {

using mem::Member;
using mem::Mutator;
using mem::Pointer;
using value::Value;

// Records each collection, and each step of an incremental one, on the
// report's timeline, and in a trace file if the settings name one (an
// unwritable one stops the run with a message).
class Observer {
 public:
  Observer(Mutator& mutator, GcBenchReport& report, const RunSettings& settings,
           std::string_view variant)
      : mutator_(mutator), report_(report) {
    if (!settings.trace_path.empty()) {
      auto writer =
          timeline::TraceEventWriter::Open(settings.trace_path, variant);
      if (!writer.ok()) {
        std::fprintf(stderr, "gcbench: %s\n",
                     std::string(writer.status().message()).c_str());
        std::exit(1);
      }
      writer_ = *std::move(writer);
    }
    mutator.set_collection_observer([this](const mem::CollectionEvent& e) {
      report_.timeline.push_back({(e.start - origin_).count(),
                                  (e.mark + e.sweep).count(),
                                  static_cast<std::int64_t>(e.heap_bytes)});
      if (writer_ != nullptr) writer_->Write(e);
    });
    mutator.set_marking_step_observer([this](const mem::MarkingStepEvent& e) {
      report_.timeline.push_back({(e.start - origin_).count(),
                                  e.duration.count(),
                                  static_cast<std::int64_t>(e.heap_bytes)});
      if (writer_ != nullptr) writer_->Write(e);
    });
  }
  ~Observer() {
    mutator_.set_collection_observer(nullptr);
    mutator_.set_marking_step_observer(nullptr);
  }

 private:
  Mutator& mutator_;
  GcBenchReport& report_;
  const std::chrono::steady_clock::time_point origin_ =
      std::chrono::steady_clock::now();
  std::unique_ptr<timeline::TraceEventWriter> writer_;
};

// ---- value/ Pairs ------------------------------------------------------

Value MakePairTree(value::Heap& heap, int depth) {
  if (depth <= 0) return heap.NewPair(Value(), Value());
  Value left = MakePairTree(heap, depth - 1);
  Value right = MakePairTree(heap, depth - 1);
  return heap.NewPair(left, right);
}

// Top-down: the node is reachable (its caller holds the tree) while its
// children are made.
void PopulatePairs(value::Heap& heap, int depth,
                   const Pointer<value::Pair>& node) {
  if (depth <= 0) return;
  --depth;
  node->SetCar(heap.NewPair(Value(), Value()));
  node->SetCdr(heap.NewPair(Value(), Value()));
  PopulatePairs(heap, depth, *node->car().AsPair());
  PopulatePairs(heap, depth, *node->cdr().AsPair());
}

bool PairTreeIntact(const Value& tree, int depth) {
  // Walks the leftmost path: depth pairs, then ().
  const value::Pair* pair = tree.PairOrNull();
  for (int d = 0; d < depth; ++d) {
    if (pair == nullptr || !pair->cdr_ref().IsPair()) return false;
    pair = pair->car_ref().PairOrNull();
  }
  return pair != nullptr && pair->car_ref().IsNil();
}

// ---- typed Node --------------------------------------------------------

struct Node {
  static constexpr const char* kTypeName = "GcBenchNode";
  void Trace(mem::Tracer& tracer) const {
    mem::TraceFields(tracer, left, right);
  }
  Member<Node> left;
  Member<Node> right;
  int i = 0;
  int j = 0;
};

// Its doubles are reported to the Mutator as external memory, as value/'s
// Vector reports its elements: they are part of the heap in every variant
// (Boehm allocates them in its heap), so pacing counts them.
struct DoubleArray {
  static constexpr const char* kTypeName = "GcBenchArray";
  DoubleArray(Mutator& mutator, int size) : external(mutator, this) {
    external.Grow(static_cast<std::size_t>(size) * sizeof(double));
    values.resize(static_cast<std::size_t>(size));
  }
  void Trace(mem::Tracer&) const {}
  mem::ExternalMemory external;
  std::vector<double> values;
};

Pointer<Node> MakeNodeTree(Mutator& m, int depth) {
  if (depth <= 0) return m.Allocate<Node>();
  Pointer<Node> left = MakeNodeTree(m, depth - 1);
  Pointer<Node> right = MakeNodeTree(m, depth - 1);
  Pointer<Node> node = m.Allocate<Node>();
  node->left = left;
  node->right = right;
  return node;
}

// `node` is reachable from a Pointer the caller holds.
void PopulateNodes(Mutator& m, int depth, Node* node) {
  if (depth <= 0) return;
  --depth;
  node->left = m.Allocate<Node>();
  node->right = m.Allocate<Node>();
  PopulateNodes(m, depth, node->left.get());
  PopulateNodes(m, depth, node->right.get());
}

bool NodeTreeIntact(const Node* node, int depth) {
  for (int d = 0; d < depth; ++d) {
    if (node == nullptr || !node->right) return false;
    node = node->left.get();
  }
  return node != nullptr && !node->left;
}

GcBenchReport RunValue(const GcBenchParams& p, const RunSettings& s,
                       mem::CollectionMode mode, const char* name) {
  GcBenchReport report;
  Mutator mutator(mem::MutatorOptions{.mode = mode});
  Observer observer(mutator, report, s, name);
  value::Heap heap(mutator);

  MakePairTree(heap, p.stretch_depth);  // dropped at once

  Pointer<value::Pair> long_lived = heap.NewPair(Value(), Value());
  PopulatePairs(heap, p.long_lived_depth, long_lived);
  Pointer<value::Vector> array = heap.NewVector();
  array->Reserve(p.array_size);
  for (int i = 0; i < p.array_size; ++i) {
    array->Push(Value::Float(i < p.array_size / 2 ? 1.0 / i : 0.0));
  }

  for (int depth = p.min_depth; depth <= p.max_depth; depth += 2) {
    const int iters = NumIters(p, depth);
    for (int i = 0; i < iters; ++i) {
      Pointer<value::Pair> temp = heap.NewPair(Value(), Value());
      PopulatePairs(heap, depth, temp);
    }
    for (int i = 0; i < iters; ++i) MakePairTree(heap, depth);
  }

  report.valid = PairTreeIntact(long_lived, p.long_lived_depth) &&
                 array->Get(1000)->AsFloat() == 1.0 / 1000;
  report.collections = static_cast<std::int64_t>(mutator.collections());
  return report;
}

GcBenchReport RunNodes(const GcBenchParams& p, const RunSettings& s,
                       mem::CollectionMode mode, const char* name) {
  GcBenchReport report;
  Mutator mutator(mem::MutatorOptions{.mode = mode});
  Observer observer(mutator, report, s, name);

  MakeNodeTree(mutator, p.stretch_depth);

  Pointer<Node> long_lived = mutator.Allocate<Node>();
  PopulateNodes(mutator, p.long_lived_depth, long_lived.get());
  Pointer<DoubleArray> array =
      mutator.Allocate<DoubleArray>(mutator, p.array_size);
  for (int i = 0; i < p.array_size / 2; ++i) array->values[i] = 1.0 / i;

  for (int depth = p.min_depth; depth <= p.max_depth; depth += 2) {
    const int iters = NumIters(p, depth);
    for (int i = 0; i < iters; ++i) {
      Pointer<Node> temp = mutator.Allocate<Node>();
      PopulateNodes(mutator, depth, temp.get());
    }
    for (int i = 0; i < iters; ++i) MakeNodeTree(mutator, depth);
  }

  report.valid = NodeTreeIntact(long_lived.get(), p.long_lived_depth) &&
                 array->values[1000] == 1.0 / 1000;
  report.collections = static_cast<std::int64_t>(mutator.collections());
  return report;
}

}  // namespace

GcBenchReport RunKamoValue(const GcBenchParams& p, const RunSettings& s) {
  return RunValue(p, s, mem::CollectionMode::kGenerational, "kamo-value");
}
GcBenchReport RunKamoValueFull(const GcBenchParams& p, const RunSettings& s) {
  return RunValue(p, s, mem::CollectionMode::kFull, "kamo-value-full");
}
GcBenchReport RunKamoNode(const GcBenchParams& p, const RunSettings& s) {
  return RunNodes(p, s, mem::CollectionMode::kGenerational, "kamo-node");
}
GcBenchReport RunKamoNodeFull(const GcBenchParams& p, const RunSettings& s) {
  return RunNodes(p, s, mem::CollectionMode::kFull, "kamo-node-full");
}
GcBenchReport RunKamoValueIncremental(const GcBenchParams& p,
                                      const RunSettings& s) {
  return RunValue(p, s, mem::CollectionMode::kIncremental, "kamo-value-incr");
}
GcBenchReport RunKamoNodeIncremental(const GcBenchParams& p,
                                     const RunSettings& s) {
  return RunNodes(p, s, mem::CollectionMode::kIncremental, "kamo-node-incr");
}
GcBenchReport RunKamoValueBoth(const GcBenchParams& p, const RunSettings& s) {
  return RunValue(p, s, mem::CollectionMode::kGenerationalIncremental,
                  "kamo-value-both");
}
GcBenchReport RunKamoNodeBoth(const GcBenchParams& p, const RunSettings& s) {
  return RunNodes(p, s, mem::CollectionMode::kGenerationalIncremental,
                  "kamo-node-both");
}

}  // namespace kamo::bench
