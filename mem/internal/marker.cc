#include "mem/internal/marker.h"

#include <algorithm>

namespace kamo::mem {

void Tracer::GrowPending() {
  pending_.resize(std::max<std::size_t>(64, 2 * pending_.size()));
}

namespace internal {

// Values pass from the stack through a small FIFO of kLookahead entries:
// each is prefetched when it enters and traced when it leaves, so that
// kLookahead values' worth of work hides the latency of loading it (as
// Boehm's mark stack and prefetch queue do).
void Marker::Drain() {
  static constexpr std::size_t kLookahead = 16;
  std::vector<Root>& pending = tracer_.pending_;
  std::size_t& depth = tracer_.depth_;
  Root window[kLookahead];
  std::size_t head = 0;
  std::size_t size = 0;
  while (true) {
    while (size < kLookahead && depth != 0) {
      const Root root = pending[--depth];
      __builtin_prefetch(root.address());
      window[(head + size++) % kLookahead] = root;
    }
    if (size == 0) return;
    const Root root = window[head];
    head = (head + 1) % kLookahead;
    --size;
#if KAMO_MEM_DEBUG_CHECKS
    tracer_.holder_ = root.address();
#endif
    root.TraceValue(tracer_);
    if (!tracer_.ephemerons_.empty()) {
      tracer_.ephemerons_.Resolve(root.address(), tracer_);
    }
  }
}

void Marker::MarkRemembered(RememberedSet& remembered) {
  remembered.Drain([this](Root root) {
    BucketHeader* bucket = BucketHeader::Of(root.address());
    bucket->Mark(bucket->IndexOf(root.address()));
    tracer_.Push(root);
  });
}

void Marker::ClearUnreachedWeaks() {
  tracer_.ephemerons_.ClearUnresolved();
  for (void** slot : tracer_.weak_slots_) {
    const BucketHeader* bucket = BucketHeader::Of(*slot);
    if (!bucket->marked(bucket->IndexOf(*slot))) *slot = nullptr;
  }
  tracer_.weak_slots_.clear();
}

}  // namespace internal
}  // namespace kamo::mem
