#include "mem/internal/heap_walker.h"

#include "mem/mutator.h"

namespace kamo::mem::internal {

HeapWalker::HeapWalker(const Mutator& mutator, EdgeSink& sink)
    : arenas_(mutator.arenas_),
      tracer_(sink, pending_, weak_slots_, ephemerons_, &mutator) {}

}  // namespace kamo::mem::internal
