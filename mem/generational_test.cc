// Generational collection (CollectionMode::kGenerational): sticky mark bits
// make survivors old, a value the roots reach after its second minor
// collection (survivor aging) and everything a major collection keeps; a
// minor collection frees unreachable young values only, tracing the
// remembered set the write barrier keeps and the roots; a major collection
// frees everything unreachable.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "mem/ephemeron.h"
#include "mem/guardian.h"
#include "mem/handle.h"
#include "mem/internal/chunk_table.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Fan;
using testing::Node;
using testing::RawHolder;
using testing::WeakFan;

// Collects only when told: every collection in these tests is explicit.
MutatorOptions Generational() {
  return MutatorOptions{.pacing = Pacing::kManual,
                        .stress_interval = 0,
                        .mode = CollectionMode::kGenerational};
}

// Two minor collections: what lives through both is old.
void MakeSurvivorsOld(Mutator& mutator) {
  mutator.CollectYoung();
  mutator.CollectYoung();
}

// A node that survives two minor collections: old from then on.
Pointer<Node> OldNode(Mutator& mutator, int id, DestructionLog& log) {
  Pointer<Node> node = mutator.Allocate<Node>(id, &log);
  MakeSurvivorsOld(mutator);
  return node;
}

TEST(GenerationalTest, MinorFreesUnreachableYoungValuesAndKeepsOldOnes) {
  DestructionLog log;
  Mutator mutator(Generational());
  std::vector<CollectionEvent> events;
  mutator.set_collection_observer(
      [&](const CollectionEvent& event) { events.push_back(event); });
  EXPECT_EQ(mutator.mode(), CollectionMode::kGenerational);
  Pointer<Node> old_node = OldNode(mutator, 1, log);
  old_node = nullptr;               // unreachable, but old
  mutator.Allocate<Node>(2, &log);  // young, dropped at once
  Pointer<Node> kept = mutator.Allocate<Node>(3, &log);

  EXPECT_EQ(mutator.CollectYoung(), 1u);
  EXPECT_EQ(log.times(2), 1) << "the unreachable young value is freed";
  EXPECT_EQ(log.times(1), 0) << "the unreachable old value waits";
  EXPECT_EQ(mutator.CountLive<Node>(), 2u);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[2].kind, CollectionKind::kMinor);
  EXPECT_EQ(mutator.last_collection_kind(), CollectionKind::kMinor);
  EXPECT_EQ(mutator.minor_collections(), 3u);

  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(1), 1) << "a major collection frees it";
  EXPECT_EQ(events.back().kind, CollectionKind::kMajor);
  EXPECT_EQ(kept->id, 3);
  EXPECT_EQ(log.total(), 2u);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

TEST(GenerationalTest, ASurvivorOfOneMinorStaysYoungUntilTheNext) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<Node> node = mutator.Allocate<Node>(1, &log);
  EXPECT_EQ(mutator.CollectYoung(), 0u);
  EXPECT_EQ(mutator.stats().survivors, 1u);
  EXPECT_NE(mutator.stats().ToString().find("survivors 1;"), std::string::npos)
      << mutator.stats().ToString();
  EXPECT_EQ(mutator.stats().remembered, 0u);
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << mutator.VerifyHeap();
  node = nullptr;
  EXPECT_EQ(mutator.CollectYoung(), 1u) << "young still: a minor frees it";
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(mutator.CountLive<Node>(), 0u);
}

TEST(GenerationalTest, ASurvivorOfTwoMinorsIsOld) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<Node> node = mutator.Allocate<Node>(1, &log);
  mutator.CollectYoung();
  mutator.CollectYoung();
  EXPECT_EQ(mutator.stats().survivors, 0u) << "promoted";
  node = nullptr;
  EXPECT_EQ(mutator.CollectYoung(), 0u) << "old: a major's business";
  EXPECT_EQ(mutator.CountLive<Node>(), 1u);
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(1), 1);
}

