#include "mem/internal/heap_walker.h"

#include "mem/mutator.h"

namespace kamo::mem::internal {

HeapWalker::HeapWalker(const Mutator& mutator, EdgeSink& sink)
    : arenas_(mutator.arenas_),
      guardians_(mutator.guardian_registry_),
      tracer_(sink, pending_, weak_slots_, ephemerons_, &mutator) {}

void HeapWalker::ReportGuardianRoots() { guardians_.MarkReady(tracer_); }

}  // namespace kamo::mem::internal
