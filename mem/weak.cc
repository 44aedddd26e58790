#include "mem/weak.h"

#include <utility>

namespace kamo::mem::internal {

WeakRegistry::~WeakRegistry() {
  while (WeakCell* cell = cells_.front()) {
    cells_.Erase(cell);
    cell->target = nullptr;
    cell->registry = nullptr;
  }
}

void WeakRegistry::Add(WeakCell* cell) {
  cell->registry = this;
  cells_.PushFront(cell);
}

void WeakRegistry::Remove(WeakCell* cell) {
  MEM_DCHECK(cell->registry == this, "a cell is removed from its own list");
  cells_.Erase(cell);
  cell->registry = nullptr;
}

void WeakRegistry::ClearUnmarked(
    std::vector<std::function<void()>>& callbacks) {
  for (WeakCell* cell = cells_.front(); cell != nullptr; cell = cell->next) {
    if (cell->target == nullptr) continue;
    const BucketHeader* bucket = BucketHeader::Of(cell->target);
    if (bucket->marked(bucket->IndexOf(cell->target))) continue;
    cell->target = nullptr;
    if (cell->on_clear) callbacks.push_back(std::move(cell->on_clear));
  }
}

}  // namespace kamo::mem::internal
