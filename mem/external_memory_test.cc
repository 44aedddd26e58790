// External memory: bytes a value owns outside its slot count for pacing,
// the heap limit, Stats and collection events.
#include "mem/external_memory.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;

// A managed value with a byte buffer it reports, the way a user type would.
class Buffer {
 public:
  Buffer(Mutator& mutator, int id, DestructionLog* log)
      : id_(id), log_(log), external_(mutator, this) {}
  ~Buffer() { log_->Record(id_); }

  // Grows the buffer by `bytes`, counting them first.
  void Append(std::size_t bytes) {
    external_.Grow(bytes);
    data_.resize(data_.size() + bytes, static_cast<std::uint8_t>(id_));
  }
  void Trace(Tracer&) const {}

  std::size_t size() const { return data_.size(); }
  std::size_t counted() const { return external_.bytes(); }

 private:
  int id_;
  DestructionLog* log_;
  ExternalMemory external_;
  std::vector<std::uint8_t> data_;
};

constexpr MutatorOptions kNoStress{.stress_interval = 0};

TEST(ExternalMemoryTest, CountsInStatsAndIsGivenBackWhenTheValueIsFreed) {
  DestructionLog log;
  Mutator mutator(kNoStress);
  std::vector<CollectionEvent> events;
  mutator.set_collection_observer(
      [&events](const CollectionEvent& e) { events.push_back(e); });
  Pointer<Buffer> kept = mutator.Allocate<Buffer>(mutator, 1, &log);
  kept->Append(1000);
  {
    Pointer<Buffer> dropped = mutator.Allocate<Buffer>(mutator, 2, &log);
    dropped->Append(3000);
  }
  EXPECT_EQ(mutator.external_bytes(), 4000u);
  EXPECT_EQ(mutator.stats().external_bytes, 4000u);
  EXPECT_EQ(mutator.stats().slot_bytes, 2 * sizeof(Buffer));
  EXPECT_EQ(mutator.allocated_bytes_since_collection(),
            4000u + 2 * sizeof(Buffer));

  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(2), 1);
  EXPECT_EQ(mutator.external_bytes(), 1000u);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].freed_bytes, 3000u + sizeof(Buffer));
  EXPECT_EQ(events[0].live_bytes, 1000u + sizeof(Buffer));
  EXPECT_EQ(events[0].heap_bytes, mutator.stats().heap_bytes + 1000u);
  EXPECT_EQ(kept->size(), 1000u);
  EXPECT_EQ(kept->counted(), 1000u);
}

// A second type with external memory: counted apart from Buffer's.
struct Blob {
  explicit Blob(Mutator& mutator) : external(mutator, this) {}
  void Trace(Tracer&) const {}
  ExternalMemory external;
};

TEST(ExternalMemoryTest, CountsPerTypeInStatsAndCollectionEvents) {
  DestructionLog log;
  Mutator mutator(kNoStress);
  std::vector<CollectionEvent> events;
  mutator.set_collection_observer(
      [&events](const CollectionEvent& e) { events.push_back(e); });
  Pointer<Buffer> buffer = mutator.Allocate<Buffer>(mutator, 1, &log);
  buffer->Append(700);
  Pointer<Blob> blob = mutator.Allocate<Blob>(mutator);
  blob->external.Grow(50);
  mutator.Allocate<Blob>(mutator)->external.Grow(9);  // dropped

  const Stats stats = mutator.stats();
  ASSERT_EQ(stats.arenas.size(), 2u);
  EXPECT_EQ(stats.arenas[0].external_bytes, 700u);
  EXPECT_EQ(stats.arenas[1].external_bytes, 59u);
  EXPECT_EQ(stats.external_bytes, 759u);

  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  ASSERT_EQ(events.size(), 1u);
  ASSERT_EQ(events[0].arenas.size(), 2u);
  EXPECT_EQ(events[0].arenas[0].external_bytes, 700u);
  EXPECT_EQ(events[0].arenas[0].slot_bytes, sizeof(Buffer));
  EXPECT_EQ(events[0].arenas[1].external_bytes, 50u) << "the dropped 9 freed";
  EXPECT_EQ(events[0].arenas[1].slot_bytes, sizeof(Blob));
  EXPECT_EQ(mutator.stats().arenas[1].external_bytes, 50u);
}

TEST(ExternalMemoryTest, GrowingWithoutAllocationsStillDrivesCollections) {
  // One buffer grown to 100 MB in 1 MB steps, and one dropped value: no
  // allocation happens after the first two, yet the growth collects.
  DestructionLog log;
  Mutator mutator(kNoStress);
  Pointer<Buffer> big = mutator.Allocate<Buffer>(mutator, 1, &log);
  mutator.Allocate<Buffer>(mutator, 2, &log);
  for (int i = 0; i < 100; ++i) big->Append(1 << 20);
  EXPECT_GE(mutator.collections(), 5u);
  EXPECT_EQ(log.times(2), 1) << "the growth's collections freed the garbage";
  EXPECT_EQ(log.times(1), 0);
  EXPECT_EQ(big->size(), 100u << 20);
  EXPECT_EQ(mutator.external_bytes(), 100u << 20);
}

