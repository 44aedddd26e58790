// HeapGraph: a real heap (a Mutator with value/ types and a user-defined
// traceable Blob) driven in lockstep with a shadow model, a plain graph in
// ordinary containers with no garbage collection of its own. The fuzz
// targets and the property tests drive it; after every collection (explicit,
// or run by pressure, stress, the heap limit or a buffer's growth) it checks
// the law, deciding liveness from its own Ledger (testing/ledger.h: the
// values' constructors and destructors report to it), never from the
// collector:
//
//   - exactly the values unreachable in the model were destroyed in that
//     collection, each once, and every value the model can reach is alive at
//     its address with the identity it was made with, and nothing else is.
//     In a generational heap (MutatorOptions::mode) a minor collection's
//     model marks from every old node and every young Blob stored into a
//     Blob's edges since the last collection (a std::vector's buffer,
//     where the write barrier keeps the target, see mem/member.h), and
//     then from the handles: old nodes unreachable from the handles live
//     on until a major collection, and every other young node unreachable
//     is freed. A node is old once it survived a major collection, was
//     reached by a minor one's first marking, or was reached by a minor
//     one after surviving an earlier minor one young (survivor aging, see
//     mem/mutator.h). In an incremental heap
//     (the finish of a collection spread over steps) the law is an
//     interval: every node the model can reach lives, and every node it
//     could not reach when the collection started (the first step's
//     MarkingStepEvent, heard while it happens) is freed unless an
//     operation took it back out of a weak reference since (a WeakLock, a
//     TakeOut of a weak part, an Intern of a symbol not yet freed: it and
//     what it reaches are then spared); a node that became unreachable
//     while it marked, or was made then, may live until the next
//     collection (the model learns which from the ledger);
//   - every survivor keeps its contents (integers, strings, bytes, symbol
//     names) and edges, read from the values themselves;
//   - Weak handles to Blobs: cleared, with their callback run once, exactly
//     when the model freed the target, and still leading to it otherwise;
//     likewise each Blob's WeakMember, checked after every collection;
//   - ephemerons: a Blob's ephemeron keeps its value alive exactly while
//     its key is reachable some other way (the model finds that by
//     repeating its marking until no ephemeron adds anything, a fixpoint
//     independent of the collector's), and is broken (key and value null)
//     in the collection that frees its key;
//   - value/'s weak types: a WeakPair's car, a weak Hashtable's weak keys
//     or values, held weakly; a value/ Ephemeron's datum, and an ephemeron
//     Hashtable's values, kept exactly while their key is reachable some
//     other way (the same fixpoint); each broken (the pair and ephemeron
//     reading #f, the table's entry gone) in the collection that frees
//     what it held weakly, and a table's entries checked against the
//     model's with every survivor's contents;
//   - a guardian of Blobs: a registered Blob the handles cannot reach (nor
//     the Blobs already waiting in the guardian) is handed over in that
//     collection, kept with all it reaches, and not destroyed; the
//     guardian's counts of registrations and ready Blobs match the model's
//     after every collection, and Take hands out the model's next one;
//   - (after every Nth collection, explicit ones, and with CheckNow) the
//     contents of every survivor and the heap verifier's walk;
//   - the collector's own reports agree: the number a collection returns,
//     the live count of each type, Stats, the symbol table size,
//     PointerFromRaw refusing the freed values, the heap verifier;
//   - Teardown(): destroying the Mutator destroys every value left, once.
//
// The Mutator's options (pacing, stress, heap limit, bucket capacity, mode)
// come from Options. In an incremental heap GuardianRegister registers
// nothing: whether a registered Blob that became unreachable while a
// collection marked is handed over depends on whether the marking reached
// it first, which neither the model nor the guardian's counts can tell. An
// allocation refused by the heap limit changes nothing in the model, and the
// heap is checked to be as it was.
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
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "mem/ephemeron.h"
#include "mem/guardian.h"
#include "mem/member.h"
#include "mem/mutator.h"
#include "mem/weak.h"
#include "mem/weak_member.h"
#include "testing/ledger.h"
#include "value/hashtable.h"
#include "value/heap.h"

namespace kamo::testing {

// The kinds of managed value the harness makes: value/'s heap types and
// Blob. The fuzzers and the properties share it.
enum class NodeKind {
  kPair,
  kVector,
  kString,
  kSymbol,
  kByteVector,
  kBlob,
  kWeakPair,
  kEphemeron,  // value/'s
  kHashtable,
};
inline constexpr int kNodeKinds = 9;
// The managed type's name: "Pair", ..., "Hashtable".
std::string_view ToString(NodeKind kind);

// The user-defined traceable type among the value/ types: it holds edges to
// other Blobs through Members, one weak edge through a WeakMember and one
// ephemeron from a Blob key to a Blob value, and reports its lifetime to
// the ledger.
struct Blob {
  static constexpr const char* kTypeName = "Blob";

