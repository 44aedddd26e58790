#include "testing/heap_graph.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "mem/enum_name.h"
#include "value/list.h"

namespace kamo::testing {
namespace {

using value::Value;

using Weakness = value::Hashtable::Weakness;

constexpr const char* kWeaknessNames[] = {"strong", "weak-keys", "weak-values",
                                          "ephemeron"};

std::string Escaped(std::string_view bytes) {
  return absl::CEscape(absl::string_view(bytes.data(), bytes.size()));
}

}  // namespace

std::string_view ToString(NodeKind kind) {
  static constexpr std::array<std::string_view, kNodeKinds> kNames = {
      value::Pair::kTypeName,       value::Vector::kTypeName,
      value::String::kTypeName,     value::Symbol::kTypeName,
      value::ByteVector::kTypeName, Blob::kTypeName,
      value::WeakPair::kTypeName,   value::Ephemeron::kTypeName,
      value::Hashtable::kTypeName};
  return mem::EnumName(kind, kNames);
}

HeapGraph::HeapGraph(Options options)
    : options_(options),
      weaks_(kWeaks),
      handles_(std::max(options.handles, 1)),
      model_handles_(handles_.size()) {
  mutator_.emplace(options.mutator);
  heap_.emplace(*mutator_);
  guardian_ = mutator_->MakeGuardian<Blob>();
  const mem::CollectionMode mode = mutator_->mode();
  incremental_ = mode == mem::CollectionMode::kIncremental ||
                 mode == mem::CollectionMode::kGenerationalIncremental;
  // Heard inside the allocation that starts the collection, before the
  // operation changes the model: its state is the heap's at the start.
  mutator_->set_marking_step_observer([this](const mem::MarkingStepEvent& e) {
    if (e.first) OnIncrementalStart();
  });
}

template <typename Operation>
bool HeapGraph::Guarded(Operation&& operation) {
  try {
    operation();
    return true;
  } catch (const mem::HeapLimitExceeded&) {
    ++refusals_;
    CatchUp();
    return false;
  }
}

int HeapGraph::H(int handle) const {
  const int n = static_cast<int>(handles_.size());
  return ((handle % n) + n) % n;
}

std::string HeapGraph::RefName(const Ref& ref) const {
  switch (ref.kind) {
    case Ref::kNil:
      return "nil";
    case Ref::kFalse:
      return "#f";
    case Ref::kInt:
      return absl::StrFormat("%d", ref.i);
    case Ref::kNode:
      return absl::StrFormat("n%d", ref.node);
  }
  return "?";
}

bool HeapGraph::IsNode(int handle, Kind kind) const {
  const Ref& ref = model_handles_[H(handle)];
  return ref.kind == Ref::kNode && nodes_[ref.node].kind == kind;
}

bool HeapGraph::HoldsValue(int handle) const {
  const Ref& ref = model_handles_[H(handle)];
  return ref.kind != Ref::kNode || nodes_[ref.node].kind != Kind::kBlob;
}

Value HeapGraph::ValueOf(int handle) const {
  const Handle& real = handles_[H(handle)];
  if (const Value* v = std::get_if<Value>(&real)) return *v;
  return Value();
}

void HeapGraph::Store(int handle, Ref ref, Handle real) {
  Spare(ref);
  model_handles_[H(handle)] = ref;
  handles_[H(handle)] = std::move(real);
}

void HeapGraph::Fail(std::string message) {
  if (failure_.empty()) {
    failure_ = std::move(message) + "\nModel:\n" + Describe();
  }
}

HeapGraph::NodeId HeapGraph::Adopt(Node node) {
  const bool collected = mutator_->collections() != model_collections_;
  std::vector<NodeId> freed;
  if (collected) freed = ModelCollect();
  const void* address = node.address;
  node.identity = ledger_.LiveAt(address);
  const NodeId id = static_cast<NodeId>(nodes_.size());
  if (node.identity == Ledger::kNone) {
    Fail(absl::StrFormat("the new %s at %p (n%d) is not alive in the ledger",
                         ToString(node.kind), address, id));
  }
  nodes_.push_back(std::move(node));
  live_ids_.push_back(id);
  if (collected) CheckAfterCollection(freed, address, /*full=*/false);
  return id;
}

void HeapGraph::CatchUp() {
  if (mutator_->collections() == model_collections_) return;
  CheckAfterCollection(ModelCollect(), nullptr, /*full=*/false);
}

void HeapGraph::Reach(const Ref& ref, std::vector<NodeId>& pending) {
  if (ref.kind == Ref::kNode && nodes_[ref.node].reached != epoch_) {
    nodes_[ref.node].reached = epoch_;
    pending.push_back(ref.node);
  }
}

void HeapGraph::MarkReachable(bool minor) {
  // O(live nodes): a fresh epoch marks what the handles reach. A minor
  // collection (in a generational heap) also keeps every old node and
  // every young node stored outside the heap since the last collection,
  // and what they reach, which it marks first and promotes.
  ++epoch_;
  std::vector<NodeId> pending;
  auto visit = [&](const Ref& ref) { Reach(ref, pending); };
  if (minor) {
    for (NodeId id : live_ids_) {
      if (nodes_[id].old) visit(NodeRef(id));
    }
    for (NodeId id : model_remembered_) visit(NodeRef(id));
    MarkFrom(pending, visit);
    for (NodeId id : live_ids_) {
      if (nodes_[id].reached == epoch_) {
        nodes_[id].old = true;
        nodes_[id].survivor = false;
      }
    }
  }
  for (const Ref& ref : model_handles_) visit(ref);
  for (NodeId id : model_ready_) visit(NodeRef(id));  // roots until taken
  MarkFrom(pending, visit);
}

template <typename Visit>
void HeapGraph::MarkFrom(std::vector<NodeId>& pending, Visit& visit) {
  // Ephemerons by the definition: mark, then keep the value of every
  // ephemeron of a reached node whose key is reached, and mark again, until
  // a round adds nothing (quadratic at worst, which the model can afford).
  bool grew = true;
  while (grew) {
    while (!pending.empty()) {
      const NodeId id = pending.back();
      pending.pop_back();
      VisitStrongEdges(nodes_[id], visit);
    }
    const auto reached = [&](NodeId key) {
      return nodes_[key].reached == epoch_;
    };
    for (NodeId id : live_ids_) {
      if (nodes_[id].reached == epoch_) {
        VisitEphemeronValues(nodes_[id], reached, visit);
      }
    }
    grew = !pending.empty();
  }
}

void HeapGraph::OnIncrementalStart() {
  MarkReachable(/*minor=*/false);
  for (NodeId id : live_ids_) nodes_[id].doomed = nodes_[id].reached != epoch_;
}

void HeapGraph::Spare(const Ref& ref) {
  if (ref.kind != Ref::kNode || !nodes_[ref.node].doomed) return;
  // Everything it holds, weakly or not: sparing too much only weakens
  // the law. And the values of the ephemerons it is the key of: an
  // ephemeron not doomed lives through the collection (reachable at its
  // start, or floating), and keeps its value once its key is marked, as a
  // key handed back to the mutator (a symbol interned again) is.
  std::vector<NodeId> pending = {ref.node};
  nodes_[ref.node].doomed = false;
  auto spare = [&](NodeId id) {
    if (id >= 0 && nodes_[id].doomed) {
      nodes_[id].doomed = false;
      pending.push_back(id);
    }
  };
  auto spare_ref = [&](const Ref& edge) {
    if (edge.kind == Ref::kNode) spare(edge.node);
  };
  const auto spared = [&](NodeId key) { return !nodes_[key].doomed; };
  while (!pending.empty()) {
    while (!pending.empty()) {
      const Node& node = nodes_[pending.back()];
      pending.pop_back();
      for (const Ref& edge : node.edges) spare_ref(edge);
      spare(node.weak);
      spare(node.ephemeron_key);
      spare(node.ephemeron_value);
    }
    for (NodeId id : live_ids_) {
      if (!nodes_[id].doomed)
        VisitEphemeronValues(nodes_[id], spared, spare_ref);
    }
  }
}

std::vector<HeapGraph::NodeId> HeapGraph::ModelCollect() {
  // A minor collection, or a major one, or a minor one after a major one
  // with nothing run between, which is a full one.
  model_collections_ = mutator_->collections();
  const std::size_t majors =
      mutator_->collections() - mutator_->minor_collections();
  const bool minor = majors == model_majors_;
  model_majors_ = majors;
  MarkReachable(minor);
  model_remembered_.clear();
  std::vector<NodeId> pending;
  auto visit = [&](const Ref& ref) { Reach(ref, pending); };
  // Every registered Blob left unreached is handed over, and kept with all
  // it reaches: decided for all of them before any is marked.
  std::vector<NodeId> handed_over;
  std::erase_if(model_registered_, [&](NodeId id) {
    if (nodes_[id].reached == epoch_) return false;
    handed_over.push_back(id);
    return true;
  });
  for (NodeId id : handed_over) {
    model_ready_.push_back(id);
    visit(NodeRef(id));
  }
  MarkFrom(pending, visit);
  // After an incremental collection the unreached nodes it destroyed are
  // freed too, and those it kept (floating) stay, unless doomed: their
  // destruction is then missing, which CheckDestroyed reports.
  const bool interval = mutator_->last_collection_incremental();
  absl::flat_hash_set<Ledger::Identity> destroyed;
  if (interval) {
    for (const Ledger::Identity identity : ledger_.destroyed()) {
      destroyed.insert(identity);
    }
  }
  std::vector<NodeId> freed;
  std::erase_if(live_ids_, [&](NodeId id) {
    Node& node = nodes_[id];
    if (node.reached == epoch_) return false;
    if (interval && !node.doomed && !destroyed.contains(node.identity)) {
      return false;
    }
    node.freed = true;
    freed.push_back(id);
    if (node.kind == Kind::kSymbol) live_symbols_.erase(node.bytes);
    std::string().swap(node.bytes);  // a freed node's contents are not read
    return true;
  });
  for (NodeId id : live_ids_) {
    BreakWeakParts(nodes_[id]);
    // In a generational heap, a major collection's survivors are old, and
    // a minor one's young survivors are promoted if they had survived one
    // before.
    Node& node = nodes_[id];
    if (!minor) {
      node.old = true;
      node.survivor = false;
    } else if (!node.old) {
      node.old = node.survivor;
      node.survivor = !node.old;
    }
    // Unless a collection started since: its doom is still to come.
    if (!mutator_->marking()) nodes_[id].doomed = false;
  }
  return freed;
}

template <typename Visit>
void HeapGraph::VisitStrongEdges(const Node& node, Visit& visit) const {
  const std::vector<Ref>& edges = node.edges;
  switch (node.kind) {
    case Kind::kWeakPair:
      visit(edges[1]);
      return;
    case Kind::kEphemeron:
      if (edges[0].kind != Ref::kNode) visit(edges[1]);  // an immediate key
      return;
    case Kind::kHashtable:
      for (std::size_t i = 0; i < edges.size(); i += 2) {
        const Ref& key = edges[i];
        const Ref& value = edges[i + 1];
        const bool key_is_node = key.kind == Ref::kNode;
        switch (node.weakness) {
          case Weakness::kStrong:
            visit(key);
            visit(value);
            break;
          case Weakness::kWeakKeys:
            visit(value);
            break;
          case Weakness::kWeakValues:
            visit(key);
            break;
          case Weakness::kEphemeron:
            if (!key_is_node) visit(value);
            break;
        }
      }
      return;
    default:
      for (const Ref& edge : edges) visit(edge);
  }
}

template <typename KeyLives, typename Visit>
void HeapGraph::VisitEphemeronValues(const Node& node, KeyLives key_lives,
                                     Visit& visit) const {
  const auto reached = [&](const Ref& key) {
    return key.kind == Ref::kNode && key_lives(key.node);
  };
  switch (node.kind) {
    case Kind::kBlob:
      if (node.ephemeron_key >= 0 && node.ephemeron_value >= 0 &&
          key_lives(node.ephemeron_key)) {
        visit(Ref{.kind = Ref::kNode, .node = node.ephemeron_value});
      }
      return;
    case Kind::kEphemeron:
      if (reached(node.edges[0])) visit(node.edges[1]);
      return;
    case Kind::kHashtable:
      if (node.weakness != Weakness::kEphemeron) return;
      for (std::size_t i = 0; i < node.edges.size(); i += 2) {
        if (reached(node.edges[i])) visit(node.edges[i + 1]);
      }
      return;
    default:
      return;
  }
}

void HeapGraph::BreakWeakParts(Node& node) {
  // Weak edges to what was freed are cleared in the same collection. So
  // are the ephemerons whose key was freed.
  if (node.weak >= 0 && nodes_[node.weak].freed) node.weak = -1;
  if (node.ephemeron_key >= 0 && nodes_[node.ephemeron_key].freed) {
    node.ephemeron_key = node.ephemeron_value = -1;
  }
  std::vector<Ref>& edges = node.edges;
  switch (node.kind) {
    case Kind::kWeakPair:
      if (IsFreed(edges[0])) {
        edges[0] = Ref{.kind = Ref::kFalse};
        node.broken = true;
      }
      return;
    case Kind::kEphemeron:
      if (IsFreed(edges[0])) {
        edges = {Ref{.kind = Ref::kFalse}, Ref{.kind = Ref::kFalse}};
        node.broken = true;
      }
      return;
    case Kind::kHashtable: {
      if (node.weakness == Weakness::kStrong) return;
      const std::size_t weak_part =
          node.weakness == Weakness::kWeakValues ? 1 : 0;
      std::vector<Ref> kept;
      for (std::size_t i = 0; i < edges.size(); i += 2) {
        if (IsFreed(edges[i + weak_part])) continue;
        kept.push_back(edges[i]);
        kept.push_back(edges[i + 1]);
      }
      edges = std::move(kept);
      return;
    }
    default:
      return;
  }
}

void HeapGraph::CheckAfterCollection(const std::vector<NodeId>& freed,
                                     const void* reused_address, bool full) {
  CheckDestroyed(freed);
  // Only then are the model's live values known to be alive: the weak
  // checks read them.
  if (!ok()) return;
  CheckWeaks();
  if (!ok()) return;
  // What a collection changes is checked after each one; the whole heap
  // (every survivor's contents, the verifier's walk) at every Nth and at
  // explicit ones.
  if (full ||
      model_collections_ >= last_full_check_ + options_.full_check_every) {
    last_full_check_ = model_collections_;
    if (absl::Status s = mutator_->VerifyHeap(); !s.ok()) {
      Fail(absl::StrFormat("after collection %d: %s", model_collections_,
                           s.ToString()));
      return;
    }
    CheckNow();
  } else {
    CheckCounts();
  }
  for (NodeId id : freed) {
    const Node& node = nodes_[id];
    if (node.address == reused_address) continue;  // the new value's slot
    bool occupied = false;
    switch (node.kind) {
      case Kind::kPair:
        occupied = mutator_->PointerFromRaw<value::Pair>(node.address).ok();
        break;
      case Kind::kVector:
        occupied = mutator_->PointerFromRaw<value::Vector>(node.address).ok();
        break;
      case Kind::kString:
        occupied = mutator_->PointerFromRaw<value::String>(node.address).ok();
        break;
      case Kind::kSymbol:
        occupied = mutator_->PointerFromRaw<value::Symbol>(node.address).ok();
        break;
      case Kind::kByteVector:
        occupied =
            mutator_->PointerFromRaw<value::ByteVector>(node.address).ok();
        break;
      case Kind::kBlob:
        occupied = mutator_->PointerFromRaw<Blob>(node.address).ok();
        break;
      case Kind::kWeakPair:
        occupied = mutator_->PointerFromRaw<value::WeakPair>(node.address).ok();
        break;
      case Kind::kEphemeron:
        occupied =
            mutator_->PointerFromRaw<value::Ephemeron>(node.address).ok();
        break;
      case Kind::kHashtable:
        occupied =
            mutator_->PointerFromRaw<value::Hashtable>(node.address).ok();
        break;
    }
    if (occupied) {
      Fail(absl::StrFormat(
          "after collection %d: n%d (%s) is unreachable in the model but "
          "its slot is still occupied",
          model_collections_, id, ToString(node.kind)));
      return;
    }
  }
}

void HeapGraph::CheckNow() {
  CheckCounts();
  if (!ok()) return;
  // Stats builds a report per arena: checked with the whole heap only.
  if (const std::size_t live = mutator_->stats().live;
      live != live_ids_.size()) {
    Fail(absl::StrFormat("Stats say %d live values, the model %d", live,
                         live_ids_.size()));
    return;
  }
  for (NodeId id : live_ids_) {
    if (std::string error = CheckNode(id); !error.empty()) {
      Fail(absl::StrFormat("n%d (%s): %s", id, ToString(nodes_[id].kind),
                           error));
      return;
    }
  }
}

void HeapGraph::CheckCounts() {
  if (!ok()) return;
  std::size_t live[kNodeKinds] = {};
  for (NodeId id : live_ids_) ++live[static_cast<int>(nodes_[id].kind)];
  const std::size_t real[kNodeKinds] = {
      mutator_->CountLive<value::Pair>(),
      mutator_->CountLive<value::Vector>(),
      mutator_->CountLive<value::String>(),
      mutator_->CountLive<value::Symbol>(),
      mutator_->CountLive<value::ByteVector>(),
      mutator_->CountLive<Blob>(),
      mutator_->CountLive<value::WeakPair>(),
      mutator_->CountLive<value::Ephemeron>(),
      mutator_->CountLive<value::Hashtable>()};
  for (int k = 0; k < kNodeKinds; ++k) {
    if (live[k] != real[k]) {
      Fail(absl::StrFormat("live %s: the heap has %d, the model %d",
                           ToString(static_cast<Kind>(k)), real[k], live[k]));
      return;
    }
  }
  if (heap_->symbol_count() != live[static_cast<int>(Kind::kSymbol)]) {
    Fail(absl::StrFormat(
        "the symbol table has %d entries, the model %d live "
        "symbols",
        heap_->symbol_count(), live[static_cast<int>(Kind::kSymbol)]));
    return;
  }
}

bool HeapGraph::RefMatches(const Ref& ref, const value::Word& v) const {
  switch (ref.kind) {
    case Ref::kNil:
      return v.IsNil();
    case Ref::kFalse:
      return v.AsBool() == false;
    case Ref::kInt:
      return v.AsInt() == ref.i;
    case Ref::kNode:
      return v.heap_address() == nodes_[ref.node].address;
  }
  return false;
}

std::string HeapGraph::CheckNode(NodeId id) const {
  const Node& node = nodes_[id];
  // The ledger, not the collector, says whether the value is there: only
  // then is it read, in place.
  if (ledger_.LiveAt(node.address) != node.identity) {
    return absl::StrFormat(
        "the ledger has no live value #%d at %p: it was destroyed (or "
        "another took its place) though the model reaches it",
        node.identity, node.address);
  }
  auto check_edges =
      [&](const std::vector<const value::Word*>& values) -> std::string {
    if (values.size() != node.edges.size()) {
      return absl::StrFormat("has %d elements, the model %d", values.size(),
                             node.edges.size());
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
      if (!RefMatches(node.edges[i], *values[i])) {
        return absl::StrFormat("element %d differs from the model's %s", i,
                               RefName(node.edges[i]));
      }
    }
    return "";
  };
  switch (node.kind) {
    case Kind::kPair: {
      const auto* p = static_cast<const value::Pair*>(node.address);
      return check_edges({&p->car_ref(), &p->cdr_ref()});
    }
    case Kind::kVector: {
      std::vector<const value::Word*> elements;
      for (const value::Field& element :
           static_cast<const value::Vector*>(node.address)->elements()) {
        elements.push_back(&element);
      }
      return check_edges(elements);
    }
    case Kind::kString:
      if (static_cast<const value::String*>(node.address)->view() !=
          node.bytes) {
        return "its contents differ";
      }
      return "";
    case Kind::kSymbol:
      if (static_cast<const value::Symbol*>(node.address)->name() !=
          node.bytes) {
        return "its name differs";
      }
      return "";
    case Kind::kByteVector: {
      const auto bytes =
          static_cast<const value::ByteVector*>(node.address)->bytes();
      if (std::string_view(reinterpret_cast<const char*>(bytes.data()),
                           bytes.size()) != node.bytes) {
        return "its bytes differ";
      }
      return "";
    }
    case Kind::kBlob: {
      const auto* b = static_cast<const Blob*>(node.address);
      if (b->id != node.blob_id) return "its id differs";
      if (b->edges.size() != node.edges.size()) return "its edges differ";
      for (std::size_t i = 0; i < node.edges.size(); ++i) {
        if (b->edges[i].get() != nodes_[node.edges[i].node].address) {
          return absl::StrFormat("edge %d differs from the model's %s", i,
                                 RefName(node.edges[i]));
        }
      }
      return "";
    }
    case Kind::kWeakPair: {
      const auto* p = static_cast<const value::WeakPair*>(node.address);
      if (p->broken() != node.broken) return "broken() differs";
      const Value car = p->car();
      const Value cdr = p->cdr();
      return check_edges({&car, &cdr});
    }
    case Kind::kEphemeron: {
      const auto* e = static_cast<const value::Ephemeron*>(node.address);
      if (e->broken() != node.broken) return "broken() differs";
      const Value key = e->key();
      const Value datum = e->datum();
      return check_edges({&key, &datum});
    }
    case Kind::kHashtable:
      return CheckHashtable(node);
  }
  return "";
}

std::string HeapGraph::CheckHashtable(const Node& node) const {
  // Entries() first drops the entries the last collections broke, which
  // changes no live entry and never collects: the check may call it.
  auto& table = *const_cast<value::Hashtable*>(
      static_cast<const value::Hashtable*>(node.address));
  if (table.weakness() != node.weakness) return "its weakness differs";
  const std::vector<std::pair<Value, Value>> entries = table.Entries();
  if (entries.size() * 2 != node.edges.size()) {
    return absl::StrFormat("has %d entries, the model %d", entries.size(),
                           node.edges.size() / 2);
  }
  for (const auto& [key, value] : entries) {
    std::size_t i = 0;
    while (i < node.edges.size() && !RefMatches(node.edges[i], key)) i += 2;
    if (i == node.edges.size()) return "has a key the model has not";
    if (!RefMatches(node.edges[i + 1], value)) {
      return absl::StrFormat("the value under %s differs from the model's %s",
                             RefName(node.edges[i]),
                             RefName(node.edges[i + 1]));
    }
  }
  return "";
}

void HeapGraph::CheckDestroyed(const std::vector<NodeId>& freed) {
  if (!ledger_.error().empty()) {
    Fail("ledger: " + ledger_.error());
    return;
  }
  std::vector<Ledger::Identity> destroyed = ledger_.TakeDestroyed();
  std::vector<Ledger::Identity> expected;
  for (NodeId id : freed) expected.push_back(nodes_[id].identity);
  std::sort(destroyed.begin(), destroyed.end());
  std::sort(expected.begin(), expected.end());
  if (destroyed != expected) {
    std::vector<Ledger::Identity> extra, missing;
    std::set_difference(destroyed.begin(), destroyed.end(), expected.begin(),
                        expected.end(), std::back_inserter(extra));
    std::set_difference(expected.begin(), expected.end(), destroyed.begin(),
                        destroyed.end(), std::back_inserter(missing));
    Fail(absl::StrFormat(
        "collection %d destroyed %d values, the model freed %d; destroyed "
        "but reachable (or twice): #%s; unreachable but not destroyed: #%s",
        model_collections_, destroyed.size(), expected.size(),
        absl::StrJoin(extra, " #"), absl::StrJoin(missing, " #")));
    return;
  }
  if (ledger_.live() != live_ids_.size()) {
    Fail(absl::StrFormat(
        "after collection %d the ledger has %d live values, the model %d",
        model_collections_, ledger_.live(), live_ids_.size()));
  }
}

void HeapGraph::CheckWeaks() {
  if (guardian_.registered() != model_registered_.size() ||
      guardian_.ready() != model_ready_.size()) {
    Fail(absl::StrFormat(
        "after collection %d the guardian has %d registered and %d ready, "
        "the model %d and %d",
        model_collections_, guardian_.registered(), guardian_.ready(),
        model_registered_.size(), model_ready_.size()));
    return;
  }
  for (std::size_t w = 0; w < weaks_.size(); ++w) {
    const WeakSlot& slot = weaks_[w];
    if (slot.target < 0) continue;
    const Node& target = nodes_[slot.target];
    const int runs = weak_callback_runs_[slot.serial];
    const mem::Pointer<Blob> locked = slot.weak.Lock();
    if (target.freed) {
      if (locked != nullptr || runs != 1) {
        Fail(absl::StrFormat(
            "w%d's target n%d was freed, but the Weak %s and its callback "
            "ran %d times (once expected)",
            w, slot.target,
            locked == nullptr ? "is cleared" : "still leads to a value", runs));
        return;
      }
    } else if (locked.get() != target.address || runs != 0) {
      Fail(absl::StrFormat(
          "w%d's target n%d is alive, but the Weak leads to %p (not %p) and "
          "its callback ran %d times",
          w, slot.target, static_cast<const void*>(locked.get()),
          target.address, runs));
      return;
    }
  }
  for (NodeId id : live_ids_) {
    const Node& node = nodes_[id];
    if (node.kind != Kind::kBlob) continue;
    const Blob& real = *static_cast<const Blob*>(node.address);
    const struct {
      const char* what;
      NodeId model;
      const void* actual;
    } edges[] = {
        {"weak edge", node.weak, real.weak_edge.get()},
        {"ephemeron key", node.ephemeron_key, real.ephemeron.key()},
        {"ephemeron value", node.ephemeron_value, real.ephemeron.value()}};
    for (const auto& edge : edges) {
      const void* expected =
          edge.model < 0 ? nullptr : nodes_[edge.model].address;
      if (edge.actual == expected) continue;
      Fail(absl::StrFormat(
          "after collection %d n%d's %s leads to %p, the model's to %s (%p)",
          model_collections_, id, edge.what, edge.actual,
          edge.model < 0 ? "nothing" : absl::StrFormat("n%d", edge.model),
          expected));
      return;
    }
  }
}

// ---- Operations -----------------------------------------------------------

void HeapGraph::SetInt(int handle, std::int64_t i) {
  if (!ok()) return;
  Store(handle, Ref{.kind = Ref::kInt, .i = i}, Value::Int(i));
}

void HeapGraph::NewPair(int handle, int car, int cdr) {
  if (!ok() || !HoldsValue(car) || !HoldsValue(cdr)) return;
  mem::Pointer<value::Pair> pair;
  if (!Guarded([&] { pair = heap_->NewPair(ValueOf(car), ValueOf(cdr)); })) {
    return;
  }
  const NodeId id = Adopt({.kind = Kind::kPair,
                           .edges = {HandleRef(car), HandleRef(cdr)},
                           .address = pair.get()});
  Store(handle, Ref{.kind = Ref::kNode, .node = id}, Value(pair));
}

void HeapGraph::NewVector(int handle, int first, int count) {
  if (!ok()) return;
  const int limit = static_cast<int>(handles_.size()) + 1;
  count = ((count % limit) + limit) % limit;
  std::vector<Value> elements;  // locked, and still in their handles
  Node node{.kind = Kind::kVector};
  for (int k = 0; k < count; ++k) {
    if (!HoldsValue(first + k)) continue;
    elements.push_back(ValueOf(first + k));
    node.edges.push_back(HandleRef(first + k));
  }
  mem::Pointer<value::Vector> vector;
  if (!Guarded([&] { vector = heap_->NewVector(elements); })) return;
  node.address = vector.get();
  const NodeId id = Adopt(std::move(node));
  Store(handle, Ref{.kind = Ref::kNode, .node = id}, Value(vector));
}

void HeapGraph::NewString(int handle, std::string_view bytes) {
  if (!ok()) return;
  absl::StatusOr<mem::Pointer<value::String>> string;
  if (!Guarded([&] { string = heap_->NewString(bytes); })) return;
  if (!string.ok()) return;  // not UTF-8: refused, nothing allocated
  const NodeId id = Adopt({.kind = Kind::kString,
                           .bytes = std::string(bytes),
                           .address = string->get()});
  Store(handle, Ref{.kind = Ref::kNode, .node = id}, Value(*string));
}

void HeapGraph::StringAppend(int handle, std::string_view bytes) {
  if (!ok() || !IsNode(handle, Kind::kString)) return;
  absl::Status appended;
  if (!Guarded(
          [&] { appended = (*ValueOf(handle).AsString())->Append(bytes); })) {
    return;
  }
  if (appended.ok()) nodes_[HandleRef(handle).node].bytes.append(bytes);
  CatchUp();
}

void HeapGraph::Intern(int handle, std::string_view name) {
  if (!ok()) return;
  if (auto it = live_symbols_.find(std::string(name));
      it != live_symbols_.end()) {
    const NodeId id = it->second;
    const Node& node = nodes_[id];
    mem::Pointer<value::Symbol> symbol = heap_->Intern(name);
    if (symbol.get() != node.address) {
      Fail(
          absl::StrFormat("Intern(\"%s\") made a new symbol though n%d, "
                          "not yet collected, has that name",
                          Escaped(name), id));
      return;
    }
    Store(handle, Ref{.kind = Ref::kNode, .node = id}, Value(symbol));
    return;
  }
  mem::Pointer<value::Symbol> symbol;
  if (!Guarded([&] { symbol = heap_->Intern(name); })) return;
  const NodeId id = Adopt({.kind = Kind::kSymbol,
                           .bytes = std::string(name),
                           .address = symbol.get()});
  live_symbols_.emplace(std::string(name), id);
  Store(handle, Ref{.kind = Ref::kNode, .node = id}, Value(symbol));
}

mem::Pointer<value::ByteVector> HeapGraph::AdoptByteVector(
    std::string_view bytes, NodeId& id) {
  mem::Pointer<value::ByteVector> vector;
  if (!Guarded([&] {
        vector = heap_->NewByteVector(
            {reinterpret_cast<const std::uint8_t*>(bytes.data()),
             bytes.size()});
      })) {
    return nullptr;
  }
  id = Adopt({.kind = Kind::kByteVector,
              .bytes = std::string(bytes),
              .address = vector.get()});
  return vector;
}

void HeapGraph::NewByteVector(int handle, std::string_view bytes) {
  if (!ok()) return;
  NodeId id = 0;
  mem::Pointer<value::ByteVector> vector = AdoptByteVector(bytes, id);
  if (vector == nullptr) return;
  Store(handle, Ref{.kind = Ref::kNode, .node = id}, Value(vector));
}

void HeapGraph::NewBlob(int handle) {
  if (!ok()) return;
  const int blob_id = next_blob_id_;
  mem::Pointer<Blob> blob;
  if (!Guarded([&] {
        blob = mutator_->Allocate<Blob>(blob_id, options_.blob_hides_last_edge);
      })) {
    return;
  }
  ++next_blob_id_;
  const NodeId id =
      Adopt({.kind = Kind::kBlob, .address = blob.get(), .blob_id = blob_id});
  Store(handle, Ref{.kind = Ref::kNode, .node = id}, std::move(blob));
}

void HeapGraph::NewWeakPair(int handle, int car, int cdr) {
  if (!ok() || !HoldsValue(car) || !HoldsValue(cdr)) return;
  mem::Pointer<value::WeakPair> pair;
  if (!Guarded(
          [&] { pair = heap_->NewWeakPair(ValueOf(car), ValueOf(cdr)); })) {
    return;
  }
  const NodeId id = Adopt({.kind = Kind::kWeakPair,
                           .edges = {HandleRef(car), HandleRef(cdr)},
                           .address = pair.get()});
  Store(handle, Ref{.kind = Ref::kNode, .node = id}, Value(pair));
}

void HeapGraph::NewEphemeron(int handle, int key, int datum) {
  if (!ok() || !HoldsValue(key) || !HoldsValue(datum)) return;
  mem::Pointer<value::Ephemeron> ephemeron;
  if (!Guarded([&] {
        ephemeron = heap_->NewEphemeron(ValueOf(key), ValueOf(datum));
      })) {
    return;
  }
  const NodeId id = Adopt({.kind = Kind::kEphemeron,
                           .edges = {HandleRef(key), HandleRef(datum)},
                           .address = ephemeron.get()});
  Store(handle, Ref{.kind = Ref::kNode, .node = id}, Value(ephemeron));
}

void HeapGraph::NewHashtable(int handle, int weakness) {
  if (!ok()) return;
  const auto kind = static_cast<Weakness>(((weakness % 4) + 4) % 4);
  mem::Pointer<value::Hashtable> table;
  if (!Guarded([&] { table = heap_->NewHashtable(kind); })) return;
  const NodeId id = Adopt(
      {.kind = Kind::kHashtable, .address = table.get(), .weakness = kind});
  Store(handle, Ref{.kind = Ref::kNode, .node = id}, Value(table));
}

std::size_t HeapGraph::ModelEntry(const Node& table, const Ref& key) const {
  const std::vector<Ref>& edges = table.edges;
  std::size_t i = 0;
  while (i < edges.size() &&
         !(edges[i].kind == key.kind && edges[i].i == key.i &&
           edges[i].node == key.node)) {
    i += 2;
  }
  return i;
}

void HeapGraph::HashtableSet(int table, int key, int value) {
  if (!ok() || !IsNode(table, Kind::kHashtable) || !HoldsValue(key) ||
      !HoldsValue(value)) {
    return;
  }
  if (!Guarded([&] {
        (*ValueOf(table).AsHashtable())->Set(ValueOf(key), ValueOf(value));
      })) {
    return;
  }
  // A growth may have collected before the entry went in; its key and
  // value are in handles, so the model's reachability is the same either
  // way.
  std::vector<Ref>& edges = nodes_[HandleRef(table).node].edges;
  if (const std::size_t i =
          ModelEntry(nodes_[HandleRef(table).node], HandleRef(key));
      i < edges.size()) {
    edges[i + 1] = HandleRef(value);
  } else {
    edges.push_back(HandleRef(key));
    edges.push_back(HandleRef(value));
  }
  CatchUp();
}

void HeapGraph::HashtableRemove(int table, int key) {
  if (!ok() || !IsNode(table, Kind::kHashtable) || !HoldsValue(key)) return;
  const bool removed = (*ValueOf(table).AsHashtable())->Remove(ValueOf(key));
  Node& node = nodes_[HandleRef(table).node];
  const std::size_t i = ModelEntry(node, HandleRef(key));
  if (removed != (i < node.edges.size())) {
    Fail(absl::StrFormat("Hashtable::Remove(%s) found %s, the model %s",
                         RefName(HandleRef(key)), removed ? "an entry" : "none",
                         removed ? "none" : "one"));
    return;
  }
  if (removed) {
    node.edges.erase(node.edges.begin() + static_cast<std::ptrdiff_t>(i),
                     node.edges.begin() + static_cast<std::ptrdiff_t>(i + 2));
  }
}

void HeapGraph::SetCar(int pair, int source) {
  if (!ok() || !HoldsValue(source)) return;
  if (IsNode(pair, Kind::kPair)) {
    (*ValueOf(pair).AsPair())->SetCar(ValueOf(source));
  } else if (IsNode(pair, Kind::kWeakPair)) {
    (*ValueOf(pair).AsWeakPair())->SetCar(ValueOf(source));
    nodes_[HandleRef(pair).node].broken = false;
  } else {
    return;
  }
  nodes_[HandleRef(pair).node].edges[0] = HandleRef(source);
}

void HeapGraph::SetCdr(int pair, int source) {
  if (!ok() || !HoldsValue(source)) return;
  if (IsNode(pair, Kind::kPair)) {
    (*ValueOf(pair).AsPair())->SetCdr(ValueOf(source));
  } else if (IsNode(pair, Kind::kWeakPair)) {
    (*ValueOf(pair).AsWeakPair())->SetCdr(ValueOf(source));
  } else {
    return;
  }
  nodes_[HandleRef(pair).node].edges[1] = HandleRef(source);
}

void HeapGraph::VectorPush(int vector, int source) {
  if (!ok() || !IsNode(vector, Kind::kVector) || !HoldsValue(source)) return;
  if (!Guarded([&] { (*ValueOf(vector).AsVector())->Push(ValueOf(source)); })) {
    return;
  }
  nodes_[HandleRef(vector).node].edges.push_back(HandleRef(source));
  CatchUp();
}

void HeapGraph::VectorSet(int vector, std::size_t index, int source) {
  if (!ok() || !IsNode(vector, Kind::kVector) || !HoldsValue(source)) return;
  std::vector<Ref>& edges = nodes_[HandleRef(vector).node].edges;
  if (edges.empty()) return;
  index %= edges.size();
  if (!(*ValueOf(vector).AsVector())->Set(index, ValueOf(source)).ok()) {
    Fail(absl::StrFormat("Vector::Set(%d) refused an index in range", index));
    return;
  }
  edges[index] = HandleRef(source);
}

void HeapGraph::VectorInsert(int vector, std::size_t index, int source) {
  if (!ok() || !IsNode(vector, Kind::kVector) || !HoldsValue(source)) return;
  std::vector<Ref>& edges = nodes_[HandleRef(vector).node].edges;
  index %= edges.size() + 1;
  absl::Status inserted;
  if (!Guarded([&] {
        inserted =
            (*ValueOf(vector).AsVector())->Insert(index, ValueOf(source));
      })) {
    return;
  }
  if (!inserted.ok()) {
    Fail(
        absl::StrFormat("Vector::Insert(%d) refused an index in range", index));
    return;
  }
  edges.insert(edges.begin() + static_cast<std::ptrdiff_t>(index),
               HandleRef(source));
  CatchUp();
}

void HeapGraph::VectorRemove(int vector, std::size_t index) {
  if (!ok() || !IsNode(vector, Kind::kVector)) return;
  std::vector<Ref>& edges = nodes_[HandleRef(vector).node].edges;
  if (edges.empty()) return;
  index %= edges.size();
  if (!(*ValueOf(vector).AsVector())->Remove(index).ok()) {
    Fail(
        absl::StrFormat("Vector::Remove(%d) refused an index in range", index));
    return;
  }
  edges.erase(edges.begin() + static_cast<std::ptrdiff_t>(index));
}

void HeapGraph::VectorPop(int vector, int destination) {
  if (!ok() || !IsNode(vector, Kind::kVector)) return;
  std::vector<Ref>& edges = nodes_[HandleRef(vector).node].edges;
  if (edges.empty()) return;
  std::optional<Value> last = (*ValueOf(vector).AsVector())->Pop();
  const Ref ref = edges.back();
  edges.pop_back();
  Store(destination, ref, std::move(*last));
}

void HeapGraph::Link(int blob, int target) {
  if (!ok() || !IsNode(blob, Kind::kBlob) || !IsNode(target, Kind::kBlob)) {
    return;
  }
  std::get<mem::Pointer<Blob>>(handles_[H(blob)])
      ->edges.push_back(std::get<mem::Pointer<Blob>>(handles_[H(target)]));
  nodes_[HandleRef(blob).node].edges.push_back(HandleRef(target));
  // The edge lies in the vector's buffer, where the write barrier cannot
  // tell its holder: a young target is kept through the next collection.
  if (!nodes_[HandleRef(target).node].old) {
    model_remembered_.push_back(HandleRef(target).node);
  }
}

void HeapGraph::WeakLink(int blob, int target) {
  if (!ok() || !IsNode(blob, Kind::kBlob)) return;
  Blob& real = *std::get<mem::Pointer<Blob>>(handles_[H(blob)]);
  NodeId& weak = nodes_[HandleRef(blob).node].weak;
  if (IsNode(target, Kind::kBlob)) {
    real.weak_edge = std::get<mem::Pointer<Blob>>(handles_[H(target)]);
    weak = HandleRef(target).node;
  } else {
    real.weak_edge = nullptr;
    weak = -1;
  }
}

void HeapGraph::EphemeronLink(int blob, int key, int value) {
  if (!ok() || !IsNode(blob, Kind::kBlob)) return;
  Blob& real = *std::get<mem::Pointer<Blob>>(handles_[H(blob)]);
  Node& node = nodes_[HandleRef(blob).node];
  if (!IsNode(key, Kind::kBlob)) {
    real.ephemeron = nullptr;
    node.ephemeron_key = node.ephemeron_value = -1;
    return;
  }
  const bool has_value = IsNode(value, Kind::kBlob);
  real.ephemeron.Set(
      std::get<mem::Pointer<Blob>>(handles_[H(key)]),
      has_value ? std::get<mem::Pointer<Blob>>(handles_[H(value)]) : nullptr);
  node.ephemeron_key = HandleRef(key).node;
  node.ephemeron_value = has_value ? HandleRef(value).node : -1;
}

void HeapGraph::Unlink(int blob, std::size_t index) {
  if (!ok() || !IsNode(blob, Kind::kBlob)) return;
  std::vector<Ref>& edges = nodes_[HandleRef(blob).node].edges;
  if (edges.empty()) return;
  index %= edges.size();
  auto& real = std::get<mem::Pointer<Blob>>(handles_[H(blob)])->edges;
  real.erase(real.begin() + static_cast<std::ptrdiff_t>(index));
  edges.erase(edges.begin() + static_cast<std::ptrdiff_t>(index));
}

void HeapGraph::TakeOut(int destination, int container, std::size_t index) {
  if (!ok()) return;
  if (IsNode(container, Kind::kPair)) {
    const Ref ref = nodes_[HandleRef(container).node].edges[index % 2];
    mem::Pointer<value::Pair> pair = *ValueOf(container).AsPair();
    Store(destination, ref, index % 2 == 0 ? pair->car() : pair->cdr());
  } else if (IsNode(container, Kind::kWeakPair)) {
    const Ref ref = nodes_[HandleRef(container).node].edges[index % 2];
    mem::Pointer<value::WeakPair> pair = *ValueOf(container).AsWeakPair();
    Store(destination, ref, index % 2 == 0 ? pair->car() : pair->cdr());
  } else if (IsNode(container, Kind::kEphemeron)) {
    const Ref ref = nodes_[HandleRef(container).node].edges[index % 2];
    mem::Pointer<value::Ephemeron> e = *ValueOf(container).AsEphemeron();
    Store(destination, ref, index % 2 == 0 ? e->key() : e->datum());
  } else if (IsNode(container, Kind::kHashtable)) {
    const int key = static_cast<int>(index % handles_.size());
    if (!HoldsValue(key)) return;
    const Node& node = nodes_[HandleRef(container).node];
    const std::size_t i = ModelEntry(node, HandleRef(key));
    std::optional<Value> got =
        (*ValueOf(container).AsHashtable())->Get(ValueOf(key));
    if (got.has_value() != (i < node.edges.size())) {
      Fail(absl::StrFormat("Hashtable::Get(%s) found %s, the model %s",
                           RefName(HandleRef(key)), got ? "an entry" : "none",
                           got ? "none" : "one"));
      return;
    }
    if (got) {
      Store(destination, node.edges[i + 1], std::move(*got));
    } else {
      Store(destination, Ref{.kind = Ref::kFalse}, Value::Bool(false));
    }
  } else if (IsNode(container, Kind::kVector)) {
    const std::vector<Ref>& edges = nodes_[HandleRef(container).node].edges;
    if (edges.empty()) return;
    index %= edges.size();
    const Ref ref = edges[index];
    Store(destination, ref, *(*ValueOf(container).AsVector())->Get(index));
  } else if (IsNode(container, Kind::kBlob)) {
    const Node& node = nodes_[HandleRef(container).node];
    const Blob& real = *std::get<mem::Pointer<Blob>>(handles_[H(container)]);
    index %= node.edges.size() + 3;
    if (index < node.edges.size()) {
      Store(destination, node.edges[index], real.edges[index].Lock());
      return;
    }
    index -= node.edges.size();
    const NodeId target = index == 0   ? node.weak
                          : index == 1 ? node.ephemeron_key
                                       : node.ephemeron_value;
    if (target < 0) {
      Store(destination, Ref{}, std::monostate());  // nil: none, or cleared
      return;
    }
    Store(destination, Ref{.kind = Ref::kNode, .node = target},
          index == 0   ? real.weak_edge.Lock()
          : index == 1 ? real.ephemeron.LockKey()
                       : real.ephemeron.LockValue());
  }
}

void HeapGraph::Copy(int destination, int source) {
  if (!ok()) return;
  Store(destination, model_handles_[H(source)], Handle(handles_[H(source)]));
}

void HeapGraph::Drop(int handle) {
  if (!ok()) return;
  Store(handle, Ref{}, std::monostate());
}

void HeapGraph::AllocateGarbage(int pairs, std::size_t external_bytes) {
  for (int k = 0; k < pairs && ok(); ++k) {
    mem::Pointer<value::Pair> pair;
    if (!Guarded([&] { pair = heap_->NewPair(Value(), Value()); })) return;
    Adopt(
        {.kind = Kind::kPair, .edges = {Ref{}, Ref{}}, .address = pair.get()});
  }
  if (external_bytes == 0 || !ok()) return;
  NodeId id = 0;
  AdoptByteVector(std::string(external_bytes, '\x5a'), id);  // dropped
}

void HeapGraph::MakeWeak(int weak, int target) {
  if (!ok() || !IsNode(target, Kind::kBlob)) return;
  WeakSlot& slot =
      weaks_[static_cast<std::size_t>(((weak % kWeaks) + kWeaks) % kWeaks)];
  const int serial = next_weak_serial_++;
  slot.weak =
      mutator_->MakeWeak(std::get<mem::Pointer<Blob>>(handles_[H(target)]),
                         [this, serial] { ++weak_callback_runs_[serial]; });
  slot.target = HandleRef(target).node;
  slot.serial = serial;
}

void HeapGraph::GuardianRegister(int handle) {
  if (!ok() || incremental_ || !IsNode(handle, Kind::kBlob)) return;
  guardian_.Register(std::get<mem::Pointer<Blob>>(handles_[H(handle)]));
  model_registered_.push_back(HandleRef(handle).node);
}

void HeapGraph::GuardianTake(int destination) {
  if (!ok()) return;
  mem::Pointer<Blob> taken = guardian_.Take();
  if (model_ready_.empty()) {
    if (taken != nullptr) {
      Fail(absl::StrFormat("the guardian handed out %p, the model nothing",
                           static_cast<const void*>(taken.get())));
      return;
    }
    Store(destination, Ref{}, std::monostate());
    return;
  }
  const NodeId expected = model_ready_.front();
  model_ready_.pop_front();
  if (taken.get() != nodes_[expected].address) {
    Fail(absl::StrFormat("the guardian handed out %p, the model n%d (%p)",
                         static_cast<const void*>(taken.get()), expected,
                         nodes_[expected].address));
    return;
  }
  Store(destination, Ref{.kind = Ref::kNode, .node = expected},
        std::move(taken));
}

void HeapGraph::WeakLock(int destination, int weak) {
  if (!ok()) return;
  const WeakSlot& slot =
      weaks_[static_cast<std::size_t>(((weak % kWeaks) + kWeaks) % kWeaks)];
  if (slot.target < 0 || nodes_[slot.target].freed) {
    if (slot.weak.Lock() != nullptr) {
      Fail(
          absl::StrFormat("a Weak whose target n%d was freed still leads "
                          "to a value",
                          slot.target));
      return;
    }
    Store(destination, Ref{}, std::monostate());
    return;
  }
  mem::Pointer<Blob> locked = slot.weak.Lock();
  if (locked.get() != nodes_[slot.target].address) {
    Fail(absl::StrFormat("the Weak to n%d leads to %p, not to it", slot.target,
                         static_cast<const void*>(locked.get())));
    return;
  }
  Store(destination, Ref{.kind = Ref::kNode, .node = slot.target},
        std::move(locked));
}

std::size_t HeapGraph::Collect(mem::CollectionKind kind) {
  if (!ok()) return 0;
  const std::size_t real_freed = kind == mem::CollectionKind::kMinor
                                     ? mutator_->CollectYoung()
                                     : mutator_->CollectGarbage();
  const std::vector<NodeId> freed = ModelCollect();
  if (real_freed != freed.size()) {
    Fail(absl::StrFormat("collection %d freed %d values, the model %d",
                         model_collections_, real_freed, freed.size()));
    return real_freed;
  }
  CheckAfterCollection(freed, nullptr, /*full=*/true);
  return real_freed;
}

void HeapGraph::CheckMarking() {
  if (!ok() || !mutator_->marking()) return;
  if (absl::Status s = mutator_->VerifyHeap(); !s.ok()) {
    Fail(absl::StrFormat("while collection %d marks: %s",
                         mutator_->collections() + 1, s.ToString()));
  }
}

void HeapGraph::CollectStep(std::size_t budget) {
  if (!ok()) return;
  mutator_->CollectStep(budget);
  CatchUp();
}

void HeapGraph::Teardown() {
  if (!ok()) return;
  std::vector<Ledger::Identity> expected;
  for (NodeId id : live_ids_) expected.push_back(nodes_[id].identity);
  std::fill(handles_.begin(), handles_.end(), Handle());
  weaks_.clear();
  heap_.reset();
  mutator_.reset();
  std::vector<Ledger::Identity> destroyed = ledger_.TakeDestroyed();
  std::sort(destroyed.begin(), destroyed.end());
  std::sort(expected.begin(), expected.end());
  if (!ledger_.error().empty()) {
    Fail("at teardown, ledger: " + ledger_.error());
  } else if (destroyed != expected || ledger_.live() != 0) {
    Fail(absl::StrFormat(
        "destroying the Mutator destroyed %d values of the %d the model "
        "holds; %d are still alive",
        destroyed.size(), expected.size(), ledger_.live()));
  }
}

std::string HeapGraph::Describe() const {
  std::string out = "  handles:";
  for (int h = 0; h < static_cast<int>(handles_.size()); ++h) {
    absl::StrAppendFormat(&out, " h%d=%s", h, RefName(model_handles_[h]));
  }
  out += "\n  guardian: registered";
  for (NodeId id : model_registered_) absl::StrAppendFormat(&out, " n%d", id);
  out += ", ready";
  for (NodeId id : model_ready_) absl::StrAppendFormat(&out, " n%d", id);
  out += "\n";
  for (NodeId id = 0; id < static_cast<NodeId>(nodes_.size()); ++id) {
    const Node& node = nodes_[id];
    if (node.freed) continue;
    absl::StrAppendFormat(&out, "  n%d %s", id, ToString(node.kind));
    if (node.kind == Kind::kBlob)
      absl::StrAppendFormat(&out, "#%d", node.blob_id);
    if (node.kind == Kind::kHashtable) {
      absl::StrAppendFormat(&out, " %s",
                            kWeaknessNames[static_cast<int>(node.weakness)]);
    }
    if (node.broken) out += " broken";
    if (node.old) out += " old";
    if (node.survivor) out += " survivor";
    if (!node.bytes.empty() || node.kind == Kind::kString ||
        node.kind == Kind::kSymbol) {
      absl::StrAppendFormat(&out, " \"%s\"", Escaped(node.bytes));
    }
    for (const Ref& edge : node.edges) {
      absl::StrAppendFormat(&out, " %s", RefName(edge));
    }
    if (node.weak >= 0) absl::StrAppendFormat(&out, " weak n%d", node.weak);
    if (node.ephemeron_key >= 0) {
      absl::StrAppendFormat(&out, " ephemeron n%d => %s", node.ephemeron_key,
                            node.ephemeron_value < 0
                                ? std::string("none")
                                : absl::StrFormat("n%d", node.ephemeron_value));
    }
    out += "\n";
  }
  return out;
}

}  // namespace kamo::testing
