// GCBench on the peers a user would pick instead: Boehm GC, new/delete,
// std::shared_ptr, and new/delete on mimalloc.
#include <gc/gc.h>
#include <mimalloc.h>

#include <chrono>
#include <memory>
#include <new>

#include "bench/gcbench.h"

namespace kamo::bench {
namespace {

// A node with explicit memory management, for new/delete and mimalloc.
// Allocator supplies Allocate() and Free(void*).
template <typename Allocator>
struct ManualNode {
  ManualNode* left = nullptr;
  ManualNode* right = nullptr;
  int i = 0;
  int j = 0;

  static ManualNode* New(ManualNode* l = nullptr, ManualNode* r = nullptr) {
    auto* node = new (Allocator::Allocate(sizeof(ManualNode))) ManualNode;
    node->left = l;
    node->right = r;
    return node;
  }
  static void Delete(ManualNode* node) {
    if (node == nullptr) return;
    Delete(node->left);
    Delete(node->right);
    node->~ManualNode();
    Allocator::Free(node);
  }
};

struct GlobalNew {
  static void* Allocate(std::size_t size) { return ::operator new(size); }
  static void Free(void* p) { ::operator delete(p); }
};

struct Mimalloc {
  static void* Allocate(std::size_t size) {
    void* p = mi_malloc(size);
    if (p == nullptr) throw std::bad_alloc();
    return p;
  }
  static void Free(void* p) { mi_free(p); }
};

template <typename Allocator>
GcBenchReport RunManual(const GcBenchParams& p) {
  using Node = ManualNode<Allocator>;
  auto make_tree = [](auto& self, int depth) -> Node* {
    if (depth <= 0) return Node::New();
    Node* left = self(self, depth - 1);
    Node* right = self(self, depth - 1);
    return Node::New(left, right);
  };
  auto populate = [](auto& self, int depth, Node* node) -> void {
    if (depth <= 0) return;
    --depth;
    node->left = Node::New();
    node->right = Node::New();
    self(self, depth, node->left);
    self(self, depth, node->right);
  };

  Node::Delete(make_tree(make_tree, p.stretch_depth));
  Node* long_lived = Node::New();
  populate(populate, p.long_lived_depth, long_lived);
  auto* array =
      static_cast<double*>(Allocator::Allocate(sizeof(double) * p.array_size));
  for (int i = 0; i < p.array_size; ++i) {
    array[i] = i < p.array_size / 2 ? 1.0 / i : 0.0;
  }
  for (int depth = p.min_depth; depth <= p.max_depth; depth += 2) {
    const int iters = NumIters(p, depth);
    for (int i = 0; i < iters; ++i) {
      Node* temp = Node::New();
      populate(populate, depth, temp);
      Node::Delete(temp);
    }
    for (int i = 0; i < iters; ++i) Node::Delete(make_tree(make_tree, depth));
  }
  GcBenchReport report;
  report.valid = long_lived->left != nullptr && array[1000] == 1.0 / 1000;
  Node::Delete(long_lived);
  Allocator::Free(array);
  return report;
}

// ---- Boehm GC ------------------------------------------------------------

struct GcNode {
  GcNode* left;
  GcNode* right;
  int i;
  int j;
};

GcNode* NewGcNode(GcNode* left = nullptr, GcNode* right = nullptr) {
  auto* node = static_cast<GcNode*>(GC_MALLOC(sizeof(GcNode)));
  if (node == nullptr) throw std::bad_alloc();
  node->left = left;
  node->right = right;
  return node;
}

GcNode* MakeGcTree(int depth) {
  if (depth <= 0) return NewGcNode();
  GcNode* left = MakeGcTree(depth - 1);
  GcNode* right = MakeGcTree(depth - 1);
  return NewGcNode(left, right);
}

void PopulateGc(int depth, GcNode* node) {
  if (depth <= 0) return;
  --depth;
  node->left = NewGcNode();
  node->right = NewGcNode();
  PopulateGc(depth, node->left);
  PopulateGc(depth, node->right);
}

// Boehm's collection event callback has no user data: the one run in this
// process records into these.
std::vector<CollectionSample>* boehm_timeline = nullptr;
std::chrono::steady_clock::time_point boehm_origin;
std::chrono::steady_clock::time_point boehm_pause_start;

std::int64_t Nanos(std::chrono::steady_clock::duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count();
}

void OnBoehmEvent(GC_EventType event) {
  if (event == GC_EVENT_START) {
    boehm_pause_start = std::chrono::steady_clock::now();
  } else if (event == GC_EVENT_END && boehm_timeline != nullptr) {
    // GC_get_heap_size takes the allocation lock only once threads exist;
    // this process has one thread, so it is safe inside the callback.
    boehm_timeline->push_back(
        {Nanos(boehm_pause_start - boehm_origin),
         Nanos(std::chrono::steady_clock::now() - boehm_pause_start),
         static_cast<std::int64_t>(GC_get_heap_size())});
  }
}

// ---- std::shared_ptr -----------------------------------------------------

struct SharedNode {
  std::shared_ptr<SharedNode> left;
  std::shared_ptr<SharedNode> right;
  int i = 0;
  int j = 0;
};

std::shared_ptr<SharedNode> MakeSharedTree(int depth) {
  auto node = std::make_shared<SharedNode>();
  if (depth > 0) {
    node->left = MakeSharedTree(depth - 1);
    node->right = MakeSharedTree(depth - 1);
  }
  return node;
}

void PopulateShared(int depth, SharedNode* node) {
  if (depth <= 0) return;
  --depth;
  node->left = std::make_shared<SharedNode>();
  node->right = std::make_shared<SharedNode>();
  PopulateShared(depth, node->left.get());
  PopulateShared(depth, node->right.get());
}

}  // namespace

// Boehm's collections go on the report's timeline; it writes no trace.
GcBenchReport RunBoehm(const GcBenchParams& p, const RunSettings&) {
  GcBenchReport report;
  GC_INIT();
  boehm_origin = std::chrono::steady_clock::now();
  boehm_timeline = &report.timeline;
  GC_set_on_collection_event(&OnBoehmEvent);
  const GC_word collections_before = GC_get_gc_no();

  MakeGcTree(p.stretch_depth);
  GcNode* long_lived = NewGcNode();
  PopulateGc(p.long_lived_depth, long_lived);
  auto* array =
      static_cast<double*>(GC_MALLOC_ATOMIC(sizeof(double) * p.array_size));
  for (int i = 0; i < p.array_size; ++i) {
    array[i] = i < p.array_size / 2 ? 1.0 / i : 0.0;
  }
  for (int depth = p.min_depth; depth <= p.max_depth; depth += 2) {
    const int iters = NumIters(p, depth);
    for (int i = 0; i < iters; ++i) PopulateGc(depth, NewGcNode());
    for (int i = 0; i < iters; ++i) MakeGcTree(depth);
  }
  report.valid = long_lived->left != nullptr && array[1000] == 1.0 / 1000;
  report.collections =
      static_cast<std::int64_t>(GC_get_gc_no() - collections_before);
  GC_set_on_collection_event(nullptr);
  boehm_timeline = nullptr;
  return report;
}

// The peers without a collector have no timeline: RunSettings is unused.
GcBenchReport RunNewDelete(const GcBenchParams& p, const RunSettings&) {
  return RunManual<GlobalNew>(p);
}

GcBenchReport RunMimalloc(const GcBenchParams& p, const RunSettings&) {
  return RunManual<Mimalloc>(p);
}

GcBenchReport RunSharedPtr(const GcBenchParams& p, const RunSettings&) {
  MakeSharedTree(p.stretch_depth);
  auto long_lived = std::make_shared<SharedNode>();
  PopulateShared(p.long_lived_depth, long_lived.get());
  auto array = std::make_unique<double[]>(p.array_size);
  for (int i = 0; i < p.array_size / 2; ++i) array[i] = 1.0 / i;
  for (int depth = p.min_depth; depth <= p.max_depth; depth += 2) {
    const int iters = NumIters(p, depth);
    for (int i = 0; i < iters; ++i) {
      auto temp = std::make_shared<SharedNode>();
      PopulateShared(depth, temp.get());
    }
    for (int i = 0; i < iters; ++i) MakeSharedTree(depth);
  }
  GcBenchReport report;
  report.valid = long_lived->left != nullptr && array[1000] == 1.0 / 1000;
  return report;
}

}  // namespace kamo::bench
