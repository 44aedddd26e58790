// HeapWalker: the live heap as a graph, for heap snapshots and retainer
// paths (mem/heap_snapshot.h). It reads what a collection reads (every
// arena's live values, their locks, the references Trace reports, with
// their names) and changes nothing: no marks, no sweeping, nothing
// allocated in the heap. The heap must not change while a walk runs.
#ifndef KAMO_MEM_INTERNAL_HEAP_WALKER_H_
#define KAMO_MEM_INTERNAL_HEAP_WALKER_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "mem/internal/arena.h"
#include "mem/internal/bucket_header.h"
#include "mem/internal/ephemeron_table.h"
#include "mem/trace.h"

namespace kamo::mem {
class Mutator;
}  // namespace kamo::mem

namespace kamo::mem::internal {

class GuardianRegistry;

class HeapWalker {
 public:
  // Reports the references of the values walked to `sink`.
  HeapWalker(const Mutator& mutator, EdgeSink& sink);
  HeapWalker(const HeapWalker&) = delete;
  HeapWalker& operator=(const HeapWalker&) = delete;

  // Every arena of the Mutator, in the order they were made.
  const std::vector<std::unique_ptr<ArenaBase>>& arenas() const {
    return arenas_;
  }
  // Reports every reference `value` holds to the sink, in Trace's order.
  void ReportEdges(Root value) { value.TraceValue(tracer_); }
  // Reports the values guardians hold until they are taken (roots, as
  // locked values are) to the sink, as unnamed references.
  void ReportGuardianRoots();
  // The Pointers' locks on a live value: a value with any is a root.
  static std::uint32_t LocksOn(const void* value) {
    const BucketHeader* bucket = BucketHeader::Of(value);
    return bucket->locks(bucket->IndexOf(value));
  }

 private:
  const std::vector<std::unique_ptr<ArenaBase>>& arenas_;
  const GuardianRegistry& guardians_;
  // Unused: a walking Tracer reports instead of marking.
  std::vector<Root> pending_;
  std::vector<void**> weak_slots_;
  EphemeronTable ephemerons_;
  Tracer tracer_;
};

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_HEAP_WALKER_H_