  Blob(int blob_id, bool hide_last) : id(blob_id), hide_last_edge(hide_last) {
    if (Ledger* ledger = Ledger::Current())
      ledger->Constructed(kTypeName, this);
  }
  ~Blob() {
    if (Ledger* ledger = Ledger::Current()) ledger->Destroyed(kTypeName, this);
  }
  Blob(const Blob&) = delete;
  Blob& operator=(const Blob&) = delete;

  void Trace(mem::Tracer& tracer) const {
    std::size_t traced = edges.size();
    // The deliberate bug of the broken variant (teeth tests only).
    if (hide_last_edge && traced > 0) --traced;
    for (std::size_t i = 0; i < traced; ++i) tracer.Visit(edges[i]);
    tracer.Visit(weak_edge);
    tracer.Visit(ephemeron);
  }

  int id;
  bool hide_last_edge;
  std::vector<mem::Member<Blob>> edges;
  mem::WeakMember<Blob> weak_edge;
  mem::Ephemeron<Blob, Blob> ephemeron;
};

class HeapGraph {
 public:
  static constexpr int kHandles = 8;  // the default handle count
  static constexpr int kWeaks = 4;    // Weak handle slots

  struct Options {
    int handles = kHandles;
    // stress_interval unset: KAMO_MEM_STRESS decides, as for any Mutator.
    mem::MutatorOptions mutator = {.bucket_capacity = 16};
    // The broken variant: Blob's Trace does not report its last edge.
    bool blob_hides_last_edge = false;
    // Collections between whole-heap checks (every survivor's contents and
    // the heap verifier); explicit collections always get one.
    std::size_t full_check_every = 8;
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
  // A WeakPair (its car held weakly) and a value/ Ephemeron of the
  // contents of two handles.
  void NewWeakPair(int handle, int car, int cdr);
  void NewEphemeron(int handle, int key, int datum);
  // An empty Hashtable of Hashtable::Weakness `weakness` (modulo 4).
  void NewHashtable(int handle, int weakness);
  // Stores, in the Hashtable in `table`, the contents of `value` under the
  // contents of `key`; Remove removes the key's entry.
  void HashtableSet(int table, int key, int value);
  void HashtableRemove(int table, int key);
  // Of a Pair or a WeakPair.
  void SetCar(int pair, int source);
  void SetCdr(int pair, int source);
  void VectorPush(int vector, int source);
  void VectorSet(int vector, std::size_t index, int source);
  void VectorInsert(int vector, std::size_t index, int source);
  void VectorRemove(int vector, std::size_t index);
  void VectorPop(int vector, int destination);
  // Adds an edge from one Blob to another; removes one. WeakLink sets the
  // Blob's weak edge to the Blob in `target` (to null if it holds none).
  void Link(int blob, int target);
  void WeakLink(int blob, int target);
  // Sets the Blob's ephemeron to the Blob in `key` and the Blob in `value`
  // (no value if `value` holds no Blob); empties it if `key` holds none.
  void EphemeronLink(int blob, int key, int value);
  void Unlink(int blob, std::size_t index);
  // Weak slot `weak` (modulo kWeaks) gets a Weak handle to the Blob in
  // `target`, with a callback that counts its runs (the handle it replaces
  // is destroyed, and its callback must never run); WeakLock stores what
  // the Weak leads to (nil once cleared) in `destination`.
  void MakeWeak(int weak, int target);
  void WeakLock(int destination, int weak);
  // Registers the Blob in `handle` with the guardian (nothing if it holds
  // none); GuardianTake stores the next Blob handed over (nil if none) in
  // `destination`.
  // (Nothing in an incremental heap, see the top.)
  void GuardianRegister(int handle);
  void GuardianTake(int destination);
  // Takes an element out of a container into a handle: car or cdr (index
  // even or odd) of a Pair or WeakPair, key or datum of an Ephemeron (#f
  // once broken, as a broken WeakPair's car), a vector element, a Blob edge
  // (index modulo the edges and three more: the weak edge, the ephemeron's
  // key, its value; each nil when empty or cleared), or what a Hashtable
  // stores under the contents of handle `index` (#f if nothing).
  void TakeOut(int destination, int container, std::size_t index);
  void Copy(int destination, int source);
  void Drop(int handle);
  // Allocates `pairs` pairs, then a ByteVector of `external_bytes` bytes
  // (none if 0), and drops them: enough crosses the pressure. The bytes let
  // a short burst cross byte pacing with few allocations.
  void AllocateGarbage(int pairs, std::size_t external_bytes = 0);
  // Collects (CollectGarbage, or CollectYoung for kMinor) and checks;
  // returns the number freed.
  std::size_t Collect(mem::CollectionKind kind = mem::CollectionKind::kMajor);
  // One pause of an incremental collection (Mutator::CollectStep: its
  // start, a step tracing `budget` values, or its finish; CollectYoung in
  // a heap that is not incremental), checked like any collection.
  void CollectStep(std::size_t budget);
  // Drops every handle, destroys the Mutator and checks that it destroyed
  // every value left exactly once. Nothing may be called after it.
  void Teardown();

