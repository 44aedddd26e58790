// HeapGraph: a real heap (a Mutator with value/ types and a user-defined
// traceable Blob) driven in lockstep with a shadow model, a plain graph in
// ordinary containers with no garbage collection of its own. The fuzz
// targets and the property tests drive it; after every collection (explicit
// or triggered by allocation pressure) it checks the law:
//
//   - exactly the values reachable in the model from the live handles
//     survive: each is still an occupied slot (PointerFromRaw accepts its
//     address) and every other value's slot was freed;
//   - every survivor keeps its contents (integers, strings, bytes, symbol
//     names) and edges (each edge points to the survivor the model says);
//   - the number a collection returns, the live count of each type and the
//     symbol table size match the model;
//   - each Blob's destructor ran exactly once if it was freed, never if not;
//   - the heap verifier finds every arena consistent.
//
// Operations take handle numbers modulo the handle count and indexes modulo
// the
// container size; one that does not fit the handles' contents (set-car! on
// an integer, say) does nothing, in the model and in the heap alike, so any
// sequence of operations is valid.
//
// The first failure is kept (failure()); later operations do nothing.
#ifndef KAMO_TESTING_HEAP_GRAPH_H_
#define KAMO_TESTING_HEAP_GRAPH_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mem/member.h"
#include "mem/mutator.h"
#include "value/heap.h"

namespace kamo::testing {

// The user-defined traceable type among the value/ types: it holds edges to
// other Blobs through Members and counts its destructor runs.
struct Blob {
  static constexpr const char* kTypeName = "Blob";

  Blob(int blob_id, std::map<int, int>* destructor_runs, bool hide_last)
      : id(blob_id), destroyed(destructor_runs), hide_last_edge(hide_last) {}
  ~Blob() { ++(*destroyed)[id]; }

  void Trace(mem::Tracer& tracer) const {
    std::size_t traced = edges.size();
    // The deliberate bug of the broken variant (teeth tests only).
    if (hide_last_edge && traced > 0) --traced;
    for (std::size_t i = 0; i < traced; ++i) tracer.Visit(edges[i]);
  }

  int id;
  std::map<int, int>* destroyed;
  bool hide_last_edge;
  std::vector<mem::Member<Blob>> edges;
};

class HeapGraph {
 public:
  static constexpr int kHandles = 8;  // the default handle count

  struct Options {
    int handles = kHandles;
    std::uint32_t bucket_capacity = 16;
    // The broken variant: Blob's Trace does not report its last edge.
    bool blob_hides_last_edge = false;
  };

  HeapGraph() : HeapGraph(Options()) {}
  explicit HeapGraph(Options options);
  HeapGraph(const HeapGraph&) = delete;
  HeapGraph& operator=(const HeapGraph&) = delete;

  // ---- Operations ---------------------------------------------------------
  void SetInt(int handle, std::int64_t i);
  void NewPair(int handle, int car, int cdr);
  // A vector of the contents of `count` handles from `first` on.
  void NewVector(int handle, int first, int count);
  // Refused (nothing changes) if `bytes` is not valid UTF-8.
  void NewString(int handle, std::string_view bytes);
  void StringAppend(int handle, std::string_view bytes);
  void Intern(int handle, std::string_view name);
  void NewByteVector(int handle, std::string_view bytes);
  void NewBlob(int handle);
  void SetCar(int pair, int source);
  void SetCdr(int pair, int source);
  void VectorPush(int vector, int source);
  void VectorSet(int vector, std::size_t index, int source);
  void VectorInsert(int vector, std::size_t index, int source);
  void VectorRemove(int vector, std::size_t index);
  void VectorPop(int vector, int destination);
  // Adds an edge from one Blob to another; removes one.
  void Link(int blob, int target);
  void Unlink(int blob, std::size_t index);
  // Takes an element out of a container into a handle: car or cdr (index
  // even or odd), a vector element, a Blob edge.
  void TakeOut(int destination, int container, std::size_t index);
  void Copy(int destination, int source);
  void Drop(int handle);
  // Allocates `count` pairs and drops them: enough crosses the pressure.
  void AllocateGarbage(int count);
  // Collects and checks; returns the number freed.
  std::size_t Collect();

  // ---- Results ------------------------------------------------------------
  bool ok() const { return failure_.empty(); }
  const std::string& failure() const { return failure_; }
  // Compares the whole heap with the model now; records a failure.
  void CheckNow();
  // The model: nodes, edges and handles, one per line.
  std::string Describe() const;

  std::size_t collections() const { return model_collections_; }
  std::size_t allocated_nodes() const { return nodes_.size(); }
  std::size_t live_nodes() const;
  mem::Mutator& mutator() { return mutator_; }

 private:
  using NodeId = int;
  enum class Kind { kPair, kVector, kString, kSymbol, kByteVector, kBlob };

  // A model value: nil, an integer, or a node.
  struct Ref {
    enum { kNil, kInt, kNode } kind = kNil;
    std::int64_t i = 0;
    NodeId node = -1;
  };

  struct Node {
    Kind kind = Kind::kPair;
    std::string bytes = {};  // String contents, Symbol name, ByteVector bytes
    std::vector<Ref> edges = {};    // Pair: {car, cdr}; Vector, Blob: elements
    const void* address = nullptr;  // the value's address in the heap
    int blob_id = -1;
    bool freed = false;
  };

  // What a handle holds in the heap.
  using Handle = std::variant<std::monostate, value::Value, mem::Pointer<Blob>>;

  int H(int handle) const;
  static std::string_view KindName(Kind kind);
  std::string RefName(const Ref& ref) const;

  bool IsNode(int handle, Kind kind) const;
  Ref HandleRef(int handle) const { return model_handles_[H(handle)]; }
  // The heap Value of a handle holding nil, an integer or a value/ node.
  value::Value ValueOf(int handle) const;
  bool HoldsValue(int handle) const;

  void Store(int handle, Ref ref, Handle real);
  // Adds the node for a value just allocated in the heap. If that allocation
  // ran a collection (pressure), the model collects first (the new node did
  // not exist yet) and the heap is checked.
  NodeId Adopt(Node node);
  // After an operation that may have collected without allocating a value
  // (a container or string growing its external memory) and that changes
  // no handle, so the model's reachability is what it was then: if the
  // heap collected, the model collects and the heap is checked.
  void CatchUp();
  // Frees what the model cannot reach from the handles; returns those nodes.
  std::vector<NodeId> ModelCollect();
  // `reused_address` is a new value's address that may reuse a freed slot.
  void CheckAfterCollection(const std::vector<NodeId>& freed,
                            const void* reused_address);
  void Fail(std::string message);
  std::string CheckNode(NodeId id) const;
  bool RefMatches(const Ref& ref, const value::Value& value) const;

  const Options options_;
  std::map<int, int> blob_destructor_runs_;  // declared before the heap
  mem::Mutator mutator_;
  value::Heap heap_;
  std::vector<Handle> handles_;
  std::vector<Ref> model_handles_;
  std::vector<Node> nodes_;
  std::map<std::string, NodeId> live_symbols_;  // by name, not yet freed
  std::size_t model_collections_ = 0;
  int next_blob_id_ = 0;
  std::string failure_;
};

}  // namespace kamo::testing

#endif  // KAMO_TESTING_HEAP_GRAPH_H_
