#include "mem/internal/block_pool.h"

#include <algorithm>
#include <mutex>
#include <new>
#include <vector>

#include "mem/internal/chunk_table.h"

namespace kamo::mem::internal {
namespace {

// Metadata of one size: the free ones, with room for every one carved.
struct MetadataList {
  std::size_t bytes;
  std::size_t carved = 0;
  std::vector<void*> free;
};

// Cache-line aligned: each bitmap's first word, and the lock counts, start
// a line.
constexpr std::align_val_t kMetadataAlignment{64};

struct Pool {
  std::mutex mutex;
  std::vector<MetadataList> metadata;  // one per size; a few sizes
  std::vector<void*> regions;          // every region carved, kept for good
  std::vector<void*> free;             // blocks, the last freed on top; its
                                       // capacity holds every block carved
};

// Leaked on purpose: Mutators with static storage may outlive any
// function-local static's destructor, and the regions live as long.
Pool& ThePool() {
  static auto* pool = new Pool();
  return *pool;
}

// Room in `list` for `count` entries, growing geometrically: a reserve of
// exactly one more each time would copy the list on every call, O(n^2)
// over a heap's growth.
void ReserveFor(std::vector<void*>& list, std::size_t count) {
  if (list.capacity() < count) {
    list.reserve(std::max(count, 2 * list.capacity()));
  }
}

}  // namespace

void* AllocateBlock() {
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  if (pool.free.empty()) {
    // Room on both lists first, so that a failure leaves nothing taken and
    // FreeBlock never allocates.
    ReserveFor(pool.regions, pool.regions.size() + 1);
    ReserveFor(pool.free, (pool.regions.size() + 1) * kBlocksPerRegion);
    auto* region = static_cast<std::byte*>(
        ::operator new (kRegionBytes, std::align_val_t{kBucketAlignment}));
    try {
      ChunkTable::RegisterBlocks(region, kRegionBytes);
    } catch (...) {
      ::operator delete (region, std::align_val_t{kBucketAlignment});
      throw;
    }
    pool.regions.push_back(region);
    for (std::size_t i = kBlocksPerRegion; i-- > 0;) {
      void* block = region + i * kBucketAlignment;
      PoisonSlot(block, kBucketAlignment);
      pool.free.push_back(block);
    }
  }
  void* block = pool.free.back();
  pool.free.pop_back();
  return block;  // still poisoned: the caller unpoisons what it uses
}

void FreeBlock(void* block) {
  PoisonSlot(block, kBucketAlignment);
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  pool.free.push_back(block);  // room was reserved when it was carved
}

void* AllocateBucketBytes(std::size_t bytes) {
  if (bytes > kBucketAlignment) {
    void* bucket = ::operator new (bytes, std::align_val_t{kBucketAlignment});
    try {
      ChunkTable::RegisterBucket(bucket, bytes);
    } catch (...) {
      ::operator delete (bucket, std::align_val_t{kBucketAlignment});
      throw;
    }
    return bucket;
  }
  void* block = AllocateBlock();
  UnpoisonSlot(block, bytes);  // the rest of the block stays poisoned
  return block;
}

void FreeBucketBytes(void* block, std::size_t bytes) {
  if (bytes <= kBucketAlignment) {
    FreeBlock(block);
  } else {
    ChunkTable::Unregister(block, bytes);
    ::operator delete (block, std::align_val_t{kBucketAlignment});
  }
}

namespace {

// The list of metadata of `bytes`, made if missing.
MetadataList& MetadataListOf(Pool& pool, std::size_t bytes) {
  for (MetadataList& list : pool.metadata) {
    if (list.bytes == bytes) return list;
  }
  return pool.metadata.emplace_back(
      MetadataList{.bytes = bytes, .carved = 0, .free = {}});
}

}  // namespace

void* AllocateMetadataBytes(std::size_t bytes) {
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  MetadataList& list = MetadataListOf(pool, bytes);
  void* metadata;
  if (list.free.empty()) {
    // Room for it on the free list first, so that FreeMetadataBytes never
    // allocates.
    ReserveFor(list.free, list.carved + 1);
    metadata = ::operator new(bytes, kMetadataAlignment);
    ++list.carved;
  } else {
    metadata = list.free.back();
    list.free.pop_back();
  }
  UnpoisonSlot(metadata, bytes);
  return metadata;
}

void FreeMetadataBytes(void* metadata, std::size_t bytes) {
  PoisonSlot(metadata, bytes);
  Pool& pool = ThePool();
  std::lock_guard<std::mutex> lock(pool.mutex);
  MetadataListOf(pool, bytes).free.push_back(metadata);  // room reserved
}

}  // namespace kamo::mem::internal
