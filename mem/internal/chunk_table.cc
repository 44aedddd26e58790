#include "mem/internal/chunk_table.h"

#include <cstdlib>
#include <new>

#include "mem/check.h"

namespace kamo::mem::internal {

// Constant-initialised (zeroes in .bss): usable before any constructor runs.
constinit ChunkTable ChunkTable::instance_;

ChunkTable::Leaf* ChunkTable::LeafFor(std::uintptr_t address) {
  std::atomic<Leaf*>& slot = top_[address >> (kChunkBits + kLeafBits)];
  Leaf* leaf = slot.load(std::memory_order_acquire);
  if (leaf != nullptr) return leaf;
  // Zeroed memory is a leaf of null entries (std::atomic<const void*> has
  // the representation of the pointer).
  auto* fresh = static_cast<Leaf*>(std::calloc(1, sizeof(Leaf)));
  if (fresh == nullptr) throw std::bad_alloc();
  if (slot.compare_exchange_strong(leaf, fresh, std::memory_order_acq_rel)) {
    return fresh;
  }
  std::free(fresh);  // another thread made it first
  return leaf;
}

void ChunkTable::Set(const void* start, std::size_t bytes, Entry entry) {
  constexpr std::uintptr_t kChunk = std::uintptr_t{1} << kChunkBits;
  const auto begin = reinterpret_cast<std::uintptr_t>(start);
  MEM_CHECK(begin % kChunk == 0 && ((begin + bytes) >> kAddressBits) == 0,
            "ChunkTable: %p (%d bytes) is not a chunk-aligned range of a "
            "%d-bit address space",
            start, bytes, kAddressBits);
  // Every leaf first, so that a failure changes no entry.
  for (std::uintptr_t a = begin; a < begin + bytes; a += kChunk) {
    Instance().LeafFor(a);
  }
  for (std::uintptr_t a = begin; a < begin + bytes; a += kChunk) {
    const void* value = entry == Entry::kBucketStart ? start
                        : entry == Entry::kChunkStart
                            ? reinterpret_cast<const void*>(a)
                            : nullptr;
    Instance()
        .LeafFor(a)
        ->entries[(a >> kChunkBits) & (kLeafEntries - 1)]
        .store(value, std::memory_order_relaxed);
  }
}

void ChunkTable::RegisterBucket(const void* start, std::size_t bytes) {
  Set(start, bytes, Entry::kBucketStart);
}

void ChunkTable::RegisterBlocks(const void* start, std::size_t bytes) {
  Set(start, bytes, Entry::kChunkStart);
}

void ChunkTable::Unregister(const void* start, std::size_t bytes) {
  Set(start, bytes, Entry::kNone);
}

}  // namespace kamo::mem::internal
