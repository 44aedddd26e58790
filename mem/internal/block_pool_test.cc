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

// Bucket metadata is recycled by size: the last freed of a size is taken
// first for that size and never for another, and each is cache-line
// aligned and writable whole.
TEST(BlockPoolTest, MetadataIsRecycledBySize) {
  constexpr std::size_t kSmall = 1000;
  constexpr std::size_t kLarge = 12'000;
  void* small = AllocateMetadataBytes(kSmall);
  void* large = AllocateMetadataBytes(kLarge);
  EXPECT_NE(small, large);
  for (void* metadata : {small, large}) {
    EXPECT_EQ(Address(metadata) % 64, 0u);
  }
  std::fill_n(static_cast<std::byte*>(small), kSmall, std::byte{1});
  std::fill_n(static_cast<std::byte*>(large), kLarge, std::byte{2});
  FreeMetadataBytes(small, kSmall);
  void* other_large = AllocateMetadataBytes(kLarge);
  EXPECT_NE(other_large, small) << "another size's";
  EXPECT_EQ(AllocateMetadataBytes(kSmall), small) << "the one freed";
  void* other_small = AllocateMetadataBytes(kSmall);
  EXPECT_NE(other_small, small) << "taken already";
  FreeMetadataBytes(other_small, kSmall);
  FreeMetadataBytes(small, kSmall);
  FreeMetadataBytes(other_large, kLarge);
  FreeMetadataBytes(large, kLarge);
}

}  // namespace
}  // namespace kamo::mem::internal
