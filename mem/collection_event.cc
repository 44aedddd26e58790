#include "mem/collection_event.h"

namespace kamo::mem {

std::string_view ToString(CollectionReason reason) {
  switch (reason) {
    case CollectionReason::kExplicit:
      return "explicit";
    case CollectionReason::kPressure:
      return "pressure";
    case CollectionReason::kHeapLimit:
      return "heap-limit";
    case CollectionReason::kStress:
      return "stress";
  }
  return "unknown";
}

}  // namespace kamo::mem
