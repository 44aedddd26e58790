#include "mem/weak.h"

#include <utility>

namespace kamo::mem::internal {

WeakRegistry::~WeakRegistry() {
  for (WeakCell* cell = head_; cell != nullptr;) {
    WeakCell* next = cell->next;
    cell->target = nullptr;
    cell->registry = nullptr;
    cell->prev = cell->next = nullptr;
    cell = next;
  }
}

void WeakRegistry::Add(WeakCell* cell) {
  cell->registry = this;
  cell->prev = nullptr;
  cell->next = head_;
  if (head_ != nullptr) head_->prev = cell;
  head_ = cell;
  ++size_;
}

void WeakRegistry::Remove(WeakCell* cell) {
  MEM_DCHECK(cell->registry == this, "a cell is removed from its own list");
  if (cell->prev != nullptr) cell->prev->next = cell->next;
  if (cell->next != nullptr) cell->next->prev = cell->prev;
  if (head_ == cell) head_ = cell->next;
  cell->registry = nullptr;
  cell->prev = cell->next = nullptr;
  --size_;
}

void WeakRegistry::ClearUnmarked(
    std::vector<std::function<void()>>& callbacks) {
  for (WeakCell* cell = head_; cell != nullptr; cell = cell->next) {
    if (cell->target == nullptr) continue;
    const BucketHeader* bucket = BucketHeader::Of(cell->target);
    if (bucket->marked(bucket->IndexOf(cell->target))) continue;
    cell->target = nullptr;
    if (cell->on_clear) callbacks.push_back(std::move(cell->on_clear));
  }
}

}  // namespace kamo::mem::internal
