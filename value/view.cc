#include "value/view.h"

#include "mem/handle.h"
#include "mem/mutator.h"

namespace kamo::value {

#if KAMO_MEM_DEBUG_CHECKS
void View::Watch() {
  if (!value_.is_heap() || value_.is_cleared()) return;
  counter_ = &mem::MutatorOf(value_.heap_address()).collection_counter();
  seen_ = *counter_;
}
#endif

}  // namespace kamo::value
