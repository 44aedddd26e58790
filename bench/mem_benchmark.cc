// Per-object costs of the collector's hot paths. Each benchmark reports
// ns per object through items_per_second (Google Benchmark prints it as a
// rate; ns/object = 1e9 / rate) and, for collections, a "ns_per_object"
// counter, which must stay flat as N grows: mark and sweep are O(1) per
// object.
//
//   ./bazelw run //bench:mem_benchmark
//   ./bazelw run //bench:mem_benchmark -- --benchmark_filter=Collect
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <ostream>
#include <streambuf>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "mem/ephemeron.h"
#include "mem/heap_snapshot.h"
#include "mem/member.h"
#include "mem/mutator.h"
#include "mem/weak_member.h"
#include "value/heap.h"

namespace kamo::bench {
namespace {

using mem::Member;
using mem::Mutator;
using mem::Pointer;
using value::Value;

struct Node {
  void Trace(mem::Tracer& tracer) const {
    mem::TraceFields(tracer, left, right);
  }
  Member<Node> left;
  Member<Node> right;
};

// The "ns_per_object" counter: the benchmark's time over `objects`.
void SetNsPerObject(benchmark::State& state, double objects) {
  state.counters["ns_per_object"] = benchmark::Counter(
      objects, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Runs `collect` and makes its time alone the iteration's time (the
// benchmark is registered with UseManualTime), for benchmarks that set up
// each collection's garbage first. PauseTiming and ResumeTiming would read
// the process's CPU clock, a system call: together 0.55 us a pair on the
// 2-core machine, more than a collection of 1,000 dead values costs.
template <typename Collect>
std::size_t TimeCollection(benchmark::State& state, Collect collect) {
  const auto start = std::chrono::steady_clock::now();
  const std::size_t result = collect();
  state.SetIterationTime(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
  return result;
}

// ---- Allocation --------------------------------------------------------

template <typename Make>
void AllocateAndDrop(benchmark::State& state, Make make) {
  Mutator mutator;
  value::Heap heap(mutator);
  for (auto _ : state) benchmark::DoNotOptimize(make(mutator, heap));
  state.SetItemsProcessed(state.iterations());
}

void BM_AllocateNode(benchmark::State& state) {
  AllocateAndDrop(state,
                  [](Mutator& m, value::Heap&) { return m.Allocate<Node>(); });
}
BENCHMARK(BM_AllocateNode);

void BM_AllocatePair(benchmark::State& state) {
  AllocateAndDrop(state, [](Mutator&, value::Heap& h) {
    return h.NewPair(Value::Int(1), Value());
  });
}
BENCHMARK(BM_AllocatePair);

void BM_AllocateVector(benchmark::State& state) {
  AllocateAndDrop(state,
                  [](Mutator&, value::Heap& h) { return h.NewVector(); });
}
BENCHMARK(BM_AllocateVector);

void BM_AllocateString(benchmark::State& state) {
  AllocateAndDrop(
      state, [](Mutator&, value::Heap& h) { return *h.NewString("hello"); });
}
BENCHMARK(BM_AllocateString);

void BM_AllocateByteVector(benchmark::State& state) {
  const std::uint8_t bytes[] = {1, 2, 3, 4};
  AllocateAndDrop(state, [&bytes](Mutator&, value::Heap& h) {
    return h.NewByteVector(bytes);
  });
}
BENCHMARK(BM_AllocateByteVector);

// Rings of 8 nodes, 1000 of them, held by one root and then dropped and
// collected, with B slots per bucket. The cost per allocation must not grow
// as buckets shrink: nothing per allocation or per collection may be
// O(buckets).
struct Holder {
  void Trace(mem::Tracer& tracer) const { tracer.VisitAll(rings); }
  std::vector<Member<Node>> rings;
};

void BM_AllocateRingsByBucketCapacity(benchmark::State& state) {
  constexpr int kRings = 1000;
  constexpr int kRingSize = 8;
  const auto capacity = static_cast<std::uint32_t>(state.range(0));
  for (auto _ : state) {
    Mutator mutator(mem::MutatorOptions{.bucket_capacity = capacity});
    {
      Pointer<Holder> holder = mutator.Allocate<Holder>();
      for (int r = 0; r < kRings; ++r) {
        Pointer<Node> first = mutator.Allocate<Node>();
        Pointer<Node> last = first;
        for (int i = 1; i < kRingSize; ++i) {
          Pointer<Node> next = mutator.Allocate<Node>();
          last->left = next;
          last = std::move(next);
        }
        last->left = first;
        holder->rings.push_back(first);
      }
    }
    benchmark::DoNotOptimize(mutator.CollectGarbage());
  }
  state.SetItemsProcessed(state.iterations() * kRings * (kRingSize + 1));
}
BENCHMARK(BM_AllocateRingsByBucketCapacity)
    ->RangeMultiplier(4)
    ->Range(1, 1024)
    ->Unit(benchmark::kMicrosecond);

// ---- Lock and unlock ---------------------------------------------------

void BM_PointerCopyDestroy(benchmark::State& state) {
  Mutator mutator;
  Pointer<Node> node = mutator.Allocate<Node>();
  for (auto _ : state) {
    Pointer<Node> copy = node;  // lock
    benchmark::DoNotOptimize(copy);
  }  // unlock
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PointerCopyDestroy);

// ---- Collection --------------------------------------------------------

// A collection of N live objects (a binary tree held by one root) or of N
// dead ones (the same tree, dropped). Setup is outside the timing.
// A binary tree of N Nodes, made breadth-first; a Pointer to each, the
// root first.
std::vector<Pointer<Node>> MakeTree(Mutator& mutator, std::size_t n) {
  std::vector<Pointer<Node>> nodes = {mutator.Allocate<Node>()};
  for (std::size_t i = 0; nodes.size() < n; ++i) {
    Node* parent = nodes[i].get();
    parent->left = mutator.Allocate<Node>();
    nodes.push_back(parent->left.Lock());
    if (nodes.size() < n) {
      parent->right = mutator.Allocate<Node>();
      nodes.push_back(parent->right.Lock());
    }
  }
  return nodes;
}

void BM_CollectLive(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Mutator mutator;
  std::vector<Pointer<Node>> level = MakeTree(mutator, n);
  Pointer<Node> root = level[0];
  level.clear();
  for (auto _ : state) benchmark::DoNotOptimize(mutator.CollectGarbage());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  SetNsPerObject(state, static_cast<double>(state.iterations() * n));
}
BENCHMARK(BM_CollectLive)
    ->RangeMultiplier(10)
    ->Range(1000, 10'000'000)
    ->Unit(benchmark::kMillisecond);

// A minor collection over N old values (a tree, as BM_CollectLive's): each
// iteration allocates 1,000 young Nodes, hangs 100 of them on old Nodes
// (the write barrier remembers those holders) and drops the rest, then
// collects young. The work is the same at every N: the time must not grow
// with the old heap.
void BM_MinorCollection(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Mutator mutator(
      mem::MutatorOptions{.pacing = mem::Pacing::kManual,
                          .stress_interval = 0,
                          .mode = mem::CollectionMode::kGenerational});
  std::vector<Pointer<Node>> level = MakeTree(mutator, n);
  std::vector<Node*> leaves;  // old Nodes to hang young ones on
  for (std::size_t i = level.size() - 100; i < level.size(); ++i) {
    leaves.push_back(level[i].get());
  }
  Pointer<Node> root = level[0];
  level.clear();
  mutator.CollectGarbage();  // every value old
  std::size_t majors_timed = 0;
  for (auto _ : state) {
    // The young values hung in earlier iterations are old garbage now (2.4
    // KiB an iteration): once they reach kMinPressure (64 KiB) a major
    // collection is due, which would turn the timed CollectYoung into a
    // major. It runs here, untimed, and keeps the heap near N.
    if (mutator.stats().major_due) mutator.CollectGarbage();
    for (int i = 0; i < 1000; ++i) {
      Pointer<Node> young = mutator.Allocate<Node>();
      if (i % 10 == 0) leaves[i / 10]->right = young;
    }
    const std::size_t minors = mutator.stats().minor_collections;
    TimeCollection(state, [&] { return mutator.CollectYoung(); });
    if (mutator.stats().minor_collections == minors) ++majors_timed;
  }
  if (majors_timed != 0) state.SkipWithError("a timed collection was major");
  state.counters["old"] = static_cast<double>(n);
}
// A fixed count: the untimed majors would otherwise dominate the run.
BENCHMARK(BM_MinorCollection)
    ->RangeMultiplier(10)
    ->Range(1000, 10'000'000)
    ->Iterations(1000)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

void BM_CollectDead(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Mutator mutator;
  std::size_t freed = 0;
  for (auto _ : state) {
    {
      Pointer<Node> chain = mutator.Allocate<Node>();
      for (std::size_t i = 1; i < n; ++i) {
        Pointer<Node> next = mutator.Allocate<Node>();
        next->left = chain;
        chain = std::move(next);
      }
    }
    freed += TimeCollection(state, [&] { return mutator.CollectGarbage(); });
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(freed));
  SetNsPerObject(state, static_cast<double>(freed));
}
BENCHMARK(BM_CollectDead)
    ->RangeMultiplier(10)
    ->Range(1000, 10'000'000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// A chain of N live holders, each with a WeakMember to a Node that died
// since the last collection: the collection marks the holders, records the
// N weak fields, clears them all and sweeps the N Nodes. ns_per_object is
// per holder and must stay flat.
struct WeakHolder {
  void Trace(mem::Tracer& tracer) const {
    mem::TraceFields(tracer, next, weak);
  }
  Member<WeakHolder> next;
  mem::WeakMember<Node> weak;
};

void BM_CollectClearingWeakMembers(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Mutator mutator;
  Pointer<WeakHolder> head = mutator.Allocate<WeakHolder>();
  for (std::size_t i = 1; i < n; ++i) {
    Pointer<WeakHolder> holder = mutator.Allocate<WeakHolder>();
    holder->next = head;
    head = std::move(holder);
  }
  std::size_t cleared = 0;
  for (auto _ : state) {
    for (WeakHolder* h = head.get(); h != nullptr; h = h->next.get()) {
      h->weak = mutator.Allocate<Node>();  // dropped at once
    }
    TimeCollection(state, [&] { return mutator.CollectGarbage(); });
    cleared += n;
  }
  if (head->weak) state.SkipWithError("a dead target's WeakMember survived");
  SetNsPerObject(state, static_cast<double>(cleared));
}
BENCHMARK(BM_CollectClearingWeakMembers)
    ->RangeMultiplier(10)
    ->Range(1000, 1'000'000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// A chain of N ephemerons, key i to value i + 1, listed last link first,
// with only the first key held: each key is marked after its ephemeron was
// traced, the order in which a fixpoint that rescans the waiting
// ephemerons takes one pass per link (quadratic). ns_per_object is per link
// and must stay flat.
struct EphemeronChain {
  void Trace(mem::Tracer& tracer) const { tracer.VisitAll(links); }
  std::vector<mem::Ephemeron<Node, Node>> links;
};

void BM_CollectEphemeronChain(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Mutator mutator;
  Pointer<EphemeronChain> chain = mutator.Allocate<EphemeronChain>();
  std::vector<Pointer<Node>> keys;
  for (std::size_t i = 0; i <= n; ++i) keys.push_back(mutator.Allocate<Node>());
  for (std::size_t i = n; i-- > 0;) {
    chain->links.emplace_back(keys[i], keys[i + 1]);
  }
  keys.resize(1);  // only the first key stays locked
  for (auto _ : state) benchmark::DoNotOptimize(mutator.CollectGarbage());
  if (!chain->links.front()) state.SkipWithError("the chain was broken");
  SetNsPerObject(state, static_cast<double>(state.iterations() * n));
}
BENCHMARK(BM_CollectEphemeronChain)
    ->RangeMultiplier(10)
    ->Range(1000, 1'000'000)
    ->Unit(benchmark::kMillisecond);

// A weak-key table of N entries whose keys are Pairs, half of them held:
// each iteration drops the other half's keys, collects, and reads the size,
// which removes the N / 2 dead entries in one pass over the array.
// ns_per_object is per entry and must stay flat; bytes_per_entry is the
// array's external memory over the entries before the collection (the
// same for every kind of table: a weak table costs no more than a strong
// one).
void BM_WeakTableCollectHalf(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Mutator mutator;
  value::Heap heap(mutator);
  Pointer<value::Hashtable> table =
      heap.NewHashtable(value::Hashtable::Weakness::kWeakKeys);
  std::vector<Pointer<value::Pair>> held;
  for (std::size_t i = 0; i < n / 2; ++i) {
    held.push_back(heap.NewPair(Value(), Value()));
    table->Set(held.back(), Value::Int(static_cast<std::int64_t>(i)));
  }
  double bytes_per_entry = 0;
  for (auto _ : state) {
    for (std::size_t i = n / 2; i < n; ++i) {
      table->Set(heap.NewPair(Value(), Value()),
                 Value::Int(static_cast<std::int64_t>(i)));
    }
    bytes_per_entry = static_cast<double>(mutator.external_bytes()) /
                      static_cast<double>(table->size());
    TimeCollection(state, [&] {
      mutator.CollectGarbage();
      return table->size();
    });
  }
  if (table->size() != n / 2) state.SkipWithError("dead entries were kept");
  SetNsPerObject(state, static_cast<double>(state.iterations() * n));
  state.counters["bytes_per_entry"] = bytes_per_entry;
}
BENCHMARK(BM_WeakTableCollectHalf)
    ->RangeMultiplier(10)
    ->Range(1000, 1'000'000)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// ---- Coercion ----------------------------------------------------------

// PointerFromRaw over B * 1024 Nodes (B / 4 buckets of 64 KiB, whose
// capacity is about 4,000 16-byte slots): O(1). The probes cycle through B
// values, one in each 1024, so the lookup is measured more than cache
// misses on a large heap.
void BM_PointerFromRaw(benchmark::State& state) {
  const auto buckets = static_cast<std::size_t>(state.range(0));
  Mutator mutator;
  std::vector<Pointer<Node>> nodes;
  for (std::size_t i = 0; i < buckets * 1024; ++i) {
    nodes.push_back(mutator.Allocate<Node>());
  }
  std::vector<const void*> probes;
  for (std::size_t b = 0; b < buckets; ++b) {
    probes.push_back(nodes[b * 1024 + b % 1024].get());
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(mutator.PointerFromRaw<Node>(probes[i]));
    i = i + 1 == probes.size() ? 0 : i + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PointerFromRaw)->RangeMultiplier(8)->Range(1, 4096);

// ---- Symbols and vectors -----------------------------------------------

void BM_InternExisting(benchmark::State& state) {
  Mutator mutator;
  value::Heap heap(mutator);
  std::vector<std::string> names;
  std::vector<Pointer<value::Symbol>> held;
  for (int i = 0; i < 1000; ++i) {
    names.push_back("symbol-" + std::to_string(i));
    held.push_back(heap.Intern(names.back()));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(heap.Intern(names[i]));
    i = (i + 1) % names.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InternExisting);

void BM_InternNewAndCollect(benchmark::State& state) {
  Mutator mutator;
  value::Heap heap(mutator);
  std::uint64_t n = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(heap.Intern("gensym-" + std::to_string(n++)));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_InternNewAndCollect);

// ---- Reads -------------------------------------------------------------

// Sums a list of N integers, by borrowed reads (View: no lock taken; and
// the Pairs' own fields, car_ref() and cdr_ref(), the floor a View should
// cost nothing over) and by the locked copies car() and cdr() return.
template <typename Walk>
void WalkList(benchmark::State& state, Walk walk) {
  Mutator mutator;
  value::Heap heap(mutator);
  const auto n = static_cast<std::int64_t>(state.range(0));
  Value list;
  for (std::int64_t i = 0; i < n; ++i) list = heap.NewPair(Value::Int(i), list);
  for (auto _ : state) {
    const std::int64_t sum = walk(list);
    if (sum != n * (n - 1) / 2) state.SkipWithError("wrong sum");
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_WalkListBorrowed(benchmark::State& state) {
  WalkList(state, [](const Value& list) {
    std::int64_t sum = 0;
    for (value::View v(list); v->IsPair(); v = v.cdr()) {
      sum += *v.car()->AsInt();
    }
    return sum;
  });
}
BENCHMARK(BM_WalkListBorrowed)->Arg(1'000)->Arg(1'000'000);

void BM_WalkListRefs(benchmark::State& state) {
  WalkList(state, [](const Value& list) {
    std::int64_t sum = 0;
    for (const value::Pair* p = list.PairOrNull(); p != nullptr;
         p = p->cdr_ref().PairOrNull()) {
      sum += *p->car_ref().AsInt();
    }
    return sum;
  });
}
BENCHMARK(BM_WalkListRefs)->Arg(1'000)->Arg(1'000'000);

void BM_WalkListLocked(benchmark::State& state) {
  WalkList(state, [](const Value& list) {
    std::int64_t sum = 0;
    for (Value v = list; v.IsPair();) {
      Pointer<value::Pair> pair = *v.AsPair();
      sum += *pair->car().AsInt();
      v = pair->cdr();
    }
    return sum;
  });
}
BENCHMARK(BM_WalkListLocked)->Arg(1'000)->Arg(1'000'000);

void BM_VectorPushPop(benchmark::State& state) {
  Mutator mutator;
  value::Heap heap(mutator);
  Pointer<value::Vector> vector = heap.NewVector();
  Value element = heap.NewPair(Value(), Value());
  for (auto _ : state) {
    vector->Push(element);
    benchmark::DoNotOptimize(vector->Pop());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_VectorPushPop);

// ---- Heap snapshots -------------------------------------------------------

// Counts what is written and keeps none of it.
class CountingBuffer : public std::streambuf {
 public:
  std::size_t bytes() const { return bytes_; }

 protected:
  int_type overflow(int_type c) override {
    ++bytes_;
    return c;
  }
  std::streamsize xsputn(const char*, std::streamsize n) override {
    bytes_ += static_cast<std::size_t>(n);
    return n;
  }

 private:
  std::size_t bytes_ = 0;
};

double ResidentMegabytes() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

double PeakResidentMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024;  // kilobytes
}

// A list of N Pairs, every tenth car a String: a snapshot of 1.1 N values
// (the goal: 1e6 values in at most 2 s). ns_per_object is per value;
// snapshot_bytes_per_value the JSON written.
void BM_WriteHeapSnapshot(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  Mutator mutator;
  value::Heap heap(mutator);
  Value list;
  for (std::size_t i = 0; i < n; ++i) {
    Value car = Value::Int(static_cast<std::int64_t>(i));
    if (i % 10 == 0) car = *heap.NewString(absl::StrCat("s", i));
    list = heap.NewPair(car, list);
  }
  const std::size_t values = mutator.stats().live;
  const double rss_before = ResidentMegabytes();
  std::size_t bytes = 0;
  for (auto _ : state) {
    CountingBuffer buffer;
    std::ostream out(&buffer);
    if (!mem::WriteHeapSnapshot(mutator, out).ok()) {
      state.SkipWithError("WriteHeapSnapshot failed");
    }
    bytes = buffer.bytes();
  }
  SetNsPerObject(state, static_cast<double>(state.iterations() * values));
  state.counters["snapshot_bytes_per_value"] =
      static_cast<double>(bytes) / static_cast<double>(values);
  // The process before the first snapshot (the heap, mostly), and how far
  // its peak rose while snapshots were written (the writer's own memory).
  state.counters["rss_before_mb"] = rss_before;
  state.counters["peak_rise_mb"] = PeakResidentMegabytes() - rss_before;
}
BENCHMARK(BM_WriteHeapSnapshot)
    ->RangeMultiplier(10)
    ->Range(1000, 1'000'000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace kamo::bench

BENCHMARK_MAIN();
