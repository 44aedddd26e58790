#include "mem/stats.h"

#include "absl/strings/str_format.h"

namespace kamo::mem {

const ArenaStats* Stats::Find(std::string_view type) const {
  for (const ArenaStats& arena : arenas) {
    if (arena.type == type) return &arena;
  }
  return nullptr;
}

std::string Stats::ToString() const {
  std::string out = absl::StrFormat(
      "live %d / capacity %d slots; bytes: %d in live slots, %d in buckets, "
      "%d external; allocated %d values, %d of %d bytes of pressure; "
      "collections %d (%d minor%s); remembered %d; survivors %d; marking "
      "steps %d%s; weak refs %d\n",
      live, capacity, slot_bytes, heap_bytes, external_bytes, allocations,
      allocated_bytes, pressure, collections, minor_collections,
      major_due ? ", next major" : "", remembered, survivors, marking_steps,
      marking ? " (marking)" : "", weak_refs);
  for (const ArenaStats& arena : arenas) {
    absl::StrAppendFormat(
        &out,
        "  %-24s live %8d  capacity %8d  buckets %d x %d x %d bytes  "
        "external %d bytes\n",
        arena.type, arena.live, arena.capacity, arena.buckets,
        arena.bucket_capacity, arena.slot_size, arena.external_bytes);
  }
  return out;
}

}  // namespace kamo::mem