TEST(ExternalMemoryTest, ManualPacingDoesNotCollectOnGrowth) {
  DestructionLog log;
  Mutator mutator(MutatorOptions{.pacing = Pacing::kManual,
                                 .stress_interval = 0});
  Pointer<Buffer> big = mutator.Allocate<Buffer>(mutator, 1, &log);
  for (int i = 0; i < 100; ++i) big->Append(1 << 20);
  EXPECT_EQ(mutator.collections(), 0u);
}

TEST(ExternalMemoryTest, SeedPacingCountsExternalBytesAsHeapBytes) {
  DestructionLog log;
  Mutator mutator(MutatorOptions{.pacing = Pacing::kSeed,
                                 .stress_interval = 0});
  Pointer<Buffer> big = mutator.Allocate<Buffer>(mutator, 1, &log);
  mutator.CollectGarbage();
  big->Append(8u << 20);
  // Half of the buckets' and the external bytes.
  EXPECT_EQ(mutator.pressure(),
            (mutator.stats().heap_bytes + mutator.external_bytes()) / 2);
}

TEST(ExternalMemoryTest, PastTheHeapLimitItCollectsThenThrowsChangingNothing) {
  DestructionLog log;
  const std::size_t bucket_bytes = internal::Bucket<Buffer>::BucketBytes(
      internal::Bucket<Buffer>::FittingCapacity(1024));
  Mutator mutator(MutatorOptions{.heap_limit_bytes = bucket_bytes + 10000,
                                 .stress_interval = 0});
  Pointer<Buffer> kept = mutator.Allocate<Buffer>(mutator, 1, &log);
  kept->Append(6000);
  {
    Pointer<Buffer> dropped = mutator.Allocate<Buffer>(mutator, 2, &log);
    dropped->Append(3000);
  }
  // 9000 held of 10000: growing by 2000 collects the dropped buffer first.
  kept->Append(2000);
  EXPECT_EQ(mutator.collections(), 1u);
  EXPECT_EQ(log.times(2), 1);
  EXPECT_EQ(mutator.external_bytes(), 8000u);

  // 8000 held, all live: 3000 more cannot fit even after a collection.
  try {
    kept->Append(3000);
    FAIL() << "expected HeapLimitExceeded";
  } catch (const HeapLimitExceeded& e) {
    EXPECT_NE(std::string(e.what()).find("3000 bytes of external memory"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(mutator.collections(), 2u) << "it collected before giving up";
  EXPECT_EQ(mutator.external_bytes(), 8000u) << "nothing was counted";
  EXPECT_EQ(kept->size(), 8000u) << "the buffer did not grow";
  EXPECT_EQ(kept->counted(), 8000u);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
  kept->Append(2000);  // what fits still does
  EXPECT_EQ(mutator.external_bytes(), 10000u);
}

// ExternalMemory outside its owner, counted as a Buffer's.
constexpr const Buffer* kBufferOwner = nullptr;

TEST(ExternalMemoryTest, ResizeGrowsOrShrinksToTheGivenCount) {
  Mutator mutator(kNoStress);
  {
    ExternalMemory external(mutator, kBufferOwner);
    external.Resize(500);
    EXPECT_EQ(mutator.external_bytes(), 500u);
    external.Resize(200);
    EXPECT_EQ(external.bytes(), 200u);
    EXPECT_EQ(mutator.external_bytes(), 200u);
  }
  EXPECT_EQ(mutator.external_bytes(), 0u) << "the destructor gives it back";
}

TEST(ExternalMemoryDeathTest, ShrinkingMoreThanCountedStops) {
  Mutator mutator(kNoStress);
  ExternalMemory external(mutator, kBufferOwner);
  external.Grow(10);
  EXPECT_DEATH(external.Shrink(11),
               "ExternalMemory::Shrink\\(11\\) of a value that counts only 10 "
               "bytes");
}

struct GrowsInDestructor {
  explicit GrowsInDestructor(Mutator& mutator) : external(mutator, this) {}
  ~GrowsInDestructor() { external.Grow(1); }
  void Trace(Tracer&) const {}
  ExternalMemory external;
};

TEST(ExternalMemoryDeathTest, GrowingDuringACollectionStops) {
  EXPECT_DEATH(
      {
        Mutator mutator(kNoStress);
        mutator.Allocate<GrowsInDestructor>(mutator);
        mutator.CollectGarbage();
      },
      "ExternalMemory::Grow during a collection");
}

}  // namespace
}  // namespace kamo::mem
