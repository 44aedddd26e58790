// RapidCheck generators for heap graphs.
#ifndef KAMO_PROPTEST_GENERATORS_H_
#define KAMO_PROPTEST_GENERATORS_H_

#include <cstdint>

#include "mem/mutator.h"
#include "proptest/graph_spec.h"
#include "rapidcheck.h"

namespace kamo::proptest {

// The Mutator's options: every pacing, stress mode often (every
// allocation, or every few), bucket capacities from 1 to 1024 (small ones
// often), every collection mode, and with `heap_limit` a limit small
// enough to be reached.
inline rc::Gen<mem::MutatorOptions> MutatorOptionsGen(bool heap_limit) {
  return rc::gen::apply(
      [heap_limit](mem::Pacing pacing, double growth, std::uint32_t stress,
                   std::uint32_t capacity, std::size_t limit,
                   mem::CollectionMode mode) {
        mem::MutatorOptions options{.bucket_capacity = capacity,
                                    .pacing = pacing,
                                    .heap_growth = growth,
                                    .stress_interval = stress,
                                    .mode = mode};
        if (heap_limit) options.heap_limit_bytes = limit;
        return options;
      },
      rc::gen::element(mem::Pacing::kLiveHeap, mem::Pacing::kSeed,
                       mem::Pacing::kManual),
      rc::gen::element(0.25, 1.0, 4.0),
      rc::gen::element<std::uint32_t>(0, 0, 1, 2, 7),
      rc::gen::oneOf(rc::gen::inRange<std::uint32_t>(1, 9),
                     rc::gen::inRange<std::uint32_t>(1, 1025)),
      rc::gen::inRange<std::size_t>(16 << 10, 512 << 10),
      rc::gen::element(mem::CollectionMode::kGenerational,
                       mem::CollectionMode::kFull,
                       mem::CollectionMode::kIncremental,
                       mem::CollectionMode::kGenerationalIncremental));
}

}  // namespace kamo::proptest

namespace rc {

template <>
struct Arbitrary<kamo::proptest::NodeSpec> {
  static Gen<kamo::proptest::NodeSpec> arbitrary() {
    using kamo::proptest::NodeKind;
    return gen::build<kamo::proptest::NodeSpec>(
        gen::set(
            &kamo::proptest::NodeSpec::kind,
            gen::element(NodeKind::kPair, NodeKind::kPair, NodeKind::kVector,
                         NodeKind::kString, NodeKind::kSymbol,
                         NodeKind::kByteVector, NodeKind::kBlob,
                         NodeKind::kBlob, NodeKind::kWeakPair)),
        gen::set(&kamo::proptest::NodeSpec::label, gen::inRange(0, 40)),
        // Mostly node references (self-loops, cycles and shared structure
        // come from a small label range), some immediates.
        gen::set(&kamo::proptest::NodeSpec::edges,
                 gen::container<std::vector<int>>(gen::inRange(-3, 40))),
        gen::set(&kamo::proptest::NodeSpec::text,
                 gen::container<std::string>(gen::inRange('a', 'z'))));
  }
};

template <>
struct Arbitrary<kamo::proptest::GraphSpec> {
  static Gen<kamo::proptest::GraphSpec> arbitrary() {
    return gen::build<kamo::proptest::GraphSpec>(
        gen::set(&kamo::proptest::GraphSpec::nodes,
                 gen::nonEmpty(
                     gen::arbitrary<std::vector<kamo::proptest::NodeSpec>>())),
        gen::set(&kamo::proptest::GraphSpec::roots,
                 gen::container<std::vector<int>>(gen::inRange(0, 40))));
  }
};

}  // namespace rc

#endif  // KAMO_PROPTEST_GENERATORS_H_
