// Where buckets live: blocks of kBucketAlignment bytes, aligned to it,
// carved from regions of kBlocksPerRegion blocks and recycled process-wide.
// A bucket then costs no system call and leaves no hole in the address
// space (an aligned allocation from malloc leaves one beside each block;
// ASan's allocator maps and unmaps each). A bucket larger than a block (one
// value larger than a block) is allocated on its own instead.
//
// The pool keeps its regions for the life of the process; a freed block
// waits on a free list for the next bucket of any Mutator on any thread.
// Under ASan a free block is poisoned whole. Every region, and every bucket
// of its own, is in the ChunkTable (chunk_table.h) while it lives.
#ifndef KAMO_MEM_INTERNAL_BLOCK_POOL_H_
#define KAMO_MEM_INTERNAL_BLOCK_POOL_H_

#include <cstddef>

#include "mem/internal/bucket_header.h"

namespace kamo::mem::internal {

inline constexpr std::size_t kBlocksPerRegion = 32;
// A region's bytes. (Regions aligned to their size, 2 MiB, and advised as
// transparent huge pages ran GCBench 4-6% faster but at 0.7-2.1 MiB more
// peak RSS, the partly used last region committed whole: not taken.)
inline constexpr std::size_t kRegionBytes = kBlocksPerRegion * kBucketAlignment;

// A block of kBucketAlignment bytes at a multiple of kBucketAlignment
// (poisoned under ASan). Throws std::bad_alloc, having taken nothing.
void* AllocateBlock();
// Gives back a block AllocateBlock returned.
void FreeBlock(void* block);

// Allocates `bytes` at a multiple of kBucketAlignment: a pool block if they
// fit one (the rest of the block stays poisoned under ASan), else an
// allocation of their own. FreeBucketBytes takes the same size back.
void* AllocateBucketBytes(std::size_t bytes);
void FreeBucketBytes(void* block, std::size_t bytes);

// A bucket's metadata (its bitmaps and lock counts, bucket_header.h):
// `bytes` of them, cache-line aligned, recycled process-wide by size as
// blocks are, so that a heap that releases and adds buckets calls no
// allocator for them (a malloc and free per bucket made a collection of
// dead values 1.15-1.35x as long). Throws std::bad_alloc, having taken
// nothing. Under ASan a free one is poisoned.
void* AllocateMetadataBytes(std::size_t bytes);
void FreeMetadataBytes(void* metadata, std::size_t bytes);

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_INTERNAL_BLOCK_POOL_H_
