// ByteVector: a mutable array of bytes (R7RS bytevector).
#ifndef KAMO_VALUE_BYTEVECTOR_H_
#define KAMO_VALUE_BYTEVECTOR_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mem/external_memory.h"
#include "mem/trace.h"
#include "value/ledger_hook.h"
#include "value/value.h"

namespace kamo::value {

class ByteVector {
 public:
  static constexpr const char* kTypeName = "ByteVector";
  static constexpr std::uint8_t kTypeTag = kHeapTag<Tag::kByteVector>;

  // Use Heap::NewByteVector. The bytes are counted as the Mutator's
  // external memory; Push may collect when it grows them (see
  // mem/external_memory.h).
  ByteVector(mem::Mutator& mutator, std::span<const std::uint8_t> bytes);
  ~ByteVector() { internal::RecordDestroyed(kTypeName, this); }
  ByteVector(const ByteVector&) = delete;
  ByteVector& operator=(const ByteVector&) = delete;

  std::size_t size() const { return bytes_.size(); }
  std::span<const std::uint8_t> bytes() const { return bytes_; }

  absl::StatusOr<std::uint8_t> Get(std::size_t index) const;
  absl::Status Set(std::size_t index, std::uint8_t byte);
  void Push(std::uint8_t byte);

  void Trace(mem::Tracer&) const {}
  // For heap snapshots (mem/describe.h).
  std::size_t ExternalBytes() const { return external_.bytes(); }

 private:
  mem::ExternalMemory external_;  // the capacity of bytes_
  std::vector<std::uint8_t> bytes_;
};

}  // namespace kamo::value

#endif  // KAMO_VALUE_BYTEVECTOR_H_
