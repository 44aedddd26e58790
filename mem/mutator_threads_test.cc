// Several Mutators in one process share no state: each runs on its own
// thread and sees only its own values.
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "mem/mutator.h"
#include "mem/testing/test_types.h"

namespace kamo::mem {
namespace {

using testing::DestructionLog;
using testing::Node;

struct Outcome {
  std::size_t live_before = 0;
  std::size_t freed = 0;
  std::size_t live_after = 0;
  std::size_t destroyed = 0;
  bool ids_intact = false;
  bool foreign_refused = false;
};

// Builds `kept` reachable nodes and `garbage` ring nodes, collects, and
// reports what it saw.
void Work(int kept, int garbage, const void* foreign, Outcome* out) {
  DestructionLog log;
  {
    Mutator mutator;
    Pointer<Node> root = mutator.Allocate<Node>(0, &log);
    Pointer<Node> tail = root;
    for (int i = 1; i < kept; ++i) {
      Pointer<Node> next = mutator.Allocate<Node>(i, &log);
      tail->left = next;
      tail = next;
    }
    {
      Pointer<Node> first = mutator.Allocate<Node>(-1, &log);
      Pointer<Node> last = first;
      for (int i = 1; i < garbage; ++i) {
        Pointer<Node> next = mutator.Allocate<Node>(-1 - i, &log);
        last->right = next;
        last = next;
      }
      last->right = first;
    }
    out->live_before = mutator.CountLive<Node>();
    out->freed = mutator.CollectGarbage();
    out->live_after = mutator.CountLive<Node>();
    out->destroyed = log.total();
    int expected = 0;
    out->ids_intact = true;
    for (Node* n = root.get(); n != nullptr; n = n->left.get()) {
      out->ids_intact &= n->id == expected++;
    }
    out->ids_intact &= expected == kept;
    out->foreign_refused = !mutator.PointerFromRaw<Node>(foreign).ok();
  }
}

TEST(MutatorThreadsTest, TwoMutatorsOnTwoThreadsStayApart) {
  // An address from a third Mutator that neither worker may accept.
  Mutator outsider;
  Pointer<Node> foreign = outsider.Allocate<Node>(7, nullptr);

  Outcome a, b;
  std::thread first(Work, 700, 300, foreign.get(), &a);
  std::thread second(Work, 200, 1800, foreign.get(), &b);
  first.join();
  second.join();

  EXPECT_EQ(a.live_before, 1000u);
  EXPECT_EQ(a.freed, 300u);
  EXPECT_EQ(a.live_after, 700u);
  EXPECT_EQ(a.destroyed, 300u);
  EXPECT_TRUE(a.ids_intact);
  EXPECT_TRUE(a.foreign_refused);

  EXPECT_EQ(b.live_before, 2000u);
  EXPECT_EQ(b.freed, 1800u);
  EXPECT_EQ(b.live_after, 200u);
  EXPECT_EQ(b.destroyed, 1800u);
  EXPECT_TRUE(b.ids_intact);
  EXPECT_TRUE(b.foreign_refused);

  EXPECT_EQ(outsider.CountLive<Node>(), 1u);
  EXPECT_EQ(foreign->id, 7);
}

}  // namespace
}  // namespace kamo::mem
