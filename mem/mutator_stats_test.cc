// Stats agree with a recount, the log sink hears about collections, and
// MutatorRef shares one Mutator.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/mutator_ref.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Fan;
using testing::Node;
using testing::SmallNode;

TEST(MutatorStatsTest, MatchesARecount) {
  // Counts collections: no stress mode.
  Mutator mutator(MutatorOptions{.stress_interval = 0});
  std::vector<Pointer<SmallNode>> small;
  for (int i = 0; i < 20; ++i) small.push_back(mutator.Allocate<SmallNode>(i));
  Pointer<Fan> fan = mutator.Allocate<Fan>();
  for (int i = 0; i < 5; ++i) {
    fan->children.push_back(mutator.Allocate<Node>(i, nullptr));
  }
  mutator.Allocate<Node>(99, nullptr);

  Stats before = mutator.stats();
  ASSERT_EQ(before.arenas.size(), 3u);
  EXPECT_EQ(before.arenas[0].type, "SmallNode");
  EXPECT_EQ(before.arenas[0].live, 20u);
  EXPECT_EQ(before.arenas[0].buckets, 3u);
  EXPECT_EQ(before.arenas[0].capacity, 24u);
  EXPECT_EQ(before.Find("kamo::mem::testing::Fan")->live, 1u);
  EXPECT_EQ(before.Find("kamo::mem::testing::Node")->live, 6u);
  EXPECT_EQ(before.live, 27u);
  // By default a bucket fills its block.
  const std::uint32_t fans =
      internal::Bucket<Fan>::FittingCapacity(MutatorOptions{}.bucket_capacity);
  const std::uint32_t nodes =
      internal::Bucket<Node>::FittingCapacity(MutatorOptions{}.bucket_capacity);
  EXPECT_EQ(before.Find("kamo::mem::testing::Fan")->capacity, fans);
  EXPECT_EQ(before.capacity, 24u + fans + nodes);
  // Each bucket's bytes are its slots and their metadata.
  EXPECT_EQ(before.heap_bytes, 3 * internal::Bucket<SmallNode>::BucketBytes(8) +
                                   internal::Bucket<Fan>::BucketBytes(fans) +
                                   internal::Bucket<Node>::BucketBytes(nodes));
  // and its slots fill the block.
  EXPECT_LE(internal::Bucket<Fan>::SlotBlockBytes(fans),
            internal::kBucketAlignment);
  EXPECT_GT(internal::Bucket<Fan>::SlotBlockBytes(fans + 1),
            internal::kBucketAlignment);
  EXPECT_EQ(before.allocations, 27u);
  EXPECT_EQ(before.collections, 0u);
  EXPECT_EQ(before.pressure, Mutator::kMinPressure);  // live-heap pacing
  EXPECT_EQ(before.Find("int"), nullptr);

  small.resize(4);
  EXPECT_EQ(mutator.CollectGarbage(), 17u);
  Stats after = mutator.stats();
  EXPECT_EQ(after.Find("SmallNode")->live, 4u);
  EXPECT_EQ(after.Find("kamo::mem::testing::Node")->live, 5u);
  EXPECT_EQ(after.live, 10u);
  EXPECT_EQ(after.allocations, 0u);
  EXPECT_EQ(after.collections, 1u);
  EXPECT_NE(after.ToString().find("SmallNode"), std::string::npos);
}

class RecordingSink : public LogSink {
 public:
  void Log(LogLevel level, std::string_view target,
           std::string_view message) override {
    lines.push_back(std::string(ToString(level)) + " " + std::string(target) +
                    " " + std::string(message));
  }
  std::vector<std::string> lines;
};

TEST(MutatorLogTest, SinkHearsCollectionsUnderTheTarget) {
  RecordingSink sink;
  // Counts collections: no stress mode.
  Mutator mutator(MutatorOptions{.stress_interval = 0});
  mutator.set_log_sink(&sink);
  mutator.Allocate<SmallNode>(1);
  mutator.CollectGarbage();
  ASSERT_FALSE(sink.lines.empty());
  EXPECT_EQ(
      sink.lines.back(),
      "info kamo::mem collection 1 (major) freed 1 values, 0 live in 1 arenas");
  for (const std::string& line : sink.lines) {
    EXPECT_NE(line.find(" kamo::mem "), std::string::npos) << line;
  }

  mutator.set_log_sink(nullptr);
  const std::size_t heard = sink.lines.size();
  mutator.CollectGarbage();
  EXPECT_EQ(sink.lines.size(), heard);
}

TEST(MutatorRefTest, SharesOneMutatorAndDestroysItWithTheLastHandle) {
  DestructionLog log;
  MutatorRef first = Mutator::NewRef();
  {
    MutatorRef second = first;
    EXPECT_EQ(first.use_count(), 2);
    EXPECT_EQ(first, second);
    EXPECT_EQ(first.get(), second.get());
    second->Allocate<Node>(1, &log);
  }
  EXPECT_EQ(first.use_count(), 1);
  EXPECT_EQ(first->CountLive<Node>(), 1u) << "values live in the shared heap";
  { MutatorRef last = std::move(first); }
  EXPECT_EQ(log.times(1), 1) << "the last handle destroyed the Mutator";
}

}  // namespace
}  // namespace kamo::mem
