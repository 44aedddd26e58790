// The marking loop: the collector's side of the Tracer. User code sees only
// Tracer::Visit (trace.h); the Mutator keeps one Marker, marks the roots
// through its tracer(), then drains the pending stack, at once (Drain) or,
// in an incremental collection, in steps with the mutator running between
// them (Step, then Revisit and Drain at the finish).
//
// Between steps the mutator may move a WeakMember or an Ephemeron (a
// std::vector's buffer that grows), so no field address outlives its step:
// a step forgets the weak references and the waiting ephemerons it found,
// and remembers their holders instead, which the finish traces again.
#ifndef KAMO_MEM_INTERNAL_MARKER_H_
#define KAMO_MEM_INTERNAL_MARKER_H_

#include <cstddef>
#include <span>
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
  Marker(const Marker&) = delete;
  Marker& operator=(const Marker&) = delete;

  Tracer& tracer() { return tracer_; }
  // The values marked and waiting to be traced (the gray ones).
  std::span<const Root> pending() const {
    return {tracer_.pending_.data(), tracer_.depth_};
  }

  // Traces pending values until none are left; each was marked when it was
  // pushed, and its Trace pushes what it reaches for the first time, as
  // does the resolution of the ephemerons waiting on it.
  void Drain();

  // One step of an incremental collection: traces at most `budget` pending
  // values, then forgets the weak references and waiting ephemerons found
  // (remembering their holders for Revisit). Returns how many it traced.
  std::size_t Step(std::size_t budget);

  // The finish of an incremental collection, with the mutator stopped:
  // traces again every holder a step found weak references or waiting
  // ephemerons in, which finds them where they are now. Drain follows.
  void Revisit();

  // Drops an incremental collection's marking: nothing is pending or left
  // to revisit (the marks are the caller's to clear).
  void Abandon() {
    tracer_.depth_ = 0;
    revisit_.clear();
  }

  // The write barrier's shading (Dijkstra): marks the unmarked value at
  // `value` and pushes it. Throws std::bad_alloc if the stack cannot grow,
  // having changed nothing.
  void Shade(const void* value);

  // A value allocated while an incremental collection marks: marked and
  // pushed, to be traced in a step (allocate gray: its constructor's
  // stores are then found by tracing it, not by the barrier). Never
  // allocates: without room on the stack (ReserveForAllocations) it stays
  // white, which is sound too, as the finish marks from the roots again
  // and the barrier shades it when it is stored.
  // Out of line: Allocate, into which its call is inlined, stays small.
  [[gnu::noinline]] void ShadeAllocated(Root root) noexcept;
  // Grows the stack to hold `count` more values than it holds now, if it
  // can (without memory, ShadeAllocated leaves values white).
  void ReserveForAllocations(std::size_t count) noexcept;

  // A minor collection's other roots: marks every value in `remembered`
  // and pushes it whether it was marked already (an old holder, traced
  // again in full) or not (a young value stored outside the heap), and
  // empties the set. Called before anything else is marked, so that a
  // value marked already is old and every value is pushed once.
  void MarkRemembered(RememberedSet& remembered);

  // After Drain: breaks every ephemeron whose key is unreachable, then sets
  // to null every weak reference traced whose target is not marked, and
  // forgets them all.
  void ClearUnreachedWeaks();

 private:
  // Traces up to `budget` values and returns how many; with kStep, records in
  // revisit_ every value whose Trace left weak references or waiting
  // ephemerons.
  template <bool kStep>
  std::size_t DrainUpTo(std::size_t budget);

  Tracer tracer_;
  std::vector<Root> revisit_;  // see Step
};

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_MARKER_H_
