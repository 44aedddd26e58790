// Managed types for the collector's tests: a graph node with two Members and
// a payload, which records its destruction in a log the test owns.
#ifndef KAMO_MEM_TESTING_TEST_TYPES_H_
#define KAMO_MEM_TESTING_TEST_TYPES_H_

#include <cstdint>
#include <map>
#include <vector>

#include "mem/handle.h"
#include "mem/member.h"
#include "mem/trace.h"
#include "mem/weak_member.h"

namespace kamo::mem::testing {

// Counts destructor runs per node id.
class DestructionLog {
 public:
  void Record(int id) { ++count_[id]; }
  int times(int id) const {
    auto it = count_.find(id);
    return it == count_.end() ? 0 : it->second;
  }
  std::size_t total() const {
    std::size_t n = 0;
    for (const auto& [id, times] : count_) n += times;
    return n;
  }

 private:
  std::map<int, int> count_;
};

struct Node {
  Node(int node_id, DestructionLog* destruction_log)
      : id(node_id), log(destruction_log) {}
  ~Node() {
    if (log != nullptr) log->Record(id);
  }

  void Trace(Tracer& tracer) const { TraceFields(tracer, left, right); }

  int id;
  DestructionLog* log;
  Member<Node> left;
  Member<Node> right;
};

// A node with a small bucket, so tests can fill buckets quickly.
struct SmallNode {
  static constexpr std::uint32_t kBucketCapacity = 8;
  static constexpr const char* kTypeName = "SmallNode";

  explicit SmallNode(int node_id) : id(node_id) {}
  void Trace(Tracer& tracer) const { tracer.Visit(next); }

  int id;
  Member<SmallNode> next;
};

// A node with any number of children, traced through VisitAll.
struct Fan {
  void Trace(Tracer& tracer) const { tracer.VisitAll(children); }
  std::vector<Member<Node>> children;
};

// A type that stores a reference without the write barrier: what
// VerifyHeap must catch (a store skipped the barrier).
struct RawHolder {
  void Trace(Tracer& tracer) const { tracer.Visit(RootAt(target), "raw"); }
  const void* target = nullptr;
};

// A value with any number of weak references, traced through VisitAll.
struct WeakFan {
  void Trace(Tracer& tracer) const { tracer.VisitAll(children); }
  std::vector<WeakMember<Node>> children;
};

}  // namespace kamo::mem::testing

#endif  // KAMO_MEM_TESTING_TEST_TYPES_H_
