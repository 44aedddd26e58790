// Growing a value's buffer (a std::vector or std::string) with its bytes
// counted by the value's ExternalMemory first: the count may collect or
// throw HeapLimitExceeded, and then the buffer is as it was.
#ifndef KAMO_VALUE_COUNTED_BUFFER_H_
#define KAMO_VALUE_COUNTED_BUFFER_H_

#include <algorithm>
#include <cstddef>
#include <string>

#include "mem/external_memory.h"

namespace kamo::value {

// The heap bytes a buffer holds: its capacity in elements, and nothing for
// a string that fits its inline (small-string) storage.
template <typename Buffer>
std::size_t BufferBytes(const Buffer& buffer) {
  using Element = typename Buffer::value_type;
  if constexpr (std::is_same_v<Buffer, std::string>) {
    if (buffer.capacity() <= std::string().capacity()) return 0;
    return buffer.capacity() + 1;  // and its terminating null
  }
  return buffer.capacity() * sizeof(Element);
}

// Makes room for `size` elements, at least doubling the capacity when it
// grows, so that a run of pushes is amortised O(1).
template <typename Buffer>
void ReserveCounted(mem::ExternalMemory& external, Buffer& buffer,
                    std::size_t size) {
  if (size <= buffer.capacity()) return;
  const std::size_t capacity = std::max(size, 2 * buffer.capacity());
  using Element = typename Buffer::value_type;
  external.Resize(std::max(external.bytes(), capacity * sizeof(Element)));
  try {
    buffer.reserve(capacity);
  } catch (...) {
    external.Resize(BufferBytes(buffer));
    throw;
  }
  external.Resize(BufferBytes(buffer));
}

}  // namespace kamo::value

#endif  // KAMO_VALUE_COUNTED_BUFFER_H_