TEST(GenerationalTest, WhatTheRememberedSetReachesIsPromotedAtOnce) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<Node> holder = OldNode(mutator, 1, log);
  holder->left = mutator.Allocate<Node>(2, &log);
  holder->left->left = mutator.Allocate<Node>(3, &log);
  mutator.CollectYoung();
  holder->left = nullptr;
  EXPECT_EQ(mutator.CollectYoung(), 0u)
      << "both reached from an old holder: promoted by their first minor";
  EXPECT_EQ(mutator.CollectGarbage(), 2u);
  EXPECT_EQ(log.times(2) + log.times(3), 2);
}

// A value promoted by a minor collection may hold one that the same
// collection keeps young (a survivor for the first time): the promoted
// holder is remembered, or the next minor would free what it holds.
TEST(GenerationalTest, APromotedHolderOfAYoungSurvivorIsRemembered) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<Node> parent = mutator.Allocate<Node>(1, &log);
  mutator.CollectYoung();  // a survivor: young, so the store below
  parent->left = mutator.Allocate<Node>(2, &log);  // needs no record
  EXPECT_EQ(mutator.stats().remembered, 0u);

  mutator.CollectYoung();  // promotes the parent, keeps the child young
  EXPECT_EQ(mutator.stats().remembered, 1u);
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << mutator.VerifyHeap();
  EXPECT_EQ(mutator.CollectYoung(), 0u) << "found through the parent";
  ASSERT_TRUE(parent->left);
  EXPECT_EQ(parent->left->id, 2);
  EXPECT_EQ(mutator.stats().remembered, 0u) << "both old now";
  parent->left = nullptr;
  EXPECT_EQ(mutator.CollectYoung(), 0u);
  EXPECT_EQ(mutator.CollectGarbage(), 1u);
  EXPECT_EQ(log.times(2), 1);
}

struct WeakNodeHolder {
  void Trace(Tracer& tracer) const { tracer.Visit(weak); }
  WeakMember<Node> weak;
};

TEST(GenerationalTest, APromotedWeakHolderOfAYoungSurvivorIsRemembered) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<WeakNodeHolder> holder = mutator.Allocate<WeakNodeHolder>();
  mutator.CollectYoung();
  Pointer<Node> target = mutator.Allocate<Node>(1, &log);
  holder->weak = target;
  mutator.CollectYoung();  // promotes the holder, keeps the target young
  EXPECT_EQ(mutator.stats().remembered, 1u);
  target = nullptr;
  EXPECT_EQ(mutator.CollectYoung(), 1u);
  EXPECT_EQ(log.times(1), 1);
  EXPECT_FALSE(holder->weak) << "cleared by the minor that freed it";
}

TEST(GenerationalTest, ARememberedWeakHolderOfAYoungSurvivorStaysRemembered) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<WeakNodeHolder> holder = mutator.Allocate<WeakNodeHolder>();
  MakeSurvivorsOld(mutator);
  Pointer<Node> target = mutator.Allocate<Node>(1, &log);
  holder->weak = target;
  EXPECT_EQ(mutator.stats().remembered, 1u);
  // The holder's trace reaches the target weakly, the roots strongly: it
  // stays young, and the holder stays remembered.
  mutator.CollectYoung();
  EXPECT_EQ(mutator.stats().remembered, 1u);
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << mutator.VerifyHeap();
  target = nullptr;
  EXPECT_EQ(mutator.CollectYoung(), 1u);
  EXPECT_FALSE(holder->weak) << "cleared by the minor that freed it";
}

