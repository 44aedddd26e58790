// HeapBarrier: what the write barrier (write_barrier.h) of one heap works
// with. A heap whose marks are sticky (a generational or an incremental
// one, see bucket_header.h) has one, and every bucket's header points to
// it; a heap that clears its marks in every sweep has none, and its
// barrier does nothing but the debug checks.
#ifndef KAMO_MEM_INTERNAL_HEAP_BARRIER_H_
#define KAMO_MEM_INTERNAL_HEAP_BARRIER_H_

namespace kamo::mem::internal {

class Marker;
class RememberedSet;

struct HeapBarrier {
  // A generational heap's remembered set; null in another heap.
  RememberedSet* remembered = nullptr;
  // While an incremental major collection is marking, between its steps:
  // its marker, into which a store shades its target. Null otherwise.
  Marker* marking = nullptr;
};

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_HEAP_BARRIER_H_
