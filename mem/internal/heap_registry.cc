#include "mem/internal/heap_registry.h"

#if KAMO_MEM_DEBUG_CHECKS

#include <iterator>
#include <map>
#include <mutex>

namespace kamo::mem::internal {
namespace {

struct Range {
  std::uintptr_t end;
  HeapOwner owner;
};

// Leaked on purpose: Mutators with static storage may outlive any
// function-local static's destructor.
std::map<std::uintptr_t, Range>& Ranges() {
  static auto* ranges = new std::map<std::uintptr_t, Range>();
  return *ranges;
}

std::mutex& RangesMutex() {
  static auto* mutex = new std::mutex();
  return *mutex;
}

}  // namespace

void RegisterBucket(std::uintptr_t begin, std::uintptr_t end,
                    const void* mutator, std::string_view type) {
  std::lock_guard<std::mutex> lock(RangesMutex());
  Ranges()[begin] = Range{end, HeapOwner{mutator, type}};
}

void UnregisterBucket(std::uintptr_t begin) {
  std::lock_guard<std::mutex> lock(RangesMutex());
  Ranges().erase(begin);
}

std::optional<HeapOwner> OwnerOf(const void* address) {
  const auto key = reinterpret_cast<std::uintptr_t>(address);
  std::lock_guard<std::mutex> lock(RangesMutex());
  const auto& ranges = Ranges();
  auto it = ranges.upper_bound(key);
  if (it == ranges.begin()) return std::nullopt;
  --it;
  if (key >= it->second.end) return std::nullopt;
  return it->second.owner;
}

void CheckSameHeap(const void* field, const void* target) {
  const std::optional<HeapOwner> holder = OwnerOf(field);
  if (!holder.has_value()) return;  // on the stack, or in a buffer
  const std::optional<HeapOwner> to = OwnerOf(target);
  MEM_CHECK(!to.has_value() || to->mutator == holder->mutator,
            "a %s of one Mutator stores a reference to a %s of another "
            "Mutator: values refer only to values of their own Mutator "
            "(the other heap's collections would free it while in use)",
            holder->type, to->type);
}

void CheckTraced(const void* mutator, const void* holder, const void* target) {
  if (mutator == nullptr) return;  // a Tracer outside any Mutator (tests)
  const std::optional<HeapOwner> to = OwnerOf(target);
  if (!to.has_value() || to->mutator == mutator) return;
  const std::optional<HeapOwner> from = OwnerOf(holder);
  MEM_CHECK(false,
            "a %s of the Mutator being collected holds a reference to a %s "
            "of another Mutator (found while tracing): values refer only to "
            "values of their own Mutator",
            from.has_value() ? from->type : std::string_view("value"),
            to->type);
}

}  // namespace kamo::mem::internal

#endif  // KAMO_MEM_DEBUG_CHECKS
