// The Mutator and the values API as a state machine: random command
// sequences (allocate, link, unlink, weak pairs, ephemerons and weak
// hashtables, take a root, drop a root, collect) run
// on a HeapGraph, which mirrors them in its model and checks the heap after
// every collection, explicit or triggered by pressure. The RapidCheck model
// tracks what each handle holds, so commands are generated where they apply.
#include <array>
#include <ostream>
#include <string>

#include "gtest/gtest.h"
#include "proptest/generators.h"
#include "rapidcheck.h"
#include "rapidcheck/gtest.h"
#include "rapidcheck/state.h"
#include "testing/heap_graph.h"

namespace kamo::proptest {
namespace {

using testing::HeapGraph;

// What a handle holds, as far as the commands know (kAny after a take-out).
enum class Holds {
  kNothing,
  kInt,
  kPair,
  kVector,
  kString,
  kSymbol,
  kBlob,
  kWeakPair,
  kEphemeron,
  kHashtable,
  kAny
};

struct Model {
  std::array<Holds, HeapGraph::kHandles> handles{};
};

using Command = rc::state::Command<Model, HeapGraph>;

int AnyHandle() { return *rc::gen::inRange(0, HeapGraph::kHandles); }

bool Is(const Model& m, int h, Holds holds) {
  return m.handles[h] == holds || m.handles[h] == Holds::kAny;
}

void Require(HeapGraph& graph) {
  graph.CheckMarking();
  if (!graph.ok()) RC_FAIL(graph.failure());
}

struct NewPair : Command {
  int h = AnyHandle(), car = AnyHandle(), cdr = AnyHandle();
  void apply(Model& m) const override { m.handles[h] = Holds::kPair; }
  void run(const Model&, HeapGraph& g) const override {
    g.NewPair(h, car, cdr);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "NewPair h" << h << " = (h" << car << " . h" << cdr << ")";
  }
};

struct NewWeakPair : Command {
  int h = AnyHandle(), car = AnyHandle(), cdr = AnyHandle();
  void apply(Model& m) const override { m.handles[h] = Holds::kWeakPair; }
  void run(const Model&, HeapGraph& g) const override {
    g.NewWeakPair(h, car, cdr);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "NewWeakPair h" << h << " = (h" << car << " . h" << cdr << ")";
  }
};

struct NewEphemeron : Command {
  int h = AnyHandle(), key = AnyHandle(), datum = AnyHandle();
  void apply(Model& m) const override { m.handles[h] = Holds::kEphemeron; }
  void run(const Model&, HeapGraph& g) const override {
    g.NewEphemeron(h, key, datum);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "NewEphemeron h" << h << " = (h" << key << " => h" << datum << ")";
  }
};

struct NewHashtable : Command {
  int h = AnyHandle();
  int weakness = *rc::gen::inRange(0, 4);  // Hashtable::Weakness
  void apply(Model& m) const override { m.handles[h] = Holds::kHashtable; }
  void run(const Model&, HeapGraph& g) const override {
    g.NewHashtable(h, weakness);
    Require(g);
  }
  void show(std::ostream& os) const override {
    static const char* kNames[] = {"strong", "weak keys", "weak values",
                                   "ephemeron"};
    os << "NewHashtable h" << h << " (" << kNames[weakness] << ")";
  }
};

// Set (twice as often), Remove and Get on a Hashtable.
struct HashtableEdit : Command {
  explicit HashtableEdit(const Model& m) {
    RC_PRE(Is(m, table, Holds::kHashtable));
  }
  int table = AnyHandle(), key = AnyHandle(), value = AnyHandle();
  int op = *rc::gen::inRange(0, 4);
  void checkPreconditions(const Model& m) const override {
    RC_PRE(Is(m, table, Holds::kHashtable));
  }
  void apply(Model& m) const override {
    if (op == 3) m.handles[value] = Holds::kAny;
  }
  void run(const Model&, HeapGraph& g) const override {
    if (op < 2) {
      g.HashtableSet(table, key, value);
    } else if (op == 2) {
      g.HashtableRemove(table, key);
    } else {
      g.TakeOut(value, table, static_cast<std::size_t>(key));
    }
    Require(g);
  }
  void show(std::ostream& os) const override {
    if (op < 2) {
      os << "HashtableSet h" << table << "[h" << key << "] = h" << value;
    } else if (op == 2) {
      os << "HashtableRemove h" << table << "[h" << key << "]";
    } else {
      os << "HashtableGet h" << value << " = h" << table << "[h" << key << "]";
    }
  }
};

struct NewVector : Command {
  int h = AnyHandle(), first = AnyHandle(),
      count = *rc::gen::inRange(0, HeapGraph::kHandles + 1);
  void apply(Model& m) const override { m.handles[h] = Holds::kVector; }
  void run(const Model&, HeapGraph& g) const override {
    g.NewVector(h, first, count);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "NewVector h" << h << " = " << count << " handles from h" << first;
  }
};

struct NewString : Command {
  int h = AnyHandle();
  std::string text =
      *rc::gen::container<std::string>(rc::gen::inRange('a', 'z'));
  void apply(Model& m) const override { m.handles[h] = Holds::kString; }
  void run(const Model&, HeapGraph& g) const override {
    g.NewString(h, text);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "NewString h" << h << " = \"" << text << "\"";
  }
};

struct Intern : Command {
  int h = AnyHandle();
  std::string name = *rc::gen::element<std::string>("a", "b", "lambda", "");
  void apply(Model& m) const override { m.handles[h] = Holds::kSymbol; }
  void run(const Model&, HeapGraph& g) const override {
    g.Intern(h, name);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "Intern h" << h << " = |" << name << "|";
  }
};

struct NewBlob : Command {
  int h = AnyHandle();
  void apply(Model& m) const override { m.handles[h] = Holds::kBlob; }
  void run(const Model&, HeapGraph& g) const override {
    g.NewBlob(h);
    Require(g);
  }
  void show(std::ostream& os) const override { os << "NewBlob h" << h; }
};

struct SetInt : Command {
  int h = AnyHandle();
  // Small integers are fixnums; most of the int64 range is boxed.
  std::int64_t value =
      *rc::gen::oneOf(rc::gen::inRange<std::int64_t>(-100, 100),
                      rc::gen::arbitrary<std::int64_t>());
  void apply(Model& m) const override { m.handles[h] = Holds::kInt; }
  void run(const Model&, HeapGraph& g) const override {
    g.SetInt(h, value);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "SetInt h" << h << " = " << value;
  }
};

struct SetCarOrCdr : Command {
  explicit SetCarOrCdr(const Model& m) { checkPreconditions(m); }
  int pair = AnyHandle(), source = AnyHandle();
  bool car = *rc::gen::arbitrary<bool>();
  void checkPreconditions(const Model& m) const override {
    RC_PRE(Is(m, pair, Holds::kPair) || Is(m, pair, Holds::kWeakPair));
  }
  void run(const Model&, HeapGraph& g) const override {
    car ? g.SetCar(pair, source) : g.SetCdr(pair, source);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << (car ? "SetCar h" : "SetCdr h") << pair << " <- h" << source;
  }
};

struct VectorEdit : Command {
  explicit VectorEdit(const Model& m) { RC_PRE(Is(m, vector, Holds::kVector)); }
  int vector = AnyHandle(), source = AnyHandle();
  int op = *rc::gen::inRange(0, 4);
  std::size_t index = *rc::gen::inRange<std::size_t>(0, 16);
  void checkPreconditions(const Model& m) const override {
    RC_PRE(Is(m, vector, Holds::kVector));
  }
  void run(const Model&, HeapGraph& g) const override {
    switch (op) {
      case 0:
        g.VectorPush(vector, source);
        break;
      case 1:
        g.VectorSet(vector, index, source);
        break;
      case 2:
        g.VectorInsert(vector, index, source);
        break;
      default:
        g.VectorRemove(vector, index);
        break;
    }
    Require(g);
  }
  void show(std::ostream& os) const override {
    static const char* kNames[] = {"Push", "Set", "Insert", "Remove"};
    os << "Vector" << kNames[op] << " h" << vector << "[" << index << "] h"
       << source;
  }
};

struct LinkBlobs : Command {
  explicit LinkBlobs(const Model& m) {
    RC_PRE(Is(m, blob, Holds::kBlob) && Is(m, target, Holds::kBlob));
  }
  int blob = AnyHandle(), target = AnyHandle(), value = AnyHandle();
  // 0: unlink, 1: set the weak edge, 2: set the ephemeron (key `target`,
  // value `value`, none if that holds no Blob), 3 and 4: link.
  int mode = *rc::gen::inRange(0, 5);
  void checkPreconditions(const Model& m) const override {
    RC_PRE(Is(m, blob, Holds::kBlob) && Is(m, target, Holds::kBlob));
  }
  void run(const Model&, HeapGraph& g) const override {
    if (mode == 0) {
      g.Unlink(blob, target);
    } else if (mode == 1) {
      g.WeakLink(blob, target);
    } else if (mode == 2) {
      g.EphemeronLink(blob, target, value);
    } else {
      g.Link(blob, target);
    }
    Require(g);
  }
  void show(std::ostream& os) const override {
    if (mode == 0) {
      os << "Unlink h" << blob << " edge " << target;
    } else if (mode == 1) {
      os << "WeakLink h" << blob << " ~> h" << target;
    } else if (mode == 2) {
      os << "EphemeronLink h" << blob << ": h" << target << " => h" << value;
    } else {
      os << "Link h" << blob << " -> h" << target;
    }
  }
};

struct TakeRoot : Command {
  int destination = AnyHandle(), container = AnyHandle();
  std::size_t index = *rc::gen::inRange<std::size_t>(0, 8);
  void apply(Model& m) const override {
    if (m.handles[container] != Holds::kNothing &&
        m.handles[container] != Holds::kInt) {
      m.handles[destination] = Holds::kAny;
    }
  }
  void run(const Model&, HeapGraph& g) const override {
    g.TakeOut(destination, container, index);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "TakeOut h" << destination << " = h" << container << "[" << index
       << "]";
  }
};

struct CopyRoot : Command {
  int destination = AnyHandle(), source = AnyHandle();
  void apply(Model& m) const override {
    m.handles[destination] = m.handles[source];
  }
  void run(const Model&, HeapGraph& g) const override {
    g.Copy(destination, source);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "Copy h" << destination << " = h" << source;
  }
};

struct DropRoot : Command {
  int h = AnyHandle();
  void apply(Model& m) const override { m.handles[h] = Holds::kNothing; }
  void run(const Model&, HeapGraph& g) const override {
    g.Drop(h);
    Require(g);
  }
  void show(std::ostream& os) const override { os << "Drop h" << h; }
};

struct MakeWeak : Command {
  int weak = *rc::gen::inRange(0, HeapGraph::kWeaks), target = AnyHandle();
  void run(const Model&, HeapGraph& g) const override {
    g.MakeWeak(weak, target);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "MakeWeak w" << weak << " -> h" << target;
  }
};

struct WeakLock : Command {
  int destination = AnyHandle(),
      weak = *rc::gen::inRange(0, HeapGraph::kWeaks);
  // A Blob, or nothing once the Weak is cleared.
  void apply(Model& m) const override { m.handles[destination] = Holds::kAny; }
  void run(const Model&, HeapGraph& g) const override {
    g.WeakLock(destination, weak);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "WeakLock h" << destination << " = w" << weak;
  }
};

struct GuardianRegister : Command {
  int handle = AnyHandle();
  void run(const Model&, HeapGraph& g) const override {
    g.GuardianRegister(handle);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "GuardianRegister h" << handle;
  }
};

struct GuardianTake : Command {
  int destination = AnyHandle();
  // A Blob handed over, or nothing.
  void apply(Model& m) const override { m.handles[destination] = Holds::kAny; }
  void run(const Model&, HeapGraph& g) const override {
    g.GuardianTake(destination);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "GuardianTake h" << destination;
  }
};

struct Collect : Command {
  // CollectGarbage, or CollectYoung (a minor collection in a generational
  // heap).
  bool young = *rc::gen::arbitrary<bool>();
  void run(const Model&, HeapGraph& g) const override {
    g.Collect(young ? mem::CollectionKind::kMinor
                    : mem::CollectionKind::kMajor);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << (young ? "CollectYoung" : "Collect");
  }
};

struct CollectStep : Command {
  // A pause of an incremental collection (CollectYoung in another heap).
  std::size_t budget = *rc::gen::inRange<std::size_t>(1, 4);
  void run(const Model&, HeapGraph& g) const override {
    g.CollectStep(budget);
    Require(g);
  }
  void show(std::ostream& os) const override { os << "CollectStep " << budget; }
};

struct AllocateGarbage : Command {
  int count = *rc::gen::inRange(0, 1100);
  void run(const Model&, HeapGraph& g) const override {
    g.AllocateGarbage(count);
    Require(g);
  }
  void show(std::ostream& os) const override {
    os << "AllocateGarbage " << count;
  }
};

RC_GTEST_PROP(MutatorStateMachine, HeapMatchesTheModelAfterEveryCollection,
              ()) {
  // Any options, heap limits included: a refused allocation changes
  // nothing, which the model checks like any other step.
  const mem::MutatorOptions options = *MutatorOptionsGen(true);
  HeapGraph graph({.mutator = options});
  rc::state::check(
      Model(), graph,
      rc::state::gen::execOneOfWithArgs<
          NewPair, NewVector, NewString, Intern, NewBlob, SetInt, SetCarOrCdr,
          VectorEdit, LinkBlobs, TakeRoot, CopyRoot, DropRoot, Collect,
          CollectStep, AllocateGarbage, MakeWeak, WeakLock, GuardianRegister,
          GuardianTake, NewWeakPair, NewEphemeron, NewHashtable,
          HashtableEdit>());
  graph.Collect();
  Require(graph);
  graph.Teardown();
  Require(graph);
  RC_CLASSIFY(graph.collections() > 1, "several collections");
  RC_CLASSIFY(graph.refusals() > 0, "the heap limit refused an allocation");
}

}  // namespace
}  // namespace kamo::proptest
