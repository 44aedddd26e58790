#include "mem/internal/slot.h"

namespace kamo::mem::internal {

void SlotHeader::FailLock(std::string_view type) const {
  const void* slot = this;
  MEM_CHECK(occupied(), "Pointer<%s>::Lock on vacant slot %p", type, slot);
  Fail(absl::StrFormat("Pointer<%s>::Lock: lock count overflow on slot %p",
                       type, slot));
}

void SlotHeader::FailUnlock(std::string_view type) const {
  const void* slot = this;
  MEM_CHECK(occupied(), "Pointer<%s>::Unlock on vacant slot %p", type, slot);
  Fail(absl::StrFormat("Pointer<%s>::Unlock on unlocked slot %p", type, slot));
}

}  // namespace kamo::mem::internal
