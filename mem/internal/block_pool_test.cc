// The block pool: blocks aligned to kBucketAlignment, carved from regions
// of kBlocksPerRegion, known to the ChunkTable, and reused last freed
// first.
#include "mem/internal/block_pool.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "mem/internal/chunk_table.h"

namespace kamo::mem::internal {
namespace {

std::uintptr_t Address(const void* p) {
  return reinterpret_cast<std::uintptr_t>(p);
}

// The first blocks this process takes are one whole region: nothing else
// in this test binary takes blocks before.
TEST(BlockPoolTest, ARegionIsCarvedIntoItsBlocksInOrder) {
  std::vector<void*> blocks;
  for (std::size_t i = 0; i < kBlocksPerRegion; ++i) {
    blocks.push_back(AllocateBlock());
  }
  const auto [low, high] = std::minmax_element(
      blocks.begin(), blocks.end(),
      [](void* a, void* b) { return Address(a) < Address(b); });
  EXPECT_EQ(blocks.front(), *low) << "taken from the region's start up";
  EXPECT_EQ(Address(*high) - Address(*low), kRegionBytes - kBucketAlignment)
      << "one region's blocks, each taken once";
  for (void* block : blocks) {
    EXPECT_EQ(Address(block) % kBucketAlignment, 0u);
    EXPECT_EQ(ChunkTable::BucketStart(block), block);
    EXPECT_EQ(ChunkTable::BucketStart(static_cast<std::byte*>(block) +
                                      kBucketAlignment - 1),
              block);
  }
  for (void* block : blocks) FreeBlock(block);
}

TEST(BlockPoolTest, TheLastBlockFreedIsTakenFirst) {
  void* first = AllocateBlock();
  void* second = AllocateBlock();
  EXPECT_NE(first, second);
  FreeBlock(first);
  EXPECT_EQ(AllocateBlock(), first);
  FreeBlock(second);
  FreeBlock(first);
}

}  // namespace
}  // namespace kamo::mem::internal
