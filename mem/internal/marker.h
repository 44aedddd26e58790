// The marking loop: the collector's side of the Tracer. User code sees only
// Tracer::Visit (trace.h); the Mutator makes a Marker, marks the roots
// through its tracer(), then drains the pending stack.
#ifndef KAMO_MEM_INTERNAL_MARKER_H_
#define KAMO_MEM_INTERNAL_MARKER_H_

#include <vector>

#include "mem/internal/remembered_set.h"
#include "mem/trace.h"

namespace kamo::mem::internal {

class Marker {
 public:
  // `pending` is the stack, `weak_slots` the weak references traced and
  // `ephemerons` the ephemerons waiting for their key (all kept by the
  // Mutator between collections, so that their capacity is reused);
  // `mutator` the heap being marked.
  Marker(std::vector<Root>& pending, std::vector<void**>& weak_slots,
         EphemeronTable& ephemerons, const void* mutator)
      : tracer_(pending, weak_slots, ephemerons, mutator) {}

  Tracer& tracer() { return tracer_; }
  // How many values are marked and waiting to be traced.
  std::size_t pending() const { return tracer_.depth_; }

  // Traces pending values until none are left; each was marked when it was
  // pushed, and its Trace pushes what it reaches for the first time, as
  // does the resolution of the ephemerons waiting on it.
  void Drain();

  // A minor collection's other roots: marks every value in `remembered`
  // and pushes it whether it was marked already (an old holder, traced
  // again in full) or not (a young value stored outside the heap), and
  // empties the set.
  void MarkRemembered(RememberedSet& remembered);

  // After Drain: breaks every ephemeron whose key is unreachable, then sets
  // to null every weak reference traced whose target is not marked, and
  // forgets them all.
  void ClearUnreachedWeaks();

 private:
  Tracer tracer_;
};

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_MARKER_H_
