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
      "live %d / capacity %d slots, %d bytes; allocations %d of pressure %d; "
      "collections %d; weak refs %d\n",
      live, capacity, heap_bytes, allocations, pressure, collections,
      weak_refs);
  for (const ArenaStats& arena : arenas) {
    absl::StrAppendFormat(
        &out, "  %-24s live %8d  capacity %8d  buckets %d x %d\n", arena.type,
        arena.live, arena.capacity, arena.buckets, arena.bucket_capacity);
  }
  return out;
}

}  // namespace kamo::mem
