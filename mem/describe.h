// What a heap walk (mem/heap_snapshot.h) shows of a managed value beyond
// its type and slot size. A managed type may define either or both of
//
//   std::string SnapshotLabel() const;   its text: a string's contents, a
//                                        symbol's name (shown as the name)
//   std::size_t ExternalBytes() const;   bytes it owns outside its slot
//                                        (what its ExternalMemory counts)
//
// Neither is called by a collection.
#ifndef KAMO_MEM_DESCRIBE_H_
#define KAMO_MEM_DESCRIBE_H_

#include <concepts>
#include <cstddef>
#include <string>

namespace kamo::mem {

// A value as a heap walk reports it.
struct ValueDescription {
  bool has_label = false;
  std::string label;
  std::size_t external_bytes = 0;
};

template <typename T>
ValueDescription Describe(const T& value) {
  ValueDescription description;
  if constexpr (requires {
                  { value.SnapshotLabel() } -> std::convertible_to<std::string>;
                }) {
    description.has_label = true;
    description.label = value.SnapshotLabel();
  }
  if constexpr (requires {
                  { value.ExternalBytes() } -> std::convertible_to<std::size_t>;
                }) {
    description.external_bytes = value.ExternalBytes();
  }
  return description;
}

}  // namespace kamo::mem

#endif  // KAMO_MEM_DESCRIBE_H_
