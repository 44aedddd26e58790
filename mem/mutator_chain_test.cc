// A chain far longer than any C stack could recurse through is marked and
// freed: tracing uses an explicit pending stack.

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/chain_length.h"

namespace kamo::mem {
namespace {

struct Link {
  explicit Link(std::size_t* destroyed_counter)
      : destroyed(destroyed_counter) {}
  ~Link() { ++*destroyed; }
  void Trace(Tracer& tracer) const { tracer.Visit(next); }

  std::size_t* destroyed;
  Member<Link> next;
};


TEST(MutatorChainTest, LongChainSurvivesThenIsFreedWithoutRecursion) {
  const std::size_t length = testing::ChainLength(10'000'000);
  std::size_t destroyed = 0;
  Mutator mutator;
  Pointer<Link> head = mutator.Allocate<Link>(&destroyed);
  for (std::size_t i = 1; i < length; ++i) {
    Pointer<Link> link = mutator.Allocate<Link>(&destroyed);
    link->next = head;
    head = std::move(link);
  }
  EXPECT_EQ(destroyed, 0u) << "pressure collections freed part of the chain";
  EXPECT_GT(mutator.collections(), 0u);
  EXPECT_EQ(mutator.CountLive<Link>(), length);

  EXPECT_EQ(mutator.CollectGarbage(), 0u);
  std::size_t walked = 0;
  for (Link* link = head.get(); link != nullptr; link = link->next.get()) {
    ++walked;
  }
  EXPECT_EQ(walked, length);

  head = nullptr;
  EXPECT_EQ(mutator.CollectGarbage(), length);
  EXPECT_EQ(destroyed, length);
  EXPECT_EQ(mutator.CountLive<Link>(), 0u);
  EXPECT_LE(mutator.stats().capacity,
            mutator.pressure() + Mutator::Options().bucket_capacity)
      << "compaction released the buckets beyond the next pressure's needs";
}

}  // namespace
}  // namespace kamo::mem
