// RapidCheck generators for heap graphs.
#ifndef KAMO_PROPTEST_GENERATORS_H_
#define KAMO_PROPTEST_GENERATORS_H_

#include "proptest/graph_spec.h"
#include "rapidcheck.h"

namespace rc {

template <>
struct Arbitrary<kamo::proptest::NodeSpec> {
  static Gen<kamo::proptest::NodeSpec> arbitrary() {
    using kamo::proptest::NodeKind;
    return gen::build<kamo::proptest::NodeSpec>(
        gen::set(&kamo::proptest::NodeSpec::kind,
                 gen::element(NodeKind::kPair, NodeKind::kPair,
                              NodeKind::kVector, NodeKind::kString,
                              NodeKind::kSymbol, NodeKind::kByteVector,
                              NodeKind::kBlob, NodeKind::kBlob)),
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
