#include <cstdio>

#include "mem/mutator.h"

// A managed type: it holds other managed values through Member and reports
// them from Trace.
struct Node {
  explicit Node(int v) : value(v) {}
  void Trace(kamo::mem::Tracer& tracer) const {
    kamo::mem::TraceFields(tracer, left, right);
  }

  int value;
  kamo::mem::Member<Node> left;
  kamo::mem::Member<Node> right;
};

int main() {
  kamo::mem::Mutator mutator;

  kamo::mem::Pointer<Node> root = mutator.Allocate<Node>(1);  // locked: a root
  root->left = mutator.Allocate<Node>(2);  // reachable through root

  {
    kamo::mem::Pointer<Node> a = mutator.Allocate<Node>(3);
    kamo::mem::Pointer<Node> b = mutator.Allocate<Node>(4);
    a->right = b;
    b->right = a;  // a cycle, dropped at the end of this block
  }

  std::size_t freed = mutator.CollectGarbage();
  std::printf("freed %zu, live %zu, root->left->value %d\n", freed,
              mutator.CountLive<Node>(), root->left->value);
  // Prints: freed 2, live 2, root->left->value 2
}