  // ---- Results ------------------------------------------------------------
  bool ok() const { return failure_.empty(); }
  const std::string& failure() const { return failure_; }
  // Compares the whole heap with the model now; records a failure.
  void CheckNow();
  // While an incremental collection marks, the heap verifier's check of
  // the tri-color invariant (no value traced already refers to an
  // unmarked one), which a store that skipped the barrier breaks at once,
  // long before a value is freed under a reference (O(heap)); nothing
  // otherwise.
  void CheckMarking();
  // The model: nodes, edges and handles, one per line.
  std::string Describe() const;

  std::size_t collections() const { return model_collections_; }
  std::size_t allocated_nodes() const { return nodes_.size(); }
  std::size_t live_nodes() const { return live_ids_.size(); }
  // Allocations and growths the heap limit refused.
  std::size_t refusals() const { return refusals_; }
  mem::Mutator& mutator() { return *mutator_; }

 private:
  using NodeId = int;
  using Kind = NodeKind;

  // A model value: nil, an integer, or a node.
  struct Ref {
    enum { kNil, kFalse, kInt, kNode } kind = kNil;
    std::int64_t i = 0;
    NodeId node = -1;
  };

  struct Node {
    Kind kind = Kind::kPair;
    std::string bytes = {};  // String contents, Symbol name, ByteVector bytes
    // Pair, WeakPair: {car, cdr}; Ephemeron: {key, datum}; Vector, Blob:
    // elements; Hashtable: key, value, key, value, ... (keys eqv-distinct).
    std::vector<Ref> edges = {};
    const void* address = nullptr;  // the value's address in the heap
    int blob_id = -1;
    NodeId weak = -1;  // a Blob's weak edge; -1: none, or cleared
    // A Blob's ephemeron; -1: none, or broken (key), or no value.
    NodeId ephemeron_key = -1;
    NodeId ephemeron_value = -1;
    // A WeakPair's or value/ Ephemeron's: their weak part was freed, and
    // they read #f.
    bool broken = false;
    value::Hashtable::Weakness weakness = value::Hashtable::Weakness::kStrong;
    bool freed = false;
    // In a generational heap, only a major collection frees an old node;
    // a survivor is young, and promoted by the next minor collection that
    // reaches it.
    bool old = false;
    bool survivor = false;
    Ledger::Identity identity = Ledger::kNone;  // set by Adopt
    std::uint64_t reached = 0;  // the last ModelCollect epoch that reached it
    // Unreachable when the incremental collection under way started, and
    // not taken back out of a weak reference since: its finish must free
    // it.
    bool doomed = false;
  };

  struct WeakSlot {
    NodeId target = -1;  // -1: empty
    int serial = -1;     // which MakeWeak made it, for its callback's count
    mem::Weak<Blob> weak;
  };

  // What a handle holds in the heap.
  using Handle = std::variant<std::monostate, value::Value, mem::Pointer<Blob>>;

  int H(int handle) const;
  std::string RefName(const Ref& ref) const;

  bool IsNode(int handle, Kind kind) const;
  // The index of `key`'s entry in a Hashtable node's edges (eqv: the same
  // integer or node), or edges.size().
  std::size_t ModelEntry(const Node& table, const Ref& key) const;
  bool IsFreed(const Ref& ref) const {
    return ref.kind == Ref::kNode && nodes_[ref.node].freed;
  }
  // The model's side of a collection's marking: what `node` keeps without
  // condition, and (for ephemerons) what it keeps once their key lives:
  // the values of its ephemerons whose key node satisfies `key_lives`.
  template <typename Visit>
  void VisitStrongEdges(const Node& node, Visit& visit) const;
  template <typename KeyLives, typename Visit>
  void VisitEphemeronValues(const Node& node, KeyLives key_lives,
                            Visit& visit) const;
  // Clears what a collection freed from a survivor's weak parts.
  void BreakWeakParts(Node& node);
  Ref HandleRef(int handle) const { return model_handles_[H(handle)]; }
  // The heap Value of a handle holding nil, an integer or a value/ node.
  value::Value ValueOf(int handle) const;
  bool HoldsValue(int handle) const;