TEST(GenerationalTest, OldHolderGivenAYoungValueKeepsItThroughAMinor) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<Node> holder = OldNode(mutator, 1, log);
  holder->left = mutator.Allocate<Node>(2, &log);  // the Pointer is dropped
  EXPECT_EQ(mutator.stats().remembered, 1u) << "the holder is remembered";
  EXPECT_TRUE(mutator.VerifyHeap().ok());

  EXPECT_EQ(mutator.CollectYoung(), 0u);
  EXPECT_EQ(log.total(), 0u);
  ASSERT_TRUE(holder->left);
  EXPECT_EQ(holder->left->id, 2);
  EXPECT_EQ(mutator.stats().remembered, 0u) << "every collection empties it";

  // Now old itself: a later minor keeps it without any record.
  mutator.CollectYoung();
  EXPECT_EQ(holder->left->id, 2);
  holder->left = nullptr;
  mutator.CollectYoung();
  EXPECT_EQ(log.times(2), 0) << "old: only a major collection frees it";
  mutator.CollectGarbage();
  EXPECT_EQ(log.times(2), 1);
}

TEST(GenerationalTest, ARememberedHolderIsTracedAsItIsAtTheMinor) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<Node> holder = OldNode(mutator, 1, log);
  holder->left = mutator.Allocate<Node>(2, &log);
  holder->left = mutator.Allocate<Node>(3, &log);  // replaces 2
  EXPECT_EQ(mutator.stats().remembered, 1u) << "once, however many stores";

  EXPECT_EQ(mutator.CollectYoung(), 1u);
  EXPECT_EQ(log.times(2), 1) << "what the holder no longer holds is freed";
  EXPECT_EQ(holder->left->id, 3);
}

TEST(GenerationalTest, AYoungHolderNeedsNoRecord) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<Node> holder = mutator.Allocate<Node>(1, &log);
  holder->left = mutator.Allocate<Node>(2, &log);
  holder->right = mutator.Allocate<Node>(3, &log);
  EXPECT_EQ(mutator.stats().remembered, 0u);
  mutator.CollectYoung();
  EXPECT_EQ(log.total(), 0u) << "the holder is traced as a root";
  EXPECT_EQ(holder->left->id + holder->right->id, 5);
}

TEST(GenerationalTest, AStoreOfAnOldValueNeedsNoRecord) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<Node> holder = OldNode(mutator, 1, log);
  Pointer<Node> target = OldNode(mutator, 2, log);
  holder->left = target;
  EXPECT_EQ(mutator.stats().remembered, 0u);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

TEST(GenerationalTest, AYoungValueStoredOutsideTheHeapLivesThroughOneMinor) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<Fan> fan = mutator.Allocate<Fan>();
  // In the vector's buffer, outside any slot: the barrier cannot tell the
  // holder, so the young target itself is remembered.
  fan->children.push_back(mutator.Allocate<Node>(1, &log));
  EXPECT_EQ(mutator.stats().remembered, 1u);
  fan->children.clear();

  mutator.CollectYoung();
  EXPECT_EQ(log.times(1), 0) << "remembered, so kept (and now old)";
  mutator.CollectYoung();
  EXPECT_EQ(log.times(1), 0);
  mutator.CollectGarbage();
  EXPECT_EQ(log.times(1), 1);
}

TEST(GenerationalTest, ARememberedYoungValueThatIsAlsoARootIsTracedOnce) {
  struct WeakHolder {
    void Trace(Tracer& tracer) const { tracer.Visit(weak); }
    WeakMember<Node> weak;
  };
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<WeakHolder> holder = mutator.Allocate<WeakHolder>();
  holder->weak = mutator.Allocate<Node>(1, &log);  // held weakly only
  // Stored outside the heap, so remembered itself, and locked: found by
  // the roots and by the remembered set, it must still be traced once, or
  // its weak reference is cleared twice.
  Member<WeakHolder> outside;
  outside = holder;
  EXPECT_EQ(mutator.stats().remembered, 1u);

  mutator.CollectYoung();
  EXPECT_FALSE(holder->weak) << "its young target was freed";
  EXPECT_EQ(log.times(1), 1);
  EXPECT_EQ(mutator.CountLive<WeakHolder>(), 1u);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

TEST(GenerationalTest, AnOldFanKeepsTheYoungValuesItWasGiven) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<Fan> fan = mutator.Allocate<Fan>();
  MakeSurvivorsOld(mutator);
  for (int id = 0; id < 100; ++id) {  // the buffer grows: copies, barriered
    fan->children.push_back(mutator.Allocate<Node>(id, &log));
  }
  mutator.CollectYoung();
  EXPECT_EQ(log.total(), 0u);
  for (int id = 0; id < 100; ++id) EXPECT_EQ(fan->children[id]->id, id);
  EXPECT_TRUE(mutator.VerifyHeap().ok());
}

