#include "mem/external_memory.h"

namespace kamo::mem {

void ExternalMemory::Grow(std::size_t bytes) {
  if (bytes == 0) return;
  mutator_->GainExternal(*arena_, bytes);  // throws with nothing counted
  bytes_ += bytes;
}

void ExternalMemory::Shrink(std::size_t bytes) {
  MEM_CHECK(bytes <= bytes_,
            "ExternalMemory::Shrink(%d) of a value that counts only %d bytes",
            bytes, bytes_);
  if (bytes == 0) return;
  mutator_->LoseExternal(*arena_, bytes);
  bytes_ -= bytes;
}

void ExternalMemory::Resize(std::size_t bytes) {
  if (bytes > bytes_) {
    Grow(bytes - bytes_);
  } else {
    Shrink(bytes_ - bytes);
  }
}

}  // namespace kamo::mem
