#include "value/view.h"

#include "mem/handle.h"
#include "mem/mutator.h"

namespace kamo::value {

#if KAMO_MEM_DEBUG_CHECKS
void View::Watch() {
  if (!word_.is_heap()) return;
  counter_ = &mem::MutatorOf(word_.heap_address()).collection_counter();
  seen_ = *counter_;
}
#endif

}  // namespace kamo::value