TEST(GenerationalTest, AWeakMemberOfAnOldHolderIsClearedByAMinor) {
  Mutator mutator(Generational());
  Pointer<WeakFan> fan = mutator.Allocate<WeakFan>();
  Pointer<Node> kept = mutator.Allocate<Node>(1, nullptr);
  MakeSurvivorsOld(mutator);
  fan->children.push_back(mutator.Allocate<Node>(2, nullptr));  // dropped
  fan->children.push_back(kept);
  // A WeakMember inside a slot: the old holder is remembered.
  struct WeakHolder {
    void Trace(Tracer& tracer) const { tracer.Visit(weak); }
    WeakMember<Node> weak;
  };
  Pointer<WeakHolder> holder = mutator.Allocate<WeakHolder>();
  MakeSurvivorsOld(mutator);
  holder->weak = mutator.Allocate<Node>(3, nullptr);
  EXPECT_EQ(mutator.stats().remembered, 1u);

  mutator.CollectYoung();
  EXPECT_FALSE(holder->weak) << "its young target was freed";
  ASSERT_EQ(fan->children.size(), 2u);
  EXPECT_TRUE(fan->children[0]) << "remembered outside the heap: kept";
  EXPECT_EQ(fan->children[1].get(), kept.get());
  mutator.CollectGarbage();
  EXPECT_FALSE(fan->children[0]) << "cleared by the major collection";
  EXPECT_EQ(fan->children[1].get(), kept.get());
}

struct EphemeronHolder {
  void Trace(Tracer& tracer) const { tracer.Visit(entry); }
  Ephemeron<Node, Node> entry;
};

TEST(GenerationalTest, AnEphemeronOfAnOldHolderBreaksWhenItsYoungKeyDies) {
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<EphemeronHolder> holder = mutator.Allocate<EphemeronHolder>();
  MakeSurvivorsOld(mutator);
  Pointer<Node> key = mutator.Allocate<Node>(1, &log);
  holder->entry.Set(key, mutator.Allocate<Node>(2, &log));
  mutator.CollectYoung();
  EXPECT_EQ(log.total(), 0u) << "key reachable: the value is kept";
  EXPECT_EQ(holder->entry.value()->id, 2);
  // Both survivors, young: the holder is remembered for them.
  EXPECT_EQ(mutator.stats().remembered, 1u);
  mutator.CollectYoung();
  EXPECT_EQ(log.total(), 0u) << "promoted by their second minor";

  Pointer<Node> key2 = mutator.Allocate<Node>(3, &log);
  holder->entry.Set(key2, mutator.Allocate<Node>(4, &log));
  key2 = nullptr;
  mutator.CollectYoung();
  EXPECT_FALSE(holder->entry) << "its young key died: broken";
  EXPECT_EQ(log.times(3), 1);
  EXPECT_EQ(log.times(4), 1);
  EXPECT_EQ(log.times(1) + log.times(2), 0) << "old: a major's business";
}

TEST(GenerationalTest, WeakHandlesAreClearedByTheCollectionThatFreesThem) {
  Mutator mutator(Generational());
  Pointer<Node> old_node = mutator.Allocate<Node>(1, nullptr);
  MakeSurvivorsOld(mutator);
  Weak<Node> old_weak = mutator.MakeWeak(old_node);
  Weak<Node> young_weak = mutator.MakeWeak(mutator.Allocate<Node>(2, nullptr));
  old_node = nullptr;
  mutator.CollectYoung();
  EXPECT_FALSE(young_weak.Lock());
  EXPECT_TRUE(old_weak.Lock()) << "an old target waits for a major";
  mutator.CollectGarbage();
  EXPECT_FALSE(old_weak.Lock());
}

