#include "value/view.h"

#include "mem/check.h"
#include "mem/handle.h"
#include "mem/mutator.h"

namespace kamo::value {

void View::NotAPair(const char* accessor, Tag tag) {
  MEM_CHECK(false, "View::%s of a %s, not a pair", accessor, ToString(tag));
}

void View::NoElement(std::size_t index, Tag tag, std::size_t size) {
  MEM_CHECK(false, "View::element(%d) of a %s of %d elements", index,
            ToString(tag), size);
}

#if KAMO_MEM_DEBUG_CHECKS
void View::Watch() {
  if (!word_.is_heap()) return;
  counter_ = &mem::MutatorOf(word_.heap_address()).collection_counter();
  seen_ = *counter_;
}
#endif

}  // namespace kamo::value
