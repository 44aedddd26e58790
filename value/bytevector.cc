#include "value/bytevector.h"

#include "absl/strings/str_format.h"
#include "value/counted_buffer.h"

namespace kamo::value {
namespace {

absl::Status OutOfRange(const char* operation, std::size_t index,
                        std::size_t size) {
  return absl::OutOfRangeError(absl::StrFormat(
      "ByteVector::%s: index %d out of range for a bytevector of %d", operation,
      index, size));
}

}  // namespace

ByteVector::ByteVector(mem::Mutator& mutator,
                       std::span<const std::uint8_t> bytes)
    : external_(mutator, this) {
  ReserveCounted(external_, bytes_, bytes.size());
  bytes_.assign(bytes.begin(), bytes.end());
  internal::RecordConstructed(kTypeName, this);
}

void ByteVector::Push(std::uint8_t byte) {
  ReserveCounted(external_, bytes_, bytes_.size() + 1);
  bytes_.push_back(byte);
}

absl::StatusOr<std::uint8_t> ByteVector::Get(std::size_t index) const {
  if (index >= bytes_.size()) return OutOfRange("Get", index, bytes_.size());
  return bytes_[index];
}

absl::Status ByteVector::Set(std::size_t index, std::uint8_t byte) {
  if (index >= bytes_.size()) return OutOfRange("Set", index, bytes_.size());
  bytes_[index] = byte;
  return absl::OkStatus();
}

}  // namespace kamo::value
