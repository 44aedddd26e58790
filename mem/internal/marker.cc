#include "mem/internal/marker.h"

#include <algorithm>
#include <limits>
#include <new>

namespace kamo::mem {

void Tracer::GrowPending() {
  pending_.resize(std::max<std::size_t>(64, 2 * pending_.size()));
}

namespace internal {

// Values pass from the stack through a small FIFO of kLookahead entries:
// each is prefetched when it enters and traced when it leaves, so that
// kLookahead values' worth of work hides the latency of loading it (as
// Boehm's mark stack and prefetch queue do). 64, measured: 16 and 32 left
// 1e7-value heaps' misses (and their page walks) exposed, 128 no better.
// The line of the value's second word is prefetched too: a slot whose
// size does not divide 64 bytes crosses lines, and a 24-byte one (two
// references, then data) does after its first word in one slot of eight,
// a miss to memory in a heap larger than the cache. A slot's last line
// would need its size, a load from the bucket header here, which made
// marking 5% slower (BM_CollectLive) for what the second word catches.
template <bool kStep>
std::size_t Marker::DrainUpTo(std::size_t budget) {
  static constexpr std::size_t kLookahead = 64;
  std::vector<Root>& pending = tracer_.pending_;
  std::size_t& depth = tracer_.depth_;
  Root window[kLookahead];
  std::size_t head = 0;
  std::size_t size = 0;
  std::size_t traced = 0;
  // Drain's loops test no budget.
  while (!kStep || traced != budget) {
    // The window takes no more than the budget has left: what it holds
    // is traced before the step ends.
    while (size < kLookahead && (!kStep || size < budget - traced) &&
           depth != 0) {
      const Root root = pending[--depth];
      __builtin_prefetch(root.address());
      __builtin_prefetch(static_cast<const char*>(root.address()) + 8);
      window[(head + size++) % kLookahead] = root;
    }
    if (size == 0) return traced;
    const Root root = window[head];
    head = (head + 1) % kLookahead;
    --size;
    ++traced;
#if KAMO_MEM_DEBUG_CHECKS
    tracer_.holder_ = root.address();
#endif
    [[maybe_unused]] std::size_t weak_before = 0;
    [[maybe_unused]] std::size_t waiting_before = 0;
    if constexpr (kStep) {
      weak_before = tracer_.weak_slots_.size();
      waiting_before = tracer_.ephemerons_.added();
    }
    root.TraceValue(tracer_);
    if (!tracer_.ephemerons_.empty()) {
      tracer_.ephemerons_.Resolve(root.address(), tracer_);
    }
    if constexpr (kStep) {
      if (tracer_.weak_slots_.size() != weak_before ||
          tracer_.ephemerons_.added() != waiting_before) {
        revisit_.push_back(root);
      }
    }
  }
  return traced;
}

void Marker::Drain() {
  DrainUpTo<false>(std::numeric_limits<std::size_t>::max());
}

std::size_t Marker::Step(std::size_t budget) {
  const std::size_t traced = DrainUpTo<true>(budget);
  tracer_.ephemerons_.ForgetUnresolved();
  tracer_.weak_slots_.clear();
  return traced;
}

void Marker::Revisit() {
  for (const Root& root : revisit_) {
#if KAMO_MEM_DEBUG_CHECKS
    tracer_.holder_ = root.address();
#endif
    root.TraceValue(tracer_);
  }
  revisit_.clear();
}

void Marker::Shade(const void* value) {
  BucketHeader* bucket = BucketHeader::Of(value);
  const std::uint32_t index = bucket->IndexOf(value);
  if (bucket->marked(index)) return;
  // Pushed before it is marked: if the stack cannot grow, nothing changed.
  tracer_.Push(Root(const_cast<void*>(value), bucket->type().trace));
  bucket->Mark(index);
}

void Marker::ShadeAllocated(Root root) noexcept {
  if (tracer_.depth_ == tracer_.pending_.size()) [[unlikely]]
    return;
  BucketHeader* bucket = BucketHeader::Of(root.address());
  bucket->Mark(bucket->IndexOf(root.address()));
  tracer_.pending_[tracer_.depth_++] = root;
}

void Marker::ReserveForAllocations(std::size_t count) noexcept {
  const std::size_t wanted = tracer_.depth_ + count;
  if (tracer_.pending_.size() >= wanted) return;
  try {
    tracer_.pending_.resize(std::max(wanted, 2 * tracer_.pending_.size()));
  } catch (const std::bad_alloc&) {
    // Values allocated before the next step stay white (ShadeAllocated).
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
