// Which bucket, if any, an address lies in: a process-wide table over the
// kBucketAlignment-byte chunks of the address space, for the write barrier
// of a Member, which knows only its own address (the holder's slot, or a
// std::vector's buffer outside the heap).
//
// Two levels indexed by the address's bits: 2^16 top entries (bits 47..32)
// lead to leaves of 2^16 entries (bits 31..16), each the start of the
// bucket that covers that chunk, or null. A lookup is two loads. Leaves are
// made on first use (512 KiB of zeroed memory each, committed by the system
// only where touched) and never freed; an address space of more than 48
// bits is outside the table.
//
// The block pool registers each region of blocks when it carves it (a
// block's bucket starts at the block: the chunk itself), and each bucket
// larger than a block for as long as it lives. An entry may name a pool
// block that holds no bucket right now: callers ask only about addresses
// that lie in a live value or outside the heap altogether.
//
// Entries are atomic: several Mutators on several threads add and remove
// buckets at once, each asking only about its own.
#ifndef KAMO_MEM_INTERNAL_CHUNK_TABLE_H_
#define KAMO_MEM_INTERNAL_CHUNK_TABLE_H_

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace kamo::mem::internal {

class ChunkTable {
 public:
  static constexpr int kChunkBits = 16;  // log2(kBucketAlignment)
  static constexpr int kLeafBits = 16;
  static constexpr int kTopBits = 16;
  static constexpr int kAddressBits = kChunkBits + kLeafBits + kTopBits;

  // The start of the bucket whose chunks cover `address`, or null.
  static const void* BucketStart(const void* address) {
    const auto a = reinterpret_cast<std::uintptr_t>(address);
    if ((a >> kAddressBits) != 0) return nullptr;
    const Leaf* leaf = Instance().top_[a >> (kChunkBits + kLeafBits)].load(
        std::memory_order_acquire);
    if (leaf == nullptr) return nullptr;
    return leaf->entries[(a >> kChunkBits) & (kLeafEntries - 1)].load(
        std::memory_order_relaxed);
  }

  // [start, start + bytes), chunk-aligned, holds one bucket at `start`
  // (RegisterBucket), or a bucket at the start of each chunk
  // (RegisterBlocks), or none (Unregister). The Register calls throw
  // std::bad_alloc if a leaf cannot be made, having changed no entry.
  static void RegisterBucket(const void* start, std::size_t bytes);
  static void RegisterBlocks(const void* start, std::size_t bytes);
  static void Unregister(const void* start, std::size_t bytes);

 private:
  static constexpr std::size_t kLeafEntries = std::size_t{1} << kLeafBits;
  struct Leaf {
    std::array<std::atomic<const void*>, kLeafEntries> entries;
  };

  static ChunkTable& Instance() { return instance_; }
  enum class Entry { kBucketStart, kChunkStart, kNone };
  static void Set(const void* start, std::size_t bytes, Entry entry);
  Leaf* LeafFor(std::uintptr_t address);

  static ChunkTable instance_;
  std::array<std::atomic<Leaf*>, std::size_t{1} << kTopBits> top_{};
};

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_CHUNK_TABLE_H_