  void Store(int handle, Ref ref, Handle real);
  // Adds the node for a value just allocated in the heap. If that allocation
  // ran a collection (pressure), the model collects first (the new node did
  // not exist yet) and the heap is checked.
  NodeId Adopt(Node node);
  // Allocates a ByteVector of `bytes` and adopts it (its node's id in
  // `id`); null if the heap limit refused it.
  mem::Pointer<value::ByteVector> AdoptByteVector(std::string_view bytes,
                                                  NodeId& id);
  // Runs `operation`; if the heap limit refuses it, counts the refusal,
  // catches up with the collection the refusal ran and returns false.
  template <typename Operation>
  bool Guarded(Operation&& operation);
  // After an operation that may have collected without allocating a value
  // (a container or string growing its external memory) and that changes
  // no handle, so the model's reachability is what it was then: if the
  // heap collected, the model collects and the heap is checked.
  void CatchUp();
  // Marks (Node::reached == epoch_) what the model reaches: from the
  // handles and the guardian's ready Blobs, and for a minor collection
  // first from the old and remembered nodes (what that reaches is
  // promoted), with ephemerons resolved.
  void MarkReachable(bool minor);
  static Ref NodeRef(NodeId id) { return Ref{.kind = Ref::kNode, .node = id}; }
  // Marks `ref`'s node reached in this epoch and pushes it, if it was not.
  void Reach(const Ref& ref, std::vector<NodeId>& pending);
  // Marks from `pending` (reached already) until nothing is left.
  template <typename Visit>
  void MarkFrom(std::vector<NodeId>& pending, Visit& visit);
  // The first step of an incremental collection: dooms what the model
  // cannot reach now.
  void OnIncrementalStart();
  // A node stored into a handle: if it was doomed, it and what it reaches
  // are spared (taken back out of a weak reference).
  void Spare(const Ref& ref);
  // Frees what the model cannot reach from the handles; returns those nodes.
  std::vector<NodeId> ModelCollect();
  // `reused_address` is a new value's address that may reuse a freed slot;
  // `full` checks the whole heap whatever the collection's number.
  void CheckAfterCollection(const std::vector<NodeId>& freed,
                            const void* reused_address, bool full);
  // The counts the collector keeps (per type, Stats, the symbol table)
  // against the model's.
  void CheckCounts();
  // The ledger's destructions since the last check are exactly `freed`.
  void CheckDestroyed(const std::vector<NodeId>& freed);
  // Weak handles, the Blobs' weak edges and ephemerons, and the guardian's
  // counts against the model.
  void CheckWeaks();
  void Fail(std::string message);
  std::string CheckNode(NodeId id) const;
  std::string CheckHashtable(const Node& node) const;
  bool RefMatches(const Ref& ref, const value::Word& value) const;

  const Options options_;
  Ledger ledger_;  // declared before the heap, which reports to it
  std::map<int, int> weak_callback_runs_;  // by WeakSlot::serial
  std::optional<mem::Mutator> mutator_;
  std::optional<value::Heap> heap_;
  std::vector<WeakSlot> weaks_;
  mem::Guardian<Blob> guardian_;
  std::vector<NodeId> model_registered_;  // in registration order
  std::deque<NodeId> model_ready_;        // handed over, not taken
  std::vector<Handle> handles_;
  std::vector<Ref> model_handles_;
  std::vector<Node> nodes_;
  std::map<std::string, NodeId> live_symbols_;  // by name, not yet freed
  std::size_t model_collections_ = 0;
  std::size_t model_majors_ = 0;  // the Mutator's major collections, seen
  // Young Blobs stored into a Blob's edges (a std::vector's buffer, outside
  // the heap) since the last collection: the write barrier keeps them
  // through the next one.
  std::vector<NodeId> model_remembered_;
  std::vector<NodeId> live_ids_;  // nodes not freed, in no order
  bool incremental_ = false;      // the Mutator's mode is
  std::uint64_t epoch_ = 0;
  std::size_t last_full_check_ = 0;  // the collection it followed
  std::size_t refusals_ = 0;
  int next_blob_id_ = 0;
  int next_weak_serial_ = 0;
  std::string failure_;
};

}  // namespace kamo::testing

#endif  // KAMO_TESTING_HEAP_GRAPH_H_