TEST(GenerationalTest, GuardiansGetYoungValuesFromMinorsAndOldFromMajors) {
  Mutator mutator(Generational());
  Guardian<Node> guardian = mutator.MakeGuardian<Node>();
  Pointer<Node> old_node = mutator.Allocate<Node>(1, nullptr);
  guardian.Register(old_node);
  MakeSurvivorsOld(mutator);
  old_node = nullptr;
  guardian.Register(mutator.Allocate<Node>(2, nullptr));
  mutator.CollectYoung();
  Pointer<Node> first = guardian.Take();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->id, 2);
  EXPECT_FALSE(guardian.Take()) << "the old one is not handed over yet";
  mutator.CollectGarbage();
  Pointer<Node> second = guardian.Take();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, 1);
}

// A constructor that allocates: under stress mode that allocation runs a
// collection while the Parent's slot is taken, not yet occupied.
struct Parent {
  Parent(Mutator& mutator, DestructionLog* log)
      : child(mutator.Allocate<Node>(2, log)) {}
  void Trace(Tracer& tracer) const { tracer.Visit(child); }
  Member<Node> child;
};

TEST(GenerationalTest, AValueWhoseConstructorCollectedIsStillYoung) {
  DestructionLog log;
  Mutator mutator(MutatorOptions{.pacing = Pacing::kManual,
                                 .stress_interval = 1,
                                 .mode = CollectionMode::kGenerational});
  Pointer<Parent> kept = mutator.Allocate<Parent>(mutator, &log);
  mutator.CollectYoung();
  EXPECT_EQ(log.total(), 0u) << "the minor saw the Parent's lock";
  EXPECT_EQ(kept->child->id, 2);
  EXPECT_TRUE(mutator.VerifyHeap().ok());

  mutator.Allocate<Parent>(mutator, &log);  // dropped at once
  mutator.CollectYoung();
  EXPECT_EQ(log.total(), 1u) << "the minor swept the young Parent's bucket";
  EXPECT_EQ(mutator.CountLive<Parent>(), 1u);
}

// A value bigger than a bucket block: its Members lie past the first
// 64 KiB, where only the ChunkTable finds their holder.
struct BigFan {
  void Trace(Tracer& tracer) const {
    for (const Member<Node>& child : children) tracer.Visit(child);
  }
  std::array<Member<Node>, 20000> children;
};

TEST(GenerationalTest, ABigOldHolderIsFoundFromAnyOfItsMembers) {
  static_assert(sizeof(BigFan) > internal::kBucketAlignment);
  DestructionLog log;
  Mutator mutator(Generational());
  Pointer<BigFan> fan = mutator.Allocate<BigFan>();
  MakeSurvivorsOld(mutator);
  fan->children.back() = mutator.Allocate<Node>(1, &log);
  EXPECT_EQ(mutator.stats().remembered, 1u);
  mutator.CollectYoung();
  EXPECT_EQ(log.total(), 0u);
  EXPECT_EQ(fan->children.back()->id, 1);
}

TEST(GenerationalTest, ChunkTableFindsBucketsAndNothingElse) {
  Mutator mutator(Generational());
  Pointer<Node> node = mutator.Allocate<Node>(1, nullptr);
  const void* bucket = internal::BucketHeader::Of(node.get());
  EXPECT_EQ(internal::ChunkTable::BucketStart(&node->right), bucket);
  int on_stack = 0;
  EXPECT_EQ(internal::ChunkTable::BucketStart(&on_stack), nullptr);
  std::vector<int> on_heap(4);
  EXPECT_EQ(internal::ChunkTable::BucketStart(on_heap.data()), nullptr);
  Pointer<BigFan> fan = mutator.Allocate<BigFan>();
  const void* big = internal::BucketHeader::Of(fan.get());
  EXPECT_EQ(internal::ChunkTable::BucketStart(&fan->children.back()), big);
}

