#include "mem/guardian.h"

namespace kamo::mem::internal {

GuardianRegistry::~GuardianRegistry() {
  while (GuardianCell* cell = cells_.front()) {
    cells_.Erase(cell);
    cell->registered.clear();
    cell->ready.clear();
    cell->registry = nullptr;
  }
}

void GuardianRegistry::Add(GuardianCell* cell) {
  cell->registry = this;
  cells_.PushFront(cell);
}

void GuardianRegistry::Remove(GuardianCell* cell) {
  MEM_DCHECK(cell->registry == this, "a cell is removed from its own list");
  cells_.Erase(cell);
  cell->registry = nullptr;
}

void GuardianRegistry::MarkReady(Tracer& tracer) const {
  for (const GuardianCell* cell = cells_.front(); cell != nullptr;
       cell = cell->next) {
    for (const Root& root : cell->ready) tracer.Visit(root);
  }
}

std::size_t GuardianRegistry::HandOverUnreached(Tracer& tracer) {
  handed_over_.clear();
  for (GuardianCell* cell = cells_.front(); cell != nullptr;
       cell = cell->next) {
    std::erase_if(cell->registered, [&](const Root& root) {
      const BucketHeader* bucket = BucketHeader::Of(root.address());
      if (bucket->marked(bucket->IndexOf(root.address()))) return false;
      cell->ready.push_back(root);
      handed_over_.push_back(root);
      return true;
    });
  }
  for (const Root& root : handed_over_) tracer.Visit(root);
  return handed_over_.size();
}

}  // namespace kamo::mem::internal