TEST(GenerationalTest, VerifyHeapFindsAStoreThatSkippedTheBarrier) {
  Mutator mutator(Generational());
  Pointer<RawHolder> holder = mutator.Allocate<RawHolder>();
  MakeSurvivorsOld(mutator);
  Pointer<Node> young = mutator.Allocate<Node>(1, nullptr);
  holder->target = young.get();  // no barrier
  const absl::Status status = mutator.VerifyHeap();
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("skipped the write barrier"),
            std::string::npos)
      << status;

  Pointer<Node> other = mutator.Allocate<Node>(2, nullptr);
  WriteBarrier(holder.get(), other.get());
  holder->target = other.get();
  EXPECT_TRUE(mutator.VerifyHeap().ok()) << mutator.VerifyHeap();
}

TEST(GenerationalTest, CollectYoungOfAFullHeapIsAFullCollection) {
  DestructionLog log;
  Mutator mutator(MutatorOptions{.pacing = Pacing::kManual,
                                 .stress_interval = 0,
                                 .mode = CollectionMode::kFull});
  Pointer<Node> node = mutator.Allocate<Node>(1, &log);
  mutator.CollectYoung();
  node = nullptr;
  EXPECT_EQ(mutator.CollectYoung(), 1u);
  EXPECT_EQ(mutator.last_collection_kind(), CollectionKind::kMajor);
  EXPECT_EQ(mutator.minor_collections(), 0u);
}

TEST(GenerationalTest, PacingRunsAMajorOnceTheOldValuesHaveGrown) {
  Mutator mutator(MutatorOptions{.pacing = Pacing::kLiveHeap,
                                 .stress_interval = 0,
                                 .mode = CollectionMode::kGenerational});
  std::vector<CollectionKind> kinds;
  mutator.set_collection_observer(
      [&](const CollectionEvent& event) { kinds.push_back(event.kind); });
  std::vector<Pointer<Node>> kept;
  // Everything allocated is kept: each minor promotes what the one before
  // kept, and the live bytes soon pass the major's threshold.
  for (int id = 0; id < 200000; ++id) {
    kept.push_back(mutator.Allocate<Node>(id, nullptr));
  }
  std::size_t minors = 0;
  std::size_t majors = 0;
  for (const CollectionKind kind : kinds) {
    (kind == CollectionKind::kMinor ? minors : majors) += 1;
  }
  EXPECT_GT(minors, 0u);
  EXPECT_GT(majors, 0u);
  EXPECT_EQ(minors, mutator.minor_collections());
  EXPECT_EQ(kinds.front(), CollectionKind::kMinor)
      << "the first pacing collection is minor";
}

TEST(GenerationalDeathTest, AMalformedModeVariableStops) {
  EXPECT_DEATH(
      {
        setenv(kModeEnvironmentVariable, "sticky", 1);
        Mutator mutator(MutatorOptions{.stress_interval = 0});
      },
      "KAMO_MEM_MODE=\"sticky\" is not a collection mode");
}

TEST(GenerationalTest, TheModeVariableChoosesTheMode) {
  setenv(kModeEnvironmentVariable, "generational", 1);
  Mutator generational(MutatorOptions{.stress_interval = 0});
  setenv(kModeEnvironmentVariable, "full", 1);
  Mutator full(MutatorOptions{.stress_interval = 0});
  unsetenv(kModeEnvironmentVariable);
  EXPECT_EQ(generational.mode(), CollectionMode::kGenerational);
  EXPECT_EQ(full.mode(), CollectionMode::kFull);
  EXPECT_EQ(ToString(CollectionMode::kGenerational), "generational");
  EXPECT_EQ(ToString(CollectionKind::kMinor), "minor");
}

}  // namespace
}  // namespace kamo::mem
